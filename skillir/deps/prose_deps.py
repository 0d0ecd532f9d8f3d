"""Dependencies stated in words: running text of SKILL.md and the front matter.

Prose gives a dependency in three ways: an install command written in the text
(`(pip install rapidfuzz)`, `` `sudo apt install imagemagick` ``); a known tool named
in a sentence that says it is required ("LibreOffice Required for Formula
Recalculation", "FFmpeg installed and available in PATH"); a credential named in
such a sentence ("Requires KAGI_API_KEY in the environment").

The front matter gives them in fields: `requires` (a list, or a mapping with `bins`,
`pip`, `npm`, `env` ...), `compatibility` (free text, read like a requirement
sentence), `dependencies`, and nested `metadata` blocks such as OpenClaw's
`{"clawdbot": {"requires": {"bins": [...]}, "install": [{"kind": "node", ...}]}}`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

from skillir.datafiles import load_data
from skillir.deps.commands import MCP_PREFIX, mcp_name
from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.shell_deps import _SCRIPT_SUFFIX, ShellReader, until_prose
from skillir.deps.tables import python_table, rules, tool_table
from skillir.readers.shell import INSTALLERS

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*(\[])|\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)])\s)")
_INSTALL = re.compile(
    rf"(?:sudo\s+)?\b{INSTALLERS}\s+(?:install|i|add)\s+[^`)\n;,]*"
)
_ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
_LIST_SPLIT = re.compile(r"[,;\s]+")
_MCP_NAMED = re.compile(
    r"(?:`([\w.@/-]+)`|\*\*([\w.@/ -]+?)\*\*|\b([A-Z][\w.]*(?:[ -][A-Z][\w.]*){0,2}))"
    r"\s+MCP\b(?![ -]servers\b|\s*\(Model)"
)
"""A server named before "MCP" (`GitHub MCP server`, `` `linear` MCP``); not "MCP
servers" (plural: servers in general) nor "MCP (Model Context Protocol)"."""
_INLINE_CODE = re.compile(r"`(?<!``)([^`\n]{1,200})`(?!`)")
"""An inline code span. Its length is checked where it matters, never in the pattern: a
minimum there pairs the closing backtick of a short span (`gh`) with the opening one of
the next. The backtick comes first, the check that none is before it after it (the
same test): a pattern that starts with a literal is searched for with a fast scan."""
_MCP_TOOL = re.compile(r"\bmcp__([A-Za-z0-9_-]+?)__[A-Za-z0-9]")
_BLANK_NAME = re.compile(r"[{}<>\[\]]|^(?:my|your|our|example)-|^server-name$|^servers$")
"""A server "name" that is a blank to fill in (`{project-name}`, `my-server`)."""


@cache
def _imperative_verbs() -> frozenset[str]:
    return frozenset(load_data("vocabulary.json")["imperative_verbs"])


def _not_a_name(word: str, not_names: frozenset[str]) -> bool:
    """A word before "MCP" that is no server's name: listed, a verb that opens an
    instruction ("Verify Rube MCP", "Discover MCP tools") or a description ("Adds
    Parallel AI MCP integration"), or a participle used as an adjective ("Existing MCP
    server", "named MCP")."""
    verbs = _imperative_verbs()
    return (word in not_names or word in verbs or (word.endswith("s") and word[:-1] in verbs)
            or (len(word) > 4 and word.endswith(("ing", "ed"))))
_SENTENCE_WORDS = frozenset({"the", "a", "an", "to", "and", "or", "for", "with", "every", "on", "in", "of", "is",
                             "are", "be", "if", "when", "you", "your", "this", "that", "it", "at", "by", "from"})
"""Words that make a front matter value a sentence to read, not a list of names."""

_BASH_TOOL = re.compile(r"\bBash\(\s*([\w.-]+)")
"""A command a front matter `allowed-tools` entry lets the skill run (`Bash(gh issue:*)`)."""

_ORGANISATION = re.compile(r"(?:['\u2019]s)?(?:\s+\w+)?\s+(?:conventions|guidelines|standards|style|blog|team|engineering|brand|culture)\b")
"""After a service's name, what makes it the company, not the service ("following
Sentry naming conventions", "Sentry's engineering blog"; "Railway's template
marketplace" is the service)."""

