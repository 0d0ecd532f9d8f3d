"""SKILL.md folder -> `skill` dialect IR.

Two phases: first the markdown is cut into spans (`blocks.segment`) and read into
plain records (steps, constraints, examples, code, prose, sections) with the files
each step writes and reads; then the ops are built once, lean, with SSA artifacts
threaded out of sections where later steps use them. Every byte of SKILL.md lands in
exactly one op's source text, so `skillir.backends.markdown` gives the file back.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import cache

from xdsl.dialects.builtin import (
    FileLineColLoc,
    IntAttr,
    ModuleOp,
    StringAttr,
    UnitAttr,
)
from xdsl.ir import Attribute, Operation, SSAValue

from skillir.attrs import i64_attr, python_to_attr
from skillir.dialects.skill import (
    ArtifactType,
    CodeOp,
    ConstraintOp,
    ExampleOp,
    FrontmatterOp,
    RefOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    YieldOp,
    constraint_kind,
    ref_kind,
)
from skillir.errors import SkillIRError
from skillir.frontend import classify
from skillir.frontend.blocks import Span, blank_front_matter, segment
from skillir.frontend.bundle import BundledFile, SkillSource, check_text, list_bundle, locate
from skillir.frontend.frontmatter import split_front_matter
from skillir.limits import MAX_BLOCKS, MAX_STEPS
from skillir.xdsl_compat.build import int_attr, new_op, new_region, text_attr


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A warning the frontend recovered from: where and what."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: warning: {self.message}"


@dataclass(slots=True, eq=False)
class _Rec:
    """One unit of content before it becomes an op."""

    kind: str  # text | step | constraint | example | code | section
    start: int
    end: int
    ordinal: int | None = None
    constraint: str = ""
    children: list[_Rec] = field(default_factory=list)
    code_end: int = 0
    context: str = ""
    layout: dict[str, str] | None = None
    """A code block's `_code_layout`, once read."""
    indented: bool = False
    """A code block that is indented, not fenced: its first line is never its fence."""
    # sections
    level: int = 0
    title: str = ""
    heading_end: int = 0
    escapes: list[tuple[_Rec, str]] | tuple[()] = ()
    """A list from `_Reader.read` on (only sections have escapes)."""
    # steps: a record of another kind keeps the shared empty defaults, never added to
    lead: list[_Rec] | tuple[()] = ()
    """Code above a heading step's first paragraph: its files are the step's."""
    defs: list[str] | tuple[()] = ()
    uses: list[tuple[_Rec, str]] | tuple[()] = ()


# ---------------------------------------------------------------------------
# entry points


def load_skill(path: str | os.PathLike[str]) -> ModuleOp:
    """Load a skill folder (or its SKILL.md) as a module holding one `skill.skill`."""
    return load_skill_with_diagnostics(path)[0]


def load_skill_with_diagnostics(path: str | os.PathLike[str]) -> tuple[ModuleOp, list[Diagnostic]]:
    """Like `load_skill`, also returning the warnings for sloppy input it recovered from."""
    from skillir.readers import forget_parses

    forget_parses()  # a compile starts here: the readers' parses are this compile's only
    source = locate(path)
    raw_warnings: list[tuple[int, str]] = []
    bundle = list_bundle(source, raw_warnings)
    module, diags = build_module(
        source.data, label=source.label, folder_name=_folder_name(source), bundle=bundle
    )
    diags.extend(Diagnostic(source.label, line, msg) for line, msg in raw_warnings)
    return module, diags


