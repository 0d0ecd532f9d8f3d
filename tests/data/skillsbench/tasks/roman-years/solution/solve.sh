#!/bin/bash
set -euo pipefail
cd /root
mkdir -p /root/output
python3 -c '
import roman
years = [int(line) for line in open("/root/data/years.txt") if line.strip()]
open("/root/output/roman.txt", "w").write("".join(roman.toRoman(y) + "\n" for y in years))
'
