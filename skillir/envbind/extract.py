"""Dependency extraction for one skill: walks the `skill` IR (front matter, prose,
code blocks with their sections) and reads the bundled files the `skill.ref` ops
list, then resolves and merges what it saw (`skillir.deps.collect`).

Deterministic and offline. Bad input never raises: a bundled file that is missing,
too large, binary, not UTF-8 or not parseable is skipped (or read with the regex
fallback) with a `Note` saying so.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    FileLineColLoc,
    FloatAttr,
    IntegerAttr,
    StringAttr,
)
from xdsl.ir import Attribute, Operation

from skillir.deps.collect import Collector, PythonText
from skillir.deps.commands import bind_commands
from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.js_deps import JsReader, mcp_config_hits
from skillir.deps.model import Extraction, Note
from skillir.deps.prose_deps import ProseReader
from skillir.deps.python_deps import PythonReader
from skillir.deps.shell_deps import ShellReader
from skillir.deps.tables import python_table, rules, shortest_needles, tool_table
from skillir.dialects.skill import (
    CodeOp,
    ConstraintOp,
    ExampleOp,
    FrontmatterOp,
    RefOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
)
from skillir.readers.languages import extension_family
from skillir.readers.languages import family as language_family
from skillir.readers.shell import ShellScript, read_shell
from skillir.security.prefilter import Check, checker

MAX_FILE_BYTES = 512 * 1024
"""Bundled files larger than this are not read (noted): no script worth scanning is."""

_SKILL_MENTION = re.compile(r"`([a-z][a-z0-9_-]*)` skill\b")
_PY_FILE_MENTION = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\.py\b")
_SHEBANG = re.compile(r"^#!\s*(?:/usr/bin/env\s+(?:-S\s+)?)?(?:/\S*/)?(python[\d.]*|bash|sh|zsh|node|deno|bun)\b")
_VERSUS = re.compile(r"([\w.+-]+)\s+(?:vs\.?|versus)\s+([\w.+-]+)")


def _compares_tools(title: str) -> bool:
    """A heading that sets one tool against another ("Poetry vs uv", "pip versus
    conda"): what it shows are alternatives, not what the skill needs. "cDNA vs
    direct RNA" compares something else, so the commands under it still count."""
    if "vs" not in title and "versus" not in title:
        return False
    tools = tool_table()
    packages = python_table().modules
    for match in _VERSUS.finditer(title):
        for word in match.groups():
            if word in tools.tools or word in tools.by_bin or word in packages or word in ("pip", "npm", "yarn", "pnpm"):
                return True
    return False


_TEST_FILE = re.compile(r"(?:^|/)(?:tests?|__tests__|spec)/|(?:^|/)(?:test_[^/]*|[^/]*_test|conftest)\.py$"
                        r"|(?:^|/)[^/]*\.(?:test|spec)\.[cm]?[jt]sx?$")
"""A bundled file that tests the skill's own code (`scripts/tests/test_x.py`,
`conftest.py`, `x.test.js`)."""
_ASSET_FILE = re.compile(r"(?:^|/)(?:assets|templates?)/")
"""A bundled file in the Agent Skills layout's `assets/` (or a `templates/` folder): material
the skill hands out or copies into the user's project, not code it runs."""
_DEV_BLOCK = re.compile(r"\b(?:dev|development|tests?|testing|lint|linting)\b", re.IGNORECASE)
"""A requirements-file comment that heads packages for developing the skill
("# Testing dependencies (dev)"), not for using it."""


_MANIFEST_NAMES = re.compile(r"(?:^|/)(?:requirements[\w.-]*\.txt|package\.json|pyproject\.toml)$")


_PACKAGE_LIST_NEEDLES = ("tested with", "dependenc", "packages:")
"""What a line listing packages with their versions holds ("Reference examples tested
with: pandas 2.2+, numpy 1.26+"; `ProseReader` reads the names)."""


@cache
def _prose_needles() -> tuple[str, ...]:
    """Lower-case fragments one of which any prose that names a dependency holds."""
    words = set(rules().requirement_cue.needles) | {"instal", " add ", " i ", "mcp", "`", *_PACKAGE_LIST_NEEDLES}
    return shortest_needles(sorted(words))


@cache
def _prose_check() -> Check:
    """Does a lowercased text hold one of `_prose_needles`? One compiled expression
    (`skillir.security.prefilter.checker`): the same answer as a loop over the needles,
    without the loop's per-needle bytecode."""
    check = checker(("or", _prose_needles()))
    assert check is not None  # (there are always needles)
    return check


_PROSE_OPS = frozenset({TextOp, ConstraintOp, ExampleOp})
_READ_FAMILIES = frozenset({"python", "shell", "javascript", "json"})
"""Language families whose code can show a dependency (`skillir.readers.languages`)."""

_CONTEXT: dict[tuple[str, ...], tuple[int, bool]] = {}
"""Section-title context, memoised: the same titles recur in every skill."""


@dataclass(frozen=True)
class ExtractOptions:
    scripts: bool = True
    """Read the bundled scripts and manifests (not only SKILL.md)."""
    min_confidence: int = 50
    """Dependencies below this (0..100) become `dropped` notes instead."""
    max_file_bytes: int = MAX_FILE_BYTES


@dataclass(slots=True)
class _Item:
    kind: str  # code | prose
    text: str
    line: int
    lang: str = ""
    runnable: bool = False
    titles: tuple[str, ...] = ()


def attr_to_python(attr: Attribute) -> object:
    """Front matter metadata (a DictionaryAttr) back to plain data."""
    if type(attr) is StringAttr:  # the common case, before isinstance on ABCs
        return attr.data
    if isinstance(attr, DictionaryAttr):
        return {k: attr_to_python(v) for k, v in attr.data.items()}
    if isinstance(attr, ArrayAttr):
        return [attr_to_python(v) for v in attr.data]
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, IntegerAttr):
        return attr.value.data
    if isinstance(attr, FloatAttr):
        return attr.value.data
    return None


