"""Mutation fuzzing of the frontend, the textual IR parser and the task importers.

    .venv/bin/python benchmarks/fuzz.py [--minutes M] [--seed S] [--target skill|ir|harbor|all]

Each round takes a real input (a corpus skill, its printed IR, a synthetic Harbor task),
mutates it (inserted tokens, deletions, duplicated spans, hostile YAML and markdown),
and runs it through the code under test. A round passes when the code returns a result
or a one-line SkillIRError; anything else (another exception, a hang past the round's
time limit) is a crash, written with its input to benchmarks/results/fuzz-crashes/ so
it can become a regression test. `make fuzz` runs it for 10 minutes; CI runs the short
seeded versions in tests/test_hostile_ir.py and tests/frontend/test_hostile_frontend.py.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CRASHES = ROOT / "benchmarks" / "results" / "fuzz-crashes"

TOKENS = ["\x00", "---\n", ": ", '"', "'", "&a ", "*a", "{", "[", "- ", "1. ", "```", "```python\n",
          "\n#", "9" * 5000, "\ufffd", "name: ../../x\n", "name: " + "a" * 300 + "\n", "|\n  ",
          "!!python/object:os.system ", "<|endoftext|>", "\t", "\r\n", "> ", "[x](../../etc/passwd)",
          "\u202e", "\u200b", "<!--", "-->", "$(", "`", "\\", "%0", "@", "#cap.prim<", "}" * 50]


class RoundTimeout(BaseException):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise RoundTimeout()


def mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(max(1, len(text)))
        choice = rng.random()
        if choice < 0.45:
            text = text[:pos] + rng.choice(TOKENS) + text[pos:]
        elif choice < 0.75:
            text = text[:pos] + text[pos + rng.randint(1, 40):]
        else:
            src = rng.randrange(max(1, len(text)))
            text = text[:pos] + text[src:src + rng.randint(1, 200)] + text[pos:]
    return text


def run_skill(text: str, tmp: Path) -> None:
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_pipeline

    folder = tmp / "skill"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "SKILL.md").write_text(text, encoding="utf-8", errors="replace")
    module = load_skill(folder)
    spec = stage_pipeline("harness", "claude-code/opus-4.6").replace("bind-env", "bind-env{probe=false}")
    PassManager.from_spec(spec).run(module)


def run_ir(text: str, tmp: Path) -> None:  # noqa: ARG001
    from skillir.ir import parse_module, print_module, verify_module

    module = parse_module(text, "fuzz.mlir")
    verify_module(module)
    print_module(module)


def run_harbor(text: str, tmp: Path) -> None:
    from skillir.bench.skillsbench import analyze_harbor_task

    task = tmp / "task"
    shutil.rmtree(task, ignore_errors=True)
    (task / "tests").mkdir(parents=True)
    (task / "task.toml").write_text(text, encoding="utf-8", errors="replace")
    (task / "instruction.md").write_text("Write out.txt.\n")
    (task / "tests" / "test_outputs.py").write_text("def test_out():\n    assert True\n")
    analyze_harbor_task(task)


def seeds(target: str) -> list[str]:
    from skillir.frontend.skill_md import load_skill
    from skillir.ir import print_module

    skills = sorted(CORPUS.rglob("SKILL.md"))[:40] if CORPUS.is_dir() else []
    if target == "skill":
        return [p.read_text(encoding="utf-8", errors="replace") for p in skills]
    if target == "ir":
        return [print_module(load_skill(p.parent)) for p in skills]
    return ['version = "1.0"\n[metadata]\ndifficulty = "easy"\ncategory = "x"\n[agent]\ntimeout_sec = 60\n'
            '[environment]\nbuild_timeout_sec = 60\n']


def fuzz(target: str, minutes: float, seed: int, round_limit: int = 60) -> dict:
    from skillir.errors import SkillIRError

    runner = {"skill": run_skill, "ir": run_ir, "harbor": run_harbor}[target]
    rng = random.Random(seed)
    inputs = seeds(target)
    end = time.monotonic() + minutes * 60
    stats = {"target": target, "rounds": 0, "refused": 0, "ok": 0, "crashes": 0, "hangs": 0}
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory() as tmp:
        while time.monotonic() < end and inputs:
            text = mutate(rng, rng.choice(inputs))
            stats["rounds"] += 1
            signal.alarm(round_limit)
            try:
                runner(text, Path(tmp))
                stats["ok"] += 1
            except SkillIRError:
                stats["refused"] += 1
            except RoundTimeout:
                stats["hangs"] += 1
                _save(target, text, "hang")
            except Exception:  # noqa: BLE001 - a crash is what we look for
                stats["crashes"] += 1
                _save(target, text, traceback.format_exc())
            finally:
                signal.alarm(0)
    return stats


def _save(target: str, text: str, why: str) -> None:
    CRASHES.mkdir(parents=True, exist_ok=True)
    name = f"{target}-{int(time.time() * 1000)}"
    (CRASHES / f"{name}.input").write_text(text, encoding="utf-8", errors="replace")
    (CRASHES / f"{name}.why").write_text(why, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mutation fuzzing of SkillIR's input paths.")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", choices=["skill", "ir", "harbor", "all"], default="all")
    args = parser.parse_args(argv)
    targets = ["skill", "ir", "harbor"] if args.target == "all" else [args.target]
    results = [fuzz(t, args.minutes / len(targets), args.seed) for t in targets]
    print(json.dumps(results, indent=1))
    return 1 if any(r["crashes"] or r["hangs"] for r in results) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