def parse_markdown(text: str | bytes, *, label: str = "SKILL.md", folder_name: str = "skill") -> ModuleOp:
    """Build IR from SKILL.md text alone (no folder, no bundled files)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    check_text(data, label)
    return build_module(data, label=label, folder_name=folder_name, bundle=[])[0]


def _folder_name(source: SkillSource) -> str:
    """The skill folder's own name ("skill" for the root): `abspath` has normalised
    the path, so its last component is `Path.name` without building a Path."""
    return os.path.basename(os.path.abspath(source.folder)) or "skill"


# ---------------------------------------------------------------------------
# phase 1: spans -> records


def build_module(
    src: bytes, *, label: str, folder_name: str, bundle: list[BundledFile]
) -> tuple[ModuleOp, list[Diagnostic]]:
    front = split_front_matter(src, label)
    diags = [Diagnostic(label, line, msg) for line, msg in front.warnings]
    spans = segment(blank_front_matter(src, front.end), from_start=not front.end)
    if not front.end and not spans and src:
        spans = [Span("other", 0, len(src))]
    if len(spans) > MAX_BLOCKS:
        raise SkillIRError(f"SKILL.md has {len(spans)} markdown blocks, over the limit of {MAX_BLOCKS}",
                           path=label, hint="split the skill, or move long material to references/")
    reader = _Reader(src)
    roots = reader.read(spans)
    _check_steps(roots, label)
    bundle_paths = {f.path for f in bundle}
    _link_artifacts(src, roots, bundle_paths)

    name = front.data.get("name")
    if not isinstance(name, str) or not name.strip():
        name = folder_name
        if front.end:
            diags.append(Diagnostic(label, 2, f"front matter has no 'name'; using the folder name '{name}'"))
        else:
            diags.append(Diagnostic(label, 1, f"no front matter; using the folder name '{name}'"))
    builder = _Builder(src, label)
    ops: list[Operation] = []
    if front.end:
        first = spans[0].start if spans else len(src)
        ops.append(new_op(FrontmatterOp, {"text": text_attr(src[:first].decode("utf-8"))}, location=builder.location(0)))
    ops.extend(builder.container(roots))
    mentioned_text = src.decode("utf-8")
    for item in bundle:
        props: dict[str, Attribute] = {
            "path": text_attr(item.path),
            "kind": ref_kind(item.kind),
            "bytes": i64_attr(item.size),
        }
        if item.path in mentioned_text:
            props["mentioned"] = _UNIT
        ops.append(new_op(RefOp, props))
    skill = new_op(SkillOp, {
        "sym_name": text_attr(name.strip()),
        "metadata": python_to_attr(front.data),
        "source": text_attr(label),
    }, regions=(new_region(ops),), location=builder.location(0))
    # `ModuleOp([skill])` without its generic constructor: no properties (no
    # sym_name), no attributes, one region of one block
    return new_op(ModuleOp, {}, regions=(new_region([skill]),)), diags


def _check_steps(roots: list[_Rec], label: str) -> None:
    steps, pending = 0, list(roots)
    while pending:
        rec = pending.pop()
        steps += rec.kind == "step"
        pending.extend(rec.children)
    if steps > MAX_STEPS:
        raise SkillIRError(f"SKILL.md has {steps} steps, over the limit of {MAX_STEPS}", path=label,
                           hint="split the skill into smaller skills")


class _Reader:
    """Turns spans into records: classification, nesting, prose merging."""

    def __init__(self, src: bytes):
        self.src = src

    def text(self, start: int, end: int) -> str:
        return self.src[start:end].decode("utf-8")

    def read(self, spans: list[Span]) -> list[_Rec]:
        roots: list[_Rec] = []
        stack: list[_Rec] = []
        for span in spans:
            if span.kind == "heading":
                while stack and stack[-1].level >= span.level:
                    _close_section(stack.pop(), self.src)
                section = _Rec("section", span.start, span.end, level=span.level, escapes=[],
                               heading_end=span.end, title=_heading_title(self.text(span.start, span.end)))
                (stack[-1].children if stack else roots).append(section)
                stack.append(section)
                continue
            container = stack[-1].children if stack else roots
            title = stack[-1].title if stack else ""
            self.read_block(span, container, title)
        for section in reversed(stack):
            _close_section(section, self.src)
        _merge_prose(roots)
        return roots

    def read_block(self, span: Span, out: list[_Rec], title: str) -> None:
        if span.kind == "code":
            self.add_code(span.start, span.end, span.code_end, out, title, indented=span.indented)
        elif span.kind == "list":
            self.read_list(span, out, title)
        elif span.kind in ("paragraph", "quote"):
            out.append(self.classify(span.start, span.end, in_list=False, quote=span.kind == "quote"))
        else:
            out.append(_Rec("text", span.start, span.end))

    def classify(self, start: int, end: int, *, in_list: bool, quote: bool = False,
                 ordered: bool = False, number: int = 0) -> _Rec:
        text = self.text(start, end)
        # a numbered item is a constraint by its own words, not by a "**CRITICAL**:" among
        # the bullets under it ("2. Create an HTML file for each slide" then "- **CRITICAL**: ...")
        kind = classify.constraint_kind(_NESTED_ITEM.split(text, 1)[0] if ordered else text)
        if kind is not None:
            return _Rec("constraint", start, end, constraint=kind)
        lead = classify.lead_text(text)
        if classify.is_example(text, lead):
            return _Rec("example", start, end)
        if quote:
            return _Rec("text", start, end)
        if (ordered and not _is_link_only(lead)) or classify.is_imperative(text, in_list=in_list, lead=lead):
            return _Rec("step", start, end, ordinal=number if ordered else None)
        return _Rec("text", start, end)

    def read_list(self, span: Span, out: list[_Rec], title: str) -> None:
        items = [
            (item, self.classify(item.start, item.codes[0].start if item.codes else item.end,
                                 in_list=True, ordered=item.ordered, number=item.number))
            for item in span.items
        ]
        if not any(rec.kind != "text" or item.codes for item, rec in items):
            out.append(_Rec("text", span.start, span.end))
            return
        for item, rec in items:
            out.append(rec)
            if not item.codes:
                continue
            target = rec.children if rec.kind == "step" else out
            lead = self.text(rec.start, rec.end)
            for code in item.codes:
                self.add_code(code.start, code.end, code.code_end, target, title, lead, indented=code.indented)

    def add_code(self, start: int, end: int, code_end: int, out: list[_Rec], title: str,
                 lead: str | None = None, *, indented: bool = False) -> None:
        """A code block [start, end) whose fence closes at `code_end`; text after its
        closing line (inside a list item) becomes a prose record."""
        nl = self.src.find(b"\n", code_end, end)
        close_end = end if nl < 0 else nl + 1
        rest = close_end
        while rest < end:
            nl = self.src.find(b"\n", rest, end)
            line_end = end if nl < 0 else nl + 1
            if self.src[rest:line_end].strip():
                break
            rest = line_end
        if lead is None:
            previous = out[-1] if out else None
            if previous is not None and previous.kind == "step" and not previous.children and \
                    self.text(previous.start, previous.end).rstrip().endswith(":"):
                out = previous.children
                lead = self.text(previous.start, previous.end)
            else:
                lead = self.text(previous.start, previous.end)[-300:] if previous is not None else ""
        code_rec = _Rec("code", start, rest, code_end=close_end, context=title + "\n" + lead, indented=indented)
        out.append(code_rec)
        if rest < end:
            out.append(_Rec("text", rest, end))


def _heading_title(raw: str) -> str:
    line = raw.lstrip(" \r\n").split("\n", 1)[0].rstrip("\r")
    if line.startswith("#"):
        title = line.lstrip("#").strip()
        stripped = title.rstrip("#")
        if stripped != title and (not stripped or stripped[-1] in " \t"):
            title = stripped.strip()
        return title
    return line.strip()  # setext heading: the text line above the underline


def _is_link_only(lead: str) -> bool:
    """Is a block's `lead_text` only a link ("[Guide](guide.md)")?"""
    lead = lead.strip()
    return lead.startswith("[") and lead.rstrip(").").endswith(")") and "](" in lead


