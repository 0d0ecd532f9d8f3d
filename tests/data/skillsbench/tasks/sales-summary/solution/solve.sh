#!/bin/bash
set -euo pipefail
cd /root
mkdir -p /root/output
python3 /solution/summarize.py
