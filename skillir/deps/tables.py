"""The data tables of environment binding, loaded and validated once.

`skillir/data/python_distributions.json` (import name -> PyPI distribution and what a
distribution implies), `skillir/data/system_tools.json` (commands -> tools -> packages)
and `skillir/data/env_rules.json` (cue words, Node built-ins, credential
names). Their shapes are JSON Schemas in `skillir/data/schemas/`; what spans entries (a
command belongs to one tool, patterns compile) is checked here, as a `SkillIRError`
naming the file and the JSON path.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from skillir.alternatives import longest_first
from skillir.casefold import fold
from skillir.datafiles import load_data
from skillir.deps.model import normalize_dist
from skillir.errors import SkillIRError


def _bad(name: str, where: str, what: str) -> SkillIRError:
    return SkillIRError(f"{where}: {what}", path=f"skillir/data/{name}",
                        hint="fix the table; see its _doc field")


def _regex(name: str, where: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _bad(name, where, f"bad pattern ({exc})") from None


@dataclass(frozen=True)
class Tool:
    """A system tool: the commands that mean it and what provides it."""

    name: str
    bins: tuple[str, ...]
    apt: str = ""
    brew: str = ""
    pip: str = ""
    npm: str = ""
    platform: str = ""
    note: str = ""
    service: str = ""
    """The hosted service the tool talks to (`gh` -> github): a service dependency too."""
    system: bool = False
    """A tool people install as a tool, not a library (uv, pipx, poetry): a system
    dependency even when `pip` is how it gets installed."""


@dataclass(frozen=True)
class PythonTable:
    modules: dict[str, str]
    dotted: tuple[str, ...]
    """Dotted keys, longest first (checked before the top-level name)."""
    implies: dict[str, tuple[str, ...]]
    post_install: dict[str, str]
    call_implies: tuple[tuple[str, re.Pattern[str], str], ...]
    placeholders: frozenset[str]
    local_like: frozenset[str]
    local_suffixes: tuple[str, ...]
    baseline: frozenset[str]
    stdlib: frozenset[str]

    def distribution(self, module: str) -> str:
        """The distribution that provides `module` (a dotted import path)."""
        for key in self.dotted:
            if module == key or module.startswith(key + "."):
                return normalize_dist(self.modules[key])
        top = module.split(".", 1)[0]
        return normalize_dist(self.modules.get(top, top))

    def is_stdlib(self, module: str) -> bool:
        top = module.split(".", 1)[0]
        return top in self.stdlib or top in self.baseline


@dataclass(frozen=True)
class ToolTable:
    tools: dict[str, Tool]
    by_bin: dict[str, Tool]
    by_apt: dict[str, Tool]
    by_brew: dict[str, Tool]
    by_prose: dict[str, Tool]
    prose_pattern: NamePattern | None
    baseline: frozenset[str]
    installers: frozenset[str]
    not_commands: frozenset[str]


class CueMatcher:
    """A cue-word regex (case-insensitive, each word whole) and a fast `search`.

    The regex engine cannot skip ahead in a case-insensitive, `\\b`-led alternation: it
    tries every position, about 0.35 µs a character. But a match of a plain cue word
    starts where the lower-cased text holds that word's needle (its first six letters,
    or the whole of a word with a space), so `search` tries the pattern only there, and
    runs the other cues (`re:` ones, words outside ASCII) as a regex of their own. It
    returns the match `pattern.search` returns: the pattern's own, at the leftmost place
    it matches. Text outside ASCII is lower-cased with the four letters IGNORECASE
    matches to ASCII ones spelt in ASCII (`skillir.casefold.fold`).

    The cue lists (`requirement_cue` ...) were always searched after a needle check,
    which on text outside ASCII can miss a match (`REQUİRED`): a matcher without a `re:`
    cue keeps that check there, unless made `exact` (then `search` answers as
    `pattern.search` on every text)."""

    def __init__(self, words: list[str], *, exact: bool = False):
        self.words = tuple(words)
        self.pattern = _cue_pattern(words)
        needles = sorted({_needle(w) for w in words if not w.startswith("re:")})
        self.needles: tuple[str, ...] = tuple(needles)
        """Fragments one of which any text the pattern matches holds (lower case)."""
        self._gate = not exact and not any(w.startswith("re:") for w in words)
        """Check the needles in `str.lower`'s lower case first, on text outside ASCII."""
        self._needles = shortest_needles(needles)
        """The same test with fewer searches (a fragment that holds a shorter one goes)."""
        self._starts = tuple(sorted({_needle(w) for w in words if not w.startswith("re:") and w.isascii()}))
        """Where a match of a plain ASCII cue word can start (in the folded text)."""
        rest = [w for w in words if w.startswith("re:") or not w.isascii()]
        self._rest = _cue_pattern(rest) if rest or not words else None
        """The other cues (no words at all: the empty pattern, which matches anywhere)."""

    def search(self, text: str) -> re.Match[str] | None:
        lowered = text.lower()
        if not text.isascii():
            if self._gate and self._needles and not self._has_needle(lowered):
                return None  # the needle check it always made, in `str.lower`'s lower case
            lowered = fold(text, lowered)
        first = len(text) + 1  # where the leftmost match starts (past the end: none found)
        if self._rest is not None:
            found = self._rest.search(text)
            if found is not None:
                first = found.start()
        match = self.pattern.match  # (it sees the text before `pos`: `\b` reads it)
        for needle in self._starts:
            at = lowered.find(needle)
            while 0 <= at < first:
                if match(text, at) is not None:
                    first = at
                    break
                at = lowered.find(needle, at + 1)
        return match(text, first) if first <= len(text) else None

    def opens(self, text: str) -> bool:
        """Does `text` open with a cue ("Optionally, ...", "❌ WRONG: ...")? A cue later
        in the text describes it rather than marking it."""
        found = self.search(text)
        return found is not None and found.start() == 0

    def _has_needle(self, lowered: str) -> bool:
        for needle in self._needles:
            if needle in lowered:
                return True
        return False


