#!/usr/bin/env bash
# A plausible wrong solution: reads the dates as written (time zones ignored) and does not
# deduplicate links. Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
import datetime as dt
import re
from pathlib import Path

items = []
for path in sorted(Path("feeds").iterdir()):
    text = path.read_text()
    feed = re.search(r"<title>(.*?)</title>", text).group(1)
    for block in re.findall(r"<(?:item|entry)>(.*?)</(?:item|entry)>", text, re.S):
        title = re.search(r"<title>(.*?)</title>", block).group(1).replace("&amp;", "&")
        link = (re.search(r"<link>(.*?)</link>", block) or re.search(r'href="(.*?)"', block)).group(1)
        raw = (re.search(r"<pubDate>(.*?)</pubDate>", block) or re.search(r"<updated>(.*?)</updated>", block)).group(1)
        if "," in raw:
            when = dt.datetime.strptime(raw[5:25], "%d %b %Y %H:%M:%S")
        else:
            when = dt.datetime.fromisoformat(raw[:19])
        if dt.datetime(2025, 3, 4) <= when < dt.datetime(2025, 3, 11):
            items.append((when, title, link, feed))
items.sort(reverse=True)
lines = ["# Feed digest 2025-03-10", ""] + [f"- {w.date()} [{t}]({l}) ({f})" for w, t, l, f in items]
Path("digest.md").write_text("\n".join(lines + ["", f"Total: {len(items)} items"]) + "\n")
PY
