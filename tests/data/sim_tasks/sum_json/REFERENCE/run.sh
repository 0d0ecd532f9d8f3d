#!/usr/bin/env bash
# Reference for sum_json: run from the workspace root.
set -euo pipefail
python3 "$(dirname "$0")/solve.py"
