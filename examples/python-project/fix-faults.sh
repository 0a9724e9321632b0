#!/usr/bin/env bash
# Removes the three deliberate faults from a COPY of this example, so that `./pw verify` succeeds there.
# Usage: fix-faults.sh DIR     (DIR = a copy of examples/python-project; never run it on the original)
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR   (DIR: a copy of examples/python-project)" >&2
    exit 2
fi
report="$1/src/inventory/report.py"
test="$1/tests/test_report.py"
# Fault 1 (mypy): low_items returns the list it is given -> its length.
sed -i 's|return stock.to_reorder(minimum)  # FAULT:.*$|return len(stock.to_reorder(minimum))|' "$report"
# Fault 2 (ruff F401): the unused import goes.
sed -i '/^import os  # FAULT:/d' "$report"
# Fault 3 (pytest): the total of an empty stock is 0.
sed -i 's|assert summary(Stock()) == "total: 1"  # FAULT:.*$|assert summary(Stock()) == "total: 0"|' "$test"
if grep -q 'FAULT:' "$report" "$test"; then
    echo "fix-faults: a fault line was not recognised (sources changed?)" >&2
    exit 1
fi
echo "fix-faults: removed 3 faults in $1"
