"""`skill-profile`: list, show, import and export target capability profiles.

    skill-profile list                         # every profile a target can resolve to
    skill-profile show bare-agent/qwen3.5-9b   # its levels by category, source and date
    skill-profile show claude-code/opus-4.6    # falls back to another harness, with a warning
    skill-profile import tcp.json              # a SkVM profile into the user store
    skill-profile export bare-agent/gpt-5.4 -o gpt.json   # SkVM TCP JSON out
    skill-profile run --model sim/qwen3.5-9b --primitives gen.regex,tool.exec --jobs 2
    skill-profile run --model local/smollm2 --budget 60 --resume   # measure a model
    skill-profile compare bare-agent/qwen3.5-9b bare-agent/simulated-qwen3.5-9b --png cmp.png

`run` measures a (model, harness) pair on the primitives with the profiler
(skillir.profiler: seeded instances, adaptive sampling, resumable with --resume, parallel
with --jobs) and saves the profile in the store with a heatmap PNG beside it; a simulated
model (`sim/...`) is stored as `simulated-<name>` and labelled SIMULATED everywhere.

Profiles are SkVM TCP JSON. The user store is `--profiles-dir`, else
$SKILLIR_PROFILES, else ~/.skillir/profiles (<harness>/<model>/latest.json plus a
v_<timestamp>.json snapshot per import); the reference profiles shipped with SkillIR
need no store. Errors are one line on stderr with exit code 2; `--json` gives
machine-readable output.
"""

from __future__ import annotations

import argparse
import json
import sys