def _close_section(section: _Rec, src: bytes) -> None:
    _merge_prose(section.children)
    if classify.is_step_heading(section.title):
        _heading_step(section, src)


def _heading_step(section: _Rec, src: bytes) -> None:
    """A section headed "Step N" / "Phase N" / "N." is one step of the procedure: when
    none of its own blocks is a step, its first paragraph becomes the step and the
    code and prose up to the next step, constraint or subsection its body (so the
    files that code writes and reads are that step's). A section that opens with code
    and no paragraph gets a step without text around that code."""
    children = section.children

    def listed(c: _Rec) -> bool:  # a numbered (or nested) step of the section's own list
        return c.kind == "step" and (c.ordinal is not None or bool(c.children))

    first = 0
    while first < len(children) and children[first].kind in ("code", "example"):
        first += 1
    if first == len(children) or children[first].kind not in ("text", "step", "constraint"):
        if classify.is_named_step_heading(section.title) and any(c.kind == "code" for c in children[:first]):
            # the heading's work is its code alone ("### Step 2" over a command): a step
            # with no text of its own (the heading is the section's) holding that code
            # (not under a bare "### 3. Use X", which numbers advice as often as work)
            step = _Rec("step", children[0].start, children[0].start, children=children[:first])
            children[:first] = [step]
        return  # a paragraph that states a rule ("Only if ... Do not ...") still opens the step
    if listed(children[first]) or (children[first].kind == "step" and any(map(listed, children))):
        return  # the section opens with its own list: its items are the steps
    run = first + 1
    while run < len(children) and children[run].kind in ("text", "code", "example", "constraint"):
        run += 1  # the heading's own work: prose and code up to its list, if it has one
    if run == first + 1 and run < len(children) and listed(children[run]) and \
            src[children[first].start : children[first].end].decode("utf-8").rstrip().rstrip("*_").endswith(":"):
        return  # "For each task:" introduces the list: the items are the steps
    step = _Rec("step", children[first].start, children[first].end, children=children[first + 1 : run])
    step.lead = children[:first]
    children[first:run] = [step]