_NAMED_CLI = re.compile(
    r"`([a-z][a-z0-9_.-]{0,30})`\s+(?:CLI|command[- ]line tool)\b"
    r"|\b[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3}\s+CLI\s+\(`([a-z][a-z0-9_.-]{0,30})`\)")
_DIGIT_DOT = re.compile(r"\d\.\d")
"""What every version `_package_words` reads holds ("2.2+"): a cheap screen for it, five
times faster than searching for a name and its version at every position."""
_LISTED = re.compile(r"^[ \t*_-]*(?:python\s+)?(?:dependencies|requirements|requires|packages)\s*[*_]*:", re.I | re.M)


def _package_words(text: str) -> Iterator[re.Match[str]]:
    """Known Python distributions named in prose the way a list of what to install
    names them: two or more with versions on one line ("pandas 2.2+, numpy 1.26+") or in a line headed
    "Dependencies:" ("Dependencies: pandas, python-dateutil"). Only the names of known
    distributions, as PyPI spells them (`python-dateutil`, never an import name such as
    `yaml`)."""
    dists = _distribution_names()
    by_line: dict[int, list[tuple[re.Match[str], bool]]] = {}
    for match in _PACKAGE_WORD.finditer(text):
        if match.group(1) in dists:
            start = text.rfind("\n", 0, match.start()) + 1
            by_line.setdefault(start, []).append((match, _VERSION_AFTER.match(text, match.end()) is not None))
    for start, names in by_line.items():
        if _LISTED.match(text, start):
            yield from (match for match, _ in names)
        elif sum(versioned for _, versioned in names) >= 2:
            # a list of versions ("tested with: pandas 2.2+, numpy 1.26+"); one version
            # alone is often an aside ("if you use torch 2.0+, compile the model")
            yield from (match for match, versioned in names if versioned)


@cache
def _distribution_names() -> frozenset[str]:
    """The PyPI names of the known distributions (`pandas`, `python-dateutil`), never a
    bare import name that differs from its distribution's (`yaml`, `dateutil`)."""
    return frozenset(d for d in python_table().modules.values() if len(d) >= 4)


_PACKAGE_WORD = re.compile(r"(?<![\w./`-])([a-z][a-z0-9_-]{3,})(?![\w/-])")
_VERSION_AFTER = re.compile(r"\s?(?:==|>=|~=)?\s?\d+\.\d+(?![\w.]*\+?\s*\(R\))")
"""A version after a name, unless "(R)" marks it as an R package ("igraph 1.6+ (R)")."""

_MOST_SUBJECTS = 2
"""A description sentence naming more services than this lists choices (`subjects`)."""

FRONTMATTER_FIELDS = ("requires", "compatibility", "dependencies", "metadata")


@cache
def _python_names() -> frozenset[str]:
    """Every PyPI distribution name the Python table maps an import to, lowercased."""
    return frozenset(v.lower() for v in python_table().modules.values())


