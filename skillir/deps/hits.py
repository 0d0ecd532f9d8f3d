"""`Hit`: one raw sighting of a dependency inside one piece of text, before it is
resolved against the tables (see `skillir.deps.collect`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

HIT_KINDS = (
    "module",  # a Python import path (`PIL.Image`)
    "pip",  # a pip requirement spec (`markitdown[all]`, `git+https://...`)
    "npm",  # a Node package the code imports (installed next to the code)
    "npm-global",  # a Node package run as a command (npx, npm -g, front matter)
    "command",  # a command a shell line runs (`pdftotext`)
    "cli",  # a command the text names as a command-line tool ("the `uip` CLI", "Azure CLI (`az`)")
    "tool",  # a system tool by its canonical name (`libreoffice`), from prose/front matter
    "apt",  # a Debian package (`apt-get install tesseract-ocr`)
    "brew",  # a Homebrew formula
    "env",  # an environment variable holding a credential (`KAGI_API_KEY`)
    "service",  # an MCP server (`mcp:github`) or a known service (`postgresql`): checked, never installed
    "requirements",  # a requirements file a pip command installs from (`-r requirements.txt`)
)


@dataclass(slots=True)
class Hit:
    kind: str
    name: str
    line: int
    """1-based, relative to the text the extractor was given."""
    text: str
    """The source line (or phrase), trimmed."""
    via: str
    """One of `skillir.deps.model.SOURCES`."""
    confidence: int
    optional: bool = False
    provides: tuple[str, ...] = ()
    """Commands a package provides (front matter `install` entries)."""


def trim(line: str, limit: int = 160) -> str:
    line = " ".join(line.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def lf_only(text: str) -> str:
    """Line ends as the frontend counts them: CRLF becomes LF and any other character
    Python or `str.splitlines` would take for a line break becomes a space, so hit
    lines are SKILL.md / file lines."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", " ")
    return text.translate(_BREAKS) if _HAS_BREAK.search(text) else text


_BREAKS = {c: " " for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}
_HAS_BREAK = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
