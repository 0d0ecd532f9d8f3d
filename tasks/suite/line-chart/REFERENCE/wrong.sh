#!/usr/bin/env bash
# A plausible wrong solution: forgets that SVG y grows downwards (the chart is upside down).
# Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
import csv
from pathlib import Path

rows = list(csv.DictReader(open("data/monthly_temps.csv")))
parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">',
         "<title>Monthly mean temperature</title>"]
for i, r in enumerate(rows):
    parts.append(f'<text x="{50 + i * 40}" y="390">{r["month"]}</text>')
for city in ("Oslo", "Lisbon"):
    pts = " ".join(f"{50 + i * 40},{200 + 8 * float(r[city])}" for i, r in enumerate(rows))
    parts.append(f'<polyline data-series="{city}" points="{pts}" fill="none" stroke="black"/>')
    parts.append(f"<text x='540' y='{20 if city == 'Oslo' else 40}'>{city}</text>")
Path("chart.svg").write_text("\n".join(parts + ["</svg>"]))
PY
