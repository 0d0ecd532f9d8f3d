"""`skill-opt`: the SkillIR driver, like `mlir-opt` / `xdsl-opt`.

    skill-opt SKILL_DIR                          # the skill as `skill` dialect IR
    skill-opt SKILL_DIR -p 'canonicalize-skill'  # run passes (also --pass-pipeline)
    skill-opt file.mlir --print-op-generic       # IR in, IR out
    skill-opt SKILL_DIR -t markdown              # SKILL.md back from the IR

Flags shared with xdsl-opt keep xdsl-opt's spelling (-p, -o, --print-op-generic,
--split-input-file, --verify-diagnostics). `-t` names what to emit (`mlir`, `markdown`,
or a harness backend) and `--target` names the (harness/model) pair to compile for, so
this driver does not reuse xDSLOptMain, whose `-t/--target` is a single flag.

Errors are one line on stderr (file:line: error: what (how to fix)) with exit code 2;
set SKILLIR_DEBUG=1 to see a traceback instead.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~10 ms of a command's start)

if TYPE_CHECKING:  # argparse and logging load only when the command runs here
    import argparse

EXIT_USAGE = 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        xdsl_version = version("xdsl")
    except PackageNotFoundError:  # pragma: no cover
        xdsl_version = "?"
    from skillir.version import __version__

    return f"skill-opt (SkillIR {__version__}) built on xdsl {xdsl_version}"


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="skill-opt",
        description="Compile agent skills through SkillIR's dialects and passes.",
        epilog="Input: a skill folder, its SKILL.md, or textual IR (.mlir, or '-' for stdin).",
    )
    parser.add_argument("input", nargs="?", help="skill folder, SKILL.md, or .mlir file (default: stdin IR)")
    parser.add_argument("-p", "--pass-pipeline", "--passes", dest="pipeline", default=None,
                        help="passes to run, e.g. 'canonicalize-skill' or 'builtin.module(a,b{opt=v})'")
    parser.add_argument("--stage", default=None,
                        help="run the named stage's pipeline (skill, cap, env, conc, harness)")
    parser.add_argument("--target", default=None,
                        help="harness/model to compile for, e.g. bare-agent/qwen3.5-9b")
    parser.add_argument("--security", default="warn", choices=("warn", "guard", "block"),
                        help="what lint-security (the first pass of every stage) does with findings: "
                             "warn records them in the IR and compile-report.json (default), guard also "
                             "marks them for confirmation, block refuses a skill with a high or "
                             "critical finding (exit 2)")
    parser.add_argument("--max-growth-percent", type=int, default=None, metavar="N",
                        help="with --target/--stage: compile-capabilities' notes and lower-to-harness's parallel "
                             "hints add at most N%% of the SKILL.md's characters (default 10; 0: no such cap)")
    parser.add_argument("--conform-frontmatter", action="store_true",
                        help="with --target/--stage: rewrite front matter so skills-ref accepts it (block style; "
                             "keys outside the specification under metadata, the harness's own keys kept)")
    parser.add_argument("-t", "--emit", default="mlir",
                        help="what to write: mlir (default), markdown, or a harness backend")
    parser.add_argument("-o", "--output", default=None, help="output file (or folder for harness backends)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing output folder that SkillIR wrote (it holds .skillir-output)")
    parser.add_argument("--in-place", action="store_true",
                        help="allow -o FILE to overwrite the input SKILL.md or .mlir (or write inside the skill folder)")
    parser.add_argument("--emit-all", action="store_true",
                        help="compile for all six harnesses side by side in -o DIR (model from --target)")
    parser.add_argument("--print-op-generic", action="store_true", help="print IR in the generic form")
    parser.add_argument("--print-debuginfo", action="store_true", help="print source locations")
    parser.add_argument("--print-ir-after-all", action="store_true", help="print IR to stderr after every pass")
    parser.add_argument("--print-ir-after", action="append", default=[], metavar="PASS",
                        help="print IR to stderr after PASS (repeatable)")
    parser.add_argument("--print-ir-before", action="append", default=[], metavar="PASS",
                        help="print IR to stderr before PASS (repeatable)")
    verify = parser.add_mutually_exclusive_group()
    verify.add_argument("--verify-each", dest="verify", action="store_const", const="each", default="stages",
                        help="verify the IR after every pass (default: after each stage of the pipeline -- "
                             "cap, env, conc, harness -- and after the last pass; legality checks run "
                             "after every pass either way)")
    verify.add_argument("--no-verify-each", dest="verify", action="store_const", const="none",
                        help="do not verify between passes (nor check legality)")
    parser.add_argument("--timing", action="store_true", help="print per-pass wall time to stderr")
    parser.add_argument("--dump-dag", default=None, metavar="FILE",
                        help="draw the workflow DAG (after extract-concurrency) to FILE.png or FILE.md (mermaid)")
    parser.add_argument("--list-passes", action="store_true", help="list passes with their options")
    parser.add_argument("--split-input-file", action="store_true",
                        help="treat '// -----' separated chunks of .mlir input as separate modules")
    parser.add_argument("--verify-diagnostics", action="store_true",
                        help="print errors to stdout and exit 0 (for diagnostic tests)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print warnings")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--stop-servers", action="store_true",
                        help="stop this user's compile servers (warm processes that later skill-opt commands "
                             "hand their work to; SKILLIR_SERVER=0 turns them off) and exit")
    return parser


def command() -> int:
    """The `skill-opt` command: handed to a warm compile server when one runs (the same
    code, in a child forked from it: skillir.tools.server_client), else run here."""
    argv = sys.argv[1:]
    if argv == ["--version"]:  # fast path: no xdsl import
        print(_version())
        return 0
    if argv == ["--stop-servers"]:
        return _stop_servers()
    from skillir.tools.server_client import run_command

    return run_command("skill-opt", main, argv)


def main(argv: list[str] | None = None) -> int:
    """skill-opt in this process (the API; tests and other tools call it)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--version"]:  # fast path: no xdsl import
        print(_version())
        return 0
    args = build_parser().parse_args(argv)
    if args.version:
        print(_version())
        return 0
    if args.stop_servers:
        return _stop_servers()
    import logging

    from skillir.errors import SkillIRError
    from skillir.tools.cli import run_tool

    quieted = logging.getLogger("skillir")
    level = quieted.level
    if args.quiet:  # -q: no warnings either (a stand-in profile, a skipped hint ...)
        quieted.setLevel(logging.ERROR)
    try:
        if args.verify_diagnostics:  # diagnostics go to stdout and the run "succeeds"
            try:
                return _run(args)
            except SkillIRError as exc:
                return _fail(str(exc), args)
        return run_tool("skill-opt", lambda: _run(args))
    finally:
        quieted.setLevel(level)