def _needle(word: str) -> str:
    """What the lower-cased text holds where a cue word matches: its first six letters,
    or all of a word with a space."""
    word = word.strip().lower()
    return word if " " in word else word[:6]


def shortest_needles(needles: list[str]) -> tuple[str, ...]:
    """The needles that hold no shorter one, shortest first: a text holds one of them
    exactly when it holds one of `needles` (`in path` finds every `available in path`)."""
    kept: list[str] = []
    for needle in sorted(needles, key=len):
        if not any(shorter in needle for shorter in kept):
            kept.append(needle)
    return tuple(kept)


class NamePattern:
    r"""Known names in running text, each whole: `(?<![\w./-])(NAME|...)(?![\w/-])`,
    longest name first. `finditer` gives the matches that pattern's `finditer` gives,
    twice as fast: without the leading lookbehind the regex engine skips ahead to the
    names' first letters, and the lookbehind is checked on each match instead (a match
    it rejects is searched for again one character on, where the whole pattern would
    have gone on)."""

    def __init__(self, names: list[str]):
        alternatives = "|".join(re.escape(a) for a in longest_first(names))
        self.pattern = re.compile(r"(?<![\w./-])(" + alternatives + r")(?![\w/-])")
        """The whole pattern (what `finditer` finds)."""
        self._names = re.compile("(" + alternatives + r")(?![\w/-])")

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        search = self._names.search
        match = search(text)
        while match is not None:
            start = match.start()
            if start and _NAME_CHAR.match(text, start - 1) is not None:
                match = search(text, start + 1)  # glued to a word, path or flag: not this name
                continue
            yield match
            match = search(text, match.end())


_NAME_CHAR = re.compile(r"[\w./-]")
"""What may not come right before a known name (`NamePattern`'s lookbehind)."""