def _merge_prose(recs: list[_Rec]) -> None:
    """Adjacent prose records become one (they are contiguous in the file)."""
    merged: list[_Rec] = []
    for rec in recs:
        if rec.kind == "text" and merged and merged[-1].kind == "text" and merged[-1].end == rec.start:
            merged[-1].end = rec.end
        else:
            merged.append(rec)
    recs[:] = merged
    for rec in recs:
        if rec.kind == "step" and rec.children:
            _merge_prose(rec.children)


# ---------------------------------------------------------------------------
# artifacts: which step writes which file, which later step reads it


def _link_artifacts(src: bytes, roots: list[_Rec], bundled: set[str]) -> None:
    latest: dict[str, _Rec] = {}
    previous: _Rec | None = None
    previous_text = ""
    # the sections around each step, by the step's id: kept here, not on the records,
    # so that no record refers up to a section that holds it (a cycle that only the
    # garbage collector frees; without one, the records go when the load returns)
    chains: dict[int, tuple[_Rec, ...]] = {}
    for step, chain in _steps_in_order(roots, ()):
        chains[id(step)] = chain
        step.uses = []
        text = src[step.start : step.end].decode("utf-8")
        roles = [(path, role, True) for path, role in classify.text_file_roles(text)]
        intro = text  # the prose before the next code block: "Write the PR body to a temporary file:"
        for child in (*step.lead, *step.children):
            if child.kind == "code":
                layout = _code_layout(src, child)
                named = classify.path_block(intro, layout["body"])
                roles.extend((path, role, False) for path, role in
                             ([(named, "write")] if named else classify.code_file_roles(layout["body"], layout["lang"])))
                intro = ""
            elif child.kind in ("text", "constraint"):
                intro = src[child.start : child.end].decode("utf-8")
                roles.extend((path, role, True) for path, role in classify.text_file_roles(intro))
        writes: list[str] = []
        # a file named in prose that an earlier step produced is used here, whatever
        # the verb ("Render every page listed in `pages.json`")
        for path, role, prose in roles:
            if _is_bundled(path, bundled):
                continue
            # (prose, and a flag a tool may read or write, name what an earlier step
            # made when one did: "Render `pages.json`", `fix.py --report report.json`)
            if role in ("write", "write-new") and not ((prose or role == "write-new") and _made_before(path, latest)):
                if path not in writes:
                    writes.append(path)
                continue
            producers = _producers(path, latest)
            if not producers and previous is not None and not previous.defs \
                    and path.rsplit(".", 1)[-1].lower() in classify.typed_output(previous_text):
                # "5. Collect the failed URLs in a text file" then "6. Run `batch failed_urls.txt`":
                # the file the step before made without naming it
                previous.defs = [path]
                latest[path] = previous
                producers = [previous]
            for producer in producers:
                if producer is not step and (producer, latest_path(producer, path)) not in step.uses:
                    step.uses.append((producer, latest_path(producer, path)))
        if not step.uses and not writes and previous is not None and previous.defs:
            # "Verify the output", "Deliver the PDF": the file the step before wrote
            # (a checking verb alone links only a numbered step that names no file: in a
            # bullet list the items may be independent, "- Collect the logs ... - Check the dashboards")
            named = classify.product_reference(text, previous.defs, by_verb=not roles and step.ordinal is not None)
            if named is not None:
                step.uses.append((previous, named))
        step.defs = writes
        for path in writes:
            latest[path] = step
        previous, previous_text = step, text
    for step, chain in _steps_in_order(roots, ()):
        for producer, path in step.uses:
            outer = chains[id(producer)]
            shared = 0
            while shared < len(outer) and shared < len(chain) and outer[shared] is chain[shared]:
                shared += 1
            for section in outer[shared:]:
                if (producer, path) not in section.escapes:
                    section.escapes.append((producer, path))


