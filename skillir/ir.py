"""Context, printing and parsing helpers shared by the tools, tests and passes."""

from __future__ import annotations

import io
from collections.abc import Iterable

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, FileLineColLoc, ModuleOp
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from skillir.errors import SkillIRError, one_line
from skillir.xdsl_compat import isolated
from skillir.xdsl_compat.printer import SkillPrinter  # noqa: F401  (re-exported)
from skillir.xdsl_compat.verify import verify_tree

isolated.install()  # IsolatedFromAbove in one walk (see skillir.xdsl_compat.isolated)


def make_parser(ctx: Context, text: str, name: str = "<input>"):
    """An xdsl Parser over `text` that reads UTF-8 string literals as strings."""
    from xdsl.parser import Parser
    from xdsl.parser.generic_parser import ParserState
    from xdsl.utils.lexer import Input

    from skillir.xdsl_compat.lexer import SkillLexer

    parser = Parser(ctx, "", name)
    parser._parser_state = ParserState(SkillLexer(Input(text, name)))
    return parser


def make_context() -> Context:
    """A context with builtin and every SkillIR dialect registered (loaded lazily)."""
    from skillir.dialects import get_all_dialects

    ctx = Context()
    ctx.load_dialect(Builtin)
    for name, factory in get_all_dialects().items():
        ctx.register_dialect(name, factory)
    return ctx


def print_module(module: ModuleOp, *, generic: bool = False, debuginfo: bool = False) -> str:
    """The module as text: custom form by default, generic form when asked."""
    out = io.StringIO()
    printer = SkillPrinter(stream=out, print_generic_format=generic, print_debuginfo=debuginfo)
    printer.print_op(module)
    out.write("\n")
    return out.getvalue()


def parse_module(text: str, name: str = "<input>", ctx: Context | None = None) -> ModuleOp:
    """Parse textual IR (custom or generic form) into a module.

    Raises `SkillIRError` with the file and line on malformed input.
    """
    from xdsl.utils.exceptions import ParseError, VerifyException

    from skillir.errors import SkillIRError

    try:
        return make_parser(ctx or make_context(), text, name).parse_module()
    except ParseError as exc:
        line = None
        span = getattr(exc, "span", None)
        if span is not None:
            try:
                line = span.get_line_col()[0] + 1
            except Exception:  # noqa: BLE001 - best effort location
                line = None
        msg = str(getattr(exc, "msg", "") or "").strip() or "malformed IR"
        raise SkillIRError(
            msg.splitlines()[0], path=name, line=line,
            hint="fix the IR text or regenerate it with skill-opt",
        ) from None
    except VerifyException as exc:
        raise SkillIRError(f"invalid attribute: {one_line(exc)}", path=name,
                           hint="fix the IR text or regenerate it with skill-opt") from None
    except RecursionError:
        raise SkillIRError("the IR nests too deeply to parse", path=name,
                           hint="fix the IR text or regenerate it with skill-opt") from None
    except UnicodeError:
        raise SkillIRError("the IR text holds characters that are not valid Unicode "
                           "(lone surrogates)", path=name) from None
    except (KeyError, ValueError, OverflowError, TypeError, AttributeError, IndexError) as exc:
        # xdsl's attribute parsers assume well-formed parts (a missing key, a 5000-digit int)
        raise SkillIRError(f"malformed IR ({type(exc).__name__}: {one_line(exc)})", path=name,
                           hint="fix the IR text or regenerate it with skill-opt") from None


def verify_module(module: ModuleOp, *, after: str | None = None) -> None:
    """Verify `module`; on failure raise a one-line SkillIRError naming the op and
    its source location (SKILL.md line when the op came from the frontend)."""
    try:  # one fast pass decides "fine"; anything else is xdsl's verifier's to report
        verify_tree(module)
        return
    except Exception:  # noqa: BLE001 - any doubt goes to the exact check below
        pass
    try:
        module.verify()
        return
    except (VerifyException, DiagnosticException) as exc:
        failing, message = _first_failure(module)
        if failing is None:
            message = one_line(exc)
    except (KeyError, AttributeError, TypeError, ValueError, IndexError, OverflowError) as exc:
        # hand-written IR can reach a verifier that reads what another op's verifier
        # has not checked yet (a parent without its properties): still one line
        failing, message = _first_failure(module)
        if failing is None:
            message = f"malformed IR ({type(exc).__name__}: {one_line(exc)})"
    path, line = location_of(failing) if failing is not None else (None, None)
    prefix = f"IR after {after} does not verify: " if after else ""
    name = f"'{failing.name}': " if failing is not None else ""
    raise SkillIRError(prefix + name + message, path=path, line=line)


def _first_failure(module: ModuleOp) -> tuple[Operation | None, str]:
    for op in module.walk():
        try:
            op.verify_()
        except VerifyException as exc:
            return op, one_line(exc)
        except (KeyError, AttributeError, TypeError, ValueError, IndexError, OverflowError) as exc:
            missing = f"missing property {exc}" if isinstance(exc, KeyError) else one_line(exc)
            return op, f"malformed op ({missing})"
    return None, ""


def location_of(op: Operation) -> tuple[str | None, int | None]:
    """(file, line) of an op's FileLineColLoc, or of its nearest located ancestor."""
    current: Operation | None = op
    while current is not None:
        loc = current.location
        if isinstance(loc, FileLineColLoc):
            return loc.filename.data, loc.line.data
        current = current.parent_op()
    return None, None


def one_per_skill(module: ModuleOp, op_type: type[Operation]) -> list[str]:
    """A pass post-condition: each `skill.skill` holds exactly one `op_type` op directly
    (the problems, one line each; empty when it holds)."""
    from skillir.dialects.skill import SkillOp, region_ops

    problems = []
    for skill in (op for op in module.ops if isinstance(op, SkillOp)):
        count = sum(isinstance(o, op_type) for o in region_ops(skill.body))
        if count != 1:
            problems.append(f"skill '{skill.sym_name.data}' has {count} '{op_type.name}' ops, "
                            "expected 1")
    return problems


def apply_once(pattern: RewritePattern, ops: Iterable[Operation]) -> None:
    """Apply a one-shot pattern once to each of the ops it is written for (a skill, a
    bind), like MLIR's `applyOpPatternsGreedily` on a given op list without the
    fixpoint. A `PatternRewriteWalker` would offer every op of the module to a pattern
    that matches only the skills: on a compiled skill that walk costs about 0.3 ms per
    pass, more than most of these patterns."""
    for target in list(ops):
        pattern.match_and_rewrite(target, PatternRewriter(target))
