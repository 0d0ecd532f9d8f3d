"""One error type for everything a user can get wrong: it renders as a single line
that says where (file and line), what, and how to fix it."""

from __future__ import annotations


class SkillIRError(Exception):
    """A user-facing error: `file:line: error: what (hint: how to fix)`."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}error: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return " ".join(text.split("\n"))


def one_line(exc: BaseException) -> str:
    """Collapse any exception message to one line (xdsl diagnostics span several)."""
    text = str(exc).strip() or type(exc).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return " | ".join(lines[:4])