def latest_path(producer: _Rec, wanted: str) -> str:
    """The exact path `producer` defines that matches what a reader named."""
    if wanted in producer.defs:
        return wanted
    for path in producer.defs:
        if fnmatch.fnmatchcase(path, wanted) or path.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]:
            return path
    return producer.defs[0]


def _made_before(path: str, latest: dict[str, _Rec]) -> bool:
    """Did an earlier step write this very file (the path, or a path of its name)? A
    file named like one an earlier step wrote as a pattern is another file: after
    "`OUTPUT_PATH=docs/<KEY>-plan.md`", an example's "`OUTPUT_PATH=docs/JNS-1-plan.md`"
    writes its own."""
    base = path.rsplit("/", 1)[-1]
    return path in latest or any(p.rsplit("/", 1)[-1] == base for p in latest) or \
        (_PLACEHOLDER.search(base) is not None and bool(_producers(path, latest)))


def _producers(path: str, latest: dict[str, _Rec]) -> list[_Rec]:
    if path in latest:
        return [latest[path]]
    if "*" in path or "?" in path or "[" in _BRACKET_BLANK.sub("", path):  # a glob, not `survey_[DATE].md`
        globbed = list(dict.fromkeys(step for p, step in latest.items() if fnmatch.fnmatchcase(p, path)))
        if globbed or "/" not in path:
            return globbed
        return _in_written_dir(path, latest)
    base = path.rsplit("/", 1)[-1]
    matches = [step for p, step in latest.items() if p.rsplit("/", 1)[-1] == base]
    if not matches:  # a written name with placeholders: page_NN.jpg, <stem>.md, out_{n}.csv
        matches = [step for p, step in latest.items()
                   if (rx := _placeholder_name(p.rsplit("/", 1)[-1])) and rx.fullmatch(base)]
    if not matches and "/" in path and _PLACEHOLDER.search(base):
        # "Read `input-build/pages/*.png`": whatever the writer of the folder put there;
        # a concrete name in a written folder (`quality/PROGRESS.md`) is its own file
        matches = _in_written_dir(path, latest)
    if not matches and _WHOLE_PLACEHOLDER.fullmatch(base):
        # a reader that names only a blank of a kind (`<script.js>`, `{file}.csv`) uses
        # the latest file of that kind an earlier step wrote
        ext = base.rsplit(".", 1)[-1].rstrip(">}").lower()
        matches = [step for p, step in latest.items() if p.lower().endswith("." + ext)]
    return matches[-1:] if matches else []


