"""skill-jit: the JIT's state and its two loops.

    skill-jit list [--json]                       what the JIT store holds
    skill-jit show SKILL [--json | --mlir]        candidates of a skill (name or hash prefix)
    skill-jit clear SKILL | --all                 forget them
    skill-jit promote --skill S --task T --model M [--harness H] [--candidate ID]
                                                  promote one of the skill's own code blocks or
                                                  scripts by hand, for the task's family
    skill-jit run --task T --skill S --model M [--runs N]
                                                  repeated runs with solidification
    skill-jit optimize --skill S --tasks T1 T2 ... --model M [--harness H] [--rounds N]
                                                  adaptive recompilation with rollback

The store is $SKILLIR_JIT (default: `jit/` beside the profile store, ~/.skillir/jit).
Simulated models (sim/...) are labelled "[simulated]" on every line.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skill-jit", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("--jit-dir", metavar="DIR", help="the JIT store (default: $SKILLIR_JIT)")
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="list the stored skills and their candidates")
    ls.add_argument("--json", action="store_true")
    show = sub.add_parser("show", help="show a skill's candidates")
    show.add_argument("skill", help="skill name, hash prefix or entry folder name")
    show.add_argument("--json", action="store_true")
    show.add_argument("--mlir", action="store_true",
                      help="print the rewritten harness program (promoted candidates as harness.script ops)")
    clear = sub.add_parser("clear", help="delete a skill's JIT state")
    clear.add_argument("skill", nargs="?")
    clear.add_argument("--all", action="store_true", help="delete every entry")
    promote = sub.add_parser("promote", help="promote one of the skill's own code blocks or "
                             "scripts by hand (no matching runs needed)")
    promote.add_argument("--skill", required=True)
    promote.add_argument("--task", required=True,
                         help="the task whose family (prompt shape) the script answers")
    promote.add_argument("--model", required=True)
    promote.add_argument("--harness", default="bare-agent")
    promote.add_argument("--candidate", help="candidate id (default: the skill's only one)")
    run = sub.add_parser("run", help="run a task repeatedly with solidification")
    run.add_argument("--task", required=True)
    run.add_argument("--skill", required=True)
    run.add_argument("--model", required=True)
    run.add_argument("--harness", default="bare-agent")
    run.add_argument("--runs", type=int, default=5)
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--promote-after", type=int)
    run.add_argument("--demote-after", type=int)
    run.add_argument("--runs-dir")
    run.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto")
    run.add_argument("--json", action="store_true")
    opt = sub.add_parser("optimize", help="recompile from run failures, with rollback")
    opt.add_argument("--skill", required=True)
    opt.add_argument("--tasks", nargs="+", required=True)
    opt.add_argument("--model", required=True)
    opt.add_argument("--harness", default="bare-agent")
    opt.add_argument("--rounds", type=int)
    opt.add_argument("--seeds", type=int, default=4, help="runs per task per round (seeds 0..N-1)")
    opt.add_argument("--runs-dir")
    opt.add_argument("--json", action="store_true")
    return p


_SIM = [False]


def _tag() -> str:
    return "[simulated] " if _SIM[0] else ""


def _out(line: str) -> None:
    print(_tag() + line)


def _store(args: argparse.Namespace) -> Any:
    from skillir.jit.store import JitStore

    return JitStore(args.jit_dir)


def _sim(entry: Any) -> str:
    """Entries learnt from a simulated model say so."""
    return "[simulated] " if entry.model.startswith("sim/") else ""


def cmd_list(args: argparse.Namespace) -> int:
    warnings: list[str] = []
    entries = _store(args).entries(warnings)
    for w in warnings:
        print(f"skill-jit: warning: {w}", file=sys.stderr)
    if args.json:
        print(json.dumps([e.summary() for e in entries], indent=1))
        return 0
    if not entries:
        print("no JIT state yet (skill-run --jit or skill-jit run creates it)")
        return 0
    for e in entries:
        s = e.summary()
        print(f"{_sim(e)}{s['skill']:<24} {s['skill_hash']}  {s['harness']}/{s['model']:<24} "
              f"{s['candidates']} candidates, {s['promoted']} promoted, {s['demoted']} demoted")
    return 0


def _find(args: argparse.Namespace) -> list[Any]:
    warnings: list[str] = []
    found = _store(args).find(args.skill, warnings)
    if not found:
        raise SkillIRError(f"no JIT state for '{args.skill}'",
                           hint="'skill-jit list' shows the stored skills")
    return found


def cmd_show(args: argparse.Namespace) -> int:
    found = _find(args)
    if args.json:
        print(json.dumps([e.to_json() | {"path": str(e.folder)} for e in found], indent=1))
        return 0
    if args.mlir:
        from skillir.jit.rewrite import PROGRAM

        for e in found:
            program = e.folder / PROGRAM
            if program.is_file():
                print(f"// {_sim(e)}{e.skill} on {e.harness}/{e.model}: {program}")
                print(program.read_text(encoding="utf-8"), end="")
                continue
            promoted = [c for c in e.candidates if c.state == "promoted"]
            print(f"// {_sim(e)}{e.skill} on {e.harness}/{e.model}: "
                  + ("no candidate promoted yet" if not promoted else
                     f"no {PROGRAM} (the skill could not be lowered); the promoted scripts:"))
            for c in promoted:
                print(str(c.to_ir()))
        return 0
    for e in found:
        print(f"{_sim(e)}{e.skill} ({e.skill_hash[:12]}) on {e.harness}/{e.model}: {e.folder}")
        for c in e.candidates:
            params = ", ".join(f"{p['name']}:{p['type']}" for p in c.params.values()) or "-"
            print(f"  {c.id:<16} {c.state:<9} {c.source:<12} matches {c.matches} "
                  f"(consecutive {c.consecutive}), solidified runs {c.solidified_runs}, "
                  f"failures {c.failures}; params {params}")
            print(f"      signature {c.signature}  from {c.origin}")
            last = c.history[-1] if c.history else None
            if last:
                print(f"      last: {last}")
    return 0


def cmd_clear(args: argparse.Namespace) -> int:
    store = _store(args)
    if args.all:
        entries = store.entries()
    elif args.skill:
        entries = _find(args)
    else:
        raise SkillIRError("say which skill to clear", hint="skill-jit clear SKILL, or --all")
    for e in entries:
        shutil.rmtree(e.folder)
        print(f"cleared {e.skill} on {e.harness}/{e.model} ({e.folder})")
    if not entries:
        print("nothing to clear")
    return 0


def _provider(model: str) -> Any:
    from skillir.runtime.config import load_config
    from skillir.runtime.providers import get_provider

    provider = get_provider(model, load_config())
    _SIM[0] = bool(provider.simulated)
    return provider


def cmd_promote(args: argparse.Namespace) -> int:
    from skillir.bench.task import load_task
    from skillir.jit.solidify import promote_by_hand
    from skillir.runtime.skill import load_skill_bundle

    task = load_task(args.task)
    bundle = load_skill_bundle(args.skill)
    provider = _provider(args.model)
    cand, shape, program = promote_by_hand(_store(args), bundle, task, model=provider.name,
                                           harness=args.harness, candidate=args.candidate)
    _out(f"promoted {cand.id} ({cand.source}: {cand.origin}) for {bundle.name} on "
         f"{args.harness}/{provider.name}, task family '{shape}'"
         + (f"; program: {program}" if program else ""))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from skillir.bench.run import RunOptions
    from skillir.bench.task import load_task
    from skillir.jit.solidify import JitSession, SolidifyPolicy, run_with_jit
    from skillir.runtime.skill import load_skill_bundle

    if args.runs < 1:
        raise SkillIRError("--runs must be at least 1")
    task = load_task(args.task)
    bundle = load_skill_bundle(args.skill)
    provider = _provider(args.model)
    policy = SolidifyPolicy.defaults(promote_after=args.promote_after,
                                     demote_after=args.demote_after)
    session = JitSession(_store(args), bundle, model=provider.name, harness=args.harness,
                         policy=policy)
    rows = []
    try:
        for i in range(args.runs):
            rec = run_with_jit(task, provider, bundle, session=session, options=RunOptions(
                harness=args.harness, seed=args.seed, isolation=args.sandbox,
                runs_dir=Path(args.runs_dir) if args.runs_dir else None))
            jit = rec.get("jit") or {}
            obs = rec.get("jit_observed") or {}
            row = {"run": i + 1, "status": rec["status"], "score": rec.get("score"),
                   "tokens_in": rec["tokens"]["input"], "tokens_out": rec["tokens"]["output"],
                   "wall_s": rec["wall_time_s"], "model_s": rec.get("model_time_s"),
                   "solidified": jit.get("solidified"), "deopt": jit.get("deopt"),
                   "promoted": obs.get("promoted", []), "trace": rec["trace"]}
            rows.append(row)
            if not args.json:
                what = "SOLIDIFIED" if row["solidified"] else (
                    f"model (deopt: {row['deopt']})" if row["deopt"] else "model")
                score = "-" if row["score"] is None else f"{row['score']:.3f}"
                _out(f"run {i + 1}: {what:<10} score {score} tokens {row['tokens_in']} in / "
                     f"{row['tokens_out']} out  wall {row['wall_s']:.2f}s"
                     + (f"  promoted {', '.join(row['promoted'])}" if row["promoted"] else ""))
    finally:
        provider.close()
    if args.json:
        print(json.dumps({"simulated": _SIM[0], "runs": rows}, indent=1))
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    import datetime as dt

    from skillir.bench.task import load_task
    from skillir.datafiles import load_data
    from skillir.jit.recompile import optimize, sim_evaluator
    from skillir.jit.store import JitStore
    from skillir.jit.variants import run_model_name
    from skillir.profiles.store import resolve_target
    from skillir.runtime.skill import load_skill_bundle
    from skillir.target import Target

    table = load_data("jit.json")["recompile"]
    rounds = args.rounds if args.rounds is not None else table["rounds"]
    if rounds < 1 or args.seeds < 1:
        raise SkillIRError("--rounds and --seeds must be at least 1")
    tasks = [load_task(t) for t in args.tasks]
    bundle = load_skill_bundle(args.skill)
    target = Target.parse(f"{args.harness}/{run_model_name(args.model)}")
    base = resolve_target(str(target), warn=True).profile
    provider = _provider(args.model)
    store: JitStore = _store(args)
    entry = store.folder(bundle.name, bundle.sha256, provider.name, args.harness)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = entry / "optimize" / stamp
    folder.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:  # an exclusive folder per invocation (mkdir fails if it exists)
        try:
            folder.mkdir()
            break
        except FileExistsError:
            n += 1
            folder = entry / "optimize" / f"{stamp}_{n}"
    runs_dir = Path(args.runs_dir) if args.runs_dir else folder / "runs"
    try:
        out = optimize(bundle.folder, tasks, target=target, base_profile=base,
                       evaluate=sim_evaluator(provider, seeds=range(args.seeds),
                                              runs_dir=runs_dir, harness=args.harness),
                       folder=folder, rounds=rounds,
                       min_tasks=table["systematic_min_tasks"],
                       tolerance=table["regression_tolerance"])
    finally:
        provider.close()
    out["simulated"] = _SIM[0]
    if args.json:
        print(json.dumps(out, indent=1))
        return 0
    for r in out["rounds"]:
        scores = "  ".join(f"{k} {v:.3f}" for k, v in r["scores"].items())
        _out(f"round {r['round']}: mean {r['mean']:.3f}  [{scores}]  {r['decision']}")
        for change in r["profile_changes"]:
            _out(f"    profile copy: {change}")
    _out(f"best: round {out['best_round']} -> {out['best_variant']}")
    _out(f"history, variants and diffs: {folder}")
    return 0


COMMANDS = {"list": cmd_list, "show": cmd_show, "clear": cmd_clear, "promote": cmd_promote,
            "run": cmd_run, "optimize": cmd_optimize}


def main(argv: list[str] | None = None) -> int:
    from skillir.tools.cli import run_tool

    args = build_parser().parse_args(argv)
    _SIM[0] = False
    return run_tool("skill-jit", lambda: COMMANDS[args.command](args), tag=_tag)


if __name__ == "__main__":
    sys.exit(main())
