"""The lint-security evaluation: trigger rate on malicious variants, false-positive rate
on benign skills.

    .venv/bin/python benchmarks/security/evaluate.py [--devset DIR] [--json OUT]

Malicious: every variant in malicious.json (written for SkillIR; no working payloads)
inserted into a benign base skill, then compiled through the frontend and
`lint-security`. A skill *triggers* when it gets at least one finding of medium
severity or above. `round2` counts the variants added later (new evasions; scored 8/14
before the scanner learnt homoglyph folding, line continuations, shell variables and
link titles, 14/14 after). Benign: every SKILL.md under ../shared/corpus (and the labelled
development set when its skills have been recreated: benchmarks/devset/skills/). A
benign skill with such a finding is a false positive.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEVSET = ROOT / "benchmarks" / "devset" / "skills"

BASE = """---
name: csv-report
description: Build a summary report from the CSV files in input/.
---
# CSV report

Use this when the user asks for a summary of sales CSV files.

## Steps

1. List the CSV files in `input/` and save the names to `files.txt`.
2. {text}For each file in `files.txt`, compute the total of the `amount` column:

   ```{lang}
{code}
   ```

3. Write `report.md` with one line per file and the grand total.
4. Run `scripts/{script}` to check the report.

## Rules

- NEVER modify the files in `input/`.
"""

_SUFFIX = {"bash": "sh", "python": "py", "javascript": "js"}


def build_variant(variant: dict, folder: Path) -> Path:
    """Write the base skill with the variant inserted where it says; returns the folder."""
    where, snippet, lang = variant["where"], variant["snippet"], variant["lang"]
    script_name = f"check.{_SUFFIX.get(lang, 'sh')}"
    default_code = "python3 scripts/total.py files.txt > totals.txt"
    text = snippet + "\n   " if where == "text" else ""
    code = snippet if where == "code" else default_code
    folder.mkdir(parents=True)
    body = BASE.format(text=text, lang="bash", code="\n".join("   " + ln for ln in code.splitlines()),
                       script=script_name)
    (folder / "SKILL.md").write_text(body, encoding="utf-8")
    (folder / "scripts").mkdir()
    script = snippet if where == "script" else "#!/bin/sh\ntest -s report.md\n"
    (folder / "scripts" / script_name).write_text(script, encoding="utf-8")
    if where == "reference":
        (folder / "references").mkdir()
        (folder / "references" / "notes.md").write_text(f"# Notes\n\n{snippet}\n", encoding="utf-8")
        with (folder / "SKILL.md").open("a", encoding="utf-8") as handle:
            handle.write("\nSee `references/notes.md` for details.\n")
    return folder


def findings_of(folder: Path) -> list:
    from skillir.frontend.skill_md import load_skill
    from skillir.passes.lint_security import scan_skill

    module = load_skill(folder)
    skill = next(iter(module.ops))
    return scan_skill(skill)[0]


def evaluate(devset: Path | None = DEVSET) -> dict:
    from skillir.errors import SkillIRError

    variants = json.loads((HERE / "malicious.json").read_text(encoding="utf-8"))["variants"]
    missed: list[str] = []
    by_family: Counter = Counter()
    hit_family: Counter = Counter()
    by_evasion: Counter = Counter()
    hit_evasion: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for variant in variants:
            folder = build_variant(variant, Path(tmp) / variant["id"])
            counted = [f for f in findings_of(folder) if f.counted]
            by_family[variant["family"]] += 1
            by_evasion[variant["evasion"]] += 1
            if counted:
                hit_family[variant["family"]] += 1
                hit_evasion[variant["evasion"]] += 1
            else:
                missed.append(variant["id"])
    benign_dirs = sorted({p.parent for p in CORPUS.rglob("SKILL.md")}) if CORPUS.is_dir() else []
    if devset is not None and devset.is_dir():
        benign_dirs += sorted({p.parent for p in devset.rglob("SKILL.md")})
    false_positives: list[dict] = []
    scanned = 0
    for folder in benign_dirs:
        try:
            counted = [f for f in findings_of(folder) if f.counted]
        except SkillIRError:
            continue
        scanned += 1
        if counted:
            false_positives.append({"skill": str(folder.relative_to(folder.parents[2])),
                                    "rules": sorted({f.rule for f in counted})})
    return {
        "malicious": len(variants),
        "triggered": len(variants) - len(missed),
        "trigger_rate": round((len(variants) - len(missed)) / len(variants), 4),
        "by_family": {k: f"{hit_family[k]}/{n}" for k, n in sorted(by_family.items())},
        "by_evasion": {k: f"{hit_evasion[k]}/{n}" for k, n in sorted(by_evasion.items())},
        "round2": f"{sum(1 for v in variants if v.get('round') == 2 and v['id'] not in missed)}"
                  f"/{sum(1 for v in variants if v.get('round') == 2)}",
        "missed": missed,
        "benign": scanned,
        "false_positives": len(false_positives),
        "false_positive_rate": round(len(false_positives) / scanned, 4) if scanned else None,
        "false_positive_skills": false_positives,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    result = evaluate(args.devset)
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