class ProseReader:
    def __init__(self, shell: ShellReader | None = None):
        self.shell = shell or ShellReader()
        self.rules = rules()
        self.tools = tool_table()

    def read(self, text: str, *, confidence: int = 80, optional: bool = False,
             requirement: bool = False) -> list[Hit]:
        """Hits in running text. `requirement=True` reads every sentence as a
        requirement (the front matter's `compatibility`).

        Match-driven for speed: each pattern runs once over the whole text, and only
        a match looks at its sentence (for cue words and the evidence text)."""
        text = lf_only(text)
        hits: list[Hit] = []
        found: list[tuple[int, str, re.Match[str]]] = []
        cue = requirement or self.rules.requirement_cue.search(text) is not None  # (asked once)
        if "install" in text or " add " in text or " i " in text:
            found.extend((m.start(), "install", m) for m in _INSTALL.finditer(text))
        if cue:
            pattern = self.tools.prose_pattern
            if pattern is not None:
                found.extend((m.start(), "tool", m) for m in pattern.finditer(text))
            if "_" in text:
                found.extend((m.start(), "env", m) for m in _ENV_NAME.finditer(text)
                             if self.rules.credential.match(m.group(0))
                             and m.group(0) not in self.rules.credential_placeholders)
        spans: list[re.Match[str]] = []
        commands: list[re.Match[str]] = []
        if "`" in text:
            spans = list(_INLINE_CODE.finditer(text))
            commands = [m for m in spans if self._command_like(m.group(1))]
            found.extend((m.start(), "inline", m) for m in commands)
            if cue:
                # a known tool quoted on its own, in a sentence that says it is needed
                # or present: "engines already in this container: `pandoc`, `ffmpeg`"
                found.extend((m.start(), "tool-word", m) for m in spans if self._tool_word(m.group(1)) is not None)
            else:
                # a credential quoted on its own ("| DeepSeek | `DEEPSEEK_API_KEY` |", "Env:
                # `DASHSCOPE_API_KEY`"): the account it unlocks, needed where it is used
                found.extend((m.start(), "env-span", m) for m in spans
                             if self.rules.credential.match(m.group(1)) and _ENV_NAME.fullmatch(m.group(1))
                             and not _IDENTIFIER_KEY.search(m.group(1))
                             and m.group(1) not in self.rules.credential_placeholders)
            # a known tool quoted alone that the text runs: "run `shellcheck` if available"
            found.extend((m.start(), "tool-run", m) for m in spans
                         if _RUN_BEFORE.search(text, max(0, m.start() - 12), m.start())
                         and not _in_table_row(text, m.start()) and self._tool_word(m.group(1)) is not None)
        if "MCP" in text:
            found.extend((m.start(), "mcp", m) for m in _MCP_NAMED.finditer(text))
        if "mcp__" in text:
            found.extend((m.start(), "mcp-tool", m) for m in _MCP_TOOL.finditer(text))
        if cue and self.rules.service_pattern is not None:
            found.extend((m.start(), "service", m) for m in self.rules.service_pattern.finditer(text))
        if "CLI" in text or "command-line tool" in text or "command line tool" in text:
            found.extend((m.start(), "named-cli", m) for m in _NAMED_CLI.finditer(text))
        if _DIGIT_DOT.search(text) is not None or _LISTED.search(text) is not None:
            found.extend((m.start(), "package", m) for m in _package_words(text))
        if not found:
            return hits
        alternatives = _alternatives(text, spans) if commands and len(spans) > 1 else set()
        breaks = [m.end() for m in _SENTENCE.finditer(text)]
        optional_at: dict[int, bool] = {}
        required_at: dict[int, bool] = {}

        def required(begin: int, sentence: str) -> bool:
            """Does the sentence at `begin` hold a requirement cue (asked once per sentence)?"""
            said = required_at.get(begin)
            if said is None:
                said = required_at[begin] = self.rules.requirement_cue.search(sentence) is not None
            return said

        for start, kind, match in sorted(found, key=lambda item: item[0]):
            index = bisect_right(breaks, start)
            begin = breaks[index - 1] if index else 0
            finish = breaks[index] if index < len(breaks) else len(text)
            sentence = text[begin:finish]
            line = text.count("\n", 0, start) + 1
            is_optional = optional_at.get(begin)
            if is_optional is None:
                is_optional = optional_at[begin] = optional or bool(self.rules.optional_cue.search(sentence))
            evidence = trim(sentence)
            if kind == "inline":
                if start in alternatives:
                    continue  # `npm test` / `cargo test` / `pytest`: one of several, per project
                if _negated(text[max(begin, start - 60):start]):
                    continue  # "do not run `npx tsx` directly", "instead of `curl`"
                hits.extend(self._inline(match.group(1), line, evidence, confidence, is_optional))
                continue
            if kind in ("tool-word", "tool-run"):
                said = required(begin, sentence)
                if (not said and kind == "tool-word") or _negated(text[max(begin, start - 60):start]) \
                        or self._parameter_cell(text, start):
                    continue
                tool = self._tool_word(match.group(1))
                # (a tool the text only runs, in a sentence that does not say it is needed, is
                # needed where the skill uses it, not before: "If `tree` is not available, ...")
                hits.append(Hit("tool", tool.name, line, evidence, "comment", min(confidence, 70),
                                is_optional or not said))
                continue
            if kind == "env-span":
                if not _negated(text[max(begin, start - 60):start]):
                    hits.append(Hit("env", match.group(1), line, evidence, "comment", min(confidence, 70),
                                    is_optional or not required(begin, sentence)))
                continue
            if kind == "mcp-tool":
                hits.append(Hit("service", MCP_PREFIX + mcp_name(match.group(1)), line, evidence, "comment",
                                min(confidence, 80), is_optional))
                continue
            if kind == "mcp":
                name = self._mcp_name(match.group(1) or match.group(2) or match.group(3))
                if name and (requirement or required(begin, sentence)
                             or self.rules.mcp_usage_cue.search(sentence)):
                    hits.append(Hit("service", MCP_PREFIX + name, line, evidence, "comment", min(confidence, 80),
                                    is_optional))
                continue
            if kind == "install":
                command = until_prose(match.group(0).strip().strip("`*_"))
                for hit in self.shell.read(command, via="comment", confidence=confidence, optional=is_optional):
                    hit.line, hit.text = line, evidence
                    hits.append(hit)
            elif kind == "named-cli":  # "the `uip` CLI", "Azure CLI (`az`)": a tool, known or not
                if not _negated(text[max(begin, start - 60):start]):
                    command = match.group(1) or match.group(2)
                    # (required only where the sentence says so: "one convenient way is the `ant` CLI")
                    hits.append(Hit("cli", command, line, evidence, "comment", min(confidence, 80),
                                    is_optional or not (requirement or required(begin, sentence))))
            elif kind == "package":  # (a version or a "Dependencies:" line says it is needed)
                hits.append(Hit("pip", match.group(1), line, evidence, "comment", min(confidence, 70), is_optional))
            elif not (requirement or required(begin, sentence)):
                continue
            elif kind == "service":
                service = self.rules.service_by_prose[match.group(1)]
                hits.append(Hit("service", service, line, evidence, "comment", min(confidence, 70), is_optional))
            elif kind == "tool":
                tool = self.tools.by_prose[match.group(1)]
                hits.append(Hit("tool", tool.name, line, evidence, "comment", min(confidence, 70), is_optional))
            else:
                hits.append(Hit("env", match.group(0), line, evidence, "comment", min(confidence, 80), is_optional))
        return hits

    def _inline(self, span: str, line: int, evidence: str, confidence: int, optional: bool) -> list[Hit]:
        """A command quoted inline (`` `git diff main...HEAD` ``): the known tools it
        runs. Only a span that reads as a command line counts: it starts with a known
        tool and has arguments; words that merely look like commands never do."""
        span = _unwrapped(span.strip())
        if span.startswith("$ "):
            span = span[2:].lstrip()
        if not self._command_like(span):
            return []
        args = [w for w in span.split()[1:] if not w.startswith("-")]
        if args and _SCRIPT_SUFFIX.search(args[0]) and "/" in args[0]:
            return []  # `node scripts/render.mjs`: the skill's own script says what it needs
        out = []
        for hit in self.shell.read(span, via="comment", confidence=min(confidence, 70), optional=optional):
            if hit.kind == "command" and hit.name not in self.tools.by_bin:
                continue  # an unknown word: prose, not a command
            hit.line, hit.text = line, evidence
            out.append(hit)
        return out

    def _parameter_cell(self, text: str, at: int) -> bool:
        """Is offset `at` in the first column of a table of parameters (its first header
        is a `parameter_table_headers` word: "| Parameter | Required | ... |")?"""
        line_start = text.rfind("\n", 0, at) + 1
        row = _row_before(text, at)
        if not row.startswith("|") or "|" in row[1:]:
            return False  # not a table row, or not its first cell
        header = line_start
        while header > 0:  # up to the table's first row
            above = text.rfind("\n", 0, header - 1) + 1
            if not text[above:header].lstrip().startswith("|"):
                break
            header = above
        first = text[header:text.find("|", text.find("|", header) + 1)].strip(" \t|*_`").lower()
        return first in self.rules.parameter_table_headers

    def _tool_word(self, span: str):
        """The known tool a one-word inline span names (`pandoc`), or None."""
        word = span.strip()
        if not word or " " in word or word in self.tools.baseline:
            return None
        return self.tools.by_bin.get(word) or self.tools.tools.get(word)

    def _command_like(self, span: str) -> bool:
        """Does an inline code span start with a known tool and have arguments?"""
        span = _unwrapped(span.strip()).removeprefix("$ ").lstrip()
        first = span.split(None, 1)[0] if " " in span else ""
        return first in self.tools.by_bin and first not in self.tools.baseline

    def _mcp_name(self, raw: str) -> str:
        """A server name from the words before "MCP" (`the GitHub` -> `github`), or ""
        when they are not a name."""
        words = raw.replace("**", "").split()
        while words and _not_a_name(words[0].lower(), self.rules.mcp_not_names):
            words = words[1:]
        if not words or " ".join(words).lower() in self.rules.mcp_not_names:
            return ""
        name = mcp_name(" ".join(words))
        if set(name.split("-")) <= self.rules.mcp_language_names | {"mcp", ""} or name.endswith("-sdk"):
            return ""  # what the server is written in ("a TypeScript MCP server", "Akka Java SDK")
        if _BLANK_NAME.search(name):
            return ""  # a blank to fill in ("{project-name} MCP", "my-server")
        return name

    # ------------------------------------------------------------------ front matter

    def frontmatter(self, data: dict, source: str) -> list[Hit]:
        """Hits in the front matter fields; lines are found in the front matter's
        source text (`source`, delimiters included), 1-based in SKILL.md."""
        hits: list[Hit] = []
        lines = source.split("\n")

        def line_of(*needles: str) -> int:
            for needle in needles:
                if not needle:
                    continue
                for index, line in enumerate(lines):
                    if needle in line:
                        return index + 1
            return 1

        def add(kind: str, name: str, field: str, *, confidence: int = 100, provides: tuple[str, ...] = (),
                optional: bool = False) -> None:
            number = line_of(f"{field}:") if field == "description" else line_of(f'"{name}"', name, field)
            text = trim(lines[number - 1]) if lines else field
            hits.append(Hit(kind, name, number, text, "frontmatter", confidence, optional, provides))

        requires = data.get("requires")
        if requires is not None:
            self._requires(requires, "requires", add)
        dependencies = data.get("dependencies")
        if dependencies is not None:
            self._requires(dependencies, "dependencies", add)
        compatibility = data.get("compatibility")
        if isinstance(compatibility, str) and compatibility.strip():
            base = line_of("compatibility")
            for hit in self.read(compatibility, confidence=90, requirement=True):
                hit.line, hit.via = base + hit.line - 1, "frontmatter"
                hits.append(hit)
            english = self.rules.english_tool_names if _is_sentence(compatibility) else frozenset()
            words = [word.strip(".()`'\"") for word in _LIST_SPLIT.split(compatibility)]
            # "claude-code, cursor, codex, opencode": the agents the skill runs in, not tools it needs
            agents = frozenset(words) if sum(w.lower() in self.rules.agent_names for w in words) >= 2 else frozenset()
            for word in words:
                if word in self.tools.by_bin and word not in self.tools.baseline and word not in english \
                        and word not in agents:
                    add("command", word, "compatibility", confidence=90)
        description = data.get("description")
        if isinstance(description, str) and "_" in description:  # (every name holds one)
            for match in _ENV_NAME.finditer(description):
                name = match.group(0)
                if (self.rules.credential.match(name) and name not in self.rules.credential_placeholders
                        and self.rules.requirement_cue.search(description)):
                    add("env", name, "description", confidence=85)
        if isinstance(description, str):
            for service in self.subjects(description):
                # optional: what the skill works with, not yet a check that must pass (a
                # requirement sentence or a credential the skill reads makes it required)
                add("service", service, "description", confidence=80, optional=True)
        metadata = data.get("metadata")
        if isinstance(metadata, dict):
            self._metadata(metadata, add)
        for key, value in data.items():
            key_l = str(key).lower()
            if key_l in self.rules.mcp_keys:
                self._mcp_servers(value, str(key), add)
            elif key_l == "services":
                self._services(value, str(key), add)
            elif key_l in ("allowed-tools", "allowed_tools", "tools") and value:
                for match in _MCP_TOOL.finditer(str(value)):
                    add("service", MCP_PREFIX + mcp_name(match.group(1)), str(key), confidence=90)
                for match in _BASH_TOOL.finditer(str(value)):
                    # `Bash(gh issue:*)`: the skill runs gh (a known tool, not a shell builtin)
                    command = match.group(1)
                    if command in self.tools.by_bin and command not in self.tools.baseline:
                        add("command", command, str(key), confidence=90)
        if isinstance(description, str) and "MCP" in description:
            base = line_of("description:")
            for hit in self.read(description, confidence=85):
                if hit.kind == "service" and hit.name.startswith(MCP_PREFIX):
                    hit.line, hit.via = base, "frontmatter"
                    hits.append(hit)
        return hits

    def subjects(self, description: str) -> list[str]:
        """The services a skill's description names as what the skill works with
        ("Query Datadog logs", "Deploy services to Railway"): those of each sentence
        that names one or two. A sentence that names three or more ("payments with
        Stripe, Paddle, PayPal or Polar", "templates for Postgres, MySQL, Redis") is a
        catalogue of choices, and requires none of them."""
        pattern = self.rules.subject_pattern
        if pattern is None:
            return []
        found: list[str] = []
        for sentence in _SENTENCE.split(lf_only(description)):
            named = list(dict.fromkeys(self.rules.service_by_subject[m.group(1)] for m in pattern.finditer(sentence)
                                       if not _ORGANISATION.match(sentence, m.end())))
            if len(named) <= _MOST_SUBJECTS:
                found.extend(s for s in named if s not in found)
        return found

    def _mcp_servers(self, value: object, field: str, add) -> None:
        """`mcp: [github, linear]`, `mcp: github, linear`, `mcpServers: {github: {...}}`."""
        if isinstance(value, str):
            names: list[object] = [w for w in re.split(r"[,;\s]+", value) if w]
        elif isinstance(value, dict):
            names = list(value)
        elif isinstance(value, list):
            names = [v.get("name") if isinstance(v, dict) else v for v in value]
        else:
            return
        for name in names:
            if isinstance(name, str) and name.strip() and re.match(r"^[\w.@/-]+$", name.strip()):
                add("service", MCP_PREFIX + mcp_name(name), field)

    def _services(self, value: object, field: str, add) -> None:
        names = value if isinstance(value, list) else [value] if isinstance(value, str) else list(value) if isinstance(value, dict) else []
        for name in names:
            if not isinstance(name, str):
                continue
            service = self._service(name.strip())
            if service:
                add("service", service, field)

    def _service(self, name: str) -> str:
        """The canonical service a name means (`Postgres` -> `postgresql`), or ""."""
        if name in self.rules.services:
            return name
        lowered = {alias.lower(): canonical for alias, canonical in self.rules.service_by_prose.items()}
        return lowered.get(name.lower(), "")

    def _requires(self, value: object, field: str, add) -> None:
        if isinstance(value, str):
            if _is_sentence(value):
                self._sentence(value, field, add)
                return
            items: list[object] = [w for w in _LIST_SPLIT.split(value) if w]
        elif isinstance(value, list):
            items = value
        elif isinstance(value, dict):
            for key, sub in value.items():
                key_l = str(key).lower()
                if key_l in self.rules.mcp_keys or key_l in ("mcpservers", "mcp_servers"):
                    self._mcp_servers(sub, field, add)
                    continue
                if key_l == "services":
                    self._services(sub, field, add)
                    continue
                names = [sub] if isinstance(sub, str) else sub if isinstance(sub, list) else []
                for name in names:
                    if not isinstance(name, str) or not name.strip():
                        continue
                    name = name.strip()
                    if key_l in ("bins", "commands", "binaries", "system", "cli"):
                        add("command", name, field)
                    elif key_l in ("anybins", "optionalbins", "optional_bins"):
                        add("command", name, field, optional=True)  # any one of them, or none
                    elif key_l == "tools":
                        # agent tools (`web_search`, `browser`) are not commands: only known CLIs
                        if name in self.tools.by_bin or name in self.tools.tools:
                            add("command", name, field)
                    elif key_l in ("optionalenv", "optional_env"):
                        add("env", name, field, optional=True)
                    elif key_l in ("pip", "python", "pypi", "packages", "python_packages"):
                        if not name.lower().startswith("python"):
                            add("pip", name, field)
                    elif key_l in ("npm", "node", "node_packages"):
                        add("npm-global", name, field)
                    elif key_l in ("env", "environment", "secrets", "primaryenv"):
                        add("env", name, field)
                    elif key_l in ("apt", "debian"):
                        add("apt", name, field)
                    elif key_l in ("brew", "homebrew"):
                        add("brew", name, field)
            return
        else:
            return
        unknown: list[str] = []  # bare names no table knows: commands, unless the list is of packages
        packages = commands = 0
        for item in items:
            if isinstance(item, dict):
                self._requires(item, field, add)
                continue
            if not isinstance(item, str) or not item.strip():
                continue
            name = item.strip().strip(",")
            if _is_sentence(name):
                self._sentence(name, field, add)
                continue
            word = re.split(r"[<>=~!\s]", name, maxsplit=1)[0]
            if word.lower() in ("python", "python3", "bash", "sh"):
                continue  # the interpreter and the shell are the baseline, never listed
            if word in self.tools.by_bin or word in self.tools.tools:
                add("command" if word in self.tools.by_bin else "tool", word, field)
                commands += 1
            elif self.rules.credential.match(word):
                add("env", word, field)
            elif re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", word):
                if name != word or "_" in word or word.lower() in _python_names():
                    add("pip", name, field, confidence=80)
                    packages += 1
                else:
                    unknown.append(word)
        # a list names one kind of thing: `[torch>=2.9, transformers, apex, monarch]` is a
        # list of Python packages, its unknown names as well (not commands `apex`, `monarch`)
        for word in unknown:
            if packages and not commands:
                add("pip", word, field, confidence=75)
            else:
                add("command", word, field, confidence=70)

    def _sentence(self, text: str, field: str, add) -> None:
        """A requirement written as a sentence (`requires: "a GitHub account and the gh
        CLI"`): only what the words name explicitly (install commands, known tools,
        credentials, services, MCP servers), never each word."""
        for hit in self.read(text, confidence=90, requirement=True):
            add(hit.kind, hit.name, field, confidence=min(hit.confidence + 10, 90))
        for word in _LIST_SPLIT.split(text):
            word = word.strip(".()`'\"")
            if word in self.tools.by_bin and word not in self.tools.baseline:
                add("command", word, field, confidence=80)  # a known command named outright

    def _metadata(self, node: dict, add) -> None:
        for key, value in node.items():
            key_l = str(key).lower()
            if key_l == "requires":
                self._requires(value, "requires", add)
            elif key_l == "install" and isinstance(value, list):
                for entry in value:
                    if isinstance(entry, dict):
                        self._install_entry(entry, add)
            elif key_l in ("primaryenv",) and isinstance(value, str):
                add("env", value, "primaryEnv")
            elif isinstance(value, dict):
                self._metadata(value, add)

    def _install_entry(self, entry: dict, add) -> None:
        kind = str(entry.get("kind", "")).lower()
        package = entry.get("package") or entry.get("formula") or entry.get("module") or entry.get("name")
        bins = tuple(b for b in entry.get("bins", []) if isinstance(b, str)) if isinstance(entry.get("bins"), list) else ()
        command = entry.get("command")
        if kind in ("shell", "exec", "script", "command") and isinstance(command, str):
            for hit in self.shell.read(command, via="frontmatter", confidence=90):
                if hit.kind != "command" or hit.name not in self.tools.baseline:
                    add(hit.kind, hit.name, "install", confidence=hit.confidence, optional=hit.optional)
            return
        if not isinstance(package, str) or not package.strip():
            return
        package = package.strip()
        if kind in ("node", "npm", "pnpm", "yarn", "bun"):
            add("npm-global", package, "install", provides=bins)
        elif kind in ("pip", "uv", "pipx", "python"):
            add("pip", package, "install", provides=bins)
        elif kind in ("brew", "homebrew"):
            add("brew", package, "install", provides=bins)
        elif kind in ("apt", "deb", "debian"):
            add("apt", package, "install", provides=bins)
        elif kind in ("go", "cargo") and bins:
            for name in bins:
                add("command", name, "install")


