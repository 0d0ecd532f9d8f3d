#!/usr/bin/env bash
# Reference for sum_json and sum_plain: run from the workspace root.
set -euo pipefail
awk -F, 'NR > 1 { total += $2 } END { printf "{\"total\": %d}\n", total }' sales.csv > total.json