def _in_written_dir(path: str, latest: dict[str, _Rec]) -> list[_Rec]:
    """The step that last wrote a directory `path` lies in ("Writes `input-build/`",
    then "Read `input-build/pages/*.png`")."""
    matches = [step for p, step in latest.items()
               if p.endswith("/") and p != path and ("/" + path).find("/" + p.lstrip("./")) >= 0]
    return matches[-1:]


_NESTED_ITEM = re.compile(rf"\n[ \t]*{classify.LIST_MARKER}[ \t]")
"""Where a list item's own text ends and the items nested under it begin."""
_WHOLE_PLACEHOLDER = re.compile(r"<[\w .-]+\.\w+>|\{[\w .-]+\}\.\w+|<[\w .-]+>\.\w+|\[[A-Za-z][\w-]+\]\.\w+")
_BRACKET_BLANK = re.compile(r"\[[A-Za-z][\w-]+\]")
"""A blank in brackets (`[DATE]`, `[skill-slug]`), not a glob's class (`[0-9]`)."""

_PLACEHOLDER = re.compile(r"<[^<>/]+>|\{[^{}/]+\}|\[[A-Za-z][\w-]+\]|\$\w+|(?<![A-Za-z])(?:N{1,4}|X{2,4}|#{2,4})(?![A-Za-z])|\*")


@cache
def _placeholder_name(name: str) -> re.Pattern[str] | None:
    """A file name written with placeholders (`page_NN.jpg`, `<stem>.md`, `{id}.json`,
    `$NAME.txt`, `*.png`) as a pattern a concrete name matches, or None."""
    parts = _PLACEHOLDER.split(name)
    if len(parts) == 1:
        return None
    return re.compile(r"[^/]+?".join(re.escape(part) for part in parts), re.IGNORECASE)


def _is_bundled(path: str, bundled: set[str]) -> bool:
    clean = path.lstrip("./")
    return clean == "SKILL.md" or clean in bundled or any(b.endswith("/" + clean) for b in bundled)


def _steps_in_order(recs: list[_Rec], chain: tuple[_Rec, ...]):
    for rec in recs:
        if rec.kind == "step":
            yield rec, chain
        elif rec.kind == "section":
            yield from _steps_in_order(rec.children, (*chain, rec))


# ---------------------------------------------------------------------------
# phase 2: records -> ops


def _code_layout(src: bytes, rec: _Rec) -> dict[str, str]:
    """Split a code block's source into language, body and the layout around it
    (kept on the record: the artifact linker and the builder both read it)."""
    if rec.layout is not None:
        return rec.layout
    raw = src[rec.start : rec.code_end].decode("utf-8")
    trail = src[rec.code_end : rec.end].decode("utf-8")
    lines = raw.splitlines(keepends=True)
    first = lines[0] if lines else ""
    stripped = first.lstrip(" \t")
    # (an indented block that opens with "```bash" holds that line as text: markup
    # indented under an HTML block, where the author's fence is no fence at all)
    fence_char = stripped[:1] if stripped[:3] in ("```", "~~~") and not rec.indented else ""
    if fence_char:
        fence = stripped[: len(stripped) - len(stripped.lstrip(fence_char))]
        info = stripped[len(fence):].strip()
        lang = info.split()[0].strip("{}.") if info else ""
        opening = first
        indent = first[: len(first) - len(stripped)]
        last = lines[-1].strip() if len(lines) > 1 else ""
        if len(lines) > 1 and last.startswith(fence) and not last.strip(fence_char):
            closing, content = lines[-1], lines[1:-1]
        else:
            closing, content = "", lines[1:]
    else:
        lang, opening, closing, content = "", "", "", lines
        nonblank = [ln for ln in content if ln.strip()]
        indent = nonblank[0][: len(nonblank[0]) - len(nonblank[0].lstrip(" \t"))] if nonblank else ""
    if indent and not all(ln.startswith(indent) for ln in content if ln.strip()):
        indent = ""
    body = "".join(ln[len(indent):] if ln.strip() else ln for ln in content) if indent else "".join(content)
    rec.layout = {"lang": lang, "body": body, "indent": indent, "open": opening, "close": closing,
                  "trail": trail, "raw": raw + trail}
    return rec.layout


