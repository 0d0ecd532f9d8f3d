"""feed-digest grader (python-grade protocol)."""

import re
from pathlib import Path

EXPECTED = [  # (UTC date, title, link, feed title), newest first
    ("2025-03-10", "MLIR dialects explained",
     "https://compilers.example.org/posts/mlir-dialects", "Compiler Weekly"),
    ("2025-03-09", "bubblewrap 0.11", "https://releases.example.io/bubblewrap-0.11",
     "Tool Releases"),
    ("2025-03-08", "Skills that degrade small models",
     "https://agents.example.com/skills-degrade", "Agent Notes"),
    ("2025-03-08", "pyromark 0.9", "https://releases.example.io/pyromark-0.9", "Tool Releases"),
    ("2025-03-06", "Register allocation & you", "https://compilers.example.org/posts/regalloc",
     "Compiler Weekly"),
    ("2025-03-05", "SSA form, a primer", "https://shared.example.net/ssa-primer",
     "Compiler Weekly"),
    ("2025-03-04", "Parallel tool calls in practice",
     "https://agents.example.com/parallel-tools", "Agent Notes"),
]
ITEM = re.compile(r"^- (\d{4}-\d{2}-\d{2}) \[(.+)\]\((\S+)\) \((.+)\)\s*$")


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def grade(transcript, workspace_path):
    path = Path(workspace_path) / "digest.md"
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    lines = (text or "").splitlines()
    items = [m.groups() for m in map(ITEM.match, lines) if m]
    links = [i[2] for i in items]
    want_links = [e[2] for e in EXPECTED]
    out = [_rec("heading", bool(lines) and lines[0].strip() == "# Feed digest 2025-03-10", 0.05,
                "the first line of digest.md is '# Feed digest 2025-03-10'",
                "digest.md missing" if text is None else f"first line {lines[:1]}")]
    out.append(_rec("item-set", sorted(set(links)) == sorted(want_links), 0.4,
                    "the digest lists exactly the items published from 2025-03-04 00:00 to "
                    "2025-03-10 23:59:59 UTC, after converting each date's time zone (an item "
                    "at 22:30 -0500 on 10 March is on 11 March UTC and is left out)",
                    f"missing {sorted(set(want_links) - set(links))}, extra "
                    f"{sorted(set(links) - set(want_links))}"))
    out.append(_rec("newest-first", links == want_links, 0.2,
                    "items are listed newest first by UTC publication time, each link once",
                    f"got order {links}"))
    out.append(_rec("no-duplicates", bool(links) and len(links) == len(set(links)), 0.1,
                    "an item whose link appears in several feeds is listed once",
                    f"{len(links) - len(set(links))} duplicate line(s)"))
    by_link = {i[2]: i for i in items}
    wrong = [f"{e[2]}: got {by_link.get(e[2])}" for e in EXPECTED
             if e[2] in by_link and by_link[e[2]] != e]
    out.append(_rec("item-fields", bool(items) and not wrong and set(by_link) >= set(want_links),
                    0.15, "each item line reads '- YYYY-MM-DD [Title](link) (Feed title)' with "
                    "its UTC date, its title and the title of the feed of its earliest "
                    "publication", "; ".join(wrong[:3])))
    total = [ln for ln in lines if ln.strip().startswith("Total:")]
    out.append(_rec("total-line", bool(lines) and lines[-1].strip() == "Total: 7 items", 0.1,
                    "the last line is 'Total: 7 items'", f"got {total}"))
    return out
