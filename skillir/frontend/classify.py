"""Rule-based reading of markdown blocks: is this a step, a constraint, an example;
is this code meant to be run; which files does a step write and read.

Deterministic and cheap; the word lists live in `skillir/data/vocabulary.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from skillir.alternatives import longest_first
from skillir.datafiles import load_data
from skillir.readers import chinese
from skillir.readers.languages import extension_family
from skillir.readers.languages import family as language_family
from skillir.readers.shell import read_shell


@cache
def vocabulary() -> dict[str, frozenset[str]]:
    raw = load_data("vocabulary.json")
    return {k: frozenset(v) for k, v in raw.items() if isinstance(v, list)}


@cache
def constraint_keywords() -> dict[str, str]:
    """Binding keyword (lower case) -> constraint kind (the skill dialect's ConstraintKind)."""
    return dict(load_data("vocabulary.json")["constraint_keywords"])


LIST_MARKER = r"(?:[-*+]|\d+[.)])"
"""A list item's marker: a bullet or a number (`-`, `*`, `+`, `3.`, `3)`), as a regex."""
_STEP_HEADING = re.compile(r"^[*_`]*(?:(?:step|phase)\s*\d+\b|\d+\.(?:\s|$))", re.IGNORECASE)
_MARKUP = re.compile(rf"^\s*{LIST_MARKER}?\s*(?:\[[ xX]\]\s*)?[*_`#>\s]*")
_STEP_PREFIX = re.compile(r"^(?:step|phase)\s*\d+\s*[:.)-]?\s*[*_]*\s*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

_CONSTRAINT_UPPER = re.compile(
    r"\b(MUST NOT|MUST|NEVER|ALWAYS|DO NOT|DON'T|SHOULD NOT|SHALL NOT|REQUIRED|IMPORTANT|CRITICAL)\b"
)
_CONSTRAINT_LEAD = re.compile(r"\b(Never|Always|Do not|Do NOT|Do Not|Don't|You must not|You must)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\*\*|\n|^[-*+]\s+|^\d+[.)]\s+)\s*$")
# Both patterns' keywords in one alternation of literals, without the `\b` before them:
# a pattern that starts with its words lets the regex engine skip ahead to their first
# letters instead of trying the boundary and every word at each position, and one
# search finds the first candidate of either kind (3x faster than a search for each
# with the exact patterns); `constraint_kind` confirms each with the exact pattern.
# No position can start keywords of both kinds (an upper-case keyword's second letter
# is upper case, a lead keyword's lower case): tests/frontend/test_classify_fast_paths.py.
_KEYWORD_CANDIDATE = re.compile(
    "(?:" + _CONSTRAINT_UPPER.pattern.removeprefix(r"\b(").removesuffix(r")\b") + "|"
    + _CONSTRAINT_LEAD.pattern.removeprefix(r"\b(").removesuffix(r")\b") + r")\b"
)


def is_step_heading(title: str) -> bool:
    """Does a heading title number a step ("Step 2: Build", "Phase 1", "3. Deploy")?"""
    return _STEP_HEADING.match(title.strip()) is not None


def is_named_step_heading(title: str) -> bool:
    """Does a heading title call itself a step or phase ("Step 2: Build", "Phase 1")?"""
    return _STEP_PREFIX.match(title.strip().lstrip("*_`")) is not None


def lead_text(text: str) -> str:
    """The block's text without its list marker, checkbox, emphasis and "Step 1:" prefix."""
    # both patterns are anchored at the start (and `_MARKUP` always matches there):
    # cutting the match off is their `sub(..., count=1)` without the regex template work
    text = text[_MARKUP.match(text).end() :]
    prefix = _STEP_PREFIX.match(text)
    return text if prefix is None else text[prefix.end() :]


def constraint_kind(text: str) -> str | None:
    """The kind of the first binding keyword in `text`, or None: an upper-case keyword
    anywhere ("MUST", "NEVER"), or a lead keyword ("Never", "Always") where a sentence
    or list item starts."""
    pos = 0
    while (found := _KEYWORD_CANDIDATE.search(text, pos)) is not None:
        start = found.start()
        match = _CONSTRAINT_UPPER.match(text, start)  # (`match` sees the `\b` before `start`)
        if match is None:
            match = _CONSTRAINT_LEAD.match(text, start)
            if match is not None and not _SENTENCE_START.search(text, max(0, start - 6), start):
                match = None
        if match is not None:
            return constraint_keywords()[match.group(1).lower()]
        pos = start + 1
    return None if text.isascii() else chinese.constraint_kind(text)


_EXAMPLE_OPENERS = ("example", "for example", "e.g.", "for instance")


def is_example(text: str, lead: str | None = None) -> bool:
    """Does the block introduce a worked example? (`lead`: `lead_text(text)` if known)"""
    lead = lead_text(text) if lead is None else lead
    return lead[:12].lower().startswith(_EXAMPLE_OPENERS)


@cache
def _non_step_openers() -> tuple[str, ...]:
    """The vocabulary's non-step openers as the tuple `str.startswith` takes."""
    return tuple(vocabulary()["non_step_openers"])


def is_imperative(text: str, *, in_list: bool, lead: str | None = None) -> bool:
    """Does the block start with a verb in the imperative (Run, Write, Check ...)?

    Paragraphs must start with a capital letter; list items may not.
    """
    lead = lead_text(text) if lead is None else lead
    match = _FIRST_WORD.match(lead)
    if match is None:
        # a Chinese list item that opens with a verb ("读取 `a.md`", "首先运行测试")
        return in_list and not lead.isascii() and chinese.imperative(lead)
    word = match.group(0)
    lowered_word = word.lower()
    vocab = vocabulary()
    # the verb test rules out most blocks; the tests after it only rule out more
    if lowered_word not in vocab["imperative_verbs"]:
        return False
    if not in_list and not word[0].isupper():
        return False
    if lead[:40].lower().startswith(_non_step_openers()):
        return False
    # "Check: ..." or "Test - ..." labels a definition, not an instruction
    rest = lead[match.end() : match.end() + 2]
    if rest[:1] in (":",) or rest.startswith(("**:",)):
        return False
    if lowered_word in vocab["noun_like_verbs"]:
        following = lead[match.end() :].lstrip()
        if following[:1] in ("`", '"', "'", "[", "*"):
            return True
        next_word = _FIRST_WORD.match(following)
        return next_word is not None and next_word.group(0).lower() in vocab["object_openers"]
    return True


def is_runnable(lang: str, context: str) -> bool:
    """Is a code block in `lang` meant to be run? `context` is the section title, a
    newline, then the text before the block; example words (whole words, from the
    vocabulary) in the title or the last line before the block make it an example."""
    if lang.lower() not in vocabulary()["runnable_languages"]:
        return False
    title, _, lead = context.partition("\n")
    last_line = lead.rstrip().rsplit("\n", 1)[-1]
    return _example_words().search(title + "\n" + last_line) is None


@cache
def _example_words() -> re.Pattern[str]:
    words = longest_first(vocabulary()["example_context_words"])
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)


@cache
def _name_ends() -> tuple[str, str]:
    """The known file extensions and the known dotfiles of no extension, each as a
    regex alternation (longest first)."""
    vocab = vocabulary()
    return ("|".join(longest_first(vocab["file_extensions"])),
            "|".join(re.escape(name) for name in longest_first(vocab["dotfiles"])))


@cache
def _path_pattern() -> re.Pattern[str]:
    """A file's path: directories, then a name with a known extension (a dotfile's
    name too: `.gitleaks.toml`), or a dotfile of no extension (`.env`, `~/.gitignore`,
    not the `.env` of `.env.local`), or a blank (`<out.pdf>`)."""
    exts, dotfiles = _name_ends()
    blank = r"<[\w-]+>|\[[\w-]+\]"  # `<packages-root>/`, `survey_[DATE].md`
    dirs = r"(?:~?/|\$\{?[A-Za-z_]\w*\}?/)?(?:(?:[\w*.{}-]|" + blank + r")+/)*"
    name = r"\.?(?:[\w*{}$-]|" + blank + r")(?:[\w*.{}$-]|" + blank + r")*"
    return re.compile(
        r"(?<![\w/@.:$<-])(" + dirs + r"(?:" + name + r"\.(?:" + exts + r")(?![\w/(-])"
        r"|\.(?:" + dotfiles + r")(?!\.?[\w/(-]))"
        r"|<[\w-]+\.(?:" + exts + r")>(?![\w/(-]))",
        re.IGNORECASE,
    )


@cache
def _dotted_extension() -> re.Pattern[str]:
    """A `.ext` of a known extension as `_path_pattern` ends a name, or a dotfile's
    name: every path it finds holds one (see `path_matches`)."""
    exts, dotfiles = _name_ends()
    # `(?=\w)`: every extension and dotfile starts with a word character, and a
    # sentence's full stop fails at once instead of against each name in turn
    return re.compile(r"\.(?=\w)(?:(?:" + exts + r")(?![\w/(-])|(?:" + dotfiles + r")(?!\.?[\w/(-]))",
                      re.IGNORECASE)


_PATH_PUNCTUATION = "_~/${}*.<>[]-"
"""The characters besides letters and digits `_path_pattern` may take."""
_NOT_PATH_CHAR = re.compile("[^" + re.escape(_PATH_PUNCTUATION) + r"\w]")
"""A character `_path_pattern` never takes: a path lies inside one run of the others."""


def _is_path_char(ch: str) -> bool:
    r"""`ch` is a character `_path_pattern` may take (`\w` is what `isalnum` or `_` says)."""
    return ch.isalnum() or ch in _PATH_PUNCTUATION


def path_matches(text: str) -> list[re.Match[str]]:
    """`list(_path_pattern().finditer(text))`, found faster: that pattern tries every
    position of the text, and backtracks through each word it starts in (~20 µs per
    kilobyte), while a path is one run of path characters that holds a `.ext`. So
    only the runs around each `.ext` are searched, each up to and including the
    character after it (what the pattern's lookahead reads); its lookbehind reads the
    text before the run, which `finditer(text, start, end)` keeps visible."""
    pattern = _path_pattern()
    found: list[re.Match[str]] = []
    done = 0  # the text before this offset is searched
    for dot in _dotted_extension().finditer(text):
        start = dot.start()
        if start < done:
            continue  # in a run already searched
        while start > done and _is_path_char(text[start - 1]):
            start -= 1
        after = _NOT_PATH_CHAR.search(text, dot.end())
        done = after.start() if after is not None else len(text)
        found.extend(pattern.finditer(text, start, done + 1))
    return found


_EXTENSION_CUE = re.compile(r"[`tT](?:\.|[hH][eE] )")
"""Where every `_extension_refs` match starts: "`." or "the " in any case (and "t.":
a superset, found twice as fast as the exact cue with IGNORECASE). Letters only: no
other character matches t, h or e when case is ignored."""

_TYPE_EXTENSION = {"markdown": "md", "excel": "xlsx", "jpeg": "jpg"}
_DIR_REF = re.compile(r"`((?:\.{0,2}/)?(?:[\w.-]+/)+)`")


@cache
def _extension_refs() -> re.Pattern[str]:
    """A file named by its extension alone: "the single `.html`", "the .pdf file"."""
    exts = "|".join(longest_first(vocabulary()["file_extensions"]))
    return re.compile(r"`\.(" + exts + r")`|\bthe (?:\w+ )?\.(?=(?:" + exts + r")\b)(\w+)(?: files?)?\b"
                      r"|\bthe (?:generated|resulting|output|created|converted|exported|downloaded|extracted|rendered|"
                      r"produced|saved|final|new) (PNG|PDF|CSV|HTML|JSON|XLSX|DOCX|PPTX|SVG|JPE?G|Markdown|Excel)\b",
                      re.IGNORECASE)


def _extension_ref_matches(text: str) -> Iterator[re.Match[str]]:
    """`_extension_refs().finditer(text)`, found faster: that pattern starts with no
    literal, so its search tries its three alternatives at every position (~75 ns a
    character), while each match starts at a cue ("`." or "the "). So the pattern is
    only tried at the cues; `match` at a cue reads the character before it for `\\b`
    as the search would."""
    pattern = _extension_refs()
    pos = 0
    while (cue := _EXTENSION_CUE.search(text, pos)) is not None:
        match = pattern.match(text, cue.start())
        if match is None:
            pos = cue.start() + 1
        else:
            yield match
            pos = match.end()


_SENTENCE = re.compile(rf"(?<=[.!?])\s+|\n[ \t]*\n|\n(?=[ \t]*{LIST_MARKER}\s)")
"""Sentence ends, blank lines and list items split prose; a hard-wrapped line does not."""
_WORD = re.compile(r"[A-Za-z]+")
_OPENING_WORD = re.compile(rf"\s*(?:{LIST_MARKER}\s+)?(?:\[[ xX]\]\s*)?"
                           r"(?:\*\*[^*\n]{1,80}?\*\*\s*[:.\u2013\u2014-]?\s*)?[*_`]*([A-Za-z]+)")
"""The word a sentence or list item opens with, after its marker, checkbox and a bold
title ("3. **Config**: Update ...")."""
_TO_BEFORE = re.compile(r"\b(?:to|into|as|in|with)\s*[`'\"*]*$", re.IGNORECASE)

_REDIRECT_WRITES = re.compile(
    r""">>?\s*['"]?([\w./*-]+)"""
    r"""|(?:^|\s)(?:-o|--output|--out|--outfile)[=\s]+['"]?([\w./*-]+)""",
    re.MULTILINE,
)
_CODE_WRITES = re.compile(
    r"""\.(?:save|savefig|to_csv|to_excel|to_json|to_parquet|to_html|write_text|write_bytes|write_pdf|dump)\(\s*['"]([^'"\n]+)['"]"""
    r"""|open\(\s*['"]([^'"\n]+)['"]\s*,\s*['"][wax]"""
    r"""|(?:writeFileSync|writeFile)\(\s*['"]([^'"\n]+)['"]""",
    re.MULTILINE,
)


_LIST_ITEM = re.compile(rf"^\s*{LIST_MARKER}\s")
_LIST_INTRO = re.compile(r"\b([A-Za-z]+)\s*:\s*$")
"""A sentence that ends in its verb and a colon ("For a user plugin, create:") governs
the list items after it."""
_OUTCOME_CUE = re.compile(
    r"^\W*(?:expected(?:\s+(?:output|result)s?)?|outputs?|results?|produces|creates|writes)\s*[:\u2192-]",
    re.IGNORECASE)
"""A sentence that states what a step leaves behind ("Expected: one `page_NN.jpg` per
photo", "Output: report.md"): every file it names is written."""
_COMMENT_ARROW = re.compile(r"(?:->|\u2192)")
"""`inputs -> outputs` in a code comment: the files after the arrow are written."""

_INLINE_COMMAND = re.compile(r"`([a-z][\w.-]*\s[^`\n]*)`")
"""An inline code span that reads as a command (a word, then arguments)."""


_THE_PRODUCT = re.compile(
    r"\b(?:the|that|this)\s+(?:(?:generated|resulting|converted|rendered|new|final|exported)\s+)?"
    r"(output|result|results|file|files|pdf|image|images|png|screenshot|screenshots|diagram|chart|report|"
    r"document|csv|json|page|pages)\b", re.IGNORECASE)
_IMAGES = ("png", "jpg", "jpeg", "svg", "webp", "gif")
_DOCS = ("md", "pdf", "docx", "html", "txt")
_PRODUCT_KINDS = {
    "pdf": ("pdf",), "image": _IMAGES, "images": _IMAGES, "png": ("png",), "screenshot": _IMAGES,
    "screenshots": _IMAGES, "diagram": (*_IMAGES, "mmd", "html"), "chart": (*_IMAGES, "html"), "report": _DOCS,
    "document": _DOCS, "csv": ("csv",), "json": ("json", "jsonl"), "page": ("html", "pdf", "png"),
    "pages": ("html", "pdf", "png"),
}
"""What a product named by its kind ("the PDF", "the chart") can be, by file extension;
"the output", "the result" and "the file" can be any file."""


def opens_with_check(text: str) -> bool:
    """Does a step open with a checking or handing-on verb (`checking_verbs`: "Validate
    stage 1", "**Verify and deliver**", "Present the results")? One that names no file
    checks what the step before it wrote."""
    match = _FIRST_WORD.search(lead_text(text))  # (after a `**` at most: "**Verify and deliver**")
    return match is not None and match.start() <= 2 and match.group(0).lower() in vocabulary()["checking_verbs"]


def product_reference(text: str, written: list[str], *, by_verb: bool = False) -> str | None:
    """The file of `written` (what the step before wrote) that the first sentence of a
    step's `text` refers to as "the output", "the PDF", "the generated image" ("Verify
    the output", "Deliver the PDF"), or by the words of its name; or, with `by_verb` (the
    caller knows the step names no file), when it names no product either but opens with
    a checking verb ("Validate stage 1", "Verify and deliver"), the last file written;
    else None."""
    if not written:
        return None
    match = _THE_PRODUCT.search(_SENTENCE.split(lead_text(text), maxsplit=1)[0])
    if match is None:
        named = _named_by_words(text, written)
        return written[-1] if named is None and by_verb and opens_with_check(text) else named
    kinds = _PRODUCT_KINDS.get(match.group(1).lower())
    fitting = [p for p in written if kinds is None or p.rsplit(".", 1)[-1].lower() in kinds]
    return fitting[-1] if fitting else None


_REFERRING = re.compile(r"\b(?:the|that|this|these|those|both|its|their)\s+((?:[A-Za-z-]+\s+){0,3}?[A-Za-z]+)\b",
                        re.IGNORECASE)
_NAME_WORD = re.compile(r"[a-z]{4,}")


def _named_by_words(text: str, written: list[str]) -> str | None:
    """The file of `written` that `text` refers to by the words of its name after a
    determiner ("from that changed Python file list" after `changed_python_files.txt`,
    "parse both JSON reports" after `trufflehog-report.json`), or None."""
    generic = vocabulary()["generic_name_words"]
    phrases = [{w.rstrip("s") for w in m.group(1).lower().replace("-", " ").split()} for m in _REFERRING.finditer(text)]
    for path in reversed(written):
        stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        words = {w.rstrip("s") for w in _NAME_WORD.findall(stem) if w not in generic}
        if any(words & said for said in phrases):
            return path
    return None


_TYPED_FILE = re.compile(
    r"\b(?:in|into|to|as)\s+(?:a|an|one)\s+(?:(?:new|single|plain|separate|temporary|local)\s+)?"
    r"(text|txt|json|jsonl|csv|tsv|yaml|yml|markdown|md|pdf|html|xml|log)\s+file\b", re.IGNORECASE)
_TYPED_EXTENSIONS = {
    "text": ("txt",), "txt": ("txt",), "json": ("json",), "jsonl": ("jsonl",), "csv": ("csv",),
    "tsv": ("tsv",), "yaml": ("yaml", "yml"), "yml": ("yaml", "yml"), "markdown": ("md",), "md": ("md",),
    "pdf": ("pdf",), "html": ("html", "htm"), "xml": ("xml",), "log": ("log",),
}
"""The extensions of a file a step makes without naming it, by the type it gives."""


def typed_output(text: str) -> tuple[str, ...]:
    """The extensions of a file the first sentence of a step's `text` puts things in
    without naming it ("Collect the failed URLs in a text file", "Save the rows to a CSV
    file"), or (): the next step that names such a file reads what this one made."""
    match = _TYPED_FILE.search(_SENTENCE.split(lead_text(text), maxsplit=1)[0])
    return _TYPED_EXTENSIONS[match.group(1).lower()] if match is not None else ()


def _may_name_files(text: str) -> bool:
    """Can a sentence of `text` name a file: a path, a directory or an extension? Each
    sentence's match is also one in the whole text, since `_SENTENCE` cuts at
    whitespace (what the patterns' edges read there is the same). Most prose names
    none, and then its sentences are not read one by one."""
    return (_dotted_extension().search(text) is not None or "/`" in text
            or next(_extension_ref_matches(text), None) is not None)


def _sentence_verbs(sentence: str, names: list[re.Match[str]]) -> list[tuple[int, str]]:
    """(offset, "write", "read" or "transfer") of each English verb of a sentence that
    governs the files named after it: an edit verb that opens it ("Update `package.json`
    ...", "Adds a row to `log.csv`"), and every write, read or transfer verb; a word
    inside one of `names` (the files found in it) is no verb (`SRS_Draft.md`)."""
    vocab = vocabulary()
    writes, reads, transfers = vocab["write_verbs"], vocab["read_verbs"], vocab["transfer_verbs"]
    verbs = []
    opener = _OPENING_WORD.match(sentence)
    if opener is not None and opener.group(1).lower() in vocab["edit_verbs"]:
        verbs.append((opener.start(1), "write"))
    for word in _WORD.finditer(sentence):
        if any(m.start() <= word.start() < m.end() for m in names):
            continue
        lowered = word.group(0).lower()
        if lowered in writes:
            verbs.append((word.start(), "write"))
        elif lowered in reads:
            verbs.append((word.start(), "read"))
        elif lowered in transfers:
            verbs.append((word.start(), "transfer"))
    return verbs


def text_file_roles(text: str) -> list[tuple[str, str]]:
    """Files named in prose, each with "write" or "read" from the verb that governs it.

    The governing verb is the nearest verb before the name in its sentence; a name
    after "to", "into", "as" or "in" in a sentence with a writing verb is written. A
    transfer verb ("Copy `a.cjs` to the root as `.b.cjs`", "Move `x` into `y/`") reads
    the names it governs and writes the one after "to", "as" or "into".
    """
    vocab = vocabulary()
    writes, reads, transfers = vocab["write_verbs"], vocab["read_verbs"], vocab["transfer_verbs"]
    roles: list[tuple[str, str]] = []
    commands = [m for m in _INLINE_COMMAND.finditer(text)]
    written_inline = set()
    for match in commands:
        for path, role in code_file_roles(match.group(1), "shell"):
            if role in ("write", "write-new"):
                roles.append((path, role))
                written_inline.add(path)
    if not _may_name_files(text):
        return roles
    listed = ""  # "write"/"read" when the last sentence introduced a list with that verb ("create:")
    for sentence in _SENTENCE.split(text):
        item = _LIST_ITEM.match(sentence) is not None
        # `_LIST_INTRO` ends in a colon and whitespace (`\s` is what `rstrip` strips)
        introduces = _LIST_INTRO.search(sentence) if sentence.rstrip().endswith(":") else None
        if not item:
            listed = ""
        if introduces is not None:
            lowered = introduces.group(1).lower()
            listed = ("write" if lowered in writes else "read" if lowered in reads
                      else "transfer" if lowered in transfers else "")
        if "." not in sentence and "/`" not in sentence:
            continue
        found = path_matches(sentence)
        if "/`" in sentence:
            found.extend(_DIR_REF.finditer(sentence))  # a directory: "Writes `input-build/` with ..."
            found.sort(key=lambda m: m.start())
        for ext in _extension_ref_matches(sentence):
            kind = (ext.group(1) or ext.group(2) or ext.group(3)).lower()
            kind = _TYPE_EXTENSION.get(kind, kind)
            roles.append(("*." + kind, "read"))  # "hand over the single `.html`", "the generated PNG"
        if not found:
            continue
        verbs = _sentence_verbs(sentence, found)
        if chinese.has_chinese(sentence):
            verbs = sorted(verbs + chinese.file_verbs(sentence))  # ("", at a clause's end)
        outcome = _OUTCOME_CUE.match(sentence) is not None
        for match in found:
            if match.group(1) in written_inline:
                continue
            before = [kind for pos, kind in verbs if pos < match.start()]
            if "" in before:  # only the verbs of its own clause govern a name
                before = before[len(before) - before[::-1].index(""):]
            if outcome:
                role = "write"
            elif item and listed and not before:
                role = listed  # "For a user plugin, create:" then "- `~/.x/<id>/plugin.mjs`"
            elif "write" in before and _TO_BEFORE.search(sentence[: match.start()]):
                role = "write"
            elif before:
                role = before[-1]
            else:
                role = "read"
            if role == "transfer":  # the source is read, the destination written
                role = "write" if _TO_BEFORE.search(sentence[: match.start()]) else "read"
            roles.append((match.group(1), role))
    return roles


def path_block(intro: str, body: str) -> str | None:
    """The file a code block names alone, on one line, after prose that ends in a
    writing verb's colon ("Write the PR body to a temporary file:", "Save results to:"
    then `/tmp/pr-body.md`): the file written; else None."""
    line = body.strip()
    if not line or "\n" in line or not intro.rstrip().endswith(":"):
        return None
    found = path_matches(line)
    if len(found) != 1 or found[0].group(1) != line:
        return None
    last = _SENTENCE.split(intro.rstrip())[-1]
    return line if any(kind == "write" for _, kind in _sentence_verbs(last, [])) else None


_OUTPUT_FLAGS = frozenset({"-o", "--output", "--out", "--outfile", "--output-file", "--out-file", "--filename",
                           "--output-dir", "--outdir", "--out-dir", "--save", "--dest", "--destination"})
_OUTPUT_FLAG_NAME = re.compile(
    r"--(?:[a-z0-9]+[-_])*(?:out|output)(?:[-_][a-z0-9]+)*"
    r"|--(?:report|log|junitxml|log-file|logfile|report-file|save-to|write-to)")
"""Long flags whose name says they take where to write (`--plan-out F`, `--read2-out F`,
`--output-json F`, `--report F`, `--log=F`, `--junitxml=F`; not `--stdout`, a switch
in gzip and others)."""
_READ_OR_WRITE_FLAGS = frozenset({"--report", "--log"})
"""Of those, the ones a tool may also read: `fix.py --report analysis_report.json` takes
the report an earlier step wrote. Their file is written only when no earlier step made
it (role `write-new`)."""
_FORMAT_FLAG = re.compile(r"--(json|jsonl|html|xml|csv|tsv|yaml|yml|md|markdown|pdf|png|svg|txt)")
"""A flag named for a format takes a file to write in it when its value has that
extension (`--json report.json`, `--html qc.html`; not `--json README.md`, a switch
before an operand)."""
_SHELLISH = frozenset({"shell", "other"})


def _shell_files(body: str) -> tuple[list[str], list[str], list[str]]:
    """(what shell text writes, what it writes unless an earlier step made it, the
    directories it reads), by the shared shell reader:
    redirections and `tee` targets; the values of output flags (`-o F`,
    `--output=F`), a directory value also as `DIR/` so that files under it resolve to
    it; directories given to input flags (`--input DIR`); and the last file operand of
    a converter (`python scripts/md_to_pdf.py in.md out.pdf`). Blanks written
    `<output.pdf>` are read as the names they stand for, not as redirections."""
    script = read_shell(_BLANK_FILE.sub(r"\1", body) if "<" in body else body)
    out = list(script.writes())
    maybe: list[str] = []
    read_dirs: list[str] = []
    formats = vocabulary()["output_formats"]
    for command in script.commands:
        # `--output json` names a format, `--output report.json` a file
        flags = _flag_pairs(command.words)  # (read once for its three uses)
        outputs = [v for f, v in flags if f in _OUTPUT_FLAGS and v.lower() not in formats]
        for flag, value in flags:
            if value not in outputs and _names_output(flag, value):
                (maybe if flag in _READ_OR_WRITE_FLAGS else outputs).append(value)
        out.extend(outputs)
        out.extend(d for v in outputs if (d := _as_dir(v)))
        read_dirs.extend(d for f, v in flags if f in _INPUT_FLAGS and (d := _as_dir(v)))
        if not outputs and (last := _converted_to(command)):
            out.append(last)
    return out, maybe, read_dirs


def _flag_pairs(words: tuple[str, ...]) -> list[tuple[str, str]]:
    """(flag, value) for every word that could be a flag with a value (`--output F`,
    `--output=F`, `-o F`): the value is the word after it, or what follows its `=`, and
    is neither empty nor another flag."""
    pairs = []
    for i, word in enumerate(words):
        if not word.startswith("-"):
            continue
        flag, eq, value = word.partition("=")
        if not eq:
            flag, value = word, (words[i + 1] if i + 1 < len(words) else "")
        if value and not value.startswith("-"):
            pairs.append((flag, value))
    return pairs


def _names_output(flag: str, value: str) -> bool:
    """Is `value` a file written by a flag whose name says so (`_OUTPUT_FLAG_NAME`,
    `_FORMAT_FLAG`; the plain output flags are `_OUTPUT_FLAGS`)? Only a value that names
    a file (it has an extension), so that a format (`--output-json pretty`) or a switch
    before an operand is never one."""
    if not flag.startswith("--") or flag in _OUTPUT_FLAGS or not _FILE_OPERAND.fullmatch(value):
        return False
    shaped = _FORMAT_FLAG.fullmatch(flag)
    if shaped is not None:
        return _kind(value) in (shaped.group(1), {"yml": "yaml", "markdown": "md"}.get(shaped.group(1)))
    return _OUTPUT_FLAG_NAME.fullmatch(flag) is not None


def _as_dir(value: str) -> str:
    """`value` as `DIR/` when it names a directory (no file extension, not a URL or a
    glob), else ""."""
    last = value.rstrip("/").rsplit("/", 1)[-1]
    if "." in last.lstrip(".") or not _DIR_VALUE.fullmatch(value) or value in (".", "./", "/"):
        return ""
    return value.rstrip("/") + "/"


_BLANK_FILE = re.compile(r"<([\w.-]+\.[A-Za-z0-9]{1,5})>")
_CONVERTERS = frozenset({"cp", "mv", "convert", "magick", "ffmpeg", "rsvg-convert", "cwebp", "dwebp"})
_RUNNERS = re.compile(r"^(?:python[\d.]*|node|bash|sh|ruby|perl|deno|bun|tsx|ts-node)$")


def _converted_to(command) -> str:
    """The output of a command that takes its input and output as operands: a
    script run (`python x.py in.md out.pdf`, `uv run x.py ...`) or a converter (`cp`,
    `convert`, `ffmpeg`) whose last file operand is of another kind than the first.
    Flags, their values and the script itself are not operands."""
    name, args = command.name, list(command.args)
    if name == "uv" and args[:1] == ["run"]:
        args = [a for a in args[1:] if not a.startswith("-")]
        name = "python"
    if not (_RUNNERS.match(name) or name in _CONVERTERS):
        return ""
    operands = [a for a in args if not a.startswith("-") and _FILE_OPERAND.fullmatch(a)]
    if _RUNNERS.match(name):
        if not operands or not re.search(r"\.(?:py|js|mjs|ts|sh|rb|pl)$", operands[0]):
            return ""
        operands = operands[1:]  # the script
    if len(operands) < 2:
        return ""
    first, last = operands[0], operands[-1]
    return last if (_kind(first) != _kind(last) or name in ("cp", "mv")) else ""


def _kind(path: str) -> str:
    """A file's extension, lower case (`<out.PDF>` -> `pdf`)."""
    return path.rstrip(">").rsplit(".", 1)[-1].lower()


_FILE_OPERAND = re.compile(r"<?[\w$./{}*~-]+\.[A-Za-z0-9]{1,5}>?")


_LINE_COMMENT = {"javascript": re.compile(r"(?:^|\s)//\s?(.*)$", re.MULTILINE),
                 "sql": re.compile(r"(?:^|\s)--\s?(.*)$", re.MULTILINE),
                 "config": re.compile(r"(?:^|\s)#\s?(.*)$", re.MULTILINE)}


def code_comments(body: str, lang: str) -> list[str]:
    """The comment text of a code block: what a shell or Python line says after `#`,
    a JavaScript line after `//`, an SQL line after `--`, a YAML/TOML/HCL line after
    `#`; none for other languages."""
    family = language_family(lang)
    if family in _SHELLISH:
        return [c for _, c in read_shell(body).comments]
    if family == "python":
        return [line.split("#", 1)[1] for line in body.splitlines()
                if "#" in line and not re.search(r"""['"][^'"]*#""", line)]
    pattern = _LINE_COMMENT.get(family)
    return [] if pattern is None else [m.group(1) for m in pattern.finditer(body)]


_HEADER = re.compile(r"\A\s*(?:#|//|--|;|<!--|/\*)\s*(?:(?:file(?:name)?|path)\s*:\s*)?`?([^\s`]+?)`?"
                     r"\s*(?:-->|\*/)?[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
"""A first line that is a comment holding only a file's path (`# config/train.yaml`,
`// src/app.ts`, `<!-- File: index.html -->`): the block is that file's content."""


_CODE_FAMILIES = frozenset({"shell", "python", "javascript"})


def block_file(body: str, lang: str = "") -> str | None:
    """The file a code block is the content of, by the path its first line names
    alone in a comment (`_HEADER`), or None. A program's name heads a block of its
    own language, a data file's a block that is no program: `# Node.js` over a bash
    block is a section's title, `// App.js` over a jsx block is the file."""
    match = _HEADER.match(body)
    if match is None:
        return None
    path = match.group(1)
    if _path_pattern().fullmatch(path) is None:
        return None
    kind, block = extension_family("." + path.rpartition(".")[2].lower()), language_family(lang)
    if kind in _CODE_FAMILIES or block in _CODE_FAMILIES:
        return path if kind == block else None
    return path


def code_file_roles(body: str, lang: str = "") -> list[tuple[str, str]]:
    """Files a code block writes (redirects, `tee`, -o/--output, .save(), open(..., 'w'),
    the file its first line names as the block's own: `block_file`) or mentions; shell
    (and untagged) code is read by the shared shell reader. Roles: "write", "read", and
    "write-new" for a file it writes unless an earlier step made it (`--report F`)."""
    roles: list[tuple[str, str]] = []
    written = set()
    found = [next(g for g in m.groups() if g) for m in _CODE_WRITES.finditer(body)]
    if (own := block_file(body, lang)) is not None:
        found.append(own)
    inputs: list[str] = []
    maybe: list[str] = []
    if language_family(lang) in _SHELLISH:
        writes, maybe, inputs = _shell_files(body)
        found.extend(writes)
    else:
        found.extend(next(g for g in m.groups() if g) for m in _REDIRECT_WRITES.finditer(body))
    pattern = _path_pattern()
    shell_or_python = language_family(lang) in (*_SHELLISH, "python")
    for comment in code_comments(body, lang) if shell_or_python else ():  # `# -> a.png` is prose about the code
        arrow = _COMMENT_ARROW.search(comment)
        text = comment[arrow.end():] if arrow else comment
        found.extend(path for path, role in text_file_roles(text) if role == "write" or arrow)
    for paths, role in ((found, "write"), (maybe, "write-new")):
        for path in paths:
            path = path.strip("'\"")
            if path in written:
                continue
            if (pattern.fullmatch(path) or path.endswith("/")) and not path.startswith("/dev/"):
                written.add(path)
                roles.append((path, role))
    for match in path_matches(body):
        if match.group(1) not in written:
            roles.append((match.group(1), "read"))
    roles.extend((path, "read") for path in inputs if path not in written)
    return roles


_INPUT_FLAGS = frozenset({"-i", "--input", "--in", "--input-dir", "--indir", "--in-dir", "--source", "--src"})
_DIR_VALUE = re.compile(r"(?:~?/|\.{1,2}/|\$\{?\w+\}?/)?[\w$.{}-]+(?:/[\w$.{}-]+)*/?")
