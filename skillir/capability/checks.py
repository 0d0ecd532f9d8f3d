"""Checks a transform must pass before compile-capabilities applies it (issue 13).

- `runnable(body, family)`: may this code block be offloaded to a script? It must
  parse (Python `ast`; shell and JavaScript with the tree-sitter grammars), every
  name it reads must be defined in it, imported or a builtin (no `client` used
  undefined), and its inputs must be files or arguments: no interactive input, no
  in-place edits over the user's tree (`| xargs sed -i`, `find ... -exec sed -i`).
  Returns a `Runnable` with the reason it is not, and the parameters the script takes
  (`$1`, `sys.argv[1]`, `process.argv[2]`).
- `class_mismatch(class_id, text)`: does the source of a substitution match its
  equivalence class? (`text-processing` needs a filter/count pipeline, not an
  installer (`curl ... | sh`), a single CLI call, a jq filter or a table row;
  `file-scripting` needs Node code that processes files.) None when it matches.
- `offload_problem(op)` / `substitution_problem(op)`: the same checks re-run on a
  record op (the benchmark uses them to count transforms that should not exist).

```python
runnable("const voices = await client.listVoices();\\n", "js").reason
# "uses 'client', which the block never defines or imports"
class_mismatch("text-processing", "curl -fsSL https://x.sh | sh")
# "an installer piped into a shell is not a filter/count pipeline"
```
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from functools import cache

from skillir.readers.shell import ANGLE_PLACEHOLDER

_PY_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__"}
_PLACEHOLDER = re.compile(ANGLE_PLACEHOLDER + r"|\.\.\.|\byour[_-]\w+|\bpath/to\b|\bTODO\b|\bYOUR_|\bxxx\b|"
                          r"^\s*#\s*\.\.\.|\$\{\w+\}|\{\{\s*\w+\s*\}\}|"
                          r"(?:(?<=\s)|(?<=^)|(?<=/))\[[a-z]+(?:[_ ][a-z]+)+\]", re.M)
"""Text a reader must replace before the code runs: `<file>`, `path/to`, `your_key`, `...`,
`{{name}}`, and words in square brackets where an argument goes (`ls [target_directory]`;
not `[ -f x ]`, `[a-z]` or `data[row_index]`)."""


@dataclass(frozen=True)
class Runnable:
    """The verdict of the runnable check: `reason` is None when the code can be
    offloaded; `params` is how many positional arguments it reads."""

    reason: str | None
    params: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None


# -- parsers --------------------------------------------------------------------------------


@cache
def _parser(lang: str):
    from tree_sitter import Language, Parser

    if lang == "js":
        import tree_sitter_javascript as grammar
    else:
        import tree_sitter_bash as grammar
    return Parser(Language(grammar.language()))


def _tree(body: str, lang: str):
    return _parser(lang).parse(body.encode("utf-8")).root_node


def _walk(node):
    stack = [node]
    while stack:
        cur = stack.pop()
        yield cur
        stack.extend(reversed(cur.children))


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


# -- Python ---------------------------------------------------------------------------------


def python_free_names(tree: ast.AST) -> set[str]:
    """Names the code reads that it never defines, imports, or gets from builtins."""
    defined: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            if not isinstance(node, ast.Lambda):
                defined.add(node.name)
            args = node.args
            for arg in (*args.args, *args.kwonlyargs, *args.posonlyargs, args.vararg, args.kwarg):
                if arg is not None:
                    defined.add(arg.arg)
        elif isinstance(node, ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                defined.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            defined.update(node.names)
    return used - defined - _PY_BUILTINS


def _python(body: str) -> Runnable:
    try:
        tree = ast.parse(body)
    except SyntaxError as exc:
        return Runnable(f"does not parse as Python (line {exc.lineno}: {exc.msg})")
    free = sorted(python_free_names(tree))
    if free:
        return Runnable(f"uses '{free[0]}', which the block never defines or imports")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "input":
            return Runnable("asks for interactive input (input()); its inputs must be files or arguments")
    argv = [n.slice.value for n in ast.walk(tree) if isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Attribute) and n.value.attr == "argv"
            and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, int)]
    uses_argparse = any(isinstance(n, ast.Attribute) and n.attr == "add_argument" for n in ast.walk(tree))
    return Runnable(None, max(argv, default=0) if not uses_argparse else 0)


# -- shell ----------------------------------------------------------------------------------

_SHELL_ENV = frozenset({"HOME", "PATH", "PWD", "USER", "SHELL", "TMPDIR", "LANG", "OLDPWD", "RANDOM",
                        "LINENO", "SECONDS", "IFS", "HOSTNAME", "UID", "EUID", "BASH_SOURCE", "OSTYPE",
                        "PPID", "REPLY", "PIPESTATUS", "FUNCNAME", "BASH_VERSION", "TERM"})
_SPECIAL = re.compile(r"^(?:[0-9]|[@*#?$!-])$")
_DESTRUCTIVE = re.compile(r"\bxargs\b[^|;&\n]*\bsed\s+-i|\bfind\b[^|;&\n]*-exec\s+sed\s+-i|\bsed\s+-i\b[^|;&\n]*"
                          r"(?:\*|\$\(|`)|\brm\s+-[a-z]*r[a-z]*f?\s+(?:/|~|\.\s|\*)")


def _shell(body: str) -> Runnable:
    root = _tree(body, "bash")
    if root.has_error:
        line = next((n.start_point[0] + 1 for n in _walk(root) if n.type == "ERROR" or n.is_missing), 1)
        return Runnable(f"does not parse as shell (line {line})")
    if _DESTRUCTIVE.search(body):
        return Runnable("edits or deletes files in place over the user's tree (sed -i / rm -rf over a file list)")
    assigned: set[str] = set()
    used: list[str] = []
    params = 0
    for node in _walk(root):
        if node.type == "variable_assignment":
            name = node.child_by_field_name("name")
            if name is not None:
                assigned.add(_text(name))
        elif node.type in ("for_statement", "c_style_for_statement"):
            var = node.child_by_field_name("variable")
            if var is not None:
                assigned.add(_text(var))
        elif node.type == "function_definition":
            for child in node.children:
                if child.type == "word":
                    assigned.add(_text(child))
        elif node.type == "command":
            name = node.child_by_field_name("name")
            word = _text(name) if name is not None else ""
            args = [_text(c) for c in node.children[1:] if c.type in ("word", "raw_string", "string")]
            if word in ("read", "select") and "<" not in _text(node.parent or node):
                return Runnable("reads interactive input; its inputs must be files or arguments")
            if word in ("export", "local", "declare", "readonly"):
                assigned.update(a.split("=", 1)[0] for a in args)
            elif word == "read":
                assigned.update(a for a in args if not a.startswith("-"))
        elif node.type == "variable_name" and node.parent is not None and node.parent.type in (
                "simple_expansion", "expansion"):
            used.append(_text(node))
        elif node.type == "special_variable_name":
            name = _text(node)
            if name.isdigit():
                params = max(params, int(name))
            elif name in ("@", "*", "#"):
                params = max(params, 1)
    for name in used:
        if name.isdigit():
            params = max(params, int(name))
            continue
        if name in assigned or name in _SHELL_ENV or _SPECIAL.match(name):
            continue
        return Runnable(f"uses ${name}, which the block never sets (an environment value the script cannot know)")
    return Runnable(None, params)


# -- JavaScript -----------------------------------------------------------------------------

_JS_GLOBALS = frozenset(
    "console process require module exports __dirname __filename Buffer JSON Math Date Object Array String "
    "Number Boolean Promise Map Set WeakMap WeakSet Symbol Error TypeError RangeError RegExp parseInt parseFloat "
    "isNaN isFinite setTimeout clearTimeout setInterval clearInterval setImmediate URL URLSearchParams "
    "TextEncoder TextDecoder globalThis undefined NaN Infinity fetch structuredClone BigInt Intl Reflect Proxy "
    "encodeURIComponent decodeURIComponent encodeURI decodeURI queueMicrotask AbortController arguments "
    "Uint8Array Int32Array Float64Array ArrayBuffer DataView Headers Request Response FormData Blob".split())
_JS_DECLARING = frozenset({"variable_declarator", "function_declaration", "generator_function_declaration",
                           "class_declaration", "formal_parameters", "import_clause", "import_specifier",
                           "namespace_import", "catch_clause", "object_pattern", "array_pattern",
                           "assignment_pattern", "rest_pattern", "pair_pattern", "function_expression",
                           "class", "method_definition", "labeled_statement"})


def _js_is_declaration(node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "variable_declarator":
        return parent.child_by_field_name("name") == node
    if parent.type == "arrow_function":
        return parent.child_by_field_name("parameter") == node
    if parent.type == "assignment_expression":
        return parent.child_by_field_name("left") == node
    if parent.type in ("for_in_statement",):
        return parent.child_by_field_name("left") == node
    if parent.type == "pair_pattern":
        return parent.child_by_field_name("value") == node
    if parent.type == "assignment_pattern":
        return parent.child_by_field_name("left") == node
    return parent.type in _JS_DECLARING


def _js(body: str) -> Runnable:
    root = _tree(body, "js")
    if root.has_error:
        line = next((n.start_point[0] + 1 for n in _walk(root) if n.type == "ERROR" or n.is_missing), 1)
        return Runnable(f"does not parse as JavaScript (line {line})")
    defined: set[str] = set()
    used: list[str] = []
    for node in _walk(root):
        if node.type == "shorthand_property_identifier_pattern":
            defined.add(_text(node))
        elif node.type == "identifier":
            (defined.add(_text(node)) if _js_is_declaration(node) else used.append(_text(node)))
    free = [u for u in used if u not in defined and u not in _JS_GLOBALS]
    if free:
        return Runnable(f"uses '{free[0]}', which the block never defines or imports")
    if re.search(r"\breadline\.createInterface\b|\bprompt\(", body):
        return Runnable("asks for interactive input; its inputs must be files or arguments")
    argv = [int(m) - 1 for m in re.findall(r"process\.argv\[(\d)\]", body)]
    return Runnable(None, max([a for a in argv if a >= 1], default=0))


def runnable(body: str, family: str) -> Runnable:
    """Can `body` (code of `family`: python, shell or js) run on its own as a script?"""
    if not body.strip():
        return Runnable("the block is empty")
    match = _PLACEHOLDER.search(body)
    if match:
        return Runnable(f"has a placeholder to fill in ({match.group(0).strip()!r})")
    if family == "python":
        return _python(body)
    if family == "shell":
        return _shell(body)
    if family == "js":
        return _js(body)
    return Runnable(f"no runnable check for {family} code")


# -- equivalence classes --------------------------------------------------------------------

FILTERS = frozenset({"grep", "egrep", "fgrep", "rg", "sed", "awk", "gawk", "sort", "uniq", "wc", "cut", "head",
                     "tail", "tr", "cat", "nl", "paste", "comm", "column", "xargs", "tee", "find", "ls", "bc", "dc",
                     "tac", "rev", "fold", "join", "expand", "fmt", "numfmt", "shuf"})
PASS_THROUGH = frozenset({"head", "tail", "cat", "tee", "nl", "column", "fold", "expand", "fmt"})
"""Stages that only shorten, copy or lay out lines: `git status | head` filters nothing."""
FETCHERS = frozenset({"curl", "wget"})
SHELLS = frozenset({"sh", "bash", "zsh", "sudo", "python", "python3", "node"})
_INLINE = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*\1", re.M | re.S)


def _pipelines(text: str) -> list[list[str]]:
    """Every shell pipeline in `text` (fenced code and inline code spans), as the
    command names of its stages."""
    sources = [m.group(2) for m in _FENCE.finditer(text)]
    rest = _FENCE.sub("", text)
    sources.extend(m.group(1) for m in _INLINE.finditer(rest))
    if not sources and "\n" not in text.strip():
        sources = [text]
    out: list[list[str]] = []
    for src in sources:
        if "|" not in src:
            continue
        root = _tree(src, "bash")
        for node in _walk(root):
            if node.type != "pipeline":
                continue
            stages = []
            for child in node.children:
                if child.type == "command":
                    name = child.child_by_field_name("name")
                    stages.append(_text(name).rsplit("/", 1)[-1] if name is not None else "")
                elif child.type not in ("|", "|&"):
                    stages.append(child.type)
            out.append(stages)
    return out


def _text_processing(text: str) -> str | None:
    if text.lstrip().startswith("|"):
        return "a table row is not a filter/count pipeline"
    pipelines = _pipelines(text)
    if not pipelines:
        return "no shell pipeline in the source (a single CLI call is not a filter/count pipeline)"
    reasons = []
    for stages in pipelines:
        if any(s in FETCHERS for s in stages) and stages and stages[-1] in SHELLS:
            reasons.append("an installer piped into a shell is not a filter/count pipeline")
        elif "jq" in stages:
            reasons.append("a jq filter is not a line filter/count pipeline")
        elif len(stages) >= 2 and all(s in FILTERS for s in stages[1:]) and (
                stages[0] in FILTERS or stages[0] in ("echo", "printf", "git", "docker", "kubectl", "ps", "env",
                                                      "journalctl", "history", "du", "df", "lsof")):
            if not any(s in FILTERS - PASS_THROUGH for s in stages[1:]):
                reasons.append(f"the pipeline {' | '.join(stages)} only shortens or copies its input")
                continue
            return None
        else:
            reasons.append(f"the pipeline {' | '.join(stages)} does not only filter or count lines")
    return reasons[0]


_NODE_FILES = re.compile(r"\bfs\.|readFileSync|writeFileSync|readFile\(|writeFile\(|createReadStream|process\.argv")


def _file_scripting(text: str) -> str | None:
    if not _NODE_FILES.search(text):
        return "the Node code does not process files (no fs calls or process.argv)"
    return None


_WRITES_OUTPUT = re.compile(r"(?:--output|--out|(?<!\S)-o)[ =]\S|>\s*\S+\.(?:md|markdown|html?|pdf|txt|docx|rst)\b")


def _long_document(text: str) -> str | None:
    for source in (m.group(2) for m in _FENCE.finditer(text)):
        if _WRITES_OUTPUT.search(source):
            return "a command in the step writes the document, not the model"
    return None


_WEB_PAGE = re.compile(r"https?://|\bwww\.|\b(?:web ?pages?|websites?|web ?sites?|sites?|pages?|urls?|html|dom|"
                       r"navigat\w*|scrap\w*|crawl\w*|click\w*|visit\w*|log ?in|sign ?in|forms?|screenshots?)\b",
                       re.IGNORECASE)


def _web_page(text: str) -> str | None:
    if _WEB_PAGE.search(text) is None:
        return "the step reads no web page (no URL, page, site or browser action)"
    return None


CLASS_MATCHERS = {"text-processing": _text_processing, "file-scripting": _file_scripting,
                  "long-document": _long_document, "web-page": _web_page}
"""Equivalence class -> a check that the source of a substitution is in the class
(classes defined by their primitive alone, such as arithmetic, need none)."""


def class_mismatch(class_id: str, text: str) -> str | None:
    """Why `text` is not a source of `class_id` (None: it is, or the class has no check)."""
    check = CLASS_MATCHERS.get(class_id)
    return check(text) if check is not None else None


# -- re-checks over records (the benchmark) ------------------------------------------------


def _record_anchor_text(op) -> str:
    from skillir.capability.query import anchor_of
    from skillir.dialects.skill import TextOp

    anchor = anchor_of(op)
    added = op.properties.get("added")
    while isinstance(anchor, TextOp) and anchor.prev_op is not None and (
            added is None or added.data.split(": ", 1)[-1][:40] in anchor.text.data):
        anchor = anchor.prev_op  # the note compile-capabilities put after its anchor
    return anchor_source(anchor)


def anchor_source(anchor) -> str:
    """The markdown of an anchor op and the code and prose nested in it (code with
    its fences), which the class checks read."""
    from skillir.capability.edits import emitted_text
    from skillir.dialects.skill import CodeOp, StepOp, TextOp

    parts = [emitted_text(anchor)]
    if isinstance(anchor, StepOp):
        parts.extend(emitted_text(o) for o in anchor.nested_ops if isinstance(o, CodeOp | TextOp))
    return "".join(parts)


def offload_problem(op) -> str | None:
    """Why an offloaded record's code would fail the runnable check (None: it passes)."""
    body = op.properties.get("body")
    lang = op.properties.get("lang")
    if body is None or lang is None:
        from skillir.capability.query import anchor_of
        from skillir.capability.rules import code_language
        from skillir.dialects.skill import CodeOp, StepOp

        anchor = anchor_of(op)
        codes = [anchor] if isinstance(anchor, CodeOp) else (
            [c for c in anchor.nested_ops if isinstance(c, CodeOp)] if isinstance(anchor, StepOp) else [])
        if not codes:
            return "no code block at the offloaded op"
        family = {"python": "python", "shell": "shell", "js": "js"}.get(
            code_language(codes[0].lang.data, codes[0].body.data) or "", "")
        verdict = runnable(codes[0].body.data, family)
    else:
        verdict = runnable(body.data, lang.data)
    return verdict.reason


def substitution_problem(op, anchor=None) -> str | None:
    """Why a substitution record's source is outside its class (None: inside).
    `anchor`: the op the requirement annotated, when known from before the pass."""
    text = anchor_source(anchor) if anchor is not None else _record_anchor_text(op)
    return class_mismatch(op.equivalence.data, text)
