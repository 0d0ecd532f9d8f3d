#!/usr/bin/env bash
# Reference solution of feed-digest: run from the workspace root (stdlib Python only).
set -euo pipefail
python3 - <<'PY'
import datetime as dt
import email.utils
import xml.etree.ElementTree as ET
from pathlib import Path

ATOM = "{http://www.w3.org/2005/Atom}"
start = dt.datetime(2025, 3, 4, tzinfo=dt.UTC)
end = dt.datetime(2025, 3, 11, tzinfo=dt.UTC)
items = []
for path in sorted(Path("feeds").iterdir()):
    root = ET.parse(path).getroot()
    if root.tag == "rss":
        channel = root.find("channel")
        feed = channel.findtext("title")
        for it in channel.findall("item"):
            when = email.utils.parsedate_to_datetime(it.findtext("pubDate"))
            items.append((when.astimezone(dt.UTC), it.findtext("title"), it.findtext("link"), feed))
    else:
        feed = root.findtext(f"{ATOM}title")
        for entry in root.findall(f"{ATOM}entry"):
            when = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated").replace("Z", "+00:00"))
            link = entry.find(f"{ATOM}link").get("href")
            items.append((when.astimezone(dt.UTC), entry.findtext(f"{ATOM}title"), link, feed))
earliest = {}
for item in sorted(items):
    earliest.setdefault(item[2], item)
chosen = sorted((i for i in earliest.values() if start <= i[0] < end), reverse=True)
lines = ["# Feed digest 2025-03-10", ""]
lines += [f"- {w.date().isoformat()} [{t}]({link}) ({feed})" for w, t, link, feed in chosen]
lines += ["", f"Total: {len(chosen)} items"]
Path("digest.md").write_text("\n".join(lines) + "\n")
PY
