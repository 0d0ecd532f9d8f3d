"""Python source as plain records: imports, files it opens, commands it runs,
environment variables it reads, comments.

    >>> code = read_python("import pandas as pd\\nsubprocess.run(['ffmpeg', '-i', 'a.mp4'])\\n"
    ...                    "open('out.json', 'w').write(x)\\n")
    >>> [i.module for i in code.imports], [c.text for c in code.commands]
    (['pandas'], ['ffmpeg -i a.mp4'])
    >>> [(f.path, f.mode) for f in code.files]
    [('out.json', 'w')]

Read with `ast`; code that does not parse (a fragment, Python 2) falls back to a line
regex for imports, environment reads and `subprocess.*([...])` calls (`parsed` is
False and `error` says why). An import inside `try: ... except ImportError:` is
`optional`. Doctest prompts (`>>> `) are read as code; notebook escapes (`!cmd`,
`%pip ...`) become shell commands. Command strings (`os.system`, `subprocess.*` with
`shell=True`) are handed on as text: read them with `skillir.readers.shell`.
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    """The dotted module path (`PIL.Image`); `from x import y` gives `x`."""
    line: int
    optional: bool = False
    """Guarded by `except ImportError` (the code has a fallback)."""


@dataclass(frozen=True, slots=True)
class CommandCall:
    """A command the code runs (`subprocess.run`, `os.system`, a notebook `!` line)."""

    text: str
    """As shell text: a list argument is joined with shell quoting."""
    line: int
    shell: bool
    """The string goes through a shell (`shell=True`, `os.system`); otherwise only its
    first word is the program."""
    optional: bool = False
    notebook: bool = False
    """A notebook escape (`!pip install x`, `%pip install x`), not a call."""


@dataclass(frozen=True, slots=True)
class FileUse:
    """A file the code opens by a literal name."""

    path: str
    mode: str
    """`r` (read) or `w` (write or append)."""
    line: int

    @property
    def writes(self) -> bool:
        return self.mode == "w"


@dataclass(frozen=True, slots=True)
class EnvRead:
    name: str
    line: int
    optional: bool = False
    """Read with a default (`os.getenv("X", "")`)."""


@dataclass(slots=True)
class PythonCode:
    imports: list[Import] = field(default_factory=list)
    commands: list[CommandCall] = field(default_factory=list)
    files: list[FileUse] = field(default_factory=list)
    env: list[EnvRead] = field(default_factory=list)
    which: list[tuple[str, int]] = field(default_factory=list)
    """(command, line) looked up with `shutil.which`."""
    comments: list[tuple[int, str]] = field(default_factory=list)
    """(line, text after `#`) of comments that mention installing something."""
    parsed: bool = True
    error: str = ""

    def writes(self) -> list[str]:
        return list(dict.fromkeys(f.path for f in self.files if f.writes))

    def reads(self) -> list[str]:
        return list(dict.fromkeys(f.path for f in self.files if not f.writes))


_IMPORT_LINE = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*(?:#.*)?$")
_FROM_LINE = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+[\w*(]")
_ENV_ACCESS = re.compile(r"""\b(?:os\.environ\s*\[\s*|os\.(?:environ\.get|getenv)\(\s*)['"]([A-Z][A-Z0-9_]+)['"]""")
_SUBPROCESS_LIST = re.compile(r"""\bsubprocess\.\w+\(\s*\[\s*['"]([\w.+-]+)['"]""")
_OPEN_LINE = re.compile(r"""\bopen\(\s*['"]([^'"\n]+)['"](?:\s*,\s*(?:mode\s*=\s*)?['"]([rwax+bt]+)['"])?""")
_MAGIC = re.compile(r"^\s*(?:!|%(?:pip|conda|sh|system)\b|%%(?:bash|sh)\b)")
_SUBPROCESS_FUNCS = frozenset({"run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"})
_OS_SHELL = frozenset({"system", "popen"})
_OS_EXEC = frozenset({"execvp", "execlp", "spawnlp", "spawnvp", "execv", "execl"})
_CALL_HINT = re.compile(r"subprocess|\bos\.|environ|shutil|import_module|__import__|getenv|open\(|read_|write_|to_\w+\(")
"""Code without these needs only its import statements read."""
_CALL_HINT_NO_FILES = re.compile(r"subprocess|\bos\.|environ|shutil|import_module|__import__|getenv")
_NESTED = ("body", "orelse", "finalbody", "handlers", "cases")
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_WRITERS = frozenset({"write_text", "write_bytes", "to_csv", "to_json", "to_excel", "to_parquet", "savefig", "save",
                      "to_file", "to_html", "to_markdown", "dump_json"})
_READERS = frozenset({"read_text", "read_bytes", "read_csv", "read_json", "read_excel", "read_parquet", "load",
                      "read_table"})


def read_python(code: str, *, optional: bool = False, files: bool = True) -> PythonCode:
    """Read Python source. Never raises. `files=False` skips the files it opens (a
    faster read for callers that need only imports, commands and environment reads).

    Cached by its arguments: the records are shared and must not be modified."""
    if len(code) > 64 * 1024:
        return _read_python.__wrapped__(code, optional, files)
    return _read_python(code, optional, files)


@lru_cache(maxsize=1024)
def _read_python(code: str, optional: bool, files: bool) -> PythonCode:
    out = PythonCode()
    if "\r" in code:
        code = code.replace("\r\n", "\n").replace("\r", "\n")
    lines = code.split("\n")
    if any(line.lstrip().startswith(">>> ") for line in lines):
        source_lines = [line.lstrip()[4:] if line.lstrip().startswith((">>> ", "... ")) else "" for line in lines]
    else:
        source_lines = list(lines)
    for index, line in enumerate(source_lines):
        if "#" in line and "install" in line:
            comment = _comment(line)
            if comment:
                out.comments.append((index + 1, comment))
        if (line.startswith(("!", "%")) or line.lstrip().startswith(("!", "%"))) and _MAGIC.match(line):
            command = line.lstrip()
            command = command[1:] if command.startswith("!") else command.lstrip("%")
            if not (command.startswith(("bash", "sh")) and command.split(None, 1)[0] in ("bash", "sh")):
                out.commands.append(CommandCall(command, index + 1, True, optional, notebook=True))
            source_lines[index] = ""
    hint = _CALL_HINT if files else _CALL_HINT_NO_FILES
    if "import" not in code and hint.search(code) is None:
        return out
    source = textwrap.dedent("\n".join(source_lines))  # a fragment cut from a block (a loop body)
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        out.parsed, out.error = False, f"line {exc.lineno}: {exc.msg}"
        _regex(source_lines, out, optional)
        return out
    except (ValueError, RecursionError, MemoryError) as exc:
        out.parsed, out.error = False, type(exc).__name__
        _regex(source_lines, out, optional)
        return out
    visitor = _Visitor(out, optional, files)
    if hint.search(source):
        visitor.visit(tree)
    else:
        visitor.statements(tree.body)
    return out


def _comment(line: str) -> str:
    """The `#` comment of a line (outside quotes), or ""."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[index + 1:]
    return ""


def _regex(source_lines: list[str], out: PythonCode, optional: bool) -> None:
    in_string = ""
    for index, line in enumerate(source_lines):
        stripped = line.strip()
        if in_string:
            if in_string in stripped:
                in_string = ""
            continue
        for quote in ('"""', "'''"):
            if stripped.count(quote) % 2 == 1:
                in_string = quote
        match = _IMPORT_LINE.match(line)
        if match is not None:
            for part in match.group(1).split(","):
                out.imports.append(Import(part.strip().split()[0], index + 1, optional))
            continue
        match = _FROM_LINE.match(line)
        if match is not None and not match.group(1).startswith("."):
            out.imports.append(Import(match.group(1), index + 1, optional))
            continue
        for env in _ENV_ACCESS.finditer(line):
            out.env.append(EnvRead(env.group(1), index + 1, optional))
        for command in _SUBPROCESS_LIST.finditer(line):
            out.commands.append(CommandCall(command.group(1), index + 1, False, optional))
        for opened in _OPEN_LINE.finditer(line):
            mode = opened.group(2) or "r"
            out.files.append(FileUse(opened.group(1), "w" if set(mode) & set("wax+") else "r", index + 1))


def _dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


_LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
"""Nodes with nothing inside that the reader looks at."""


class _Visitor(ast.NodeVisitor):
    """Visits in `ast.NodeVisitor`'s order (fields in order, depth first), with a
    dispatch table and without descending into leaves: a bundled script has thousands
    of nodes, and the reader looks at a few kinds."""

    def __init__(self, out: PythonCode, optional: bool, files: bool = True):
        self.out = out
        self.files = files
        self.optional_depth = 1 if optional else 0
        self.aliases: dict[str, str] = {}
        self._handlers = {ast.Import: self.visit_Import, ast.ImportFrom: self.visit_ImportFrom,
                          ast.Try: self.visit_Try, ast.TryStar: self.visit_TryStar,
                          ast.Call: self.visit_Call, ast.Subscript: self.visit_Subscript}

    def visit(self, node: ast.AST) -> None:
        handler = self._handlers.get(type(node))
        if handler is not None:
            handler(node)
        elif not isinstance(node, _LEAVES):
            self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        visit = self.visit
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        visit(item)
            elif isinstance(value, ast.AST):
                visit(value)

    @property
    def optional(self) -> bool:
        return self.optional_depth > 0

    def statements(self, body: list[ast.stmt]) -> None:
        """Imports of these statements and the statements nested in them."""
        for stmt in body:
            kind = type(stmt)
            if kind is ast.Import or kind is ast.ImportFrom:
                self.visit(stmt)
            elif kind is ast.Try or kind is ast.TryStar:
                guarded = _guards_imports(stmt)
                self.optional_depth += guarded
                self.statements(stmt.body)
                self.optional_depth -= guarded
                for part in (stmt.handlers, stmt.orelse, stmt.finalbody):
                    self.statements(part)
            else:
                for name in _NESTED:
                    nested = getattr(stmt, name, None)
                    if nested:
                        self.statements(nested)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.out.imports.append(Import(alias.name, node.lineno, self.optional))
            head = alias.name.split(".", 1)[0]
            self.aliases[alias.asname or head] = alias.name if alias.asname else head

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # relative: the code's own package
        self.out.imports.append(Import(node.module, node.lineno, self.optional))
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def visit_Try(self, node: ast.Try) -> None:
        guarded = _guards_imports(node)
        self.optional_depth += guarded
        for stmt in node.body:
            self.visit(stmt)
        self.optional_depth -= guarded
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        head, _, rest = name.partition(".")
        full = self.aliases.get(head, head) + ("." + rest if rest else "")
        module, _, func = full.rpartition(".")
        first = node.args[0] if node.args else None
        line = node.lineno
        if module == "subprocess" and func in _SUBPROCESS_FUNCS and first is not None:
            self._command_arg(first, line, shell=any(
                k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords) or func in ("getoutput", "getstatusoutput"))
        elif module == "os" and func in _OS_SHELL and first is not None:
            self._command_arg(first, line, shell=True)
        elif module == "os" and func in _OS_EXEC and first is not None:
            self._command_arg(first, line, shell=False)
        elif full == "shutil.which" and _const_str(first):
            self.out.which.append((_const_str(first) or "", line))
        elif full in ("importlib.import_module", "__import__") and _const_str(first):
            self.out.imports.append(Import(_const_str(first) or "", line, self.optional))
        elif full in ("os.getenv", "os.environ.get", "environ.get") and _const_str(first):
            self.out.env.append(EnvRead(_const_str(first) or "", line,
                                        self.optional or len(node.args) > 1 or bool(node.keywords)))
        elif not self.files:
            pass
        elif full == "open" and _const_str(first):
            mode = _const_str(node.args[1]) if len(node.args) > 1 else next(
                (_const_str(k.value) for k in node.keywords if k.arg == "mode"), None)
            mode = mode or "r"
            self.out.files.append(FileUse(_const_str(first) or "", "w" if set(mode) & set("wax+") else "r", line))
        elif isinstance(node.func, ast.Attribute):
            self._method_file(node, node.func.attr, line)
        self.generic_visit(node)

    def _method_file(self, node: ast.Call, method: str, line: int) -> None:
        """`Path("x").write_text(...)`, `df.to_csv("x")`, `pd.read_csv("x")`."""
        target = node.func.value if isinstance(node.func, ast.Attribute) else None
        if method in _WRITERS or method in _READERS:
            mode = "w" if method in _WRITERS else "r"
            path = _const_str(node.args[0]) if node.args else None
            if path is None and isinstance(target, ast.Call) and _dotted(target.func).endswith("Path"):
                path = _const_str(target.args[0]) if target.args else None
            if path and ("." in path or "/" in path):
                self.out.files.append(FileUse(path, mode, line))

    def visit_Subscript(self, node: ast.Subscript) -> None:
        target = _dotted(node.value)
        if target in ("os.environ", "environ") or self.aliases.get(target) == "os.environ":
            key = _const_str(node.slice)
            if key:
                self.out.env.append(EnvRead(key, node.lineno, self.optional))
        self.generic_visit(node)

    def _command_arg(self, arg: ast.AST, line: int, *, shell: bool) -> None:
        if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
            words = [w for w in (_const_str(e) for e in arg.elts) if w is not None]
            if _const_str(arg.elts[0]):
                self.out.commands.append(CommandCall(" ".join(shlex.quote(w) for w in words), line, True,
                                                     self.optional))
            return
        text = _const_str(arg)
        if text is None:
            return
        if not shell:
            text = text.split()[0] if text.split() else ""
        if text:
            self.out.commands.append(CommandCall(text, line, shell, self.optional))


def _guards_imports(node: ast.Try | ast.TryStar) -> int:
    """1 when the try has a handler for ImportError (or a broader one), else 0."""
    return int(any(
        handler.type is None or any(name in _IMPORT_ERRORS for name in _handler_names(handler.type))
        for handler in node.handlers
    ))


def _handler_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [n for elt in node.elts for n in _handler_names(elt)]
    name = _dotted(node)
    return [name.rsplit(".", 1)[-1]] if name else []