@dataclass(frozen=True)
class Rules:
    requirement_cue: CueMatcher
    optional_cue: CueMatcher
    example_sections: tuple[str, ...]
    manifests: frozenset[str]
    node_builtins: frozenset[str]
    js_placeholders: frozenset[str]
    pip_placeholders: frozenset[str]
    credential: re.Pattern[str]
    credential_placeholders: frozenset[str]
    counter_example: CueMatcher
    example_end: CueMatcher
    required_block: CueMatcher
    alternative_comment: re.Pattern[str]
    """A comment that starts an alternative ("# Or ..."): optional up to the next comment."""
    mcp_keys: frozenset[str]
    """Front matter keys (lower case) whose value lists MCP servers."""
    mcp_usage_cue: CueMatcher
    mcp_not_names: frozenset[str]
    mcp_language_names: frozenset[str]
    """Languages and SDKs an MCP server is written with ("a TypeScript MCP server"): never a server."""
    parameter_table_headers: frozenset[str]
    """First headers of a table of a command's parameters (lower case)."""
    english_tool_names: frozenset[str]
    """Commands that are English words: in a sentence, the word, not the tool."""
    agent_names: frozenset[str]
    """Agents (harnesses) a front matter's `compatibility` lists as where the skill runs."""
    app_secret_words: frozenset[str]
    """First words of credential variables that are an application's own secrets (`JWT_SECRET`)."""
    services: dict[str, Service]
    """Canonical service name -> how to check it."""
    service_by_prose: dict[str, str]
    """A name in running text -> canonical service name."""
    service_pattern: NamePattern | None
    service_by_env: dict[str, str]
    """A credential variable a known service's check reads (`GH_TOKEN`) -> that service."""
    service_by_subject: dict[str, str]
    """A name by which a skill's description names what it works with -> the service."""
    subject_pattern: NamePattern | None


@dataclass(frozen=True)
class Service:
    """Something a skill talks to that runs elsewhere (a database, a daemon)."""

    name: str
    check: str
    """One shell line (with the `commands.PRELUDE` helpers) that succeeds when it is up."""
    note: str


def _strings(data: dict, key: str) -> list[str]:
    return data.get(key, [])


@cache
def python_table() -> PythonTable:
    name = "python_distributions.json"
    data = load_data(name)
    modules = data["modules"]
    implies = {module: tuple(targets) for module, targets in data.get("implies", {}).items()}
    post = data.get("post_install", {})
    calls = [(entry["module"], _regex(name, f"$.call_implies[{i}].pattern", entry["pattern"]),
              normalize_dist(entry["adds"])) for i, entry in enumerate(data.get("call_implies", []))]
    return PythonTable(
        modules=dict(modules),
        dotted=tuple(sorted((k for k in modules if "." in k), key=len, reverse=True)),
        implies=implies,
        post_install=dict(post),
        call_implies=tuple(calls),
        placeholders=frozenset(_strings(data, "placeholders")),
        local_like=frozenset(_strings(data, "local_like")),
        local_suffixes=tuple(_strings(data, "local_suffixes")),
        baseline=frozenset(_strings(data, "baseline_modules")),
        stdlib=frozenset(sys.stdlib_module_names) | {"__future__", "__main__"},
    )


@cache
def tool_table() -> ToolTable:
    name = "system_tools.json"
    data = load_data(name)
    raw = data["tools"]
    tools: dict[str, Tool] = {}
    by_bin: dict[str, Tool] = {}
    by_apt: dict[str, Tool] = {}
    by_brew: dict[str, Tool] = {}
    by_prose: dict[str, Tool] = {}
    for tool_name, entry in raw.items():
        bins = entry.get("bins") or [tool_name]
        fields = {k: entry.get(k, "") for k in ("apt", "brew", "pip", "npm", "platform", "note", "service")}
        tool = Tool(tool_name, tuple(bins), **fields, system=bool(entry.get("system", False)))
        tools[tool_name] = tool
        for b in bins:
            if b in by_bin and by_bin[b] is not tool:
                raise _bad(name, f"$.tools.{tool_name}.bins",
                           f"command '{b}' belongs to both '{by_bin[b].name}' and '{tool_name}'")
            by_bin[b] = tool
        for pkg in tool.apt.split():
            by_apt.setdefault(pkg, tool)
        if tool.brew:
            by_brew.setdefault(tool.brew.rsplit("/", 1)[-1], tool)
        for alias in entry.get("prose", []):
            by_prose[alias] = tool
    prose_pattern = NamePattern(list(by_prose)) if by_prose else None
    return ToolTable(
        tools=tools,
        by_bin=by_bin,
        by_apt=by_apt,
        by_brew=by_brew,
        by_prose=by_prose,
        prose_pattern=prose_pattern,
        baseline=frozenset(_strings(data, "baseline")),
        installers=frozenset(_strings(data, "installers")),
        not_commands=frozenset(_strings(data, "not_commands")),
    )


