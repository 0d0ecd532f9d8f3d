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

import argparse
import os
import sys

EXIT_USAGE = 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        xdsl_version = version("xdsl")
    except PackageNotFoundError:  # pragma: no cover
        xdsl_version = "?"
    from skillir import __version__

    return f"skill-opt (SkillIR {__version__}) built on xdsl {xdsl_version}"


def build_parser() -> argparse.ArgumentParser:
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
    parser.add_argument("-t", "--emit", default="mlir",
                        help="what to write: mlir (default), markdown, or a harness backend")
    parser.add_argument("-o", "--output", default=None, help="output file (or folder for harness backends)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--print-op-generic", action="store_true", help="print IR in the generic form")
    parser.add_argument("--print-debuginfo", action="store_true", help="print source locations")
    parser.add_argument("--print-ir-after-all", action="store_true", help="print IR to stderr after every pass")
    parser.add_argument("--print-ir-after", action="append", default=[], metavar="PASS",
                        help="print IR to stderr after PASS (repeatable)")
    parser.add_argument("--print-ir-before", action="append", default=[], metavar="PASS",
                        help="print IR to stderr before PASS (repeatable)")
    verify = parser.add_mutually_exclusive_group()
    verify.add_argument("--verify-each", dest="verify_each", action="store_true", default=True,
                        help="verify the IR after every pass (default)")
    verify.add_argument("--no-verify-each", dest="verify_each", action="store_false",
                        help="do not verify between passes")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--version"]:  # fast path: no xdsl import
        print(_version())
        return 0
    args = build_parser().parse_args(argv)
    if args.version:
        print(_version())
        return 0
    from skillir.errors import SkillIRError, one_line

    try:
        return _run(args)
    except SkillIRError as exc:
        return _fail(str(exc), args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into one line
        if os.environ.get("SKILLIR_DEBUG"):
            raise
        return _fail(f"error: internal error: {type(exc).__name__}: {one_line(exc)} "
                     "(set SKILLIR_DEBUG=1 for a traceback and please report it)", args)


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

    from skillir.backends import get_all_backends
    from skillir.errors import SkillIRError
    from skillir.pipeline import PassManager, parse_pipeline, stage_pipeline

    spec = args.pipeline
    if args.stage is not None:
        staged = stage_pipeline(args.stage, args.target or "bare-agent/qwen3.5-9b")
        spec = ",".join(p for p in (staged, spec) if p)
    passes = parse_pipeline(spec or "")
    backends = get_all_backends()
    if args.emit not in backends and args.emit != "mlir":
        raise SkillIRError(f"unknown emit target '{args.emit}'",
                           hint=f"choose one of mlir, {', '.join(backends)}")

    manager = PassManager(
        passes=passes,
        verify_each=args.verify_each,
        print_ir_after_all=args.print_ir_after_all,
        print_ir_after=frozenset(args.print_ir_after),
        print_ir_before=frozenset(args.print_ir_before),
        print_generic=args.print_op_generic,
        timing=args.timing,
    )
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

            write_text_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    return 0


def _inputs(args: argparse.Namespace):
    """The modules to process: one per skill, or one per `// -----` chunk of IR."""
    from skillir.errors import SkillIRError
    from skillir.pipeline import verify_module

    path = args.input
    if path is None or path == "-" or path.endswith(".mlir"):
        from skillir.ir import make_context, parse_module

        name = "<stdin>" if path in (None, "-") else path
        if path in (None, "-"):
            text = sys.stdin.read()
        else:
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except FileNotFoundError:
                raise SkillIRError("no such file", path=path) from None
            except UnicodeDecodeError:
                raise SkillIRError("file is not valid UTF-8", path=path) from None
            except OSError as exc:
                raise SkillIRError(f"cannot read the file ({exc.strerror})", path=path) from None
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
