#!/usr/bin/env bash
# Reference solution of line-chart: run from the workspace root (stdlib Python only).
set -euo pipefail
python3 - <<'PY'
import csv
from pathlib import Path

rows = list(csv.DictReader(open("data/monthly_temps.csv", newline="")))
cities = [c for c in rows[0] if c != "month"]
W, H, L, R, T, B = 720, 420, 60, 120, 50, 50
values = [float(r[c]) for r in rows for c in cities]
lo, hi = min(values) - 2, max(values) + 2


def x(i):
    return L + i * (W - L - R) / (len(rows) - 1)


def y(v):
    return T + (hi - v) * (H - T - B) / (hi - lo)


colors = ["#1f77b4", "#d62728"]
parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}">',
         "<title>Monthly mean temperature</title>",
         f'<text x="{W / 2}" y="24" text-anchor="middle" font-size="18">Monthly mean temperature</text>',
         f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="#333"/>',
         f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="#333"/>']
for i, r in enumerate(rows):
    parts.append(f'<text x="{x(i):.2f}" y="{H - B + 18}" text-anchor="middle" font-size="12">{r["month"]}</text>')
for t in range(int(lo) // 5 * 5, int(hi) + 1, 5):
    if lo <= t <= hi:
        parts.append(f'<text x="{L - 8}" y="{y(t) + 4:.2f}" text-anchor="end" font-size="11">{t} °C</text>')
for k, city in enumerate(cities):
    pts = " ".join(f"{x(i):.3f},{y(float(r[city])):.3f}" for i, r in enumerate(rows))
    parts.append(f'<polyline data-series="{city}" points="{pts}" fill="none" stroke="{colors[k]}" stroke-width="2"/>')
    parts.append(f'<text x="{W - R + 14}" y="{T + 20 * k + 4}" fill="{colors[k]}" font-size="13">{city}</text>')
parts.append("</svg>")
Path("chart.svg").write_text("\n".join(parts) + "\n")
PY
