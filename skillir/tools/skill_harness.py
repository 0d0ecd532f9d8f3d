"""skill-harness: install and inspect the real harness CLIs at their pinned versions.

    skill-harness install [NAME...]   install (or reuse) each harness; default: all five
    skill-harness status  [NAME...]   version, path, what is missing (exit 1 if any is missing)

Pinned versions: skillir/data/harness_clis.json. Prefix:
${SKILLIR_HARNESS_PREFIX:-${XDG_CACHE_HOME:-~/.cache}/skillir/harnesses}/<name>-<version>/.
Nothing is downloaded when a harness runs; only `install` talks to the registries
(npm, PyPI, and apt-get for ripgrep when run as root).
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skill-harness",
                                description="Install and check the real harness CLIs "
                                "(pinned versions, project-managed prefix).")
    p.add_argument("action", choices=("install", "status"))
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="opencode, codex, claude-code, openclaw, hermes (default: all)")
    p.add_argument("--force", action="store_true", help="reinstall even when present")
    p.add_argument("--keep-going", action="store_true",
                   help="install: go on after a failed harness (exit 1 at the end)")
    p.add_argument("--probe", action="store_true", help="status: run each CLI's --version")
    p.add_argument("--json", action="store_true", help="print one JSON object per harness")
    return p


def run(args: argparse.Namespace) -> int:
    from skillir.errors import SkillIRError
    from skillir.runtime.harness_drivers import clis

    names = args.names or list(clis.specs())
    for name in names:
        clis.spec(name)  # unknown names fail before anything is installed
    failed = 0
    for name in names:
        if args.action == "install":
            start = time.monotonic()
            present = not args.force and clis.find_cli(name) is not None
            if not present:
                print(f"skill-harness: {name}: installing {clis.spec(name).requirement} ...",
                      file=sys.stderr, flush=True)
            try:
                st = clis.install(name, force=args.force)
            except SkillIRError as exc:
                if not args.keep_going:
                    raise
                print(f"skill-harness: {name}: {exc}", file=sys.stderr)
                failed += 1
                continue
            took = time.monotonic() - start
            _show(st, args.json, extra=" (already installed)" if present else
                  f" (installed in {took:.1f} s)")
            failed += bool(st.missing)
        else:
            st = clis.status(name, probe=args.probe)
            _show(st, args.json)
            failed += bool(st.missing)
    return 1 if failed else 0


def _show(st, as_json: bool, extra: str = "") -> None:
    if as_json:
        print(json.dumps(st.to_json()))
        return
    where = st.path or "not installed"
    miss = f"; missing: {', '.join(st.missing)}" if st.missing else ""
    rep = f" [{st.reported_version}]" if st.reported_version else ""
    print(f"{st.harness:12} {st.version:10} {where}{rep}{miss}{extra}")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_intermixed_args(argv)
    from skillir.tools.cli import run_tool

    return run_tool("skill-harness", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())


def compile_for_harness(skill_dir: str, harness: str, model: str, dest: str) -> tuple[str | None, str]:
    """`skill-run --skill S --harness H --model M`: compile S for H and the profile of M into
    `dest` (like `skill-opt S --target=H/M -o dest`). Returns (the compiled folder or None,
    a note): None when no capability profile matches M, so the skill runs as written."""
    import contextlib
    import io

    from skillir.tools.skill_opt import main as skill_opt

    route, _, rest = model.partition("/")
    candidates = [c for c in dict.fromkeys((rest, model)) if c and ":" not in c]
    errors = []
    for name in candidates:
        out = f"{dest}/{harness}-{len(errors)}"
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = skill_opt([skill_dir, f"--target={harness}/{name}", "-o", out])
        if code == 0:
            return out, f"compiled for {harness}/{name}"
        errors.append(err.getvalue().strip().splitlines()[-1] if err.getvalue().strip() else
                      f"exit {code}")
    why = errors[-1] if errors else f"no capability profile for {model!r}"
    return None, f"not compiled ({why}): the skill runs as written"
