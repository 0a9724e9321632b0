#!/usr/bin/env bash
# Removes the three deliberate faults from a COPY of this example, so that every build and the lint pass there.
# Usage: fix-faults.sh DIR     (DIR = a copy of examples/npm-workspace; never run it on the original)
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 DIR   (DIR: a copy of examples/npm-workspace)" >&2
    exit 2
fi
api="$1/packages/api/src/index.ts"
web="$1/packages/web/test/index.test.js"
# Fault 1 (api, tsc TS2322): the count is the number of lines.
sed -i 's|const count: number = order.id; // FAULT:.*$|const count: number = order.lines.length;|' "$api"
# Fault 2 (web, ESLint no-unused-vars warning): the unused variable goes.
sed -i '/const unused = .*\/\/ FAULT:/d' "$web"
# Fault 3 (web, node --test): a guest is greeted as "guest".
sed -i 's|assert.strictEqual(greeting(), "Hello, World!"); // FAULT:.*$|assert.strictEqual(greeting(), "Hello, guest!");|' "$web"
if grep -q 'FAULT:' "$api" "$web"; then
    echo "fix-faults: a fault line was not recognised (sources changed?)" >&2
    exit 1
fi
echo "fix-faults: removed 3 faults in $1"