from skillir.tools.cli import EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skill-profile",
        description="Manage target capability profiles (SkVM TCP JSON) for SkillIR.",
        epilog="Targets are harness/model, e.g. bare-agent/qwen3.5-9b; a path to a profile file also works "
               "for 'show' and 'export'.",
    )
    parser.add_argument("--profiles-dir", default=None,
                        help="user profile store (default: $SKILLIR_PROFILES, else ~/.skillir/profiles)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p_list = sub.add_parser("list", help="list the profiles (user store and shipped ones)")
    p_list.add_argument("--json", action="store_true", help="machine-readable output")
    p_show = sub.add_parser("show", help="show one profile's levels, source and date")
    p_show.add_argument("target", help="harness/model or a profile file")
    p_show.add_argument("--json", action="store_true", help="print the profile as SkVM TCP JSON")
    p_import = sub.add_parser("import", help="validate a SkVM profile file and add it to the user store")
    p_import.add_argument("file", help="SkVM TCP JSON file")
    p_import.add_argument("--harness", default=None, help="store it under this harness instead of the file's")
    p_import.add_argument("--model", default=None, help="store it under this model name instead of the file's")
    p_import.add_argument("--source", default=None, help="where the numbers come from (recorded in the profile)")
    p_export = sub.add_parser("export", help="write a profile as SkVM TCP JSON")
    p_export.add_argument("target", help="harness/model or a profile file")
    p_export.add_argument("-o", "--output", default=None, help="file to write (default: stdout)")
    p_export.add_argument("--skvm", action="store_true",
                          help="omit SkillIR's 'skillir' labels (for tools that reject unknown keys)")
    p_run = sub.add_parser("run", help="measure a (model, harness) pair with the profiler")
    p_run.add_argument("--model", required=True, help="PROVIDER/MODEL, e.g. local/smollm2, sim/qwen3.5-9b")
    p_run.add_argument("--harness", default="bare-agent", help="the harness to drive (default: bare-agent)")
    p_run.add_argument("--primitives", default=None,
                       help="comma-separated primitive ids (default: all 26)")
    p_run.add_argument("--jobs", type=int, default=1, help="instances run at once (default: 1)")
    p_run.add_argument("--resume", action="store_true", help="continue an interrupted run of this target")
    p_run.add_argument("--fresh", action="store_true", help="discard an unfinished earlier run")
    p_run.add_argument("--budget", default=None,
                       help="stop after this many agent runs (120) or tokens (500k tokens)")
    p_run.add_argument("--seed", type=int, default=0, help="instance seed (default: 0)")
    p_run.add_argument("--design", choices=("adaptive", "skvm"), default="adaptive",
                       help="sampling design: adaptive (default) or SkVM's fixed 3-of-3")
    p_run.add_argument("--isolation", choices=("auto", "bwrap", "none"), default="auto",
                       help="sandbox of the runs (default: auto)")
    p_run.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p_run.add_argument("--json", action="store_true", help="print the profile JSON")
    p_cmp = sub.add_parser("compare", help="two profiles side by side (table, and a heatmap PNG)")
    p_cmp.add_argument("a", help="harness/model or a profile file")
    p_cmp.add_argument("b", help="harness/model or a profile file")
    p_cmp.add_argument("--png", default=None, help="write the side-by-side heatmap here")
    p_cmp.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from skillir.tools.cli import run_tool

    return run_tool("skill-profile", lambda: _COMMANDS[args.command](args))


def _store(args):
    from skillir.profiles.store import ProfileStore

    return ProfileStore(args.profiles_dir)


def _mean(profile) -> float:
    from skillir.profiles.catalog import catalog

    ids = catalog().ids
    return sum(profile.level(pid) for pid in ids) / len(ids)


def cmd_list(args) -> int:
    from skillir.profiles.store import list_profiles

    errors: list = []
    infos = list_profiles(_store(args), errors)
    for error in errors:
        print(f"skill-profile: warning: skipped {error}", file=sys.stderr)
    if args.json:
        rows = [{"target": i.target, "harness": i.harness, "model": i.model, "kind": i.kind,
                 "source": i.profile.source, "date": i.profile.date, "mean_level": round(_mean(i.profile), 2),
                 "location": i.location} for i in infos]
        print(json.dumps(rows, indent=2))
        return 0
    if not infos:
        print("no profiles")
        return 0
    width = max(len(i.target) for i in infos)
    print(f"{'TARGET':<{width}}  {'KIND':<9}  {'DATE':<10}  MEAN  SOURCE")
    for i in infos:
        print(f"{i.target:<{width}}  {i.kind:<9}  {(i.profile.date or '-'):<10}  {_mean(i.profile):4.2f}  "
              f"{i.profile.source}")
    return 0


def cmd_show(args) -> int:
    from skillir.profiles.catalog import catalog
    from skillir.profiles.store import resolve_target

    found = resolve_target(args.target, store=_store(args))
    if found.warning:
        print(f"skill-profile: warning: {found.warning}", file=sys.stderr)
    profile = found.profile
    if args.json:
        sys.stdout.write(profile.to_json())
        return 0
    kind = "synthetic" if profile.synthetic else "measured"
    if (profile.extra.get("profiler") or {}).get("simulated"):
        kind = "SIMULATED: measured on a simulated model, not a real one"
    print(f"{profile.target}  ({kind})")
    print(f"  source: {profile.source or 'unknown'}")
    print(f"  date:   {profile.date or profile.profiled_at or 'undated'}")
    if profile.path:
        print(f"  file:   {profile.path}")
    if profile.notes:
        print(f"  notes:  {profile.notes}")
    cat = catalog()
    from skillir.profiler.heatmap import level_cells

    print("  levels: N/M measured (passed/runs), pass|fail implied by other levels, "
          "imp imported (no per-level results), ? unknown")
    for category, prims in cat.by_category().items():
        print(f"  {cat.categories[category]}:")
        for prim in prims:
            level = f"L{profile.level(prim.id)}" if profile.measured(prim.id) else "?"
            what = prim.levels.get(profile.level(prim.id), "fails even L1") if profile.measured(prim.id) \
                else "unknown: not measured (bind-profile{unknown=...} decides how it compiles)"
            cells = "  ".join(f"{label:<8}" for _, _, label in level_cells(profile, prim.id))
            print(f"    {prim.id:<22} {level:<3} {cells}  {what}")
    for pid, level in profile.extra_capabilities.items():
        print(f"    {pid:<22} L{level}  (not in this catalog)")
    return 0


def cmd_import(args) -> int:
    from skillir.profiles.store import import_profile

    profile, snapshot = import_profile(args.file, store=_store(args), harness=args.harness,
                                       model=args.model, source=args.source)
    if profile.extra_capabilities:
        print(f"skill-profile: warning: kept {len(profile.extra_capabilities)} primitive(s) this catalog "
              f"does not know: {', '.join(sorted(profile.extra_capabilities))}", file=sys.stderr)
    print(f"imported {profile.target} -> {snapshot.parent / 'latest.json'} (snapshot {snapshot.name})")
    return 0


def cmd_export(args) -> int:
    from skillir.profiles.store import resolve_target

    found = resolve_target(args.target, store=_store(args))
    if found.warning:
        print(f"skill-profile: warning: {found.warning}", file=sys.stderr)
    text = found.profile.to_json(skillir_labels=not args.skvm)
    if args.output:
        from skillir.atomic import write_text_atomic
        from skillir.errors import SkillIRError

        try:
            write_text_atomic(args.output, text)
        except OSError as exc:
            raise SkillIRError(f"cannot write the profile ({exc.strerror})", path=args.output) from None
        print(f"wrote {found.profile.target} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _bar(progress) -> None:
    width = 30
    frac = progress.decided / progress.total if progress.total else 1.0
    fill = int(width * frac)
    tag = "[simulated] " if progress.simulated else ""
    line = (f"\r{tag}[{'#' * fill}{'.' * (width - fill)}] {progress.decided}/{progress.total} "
            f"primitives decided, {progress.runs} runs, {progress.tokens} tokens, jobs "
            f"{progress.jobs} | {progress.current}")
    sys.stderr.write(line[:160].ljust(160))
    sys.stderr.flush()


def cmd_run(args) -> int:
    from pathlib import Path

    from skillir.profiler.heatmap import render
    from skillir.profiler.runner import Budget, ProfileRequest, profile_target
    from skillir.profiler.sampling import Design, FixedDesign
    from skillir.profiler.tcp import SIMULATED_NOTE, build_profile_data
    from skillir.profiles.profile import Profile

    if args.jobs < 1:
        from skillir.errors import SkillIRError

        raise SkillIRError(f"--jobs must be at least 1, not {args.jobs}")
    prims = [p.strip() for p in args.primitives.split(",") if p.strip()] if args.primitives else []
    request = ProfileRequest(model=args.model, harness=args.harness, primitives=prims,
                             seed=args.seed, jobs=args.jobs, budget=Budget.parse(args.budget),
                             design=Design() if args.design == "adaptive" else FixedDesign(),
                             resume=args.resume, fresh=args.fresh, isolation=args.isolation)
    store = _store(args)
    show = None if args.no_progress else _bar
    run = profile_target(request, store_root=store.root, on_progress=show)
    if show:
        sys.stderr.write("\n")
    data = build_profile_data(run)
    profile = Profile.from_skvm(data)
    snapshot = store.save(profile)
    latest = snapshot.parent / "latest.json"
    png = render([Profile.from_skvm(data)], Path(snapshot.parent) / "heatmap.png")
    tag = "[simulated] " if run.simulated else ""
    if run.simulated:
        print(f"{tag}{SIMULATED_NOTE}", file=sys.stderr)
    if args.json:
        sys.stdout.write(profile.to_json())
    p = data["profiler"]
    print(f"{tag}profiled {profile.target}: {len(data['capabilities'])} primitives measured, "
          f"{len(p['unknown'])} unknown; {p['runs']} runs ({p['skipped']} skipped), "
          f"{p['tokens']['input'] + p['tokens']['output']} tokens, {p['wallMs'] / 1000:.1f} s wall, "
          f"{p['modelTimeMs'] / 1000:.1f} s model time" + (f"; stopped by the {run.stopped_by} budget"
                                                           if run.stopped_by else ""),
          file=sys.stderr if args.json else sys.stdout)
    print(f"{tag}wrote {latest} (snapshot {snapshot.name}) and {png}",
          file=sys.stderr if args.json else sys.stdout)
    return 0


def cmd_compare(args) -> int:
    from skillir.profiles.catalog import catalog
    from skillir.profiles.store import resolve_target

    found = [resolve_target(t, store=_store(args)) for t in (args.a, args.b)]
    for f in found:
        if f.warning:
            print(f"skill-profile: warning: {f.warning}", file=sys.stderr)
    a, b = (f.profile for f in found)

    def lv(p, pid):
        return f"L{p.level(pid)}" if p.measured(pid) else "?"

    def sim(p):
        return bool((p.extra.get("profiler") or {}).get("simulated")) or p.synthetic

    rows = [(pid, lv(a, pid), lv(b, pid)) for pid in catalog().ids]
    if args.json:
        print(json.dumps({"a": a.target, "b": b.target, "a_simulated": sim(a), "b_simulated": sim(b),
                          "rows": [{"primitive": r[0], "a": r[1], "b": r[2]} for r in rows]}, indent=2))
    else:
        names = [("[simulated] " if sim(p) else "") + p.target for p in (a, b)]
        print(f"{'PRIMITIVE':<22}  {'A':<4} {'B':<4}  A = {names[0]}; B = {names[1]}")
        for pid, x, y in rows:
            mark = "" if x == y else ("  differs" if "?" in (x, y) else ("  A>B" if x > y else "  A<B"))
            print(f"{pid:<22}  {x:<4} {y:<4}{mark}")
        same = sum(x == y for _, x, y in rows)
        print(f"{same}/{len(rows)} primitives at the same level")
    if args.png:
        from skillir.profiler.heatmap import render

        out = render([a, b], args.png)
        print(f"wrote {out}", file=sys.stderr)
    return 0


_COMMANDS = {"list": cmd_list, "show": cmd_show, "import": cmd_import, "export": cmd_export,
             "run": cmd_run, "compare": cmd_compare}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
