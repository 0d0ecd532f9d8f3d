"""The one command-line wrapper every SkillIR tool runs in: the same exit codes, the
same one-line errors, the same clean-up on signals.

Exit codes (all tools):

| code | meaning |
| --- | --- |
| 0 | done |
| 1 | done, and the answer is "no" (a health check failed, a check found something missing) |
| 2 | an error the user can fix: bad arguments, bad input, a path the system refuses (full disk, name too long), one line on stderr (what, where, how to fix) |
| 3, 4 | tool-specific outcomes, documented by the tool (skill-run: SkillsBench task skipped / no grader) |
| 70 | an internal error (a bug): one line, `SKILLIR_DEBUG=1` shows the traceback |
| 128+N | stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP), after cleaning up |

SIGTERM and SIGHUP are turned into an exception like Ctrl-C, so every `with` block
(temporary folders, atomic writes, sandboxes) cleans up the same way on all three.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

EXIT_OK = 0
EXIT_NO = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM or SIGHUP arrives."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by signal {signum}")
        self.signum = signum


def _raise_terminated(signum, frame) -> None:  # noqa: ARG001 - the signal-handler signature
    raise Terminated(signum)


def install_signal_handlers() -> None:
    """SIGTERM and SIGHUP raise `Terminated` (main thread only; a no-op elsewhere)."""
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            signal.signal(signum, _raise_terminated)
        except ValueError:  # not the main thread
            return


def run_tool(prog: str, body: Callable[[], int], *, tag: Callable[[], str] = lambda: "",
             handlers: dict[type[BaseException], Callable[[BaseException], int]] | None = None) -> int:
    """Run a tool's `body` and turn every way it can end into the exit codes above.
    `handlers` maps tool-specific exception types to their own exit code (they run
    before the generic ones); `tag` prefixes every message (skill-run's "[simulated] ")."""
    from skillir.errors import SkillIRError, one_line
    from skillir.regex_cache import install

    install_signal_handlers()
    install()  # before `body` imports the analyses and compiles their patterns
    try:
        return body()
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"{tag()}{prog}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Terminated as exc:
        print(f"{tag()}{prog}: stopped by signal {exc.signum}", file=sys.stderr)
        return 128 + exc.signum
    except Exception as exc:  # noqa: BLE001 - the one place that turns failures into one line
        for kind, handle in (handlers or {}).items():
            if isinstance(exc, kind):
                return handle(exc)
        if isinstance(exc, SkillIRError):
            print(f"{tag()}{prog}: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, OSError) and exc.strerror:  # the system refused: a full disk, a bad path
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"{tag()}{prog}: {where}error: {exc.strerror} (check the path, its "
                  "permissions and the free space)", file=sys.stderr)
            return EXIT_USAGE
        if os.environ.get("SKILLIR_DEBUG"):
            raise
        print(f"{tag()}{prog}: error: internal error: {type(exc).__name__}: {one_line(exc)} "
              "(set SKILLIR_DEBUG=1 for a traceback and please report it)", file=sys.stderr)
        return EXIT_INTERNAL