def _is_sentence(text: str) -> bool:
    """Does a front matter value read as a sentence rather than a list of names?"""
    words = text.lower().split()
    return len(words) >= 3 and any(w.strip(",.;:()") in _SENTENCE_WORDS for w in words)


_NEGATION = re.compile(r"\b(?:do not|don't|dont|never|avoid|instead of|rather than|not|no need to)\b|n't",
                       re.IGNORECASE)


def _negated(before: str) -> bool:
    """Is there a negation between the start of the clause and an inline command
    (`before` is the text just before it)?"""
    cut = max(before.rfind(ch) for ch in ".!?;:`")
    for clause in _CLAUSE_BREAK.finditer(before, cut + 1):  # "If `gh` is not installed, try running `git ...`"
        cut = clause.start()
    return _NEGATION.search(before, cut + 1) is not None


_IDENTIFIER_KEY = re.compile(r"(?<!_API)(?<!_ACCESS)(?<!_SECRET)(?<!_PRIVATE)(?<!_LICENSE)(?<!_SIGNING)_KEY$")
"""A name ending in a bare `_KEY` (`TICKET_KEY`, `SORT_KEY`): an identifier's key, unless
the word before says it is a secret (`_API_KEY`, `_SECRET_KEY`, `_ACCESS_KEY` ...)."""
_RUN_BEFORE = re.compile(r"\b(?:run|runs|running|use|uses|using|invoke|call)\s+(?:the\s+)?$", re.IGNORECASE)
"""The words right before a one-word code span that say the text runs it ("run `jq`")."""