class _Builder:
    def __init__(self, src: bytes, label: str):
        self.src = src
        self.filename = text_attr(label)
        self._line_at = (0, 1)
        """(offset, its line): where `line` last counted from."""
        self.values: dict[tuple[int, str], SSAValue] = {}
        self._attrs: dict[str, StringAttr] = {}
        self._types: dict[str, ArtifactType] = {}

    def cached(self, text: str) -> StringAttr:
        attr = self._attrs.get(text)
        if attr is None:
            attr = self._attrs[text] = text_attr(text)
        return attr

    def artifact(self, path: str) -> ArtifactType:
        typ = self._types.get(path)
        if typ is None:
            typ = self._types[path] = ArtifactType(path)
        return typ

    def line(self, offset: int) -> int:
        """The line (from 1) of the byte at `offset`: the newlines between it and the
        offset asked before are counted (ops are located in file order, a section or
        a step after its children, so each count is short)."""
        at, line = self._line_at
        if offset >= at:
            line += self.src.count(b"\n", at, offset)
        else:
            line -= self.src.count(b"\n", offset, at)
        self._line_at = (offset, line)
        return line

    def location(self, offset: int) -> FileLineColLoc:
        """`file:line:1` for the byte at `offset`. Built without re-verifying its
        parameters (a StringAttr and two IntAttrs we just made): this is on the
        frontend's hot path and FileLineColLoc's own check costs 10 µs."""
        loc = FileLineColLoc.__new__(FileLineColLoc)
        object.__setattr__(loc, "filename", self.filename)
        object.__setattr__(loc, "line", _line_attr(self.line(offset)))
        object.__setattr__(loc, "column", _ONE)
        return loc

    def text(self, rec: _Rec) -> StringAttr:
        return text_attr(self.src[rec.start : rec.end].decode("utf-8"))

    def container(self, recs: list[_Rec]) -> list[Operation]:
        return [self.op(rec) for rec in recs]

    def op(self, rec: _Rec) -> Operation:
        kind = rec.kind
        if kind == "text":
            return new_op(TextOp, {"text": self.text(rec)}, location=self.location(rec.start))
        if kind == "step":
            return self.step(rec)
        if kind == "section":
            return self.section(rec)
        if kind == "code":
            return self.code(rec)
        if kind == "constraint":
            return new_op(ConstraintOp, {"text": self.text(rec), "kind": constraint_kind(rec.constraint)},
                          location=self.location(rec.start))
        return new_op(ExampleOp, {"text": self.text(rec)}, location=self.location(rec.start))

    def step(self, rec: _Rec) -> Operation:
        props: dict[str, Attribute] = {"text": self.text(rec)}
        if rec.ordinal is not None:
            props["ordinal"] = i64_attr(rec.ordinal)
        regions = (new_region(self.container(rec.children)),) if rec.children else ()
        if not rec.uses and not rec.defs:  # most steps: no artifact in or out
            return new_op(StepOp, props, regions=regions, location=self.location(rec.start))
        inputs = [self.values[key] for producer, path in rec.uses
                  if (key := (id(producer), path)) in self.values]
        op = new_op(StepOp, props, operands=inputs, result_types=[self.artifact(p) for p in rec.defs], regions=regions,
                    location=self.location(rec.start))
        for path, result in zip(rec.defs, op.results, strict=True):
            result.name_hint = _name_hint(path)
            self.values[(id(rec), path)] = result
        return op

    def section(self, rec: _Rec) -> Operation:
        before = set(self.values)
        children = self.container(rec.children)
        heading = self.src[rec.start : rec.heading_end].decode("utf-8")
        props: dict[str, Attribute] = {"title": text_attr(rec.title), "level": i64_attr(rec.level)}
        if heading != SectionOp.default_heading(rec.level, rec.title):
            props["heading"] = text_attr(heading)
        if not rec.escapes and len(self.values) == len(before):
            # nothing leaves the section, nothing was added inside it (the values of
            # its steps are dropped, never the ones before it: a count says it)
            return new_op(SectionOp, props, regions=(new_region(children),), location=self.location(rec.start))
        escaping = [self.values[(id(p), path)] for p, path in rec.escapes]
        if escaping:
            children.append(new_op(YieldOp, {}, operands=escaping))
        for key in set(self.values) - before:
            del self.values[key]
        op = new_op(SectionOp, props, result_types=[v.type for v in escaping], regions=(new_region(children),),
                    location=self.location(rec.start))
        for (producer, path), result in zip(rec.escapes, op.results, strict=True):
            result.name_hint = _name_hint(path)
            self.values[(id(producer), path)] = result
        return op

    def code(self, rec: _Rec) -> Operation:
        layout = _code_layout(self.src, rec)
        lang, indent = layout["lang"], layout["indent"]
        props: dict[str, Attribute] = {"lang": self.cached(lang), "body": text_attr(layout["body"])}
        if classify.is_runnable(lang, rec.context):
            props["runnable"] = _UNIT
        if indent:
            props["indent"] = text_attr(indent)
        if layout["open"] != f"{indent}```{lang}\n":
            props["open"] = text_attr(layout["open"])
        if layout["close"] != f"{indent}```\n":
            props["close"] = text_attr(layout["close"])
        if layout["trail"] != "\n":
            props["trail"] = text_attr(layout["trail"])
        location = self.location(rec.start)
        op = new_op(CodeOp, props, location=location)
        if op.source_text() != layout["raw"]:
            # layout the plain form cannot express: keep the exact lines instead
            lines = layout["raw"][: len(layout["raw"]) - len(layout["trail"])]
            opening = layout["open"]
            closing = layout["close"]
            props.pop("indent", None)
            props["open"] = text_attr(opening)
            props["close"] = text_attr(closing)
            props["body"] = text_attr(lines[len(opening): len(lines) - len(closing)])
            op = new_op(CodeOp, dict(props), location=location)
        return op