def op_line(op: Operation) -> int:
    """The op's line (0 without a file location). An exact-class test: nothing
    subclasses FileLineColLoc, and isinstance on xdsl attributes is an ABC check."""
    loc = op.location
    return loc.line.data if type(loc) is FileLineColLoc else 0


def skill_folder(skill: SkillOp) -> Path | None:
    """The folder a skill was loaded from (its SKILL.md's parent), when it exists."""
    source = skill.source.data
    if not source:
        return None
    path = Path(source)
    folder = path.parent if path.suffix.lower() == ".md" else path
    return folder if folder.is_dir() else None


class Extractor:
    def __init__(self, options: ExtractOptions | None = None):
        self.options = options or ExtractOptions()
        self.rules = rules()

    def extract(self, skill: SkillOp, folder: Path | None = None) -> Extraction:
        items, frontmatter, refs = self._walk(skill)
        local_modules, local_commands = self._locals(items, refs)
        own = {skill.skill_name, *((folder.name,) if folder is not None else ())}
        known = python_table().modules
        for name in own:  # `from inspecting_skills import ...` in the skill inspecting-skills
            if name and name.replace("-", "_") not in known:
                local_modules.update((name, name.replace("-", "_")))
        if folder is not None:
            # a skill installed next to this one (`requires: configuring`, `from
            # flowing import task`) is a skill, not a package, unless its name is a known
            # Python module (a skill about `atheris` next to one that imports it)
            modules, commands = sibling_locals(folder)
            local_modules |= modules
            own_command = folder.name in local_commands
            local_commands |= commands
            if not own_command:  # the siblings' names, never this skill's own
                local_commands.discard(folder.name)
        scripts = self._shell_scripts(items)
        # a function or alias one block defines is the skill's own command in every block
        for script, _ in scripts.values():
            local_commands.update(script.functions)
        notes: list[Note] = []
        self._texts: dict[str, str | None] = {}
        self._file_scripts: dict[str, tuple[ShellScript, str]] = {}
        """Each bundled shell script read once: the script and its `lf_only` text."""
        if self.options.scripts and folder is not None:
            # ... and so is one a bundled shell script defines (libraries the others source)
            for ref in refs:
                rel = ref.path.data
                if extension_family(_suffix(rel)) == "shell":
                    text = self._read(folder, rel, notes)
                    if text is not None:
                        text = lf_only(text)
                        script = read_shell(text)
                        self._file_scripts[rel] = (script, text)
                        local_commands.update(script.functions)
        collector = Collector(local_modules=frozenset(local_modules), local_commands=frozenset(local_commands))
        collector.notes.extend(notes)
        js = JsReader()
        shell = ShellReader(frozenset(local_commands), js=js)
        python = PythonReader(shell)
        prose = ProseReader(shell)

        data = attr_to_python(skill.metadata)
        if isinstance(data, dict):
            collector.add_all(prose.frontmatter(data, frontmatter), "SKILL.md", 1)

        worth = self._prose_worth_reading(items)
        for index, item in enumerate(items):
            if item.kind == "prose" and index not in worth:
                continue
            self._item(item, collector, shell, python, js, prose, scripts.get(index),
                       lead_optional=item.kind == "code" and index > 0 and self._optional_lead(items[index - 1], item))

        if self.options.scripts:
            self._bundled(folder, refs, collector, shell, python, js)
        result = collector.finish(self.options.min_confidence)
        for dep in result.dependencies:
            bind_commands(dep)
        return result

    # ------------------------------------------------------------------ SKILL.md

    def _walk(self, skill: SkillOp) -> tuple[list[_Item], str, list[RefOp]]:
        items: list[_Item] = []
        refs: list[RefOp] = []
        frontmatter = ""

        # a hot path: dispatch on the exact type and follow the ops' linked list
        # (xdsl's block iteration and isinstance on op unions cost more than the rest)
        def visit(region, titles: tuple[str, ...]) -> None:
            nonlocal frontmatter
            block = region.first_block if region is not None else None
            op = block.first_op if block is not None else None
            while op is not None:
                kind = type(op)
                props = op.properties
                if kind is CodeOp:
                    opening = props.get("open")
                    fenced = opening is None or bool(opening.data.strip())
                    line = op_line(op)
                    items.append(_Item("code", props["body"].data, line + 1 if line and fenced else line,
                                       props["lang"].data.lower(), "runnable" in props, titles))
                elif kind in _PROSE_OPS:
                    items.append(_Item("prose", props["text"].data, op_line(op), titles=titles))
                elif kind is StepOp:
                    items.append(_Item("prose", props["text"].data, op_line(op), titles=titles))
                    if op.regions:
                        visit(op.regions[0], titles)
                elif kind is SectionOp:
                    visit(op.regions[0], (*titles, props["title"].data))
                elif kind is RefOp:
                    refs.append(op)
                elif kind is FrontmatterOp:
                    frontmatter = props["text"].data
                op = op.next_op

        visit(skill.body, ())
        return items, frontmatter, refs

    def _prose_worth_reading(self, items: list[_Item]) -> set[int]:
        """Indices of prose items that hold a requirement cue or an install word.

        A few substring tests per paragraph: most prose says nothing about the
        environment, and this skips it for a microsecond instead of running the
        readers' regexes on every paragraph."""
        check = _prose_check()
        return {index for index, item in enumerate(items) if item.kind == "prose" and check(item.text.lower())}

    def _locals(self, items: list[_Item], refs: list[RefOp]) -> tuple[set[str], set[str]]:
        modules: set[str] = set()
        commands: set[str] = set()
        for ref in refs:
            path = ref.path.data
            parts = path.split("/")
            name = parts[-1]
            stem, dot, ext = name.rpartition(".")
            if ext in ("py", "pyw") and dot:
                modules.add(stem)
                modules.update(p for p in parts[:-1] if p.isidentifier())
            runnable = ext in _RUNNABLE_EXTENSIONS
            if ref.kind.data == "script" or runnable or not dot:
                commands.add(name)
                if dot and runnable:
                    commands.add(stem)  # (not a lock file's or a manifest's: `uv.lock` names no command `uv`)
        known = python_table().modules
        for item in items:
            if "skill" in item.text:
                # "via the `remembering` skill": another skill, imported or required by name
                for name in _SKILL_MENTION.findall(item.text):
                    modules.update((name, name.replace("-", "_")))
                    commands.add(name)
            if ".py" in item.text:
                # `helper.py` named in the text is the skill's file, unless it is a
                # project's name (`coverage.py`)
                modules.update(m for m in _PY_FILE_MENTION.findall(item.text) if m not in known)
        return modules, commands

    def _context(self, titles: tuple[str, ...]) -> tuple[int, bool]:
        """(confidence penalty, optional) from the section titles around an item."""
        cached = _CONTEXT.get(titles)
        if cached is not None:
            return cached
        joined = " / ".join(titles).lower()
        penalty = 50 if joined and (any(word in f" {joined} " for word in self.rules.example_sections)
                                    or _compares_tools(joined)) else 0
        optional = bool(titles) and any(self.rules.optional_cue.search(t) for t in titles)
        if len(_CONTEXT) < 4096:
            _CONTEXT[titles] = (penalty, optional)
        return penalty, optional

    def _shell_scripts(self, items: list[_Item]) -> dict[int, tuple[ShellScript, str]]:
        """Each shell block (and untagged block, for its `$ ` lines) read once: the
        script and the text it was read from (`lf_only` of the block's, made once)."""
        out: dict[int, tuple[ShellScript, str]] = {}
        for index, item in enumerate(items):
            if item.kind != "code":
                continue
            family = language_family(item.lang)
            if family == "shell" or not item.lang:
                text = lf_only(item.text)
                out[index] = (read_shell(text, prompts_only=not item.lang), text)
        return out

    def _optional_lead(self, before: _Item, code: _Item) -> bool:
        """Is `code` introduced by a sentence that opens with an optional cue ("Optionally,
        render a preview:", "Alternatively, poll:", "If you encounter errors, report them:")?
        The prose right before it in the same section, whose last sentence ends with a
        colon. A cue later in the sentence describes the code, not whether to run it
        ("Implement extraction with automatic fallback:")."""
        if before.kind != "prose" or before.titles != code.titles:
            return False
        text = before.text.rstrip().rstrip("*_")
        if not text.endswith(":"):
            return False
        return self.rules.optional_cue.opens(_LAST_SENTENCE.split(text)[-1].lstrip(" \t>*_-#"))

    def _item(self, item: _Item, collector: Collector, shell: ShellReader, python: PythonReader,
              js: JsReader, prose: ProseReader, script: tuple[ShellScript, str] | None = None,
              lead_optional: bool = False) -> None:
        penalty, optional = self._context(item.titles)
        optional = optional or lead_optional
        if item.kind == "prose":
            hits = prose.read(item.text, confidence=80 - penalty, optional=optional)
            collector.add_all(hits, "SKILL.md", item.line)
            return
        family = language_family(item.lang)
        if item.lang and family not in _READ_FAMILIES:
            return
        if family == "python":
            hits, _ = python.read(item.text, confidence=90 - penalty, optional=optional, shown=True)
            collector.python_texts.append(PythonText("SKILL.md", item.line, item.text))
        elif family == "shell":
            hits = self._shell(shell, item, script, (85 if item.runnable else 75) - penalty, optional)
        elif family == "javascript":
            hits = js.read(item.text, confidence=90 - penalty, optional=optional, shown=True)
        elif family == "json":
            hits = mcp_config_hits(item.text, shell, confidence=80 - penalty)
        else:  # a block with no language: only `$ ` prompt lines are commands
            hits = self._shell(shell, item, script, 75 - penalty, optional)
        collector.add_all(hits, "SKILL.md", item.line)

    @staticmethod
    def _shell(shell: ShellReader, item: _Item, script: tuple[ShellScript, str] | None, confidence: int,
               optional: bool) -> list[Hit]:
        if script is None:
            return shell.read(item.text, confidence=confidence, optional=optional, prompts_only=not item.lang)
        return shell.read_script(*script, confidence=confidence, optional=optional)

    # ------------------------------------------------------------------ bundled files

    def _bundled(self, folder: Path | None, refs: list[RefOp], collector: Collector, shell: ShellReader,
                 python: PythonReader, js: JsReader) -> None:
        script_dirs = {"", *(ref.path.data.rpartition("/")[0] for ref in refs if ref.kind.data == "script")}
        for ref in refs:
            rel = ref.path.data
            suffix = _suffix(rel).lower()
            family = extension_family(suffix) if suffix else "other"
            family = family if family in _READ_FAMILIES else None
            manifest = _MANIFEST_NAMES.search(rel) is not None and _own_manifest(rel, script_dirs)
            extensionless_script = not suffix and ref.kind.data == "script"
            if family is None and not manifest and not extensionless_script:
                continue
            if not manifest and _TEST_FILE.search(rel):
                collector.notes.append(Note(rel, 0, "skipped",
                                            "the skill's own tests: what they import is for developing the skill, "
                                            "not for running it"))
                continue
            if _ASSET_FILE.search(rel) and ref.mentioned is None:
                collector.notes.append(Note(rel, 0, "skipped",
                                            "an asset SKILL.md never names (a template or sample for the user's "
                                            "project): what it needs is that project's, not the skill's"))
                continue
            if folder is None:
                collector.notes.append(Note(rel, 0, "skipped",
                                            "the skill folder is not on disk; bundled file not read"))
                continue
            text = self._read(folder, rel, collector.notes)
            if text is None:
                continue
            if extensionless_script:
                match = _SHEBANG.match(text)
                if match is None:
                    continue
                interpreter = match.group(1)
                family = "python" if interpreter.startswith("python") else (
                    "javascript" if interpreter in ("node", "deno", "bun") else "shell")
            if manifest:
                self._manifest(rel, text, collector)
            elif family == "python":
                hits, parsed = python.read(text, confidence=95)
                if not parsed:
                    collector.notes.append(Note(rel, 0, "fallback",
                                                f"does not parse as Python ({python.last_error}); imports read line by line"))
                collector.python_texts.append(PythonText(rel, 1, text))
                collector.add_all(hits, rel, 1)
            elif family == "shell":
                script = self._file_scripts.get(rel)
                hits = (shell.read_script(*script, confidence=90) if script is not None
                        else shell.read(text, confidence=90))
                collector.add_all(hits, rel, 1)
            elif family == "javascript":
                collector.add_all(js.read(text, confidence=95), rel, 1)
        # `pip install -r FILE` names a requirements file the skill bundles
        bundled = {ref.path.data for ref in refs}
        for _file, _line, name in collector.requirement_files:
            clean = name.removeprefix("./")
            if clean in bundled and not _MANIFEST_NAMES.search(clean):
                text = self._read(folder, clean, collector.notes) if folder is not None else None
                if text is not None:
                    self._manifest(clean, text, collector)

    def _read(self, folder: Path, rel: str, notes: list[Note]) -> str | None:
        """The text of a bundled file, read once per extraction (None, with a note, when
        it cannot be read)."""
        texts = getattr(self, "_texts", None)
        if texts is not None and rel in texts:
            return texts[rel]
        text = self._read_file(folder, rel, notes)
        if texts is not None:
            texts[rel] = text
        return text

    def _read_file(self, folder: Path, rel: str, notes: list[Note]) -> str | None:
        path = folder / rel
        try:
            size = path.stat().st_size
            if size > self.options.max_file_bytes:
                notes.append(Note(rel, 0, "skipped",
                                  f"{size} bytes, over the {self.options.max_file_bytes} byte limit; not scanned"))
                return None
            data = path.read_bytes()
        except OSError as exc:
            notes.append(Note(rel, 0, "skipped", f"cannot be read ({exc.strerror or exc}); not scanned"))
            return None
        nul = data.find(b"\x00")
        if nul >= 0:
            notes.append(Note(rel, data.count(b"\n", 0, nul) + 1, "skipped",
                              "binary file (NUL bytes); not scanned"))
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            notes.append(Note(rel, data.count(b"\n", 0, exc.start) + 1, "skipped",
                              f"not UTF-8 text (byte 0x{data[exc.start]:02x}); not scanned"))
            return None

    def _manifest(self, rel: str, text: str, collector: Collector) -> None:
        name = rel.rsplit("/", 1)[-1]
        lines = text.split("\n")
        if name.endswith(".txt"):
            development, heading = False, ""
            for number, line in enumerate(lines, 1):
                spec, _, comment = line.partition("#")
                spec = spec.strip()
                if not spec:
                    if comment.strip():  # a comment line heads the block below it
                        heading = comment.strip()
                        development = _DEV_BLOCK.search(comment) is not None
                    continue
                if spec.startswith("-"):
                    continue
                if development:
                    collector.notes.append(Note(rel, number, "skipped",
                                                f"{spec}: under '#{heading}', for developing the skill"))
                    continue
                collector.add(Hit("pip", spec, number, trim(line), "manifest", 95), rel, number)
            return

        def line_of(needle: str) -> int:
            return next((i + 1 for i, ln in enumerate(lines) if needle in ln), 1)

        if name == "package.json":
            try:
                data = json.loads(text)
            except ValueError as exc:
                collector.notes.append(Note(rel, 0, "skipped", f"not valid JSON ({exc}); not scanned"))
                return
            deps = data.get("dependencies") if isinstance(data, dict) else None
            if isinstance(deps, dict):
                for package in deps:
                    number = line_of(f'"{package}"')
                    collector.add(Hit("npm", package, number, trim(lines[number - 1]), "manifest", 95), rel, number)
            return
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            collector.notes.append(Note(rel, 0, "skipped", f"not valid TOML ({exc}); not scanned"))
            return
        project = data.get("project", {})
        for spec in project.get("dependencies", []) if isinstance(project, dict) else []:
            if isinstance(spec, str):
                number = line_of(spec)
                collector.add(Hit("pip", spec, number, trim(lines[number - 1]), "manifest", 95), rel, number)