def _row_before(text: str, at: int) -> str:
    """The line of `text` up to offset `at`, without its indent."""
    return text[text.rfind("\n", 0, at) + 1:at].lstrip()


def _in_table_row(text: str, at: int) -> bool:
    """Is offset `at` in a markdown table row ("| Task | Use `security` |": a choice
    among things by name, not a command run)?"""
    return _row_before(text, at).startswith("|")


_CLAUSE_BREAK = re.compile(r",\s+(?=[A-Za-z])")
"""A comma that opens a new clause (a word after it, not the next item of a list of
spans): a negation before it does not reach past it."""
_BETWEEN_ALTERNATIVES = re.compile(r"^\s*(?:/|\bor\b|,\s*or\b|\|)\s*$")


def _alternatives(text: str, spans: list[re.Match[str]]) -> set[int]:
    """Starts of inline code spans listed as alternatives of each other (only a `/`,
    `or` or `|` between them); `spans`: every inline code span of `text`, in order."""
    out: set[int] = set()
    for span, following in zip(spans, spans[1:], strict=False):
        if _BETWEEN_ALTERNATIVES.match(text[span.end():following.start()]) \
                and _first_word(span.group(1)) != _first_word(following.group(1)):
            # (`git log --follow` / `git blame`: two ways to use one tool, which is needed)
            out.update((span.start(), following.start()))
    return out


_CAPTURED = re.compile(r"[A-Za-z_]\w*=\$\((.+)\)")


def _unwrapped(span: str) -> str:
    """The command of an inline span that captures its output (`BASE=$(git rev-parse
    HEAD)` runs `git rev-parse HEAD`); any other span as it is."""
    captured = _CAPTURED.fullmatch(span)
    return captured.group(1).strip() if captured else span


def _first_word(span: str) -> str:
    words = span.strip().removeprefix("$ ").split(None, 1)
    return words[0] if words else ""