def _cue_pattern(words: list[str]) -> re.Pattern[str]:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        if word.startswith("re:"):
            parts.append(word[3:])
            continue
        escaped = re.escape(word.strip())
        left = r"\b" if word[:1].isalnum() else ""
        right = r"\b" if word[-1:].isalnum() else ""
        parts.append(left + escaped + right)
    return re.compile("|".join(parts), re.IGNORECASE)


@cache
def rules() -> Rules:
    name = "env_rules.json"
    data = load_data(name)
    credential = _regex(name, "$.credential_pattern", data["credential_pattern"])
    services: dict[str, Service] = {}
    service_by_prose: dict[str, str] = {}
    service_by_subject: dict[str, str] = {}
    for service, entry in data.get("services", {}).items():
        services[service] = Service(service, entry["check"], entry.get("note", ""))
        for alias in _strings(entry, "prose"):
            service_by_prose[alias] = service
        for alias in _strings(entry, "subject"):
            service_by_subject[alias] = service
    service_by_env = {var: service for service, entry in services.items()
                      for var in re.findall(r"\bhas_env (\w+)", entry.check)}
    service_pattern = NamePattern(list(service_by_prose)) if service_by_prose else None
    return Rules(
        mcp_keys=frozenset(k.lower() for k in _strings(data, "mcp_keys")),
        mcp_usage_cue=CueMatcher(_strings(data, "mcp_usage_cues")),
        mcp_not_names=frozenset(w.lower() for w in _strings(data, "mcp_not_names")),
        mcp_language_names=frozenset(w.lower() for w in _strings(data, "mcp_language_names")),
        parameter_table_headers=frozenset(w.lower() for w in _strings(data, "parameter_table_headers")),
        english_tool_names=frozenset(_strings(data, "english_tool_names")),
        agent_names=frozenset(w.lower() for w in _strings(data, "agent_names")),
        app_secret_words=frozenset(_strings(data, "app_secret_words")),
        services=services,
        service_by_prose=service_by_prose,
        service_pattern=service_pattern,
        service_by_env=service_by_env,
        service_by_subject=service_by_subject,
        subject_pattern=NamePattern(list(service_by_subject)) if service_by_subject else None,
        requirement_cue=CueMatcher(_strings(data, "requirement_cues")),
        optional_cue=CueMatcher(_strings(data, "optional_cues")),
        example_sections=tuple(w.lower() for w in _strings(data, "example_section_words")),
        manifests=frozenset(_strings(data, "project_manifests")),
        node_builtins=frozenset(_strings(data, "node_builtins")),
        js_placeholders=frozenset(_strings(data, "js_placeholders")),
        pip_placeholders=frozenset(_strings(data, "pip_placeholders")),
        credential=credential,
        credential_placeholders=frozenset(_strings(data, "credential_placeholders")),
        counter_example=CueMatcher(_strings(data, "counter_example_cues"), exact=True),
        example_end=CueMatcher(_strings(data, "example_end_cues"), exact=True),
        required_block=CueMatcher(_strings(data, "required_block_cues"), exact=True),
        alternative_comment=_cue_pattern(_strings(data, "alternative_comment_cues")),
    )
