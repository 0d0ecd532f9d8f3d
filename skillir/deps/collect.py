"""From hits to dependencies: resolve each sighting against the tables, merge what
names the same thing, add what dependencies imply, drop what is too weak to list.

Resolution rules (in this order, first match wins):
- a Python import: standard library, the skill's own modules, placeholders
  (`foo`, `your_module`) and names that look local (`core`, `utils`) are not
  dependencies; otherwise the distribution from `python_distributions.json`
  (PIL -> pillow), or the import name itself, PEP 503 normalised;
- a command: baseline commands (coreutils, shell builtins, the Python interpreter)
  and the skill's own scripts are not dependencies; a command a package provides
  becomes that package (`markitdown` -> pip markitdown, `clawdhub` -> npm clawdhub);
  a known tool becomes its canonical name with its apt/brew packages
  (`pdftotext` -> poppler-utils); an unknown command-looking word is listed with
  low confidence (it needs a second sighting or a stronger source to pass);
- a Debian package or Homebrew formula becomes the tool that package provides;
- an npm package is `local` when the skill's code imports it (installed next to the
  code) and `global` when only run as a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from skillir.deps.commands import MCP_PREFIX
from skillir.deps.hits import Hit
from skillir.deps.model import Dependency, Evidence, Extraction, Note, normalize_dist
from skillir.deps.shell_deps import _COMMAND_WORD, _SCRIPT_SUFFIX, npm_name_ok, pip_spec_name
from skillir.deps.tables import Tool, python_table, rules, tool_table

UNKNOWN_COMMAND_CONFIDENCE = 45
"""An unknown command alone stays under the default threshold (50); two sightings
on different lines, any stronger source, or a line of its own in runnable code
(`_runs_alone`) lift it over."""

_WORDS_AFTER = re.compile(r"\s+[A-Z][a-z]+\s+[A-Za-z]|(?:\s+[A-Za-z][a-z]*)*?\s+(?:a|an|the|to|of|and|or|for|with|is|are)(?=\s)")
"""A name followed by a sentence (a capitalised word, then another word), or by plain
words, no flag, path or quote among them, up to a function word: a line of a help listing
or of prose (`auth   Manage authentication (login, ...)`, `fetch   Use a browser to fetch
content`, `search-conversations supports multiple modes and filters.`), shown in a shell
block but not run (`uip maestro bpmn validate` is a command's subcommands)."""


def _runs_alone(word: str, evidence: Evidence) -> bool:
    """Is this sighting of an unknown command strong enough on its own? It opens a line
    of a runnable shell block or a bundled script (confidence 85 and up: not an example
    section), its name is a plain command name (no `_` of a function, no `.` of a file
    or host), something follows it on the line (a word alone on its line is one of a list:
    `qwerty` in a block of common passwords), and the line does not go on in words."""
    line = evidence.text.strip()
    return (evidence.via == "shell-command" and evidence.confidence >= 85
            and "_" not in word and "." not in word  # (the caller has matched `_COMMAND_WORD`)
            and line.startswith(word) and line[len(word):len(word) + 1] in (" ", "\t")
            and _WORDS_AFTER.match(line, len(word)) is None)


_ENV_NAME = re.compile(r"^(?=[A-Za-z0-9_]*[A-Z])[A-Za-z_][A-Za-z0-9_]*$")
"""An environment variable's name: an identifier with at least one capital letter."""
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_PLACEHOLDER_MODULE = re.compile(r"^(?:my|your|some|another)_\w+$", re.IGNORECASE)
"""`another_module`, `your_package`, `my_utils`: a name an example stands in for."""
_KIND_ORDER = {"pip": 0, "npm": 1, "system": 2, "service": 3}


@cache
def _dist_to_modules() -> dict[str, list[str]]:
    """Distribution -> the import names the table maps to it (pillow -> PIL)."""
    mapping: dict[str, list[str]] = {}
    for module, dist in python_table().modules.items():
        mapping.setdefault(normalize_dist(dist), []).append(module)
    return mapping


@dataclass(frozen=True)
class PythonText:
    """A piece of Python the skill contains, for `call_implies` rules."""

    file: str
    first_line: int
    text: str


class Collector:
    def __init__(self, *, local_modules: frozenset[str] = frozenset(),
                 local_commands: frozenset[str] = frozenset()):
        self.local_modules = local_modules
        self.local_commands = local_commands
        self.deps: dict[tuple[str, str], Dependency] = {}
        self.notes: list[Note] = []
        self.provided: dict[str, tuple[str, str]] = {}
        self.modules_seen: set[str] = set()
        self.python_texts: list[PythonText] = []
        self.requirement_files: list[tuple[str, int, str]] = []
        self.python = python_table()
        self.tools = tool_table()
        self.rules = rules()
        self._dropped: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ intake

    def add_all(self, hits: list[Hit], file: str, first_line: int = 1) -> None:
        for hit in hits:
            self.add(hit, file, first_line + hit.line - 1 if first_line else 0)

    def add(self, hit: Hit, file: str, line: int) -> None:
        evidence = Evidence(file, line, hit.via, hit.text, hit.confidence, hit.optional)
        kind = hit.kind
        if kind == "module":
            self._module(hit.name, evidence)
        elif kind == "pip":
            self._pip(hit.name, evidence, hit.provides)
        elif kind == "npm":
            self._npm(hit.name, evidence, "local", hit.provides)
        elif kind == "npm-global":
            # `npx tsc`, `pnpm exec tsc`: the command of a known package runs that package
            tool = self.tools.by_bin.get(hit.name)
            package = tool.npm if tool is not None and tool.npm else hit.name
            self._npm(package, evidence, "global", hit.provides)
        elif kind == "cli":
            self._command(hit.name, evidence, named=True)
        elif kind == "command":
            self._command(hit.name, evidence)
        elif kind == "tool":
            tool = self.tools.tools.get(hit.name)
            if tool is not None:
                self._tool(tool, evidence, None)
        elif kind == "apt":
            self._apt(hit.name, evidence, hit.provides)
        elif kind == "brew":
            self._brew(hit.name, evidence, hit.provides)
        elif kind == "service":
            self._get("service", hit.name).add(evidence)
        elif kind == "env":
            if hit.name.split("_", 1)[0] in self.rules.app_secret_words:
                return  # `JWT_SECRET`, `TEST_PASSWORD`: the application's own secret, no service
            if _ENV_NAME.match(hit.name):  # `primaryEnv: any` names no variable
                # (`GH_TOKEN` is the GitHub login a known service checks for)
                self._get("service", self.rules.service_by_env.get(hit.name, hit.name)).add(evidence)
        elif kind == "requirements":
            self.requirement_files.append((file, line, hit.name))

    def _get(self, kind: str, name: str) -> Dependency:
        dep = self.deps.get((kind, name))
        if dep is None:
            dep = self.deps[(kind, name)] = Dependency(kind, name)
        return dep

    def _drop(self, evidence: Evidence, what: str, why: str) -> None:
        key = (what, why)
        if key not in self._dropped:
            self._dropped.add(key)
            self.notes.append(Note(evidence.file, evidence.line, "dropped", f"{what}: {why}"))

    # ------------------------------------------------------------------ python

    def _module(self, module: str, evidence: Evidence) -> None:
        if not _IDENT.match(module):
            return
        top = module.split(".", 1)[0]
        table = self.python
        if table.is_stdlib(module) or top in self.local_modules or top.startswith("_"):
            return
        if top.lower() in table.placeholders or (_PLACEHOLDER_MODULE.match(top) and top not in table.modules):
            self._drop(evidence, f"import {top}", "a placeholder name, not a package")
            return
        if ((top in table.local_like or top.lower() in table.local_like or top.endswith(table.local_suffixes))
                and top not in table.modules):
            self._drop(evidence, f"import {top}", "looks like a module of the skill itself, not a package")
            return
        key = next((k for k in table.dotted if module == k or module.startswith(k + ".")), top)
        dist = table.distribution(module)
        dep = self._get("pip", dist)
        dep.add(evidence)
        if key not in dep.modules:
            dep.modules = (*dep.modules, key)
        self.modules_seen.add(top)
        if top in table.post_install and not dep.post_install:
            dep.post_install = table.post_install[top]
        for target in table.implies.get(top, ()):
            self._implied(target, evidence, f"{dist} needs it")

    def _implied(self, target: str, evidence: Evidence, why: str) -> None:
        kind, _, name = target.partition(":")
        implied = Evidence(evidence.file, evidence.line, "implied", f"{evidence.text} ({why})",
                           min(evidence.confidence, 80), evidence.optional)
        if kind == "system":
            tool = self.tools.tools.get(name) or self.tools.by_bin.get(name)
            if tool is not None:
                self._tool(tool, implied, None)
            else:
                self._get("system", name).add(implied)
        elif kind == "pip":
            self._pip(name, implied, ())
        elif kind == "npm":
            self._npm(name, implied, "global", ())
        elif kind == "service":
            self._get("service", name).add(implied)

    def _dist_to_modules(self) -> dict[str, list[str]]:
        return _dist_to_modules()

    def _pip(self, spec: str, evidence: Evidence, provides: tuple[str, ...]) -> None:
        name = pip_spec_name(spec)
        if name is None:
            return
        dist = normalize_dist(name)
        if dist in ("pip", "setuptools", "wheel") and evidence.via != "frontmatter":
            return
        dep = self._get("pip", dist)
        dep.add(evidence)
        clean = spec.strip().strip("'\"")
        if clean != name and (not dep.spec or ("[" in clean and "[" not in dep.spec)):
            dep.spec = clean
        if not dep.modules:
            known = self._dist_to_modules().get(dist)
            guess = name.replace("-", "_").replace(".", "_")
            dep.modules = tuple(known) if known else ((guess,) if _IDENT.match(guess) else ())
        for module in dep.modules:
            top = module.split(".", 1)[0]
            if top in self.python.post_install and not dep.post_install:
                dep.post_install = self.python.post_install[top]
            for target in self.python.implies.get(top, ()):
                self._implied(target, evidence, f"{dist} needs it")
        for command in provides:
            self.provided[command] = ("pip", dist)
            if command not in dep.bins:
                dep.bins = (*dep.bins, command)

    # ------------------------------------------------------------------ node

    def _npm(self, package: str, evidence: Evidence, scope: str, provides: tuple[str, ...]) -> None:
        if not npm_name_ok(package):
            return
        dep = self._get("npm", package)
        dep.add(evidence)
        if scope == "local" or not dep.scope:
            dep.scope = scope
        for command in provides:
            self.provided[command] = ("npm", package)
            if command not in dep.bins:
                dep.bins = (*dep.bins, command)

    # ------------------------------------------------------------------ commands

    def _command(self, word: str, evidence: Evidence, *, named: bool = False) -> None:
        """A command the skill runs; `named`: the text calls it a command-line tool (the
        `uip` CLI), so an unknown name is not held under the unknown-command cap."""
        tools = self.tools
        if word in tools.baseline or word in tools.installers:
            return
        if word in self.provided:
            dep = self.deps[self.provided[word]]
            dep.add(evidence)
            if word not in dep.bins:
                dep.bins = (*dep.bins, word)
            return
        tool = tools.by_bin.get(word)
        if tool is not None:
            self._tool(tool, evidence, word)
            return
        if word in self.local_commands or word.lower() in self.local_commands:
            return
        if (not _COMMAND_WORD.match(word) or len(word) < 2 or word in tools.not_commands
                or _SCRIPT_SUFFIX.search(word) or word.isdigit()):
            return
        if evidence.via != "frontmatter" and not named and not _runs_alone(word, evidence):
            evidence = Evidence(evidence.file, evidence.line, evidence.via, evidence.text,
                                min(evidence.confidence, UNKNOWN_COMMAND_CONFIDENCE), evidence.optional)
        dep = self._get("system", word)
        dep.add(evidence)
        if word not in dep.bins:
            dep.bins = (*dep.bins, word)

    def _tool(self, tool: Tool, evidence: Evidence, command: str | None) -> None:
        if tool.pip and not tool.system:
            dist = normalize_dist(tool.pip.split("[", 1)[0])
            dep = self._get("pip", dist)
            dep.add(evidence)
            if tool.pip != dist and not dep.spec:
                dep.spec = tool.pip
            if not dep.modules:
                known = self._dist_to_modules().get(dist)
                dep.modules = tuple(known) if known else ()
        elif tool.npm and not tool.system:
            dep = self._get("npm", tool.npm)
            dep.add(evidence)
            dep.scope = dep.scope or "global"
        else:
            dep = self._get("system", tool.name)
            dep.add(evidence)
            dep.apt, dep.brew, dep.platform = tool.apt, tool.brew, tool.platform
            dep.pip = tool.pip if tool.system else ""
            dep.npm = tool.npm if tool.system else ""
        if command and command not in dep.bins:
            dep.bins = (*dep.bins, command)
        if tool.service:
            self._implied(f"service:{tool.service}", evidence, f"{tool.name} talks to {tool.service}")

    def _apt(self, package: str, evidence: Evidence, provides: tuple[str, ...]) -> None:
        if not re.match(r"^[a-z0-9][a-z0-9.+-]+$", package) or package in self.tools.baseline:
            return  # malformed, or the interpreter/shell every environment has
        tool = self.tools.by_apt.get(package)
        if tool is not None and (tool.system or not (tool.pip or tool.npm)):
            self._tool(tool, evidence, None)
            return
        dep = self._get("system", package)
        dep.add(evidence)
        dep.apt = dep.apt or package
        for command in provides:
            self.provided[command] = ("system", package)

    def _brew(self, formula: str, evidence: Evidence, provides: tuple[str, ...]) -> None:
        base = formula.rsplit("/", 1)[-1]
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9.+@_-]*$", base) or base in self.tools.baseline:
            return
        tool = self.tools.by_brew.get(base) or self.tools.tools.get(base) or self.tools.by_bin.get(base)
        if tool is not None:
            self._tool(tool, evidence, None)
            return
        dep = self._get("system", base)
        dep.add(evidence)
        dep.brew = dep.brew or formula
        for command in provides:
            self.provided[command] = ("system", base)
            if command not in dep.bins:
                dep.bins = (*dep.bins, command)

    # ------------------------------------------------------------------ finish

    def finish(self, min_confidence: int) -> Extraction:
        """Merge, imply, drop what is below `min_confidence`, order."""
        self._merge_provided_commands()
        self._call_implies()
        for dep in [d for d in self.deps.values() if d.kind == "npm"]:
            first = dep.evidence[0] if dep.evidence else Evidence("SKILL.md", 0, "implied", dep.name)
            self._implied("system:node", first, f"npm package {dep.name}")
        for (kind, name), dep in list(self.deps.items()):
            if kind == "service" and ("service", MCP_PREFIX + name) in self.deps \
                    and all(e.optional for e in dep.evidence):
                del self.deps[(kind, name)]  # "create a Notion doc" through the Notion MCP server
        kept: list[Dependency] = []
        for dep in self.deps.values():
            if not dep.evidence:
                continue
            if dep.platform and not dep.optional:
                # a tool only one platform ships (macOS `security`, `osascript`): present
                # there already, impossible elsewhere, so never a requirement to install
                dep.evidence = [replace(e, optional=True) for e in dep.evidence]
            if dep.confidence < min_confidence:
                first = dep.evidence[0]
                self.notes.append(Note(first.file, first.line, "dropped",
                                       f"{dep.label()}: confidence {dep.confidence} is below {min_confidence}"))
                continue
            dep.evidence.sort(key=lambda e: (e.file != "SKILL.md", e.file, e.line, e.via))
            kept.append(dep)
        kept.sort(key=lambda d: (_KIND_ORDER[d.kind], d.name))
        self.notes.sort(key=lambda n: (n.file != "SKILL.md", n.file, n.line, n.message))
        return Extraction(dependencies=kept, notes=self.notes)

    def _merge_provided_commands(self) -> None:
        """An unknown command named like a package the skill installs is that
        package's command (`npm i -g clawdhub`, then `clawdhub login`)."""
        for key in [k for k in self.deps if k[0] == "system"]:
            dep = self.deps[key]
            provider = self.provided.get(dep.name)
            if provider is not None and provider != key and provider in self.deps:
                target = self.deps[provider]
                for evidence in dep.evidence:
                    target.add(evidence)
                target.bins = tuple(dict.fromkeys((*target.bins, *dep.bins)))
                del self.deps[key]
                continue
            if dep.apt or dep.brew or dep.platform:
                continue
            for kind in ("npm", "pip"):
                name = dep.name if kind == "npm" else normalize_dist(dep.name)
                target = self.deps.get((kind, name))
                if target is not None and target is not dep:
                    for evidence in dep.evidence:
                        target.add(evidence)
                    target.bins = tuple(dict.fromkeys((*target.bins, *dep.bins)))
                    if kind == "npm":
                        target.scope = target.scope or "global"
                    del self.deps[key]
                    break

    def _call_implies(self) -> None:
        for module, pattern, adds in self.python.call_implies:
            if module not in self.modules_seen:
                continue
            for piece in self.python_texts:
                match = pattern.search(piece.text)
                if match is None:
                    continue
                line = piece.first_line + piece.text.count("\n", 0, match.start()) if piece.first_line else 0
                text_line = piece.text[piece.text.rfind("\n", 0, match.start()) + 1:].split("\n", 1)[0]
                evidence = Evidence(piece.file, line, "implied",
                                    f"{' '.join(text_line.split())[:120]} (needs {adds})", 80)
                self._pip(adds, evidence, ())
                break
