"""Plain records of environment binding: evidence, dependencies, notes.

These are the pass's working data and the public view of `env` IR
(`skillir.envbind.ir.dependencies_of`): no xdsl here, so tests, the runtime and the
compile report can use them without building IR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = ("pip", "npm", "system", "service")
"""What installs a dependency: pip (a Python distribution), npm (a Node package), a
system tool (apt/brew), or a service the skill talks to (checked, never installed)."""

SOURCES = ("import", "shell-command", "comment", "frontmatter", "manifest", "implied")
"""Where a dependency was seen: an import in code; a command in a shell block or a
script (including install commands); running text or a code comment; the front
matter (`requires`, `compatibility`, `metadata`); a bundled requirements.txt or
package.json; implied by another dependency (pytesseract needs tesseract)."""

SOURCE_RANK = {"frontmatter": 0, "manifest": 1, "import": 2, "shell-command": 3, "comment": 4, "implied": 5}
"""Which source names a dependency when it has several (lower wins)."""

_PEP503 = re.compile(r"[-_.]+")


def normalize_dist(name: str) -> str:
    """A PyPI name in PEP 503 normal form (`Python_Docx` -> `python-docx`)."""
    return _PEP503.sub("-", name).lower()


@dataclass(frozen=True, slots=True)
class Evidence:
    """One place in the skill that shows a dependency."""

    file: str
    """Relative to the skill folder: `SKILL.md`, `scripts/merge.py`."""
    line: int
    """1-based line in `file` (0 when the evidence has no line, e.g. front matter dicts)."""
    via: str
    """One of SOURCES."""
    text: str
    """The line (or phrase) that shows it, trimmed."""
    confidence: int = 90
    """0..100: how sure this one piece of evidence makes us."""
    optional: bool = False
    """The skill presents this use as optional (a fallback, 'if available', ...)."""

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(slots=True)
class Dependency:
    """One thing the environment must hold, with everything that shows it."""

    kind: str
    name: str
    """Canonical: PEP 503 distribution, npm package, tool name, or env-var name."""
    evidence: list[Evidence] = field(default_factory=list)
    spec: str = ""
    """What to install when it is not just `name` (`markitdown[all]`, a git URL)."""
    modules: tuple[str, ...] = ()
    """Python import names (pip) that show the distribution is there."""
    bins: tuple[str, ...] = ()
    """Commands the skill runs that this dependency provides."""
    apt: str = ""
    """Debian packages (space separated) that provide a system tool."""
    brew: str = ""
    """Homebrew formula for a system tool."""
    pip: str = ""
    """PyPI distribution that installs a system tool where apt and brew cannot (uv)."""
    npm: str = ""
    """npm package that installs a system tool where apt and brew cannot (pnpm)."""
    scope: str = ""
    """npm only: `global` (a command) or `local` (a library the skill's code imports)."""
    platform: str = ""
    """Set when the tool exists only on one platform (`macos`)."""
    post_install: str = ""
    """Shell run once after a fresh install (`"$PY" -m playwright install chromium`)."""
    check: str = ""
    install: str = ""
    present: bool | None = None
    """Set by the probe: is it on this machine? None when not probed."""
    version: str = ""
    """Set by the probe for pip/npm packages when found."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    @property
    def confidence(self) -> int:
        """The best evidence, plus 10 when two or more lines agree (capped at 100)."""
        if not self.evidence:
            return 0
        best = max(e.confidence for e in self.evidence)
        lines = {(e.file, e.line) for e in self.evidence}
        return min(100, best + 10) if len(lines) > 1 else best

    @property
    def optional(self) -> bool:
        """Optional only when every piece of evidence says so."""
        return bool(self.evidence) and all(e.optional for e in self.evidence)

    @property
    def source(self) -> str:
        """The strongest kind of evidence (front matter beats imports beat prose)."""
        if not self.evidence:
            return "implied"
        return min((e.via for e in self.evidence), key=lambda via: SOURCE_RANK.get(via, 9))

    def add(self, evidence: Evidence) -> None:
        """Keep one piece of evidence per (file, line, kind): the most confident."""
        for index, old in enumerate(self.evidence):
            if (old.file, old.line, old.via) == (evidence.file, evidence.line, evidence.via):
                if evidence.confidence > old.confidence:
                    self.evidence[index] = evidence
                return
        self.evidence.append(evidence)

    def label(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True, slots=True)
class Note:
    """Something the pass skipped or decided not to list, and why."""

    file: str
    line: int
    kind: str
    """`skipped` (input not read), `fallback` (read with a weaker method), `dropped`
    (a candidate below the confidence threshold), `probe` (the probe could not tell)."""
    message: str


NOTE_KINDS = ("skipped", "fallback", "dropped", "probe")


@dataclass(slots=True)
class Extraction:
    """What the extractor found in one skill."""

    dependencies: list[Dependency] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def labels(self) -> set[str]:
        return {d.label() for d in self.dependencies}
