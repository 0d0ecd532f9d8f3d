"""`skill-profile`: list, show, import and export target capability profiles.

    skill-profile list                         # every profile a target can resolve to
    skill-profile show bare-agent/qwen3.5-9b   # its levels by category, source and date
    skill-profile show claude-code/opus-4.6    # falls back to another harness, with a warning
    skill-profile import tcp.json              # a SkVM profile into the user store
    skill-profile export bare-agent/gpt-5.4 -o gpt.json   # SkVM TCP JSON out

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
    print(f"{profile.target}  ({kind})")
    print(f"  source: {profile.source or 'unknown'}")
    print(f"  date:   {profile.date or profile.profiled_at or 'undated'}")
    if profile.path:
        print(f"  file:   {profile.path}")
    if profile.notes:
        print(f"  notes:  {profile.notes}")
    cat = catalog()
    for category, prims in cat.by_category().items():
        print(f"  {cat.categories[category]}:")
        for prim in prims:
            level = f"L{profile.level(prim.id)}" if profile.measured(prim.id) else "--"
            what = prim.levels.get(profile.level(prim.id), "fails even L1") if profile.measured(prim.id) \
                else "not measured (counts as L0)"
            print(f"    {prim.id:<22} {level:<3} {what}")
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


_COMMANDS = {"list": cmd_list, "show": cmd_show, "import": cmd_import, "export": cmd_export}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