def _stop_servers() -> int:
    from skillir.tools.server_client import stop_servers

    print(f"skill-opt: stopped {stop_servers()} compile server(s)", file=sys.stderr)
    return 0


def _fail(message: str, args: argparse.Namespace) -> int:
    if args.verify_diagnostics:
        print(message)
        return 0
    print(f"skill-opt: {message}", file=sys.stderr)
    return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if args.list_passes:
        from skillir.tools.pass_listing import describe_passes

        sys.stdout.write(describe_passes())
        return 0

    from skillir.backends import get_all_backends, get_folder_backends
    from skillir.errors import SkillIRError
    from skillir.pipeline import stage_passes
    from skillir.target import Target

    backends = get_all_backends()
    folders = get_folder_backends()
    if args.emit not in backends and args.emit not in folders and args.emit != "mlir":
        raise SkillIRError(f"unknown emit target '{args.emit}'",
                           hint=f"choose one of mlir, {', '.join([*backends, *folders])}")
    if args.target is not None:
        args.target = Target.parse(args.target)
        if args.emit == "mlir" and args.output and not args.emit_all:
            args.emit = args.target.harness
    if args.emit_all or args.emit in folders:
        return _compile_folders(args, folders)

    spec = args.pipeline
    staged = ()
    if args.stage is not None or (args.target is not None and spec is None):
        staged = stage_passes(args.stage or "harness", args.target, security=args.security,
                              max_growth_percent=args.max_growth_percent,
                              conform_frontmatter=args.conform_frontmatter)

    manager = _manager(args, spec or "", staged)
    outputs: list[str] = []
    for module in _inputs(args):
        try:
            manager.run(module)
        except SkillIRError as exc:
            if not args.verify_diagnostics:
                raise
            print(str(exc))
            continue
        if args.dump_dag:
            _dump_dag(module, args.dump_dag)
        outputs.append(_render(module, args, backends))
    if outputs or not args.verify_diagnostics:
        text = ("// -----\n" if args.emit == "mlir" else "").join(outputs)
        if args.output:
            from skillir.atomic import write_text_atomic
            from skillir.safepaths import guard_output

            guard_output(args.output, args.input, folder=False, in_place=args.in_place)
            write_text_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    return 0


def _manager(args: argparse.Namespace, spec: str, staged: tuple = ()):
    from skillir.pipeline import PassManager, parse_pipeline

    if "=llm" in spec:  # a pass asks a model (rewriter=llm, oracle=llm): plug in the providers
        from skillir.runtime.compiler_model import register

        register()

    passes = (*staged, *parse_pipeline(spec))
    points: frozenset[int] = frozenset()
    if args.verify == "stages":  # after each stage of the ladder, and after each pass of -p
        from skillir.pipeline import stage_ends

        points = (stage_ends(staged) if staged else frozenset()) | frozenset(range(len(staged), len(passes)))
    return PassManager(
        passes=passes,
        verify_each=args.verify == "each",
        verify_points=points,
        print_ir_after_all=args.print_ir_after_all,
        print_ir_after=frozenset(args.print_ir_after),
        print_ir_before=frozenset(args.print_ir_before),
        print_generic=args.print_op_generic,
        timing=args.timing,
    )


