#!/usr/bin/env bash
# Removes the two deliberate faults from a COPY of this example, so that `gradle build` succeeds there.
# Usage: fix-faults.sh DIR     (DIR = a copy of examples/gradle-multi; never run it on the original)
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR   (DIR: a copy of examples/gradle-multi)" >&2
    exit 2
fi
summary="$1/report/src/main/java/com/example/report/Summary.java"
test="$1/app/src/test/java/com/example/app/ArticleTest.java"
# Fault 1 (report): the undefined variable 'item' -> 'items'.
sed -i 's|String.join(", ", item); // FAULT:.*$|String.join(", ", items);|' "$summary"
# Fault 2 (app): the expected path keeps a '?' that the slug drops.
sed -i 's|"/articles/why-offline?", new Article("Why offline?").path()); // FAULT:.*$|"/articles/why-offline", new Article("Why offline?").path());|' "$test"
if grep -q 'FAULT:' "$summary" "$test"; then
    echo "fix-faults: a fault line was not recognised (sources changed?)" >&2
    exit 1
fi
echo "fix-faults: removed 2 faults in $1"
