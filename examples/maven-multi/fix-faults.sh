#!/usr/bin/env bash
# Removes the two deliberate faults from a COPY of this example, so that `mvn verify` succeeds there.
# Usage: fix-faults.sh DIR     (DIR = a copy of examples/maven-multi; never run it on the original)
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR   (DIR: a copy of examples/maven-multi)" >&2
    exit 2
fi
dir=$1
service_src="$dir/service/src/main/java/com/example/service/OrderService.java"
web_test="$dir/web/src/test/java/com/example/web/GreetingControllerTest.java"

for f in "$service_src" "$web_test"; do
    [ -f "$f" ] || { echo "fix-faults: missing $f" >&2; exit 1; }
done

# Fault 1 (service): call to the undefined method calculateTotl -> calculateTotal.
sed -i 's|calculateTotl(lineAmounts); // FAULT:.*$|calculateTotal(lineAmounts);|' "$service_src"

# Fault 2 (web): wrong expected value in greetsGuestWhenNameMissing.
sed -i 's|assertEquals("Hello, World!", controller.greet(null)); // FAULT:.*$|assertEquals("Hello, guest!", controller.greet(null));|' "$web_test"

if grep -q 'FAULT:' "$service_src" "$web_test"; then
    echo "fix-faults: a fault line was not recognised (sources changed?)" >&2
    exit 1
fi
echo "fix-faults: removed 2 faults in $dir"