def _compile_folders(args: argparse.Namespace, folders) -> int:
    """Compile and write harness folders: one harness (-t or --target), or all six."""
    from pathlib import Path

    from skillir.atomic import atomic_directory
    from skillir.errors import SkillIRError
    from skillir.pipeline import stage_passes

    if not args.output:
        raise SkillIRError("harness backends write a folder", hint="give it with -o DIR")
    from skillir.safepaths import guard_output

    guard_output(args.output, args.input, folder=True)  # -o never is, holds or lies in the input
    if args.emit_all:
        if args.target is None:
            raise SkillIRError("--emit-all needs the model", hint="add --target=HARNESS/MODEL, e.g. bare-agent/qwen3.5-9b")
        model = args.target.model
        harnesses = list(folders)
    else:
        harnesses = [args.emit]
        model = args.target.model if args.target else None
    (module,) = list(_inputs(args))
    from skillir.dialects.harness import ProgramOp

    lowered = any(isinstance(op, ProgramOp) for op in module.body.block.ops)
    summaries = []
    with atomic_directory(args.output, force=args.force) as tmp:
        for harness in harnesses:
            work = module.clone() if len(harnesses) > 1 else module
            spec = args.pipeline
            staged = ()
            if model is not None and not lowered and spec is None:
                staged = stage_passes(args.stage or "harness", args.target.with_harness(harness),
                                      security=args.security, max_growth_percent=args.max_growth_percent,
                                      conform_frontmatter=args.conform_frontmatter)
            elif spec is None and not lowered:
                raise SkillIRError(
                    f"-t {harness} needs a compiled module",
                    hint=f"add --target={harness}/MODEL, or run the pipeline up to lower-to-harness{{harness={harness}}}",
                )
            _manager(args, spec or "", staged).run(work)
            if args.dump_dag:
                _dump_dag(work, args.dump_dag)
            out = Path(tmp) / harness if args.emit_all else Path(tmp)
            reports = folders[harness]()(work, out)
            summaries.extend(reports)
    if not args.quiet:
        for report in summaries:
            _print_summary(report, args.output, args.emit_all)
    return 0


def _print_summary(report: dict, output: str, nested: bool) -> None:
    s = report["summary"]
    where = f"{output}/{report['harness']}" if nested else output
    tokens = report["tokens"]
    delta = "" if tokens["original"] is None else f", tokens {tokens['original']} -> {tokens['compiled']}"
    print(
        f"skill-opt: {report['skill']} for {report['target']}: {s['gaps']} gaps "
        f"({s['closed']} closed, {s['unresolved']} unresolved), {s['dependencies']} dependencies, "
        f"{s['parallel']}/{s['groups_found']} parallel groups kept{delta}"
        + (f", {s['security_findings']} security findings (see compile-report.json)" if s.get("security_findings") else "")
        + f"; wrote {where}/{report['skill_dir']}",
        file=sys.stderr,
    )


def _inputs(args: argparse.Namespace):
    """The modules to process: one per skill, or one per `// -----` chunk of IR."""
    from skillir.errors import SkillIRError
    from skillir.ir import verify_module

    path = args.input
    if path is None or path == "-" or path.endswith(".mlir"):
        from skillir.ir import make_context, parse_module

        name = "<stdin>" if path in (None, "-") else path
        if path in (None, "-"):
            text = sys.stdin.read()
        else:
            from skillir.untrusted import read_text_file

            text = read_text_file(path, what="IR file")
        chunks = text.split("// -----") if args.split_input_file else [text]
        ctx = make_context()
        line = 1
        for chunk in chunks:
            try:
                module = parse_module("\n" * (line - 1) + chunk, name, ctx)
                verify_module(module)
            except SkillIRError as exc:
                if not args.verify_diagnostics:
                    raise
                print(str(exc))
                line += chunk.count("\n")
                continue
            line += chunk.count("\n")
            yield module
        return
    from skillir.frontend.skill_md import load_skill_with_diagnostics

    module, diagnostics = load_skill_with_diagnostics(path)
    if not args.quiet:
        for diagnostic in diagnostics:
            print(f"skill-opt: {diagnostic}", file=sys.stderr)
    verify_module(module)
    yield module


def _dump_dag(module, path: str) -> None:
    from skillir.concurrency.render import render_mermaid, render_png
    from skillir.errors import SkillIRError

    if path.endswith(".png"):
        render_png(module, path)
    elif path.endswith(".md"):
        from skillir.atomic import write_text_atomic

        write_text_atomic(path, render_mermaid(module))
    else:
        raise SkillIRError("--dump-dag writes .png or .md (mermaid)", path=path)


def _render(module, args: argparse.Namespace, backends) -> str:
    if args.emit == "mlir":
        from skillir.ir import print_module

        return print_module(module, generic=args.print_op_generic, debuginfo=args.print_debuginfo)
    import io

    out = io.StringIO()
    backends[args.emit]()(module, out)
    return out.getvalue()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
