"""How far two labellers agree: one labelling scored against another with score.py's
own matching (requirements by primitive, artifacts by file and steps, parallel groups
by kind and steps, dependencies by manager and name).

The agreement is the ceiling a rule-based analysis can be judged by: where two
careful labellers differ, no analysis can match both.

    python3 benchmarks/devset/agreement.py labels_fresh8.json labels_fresh8_second.json

The first file is taken as the reference; only skills present in both are compared.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import score  # noqa: E402  (a sibling script, not a package)


def as_found(label: dict) -> score.Found:
    """A labelling in the shape score.py gives the analyses' output."""
    found = score.Found()
    for req in label["requirements"]:
        prim = req["primitive"]
        found.requirements[prim] = max(found.requirements.get(prim, 0), req["level"])
    found.artifacts = {(score._file_key(a["file"]), a["from_step"], a["to_step"]) for a in label["artifacts"]}
    found.groups = [(g["kind"], frozenset(g.get("steps") or ())) for g in label["parallel"]]
    for dep in label["dependencies"]:
        key = (dep["manager"], score._dep_name(dep["manager"], dep["name"]))
        found.deps.add(key)
        if dep.get("required", True):
            found.required.add(key)
    return found


def agreement(reference: list[dict], other: list[dict]) -> dict:
    """score.py's tallies of `other` against `reference` over their common skills."""
    theirs = {label["id"]: label for label in other}
    tallies = score._tallies()
    common = [label for label in reference if label["id"] in theirs]
    for label in common:
        score.score_skill(label, as_found(theirs[label["id"]]), tallies)
    rows = {name: tally.row() for name, tally in tallies.items() if not name.startswith("prim:")}
    return {"skills": len(common), **rows}


def _load(path: str) -> list[dict]:
    file = Path(path)
    if not file.is_absolute() and not file.exists():
        file = HERE / path
    return json.loads(file.read_text(encoding="utf-8"))["skills"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", help="labels file taken as the truth")
    parser.add_argument("other", help="a second labelling of (some of) the same skills")
    args = parser.parse_args(argv)
    result = agreement(_load(args.reference), _load(args.other))
    print(f"{result.pop('skills')} skills labelled twice")
    for name, row in result.items():
        level = f"  level exact {row['level_exact']}" if "level_exact" in row else ""
        print(f"  {name:24s} P {row['precision']}  R {row['recall']}  "
              f"(tp {row['tp']} fp {row['fp']} fn {row['fn']}){level}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