_ONE = IntAttr(1)
_UNIT = UnitAttr()
"""The one unit attribute the builder shares (building one costs ~3 µs; attributes are immutable)."""
_LINE_ATTRS: list[IntAttr] = []
"""`IntAttr(n)` at index n, made as lines are first asked for: a location's line is a
plain value (like `skillir.attrs.i64_attr`'s shared integers), and sharing it saves a
module one attribute object per op, which the garbage collector would also walk."""
_SHARED_LINES = 1 << 14


def _line_attr(line: int) -> IntAttr:
    """The (shared, below `_SHARED_LINES`) `IntAttr` of a line number."""
    if line < len(_LINE_ATTRS):
        return _LINE_ATTRS[line]
    if line >= _SHARED_LINES:
        return int_attr(line)
    _LINE_ATTRS.extend(int_attr(n) for n in range(len(_LINE_ATTRS), line + 1))
    return _LINE_ATTRS[line]


_NUMBER_SUFFIX = re.compile(r"(?:_\d+)+$")


def _name_hint(path: str) -> str | None:
    """The SSA name an artifact prints with: its file's stem in the characters an IR
    name may hold (ASCII letters, digits, `_`: `%UAT受入...` would print but not parse),
    without trailing `_<digits>` groups (xdsl drops one such group each time it parses
    a name, so `%minutes_2026_04` would come back as `%minutes_2026`)."""
    base = path.rsplit("/", 1)[-1].split(".", 1)[0]
    hint = "".join(ch if (ch.isascii() and ch.isalnum()) or ch == "_" else "_" for ch in base).strip("_")
    hint = _NUMBER_SUFFIX.sub("", hint)
    if not hint or hint[0].isdigit():
        return None
    return hint