def _suffix(rel: str) -> str:
    """`Path(rel).suffix`, read from the string without building a path (a bundled
    file's path ends in its name; any other falls back to pathlib)."""
    name = rel.rpartition("/")[2]
    if not name or name == ".":
        return Path(rel).suffix
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


_NOT_OWN = re.compile(r"(?:^|/)(?:tests?|examples?|fixtures?|samples?|templates?|assets?|test-[\w-]+|demo[\w-]*)/",
                      re.IGNORECASE)


def _own_manifest(rel: str, script_dirs: set[str]) -> bool:
    """A requirements.txt/package.json/pyproject.toml that describes the skill's own
    code: at the skill root or beside its scripts, not inside an example project."""
    return rel.rpartition("/")[0] in script_dirs and _NOT_OWN.search(rel) is None


_LAST_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
"""Where a paragraph's sentences part (the lead-in of a code block is its last one)."""

MAX_SIBLINGS_SCANNED = 4096
"""A skill folder in a crowded directory (a home or /tmp) is not a skill collection:
only this many entries next to it are looked at."""


def sibling_locals(folder: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(modules, commands) the skills next to `folder` make the skill's own: each one's
    name and its name as a module, when that module is not a known Python module. The
    folder's own name may be among them (`extract` takes it out of the commands: a skill
    about `jq` still runs the real `jq`); worked out once per parent folder, which a
    census of a collection shares between hundreds of skills."""
    parent = folder.parent
    try:
        mtime = os.stat(parent).st_mtime_ns
    except OSError:
        return frozenset(), frozenset()
    return _locals_in(parent, mtime)


@lru_cache(maxsize=64)
def _locals_in(parent: Path, _mtime_ns: int) -> tuple[frozenset[str], frozenset[str]]:
    """(keyed by the folder's mtime too: a long-lived compile server sees new siblings)"""
    known = python_table().modules
    modules: set[str] = set()
    commands: set[str] = set()
    try:
        with os.scandir(parent) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_SIBLINGS_SCANNED:
                    break
                if not (entry.is_dir(follow_symlinks=False) and os.path.isfile(os.path.join(entry.path, "SKILL.md"))):
                    continue
                module = entry.name.replace("-", "_")
                if module not in known:
                    modules.update((entry.name, module))
                    commands.add(entry.name)
    except OSError:
        pass
    return frozenset(modules), frozenset(commands)


_RUNNABLE_EXTENSIONS = frozenset({"py", "pyw", "sh", "bash", "zsh", "fish", "js", "mjs", "cjs", "ts", "rb", "pl",
                                  "php", "ps1", "bat", "cmd", "lua", "r"})
"""The extensions of the bundled files a skill may run by their bare stem (`collect` for
`scripts/collect.py`); a bundled data file's stem (`uv.lock`, `pyproject.toml`) is none."""


def extract_skill(skill: SkillOp, folder: Path | None = None, options: ExtractOptions | None = None) -> Extraction:
    """Dependencies of one `skill.skill` op; bundled files are read from `folder`
    (default: the folder the skill was loaded from, when it exists)."""
    if folder is None:
        folder = skill_folder(skill)
    return Extractor(options).extract(skill, folder)
