"""Dependencies in Python code: imports (with `ast`, or a line regex when the code
does not parse), commands it runs (`subprocess.run(["ffmpeg", ...])`, `os.system`),
credentials it reads (`os.environ["X_API_KEY"]`), install commands in its comments
and notebook escapes (`!pip install x`, `%pip install x`).

An import inside `try: ... except ImportError:` is optional: the code has a fallback.
Doctest prompts (`>>> `) are read as code; relative imports are the skill's own.
"""

from __future__ import annotations

import ast
import re

from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.shell_deps import _INSTALL_IN_COMMENT, ShellReader, split_comment
from skillir.deps.tables import rules

_IMPORT_LINE = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*(?:#.*)?$")
_FROM_LINE = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+[\w*(]")
_ENV_ACCESS = re.compile(r"""\b(?:os\.environ\s*\[\s*|os\.(?:environ\.get|getenv)\(\s*)['"]([A-Z][A-Z0-9_]+)['"]""")
_SUBPROCESS_LIST = re.compile(r"""\bsubprocess\.\w+\(\s*\[\s*['"]([\w.+-]+)['"]""")
_MAGIC = re.compile(r"^\s*(?:!|%(?:pip|conda|sh|system)\b|%%(?:bash|sh)\b)")
_SUBPROCESS_FUNCS = frozenset({"run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"})
_OS_SHELL = frozenset({"system", "popen"})
_OS_EXEC = frozenset({"execvp", "execlp", "spawnlp", "spawnvp", "execv", "execl"})
_CALL_HINT = re.compile(r"subprocess|\bos\.|environ|shutil|import_module|__import__|getenv")
"""Code without these calls needs only its import statements read."""
_NESTED = ("body", "orelse", "finalbody", "handlers", "cases")
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


class PythonReader:
    """Reads Python source into hits."""

    def __init__(self, shell: ShellReader | None = None):
        self.shell = shell or ShellReader()
        if self.shell.python is None:
            self.shell.python = self  # `python -c` bodies inside shell text
        self.credential = rules().credential
        self.credential_placeholders = rules().credential_placeholders
        self.last_error = ""
        """Why the last `read` fell back to the regex ("" when it parsed)."""

    def read(self, code: str, *, via: str = "import", confidence: int = 90,
             optional: bool = False) -> tuple[list[Hit], bool]:
        """Hits in `code` and whether it parsed (False: the regex fallback was used)."""
        code = lf_only(code)
        hits: list[Hit] = []
        self.last_error = ""
        if ("import" not in code and "install" not in code and "!" not in code and "%" not in code
                and not _CALL_HINT.search(code)):
            return hits, True  # nothing this reader looks for can be here
        lines = code.split("\n")
        if any(line.lstrip().startswith(">>> ") for line in lines):
            source_lines = [
                line.lstrip()[4:] if line.lstrip().startswith((">>> ", "... ")) else "" for line in lines
            ]
        else:
            source_lines = list(lines)
        for index, line in enumerate(source_lines):
            if "#" in line and "install" in line:
                _, comment = split_comment(line)
                for match in _INSTALL_IN_COMMENT.finditer(comment):
                    self._shell(match.group(1), index + 1, lines[index], "comment", min(confidence, 85),
                                optional, hits)
            if (line.startswith(("!", "%")) or line.lstrip().startswith(("!", "%"))) and _MAGIC.match(line):
                command = line.lstrip()
                command = command[1:] if command.startswith("!") else command.lstrip("%")
                if command.startswith(("bash", "sh")) and command.split(None, 1)[0] in ("bash", "sh"):
                    command = ""
                self._shell(command, index + 1, lines[index], "shell-command", min(confidence, 85), optional, hits)
                source_lines[index] = ""
        source = "\n".join(source_lines)
        self.last_error = ""
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            self.last_error = f"line {exc.lineno}: {exc.msg}"
            self._regex(source_lines, lines, via, confidence, optional, hits)
            return hits, False
        except (ValueError, RecursionError, MemoryError) as exc:
            self.last_error = type(exc).__name__
            self._regex(source_lines, lines, via, confidence, optional, hits)
            return hits, False
        visitor = _Visitor(self, lines, via, confidence, optional, hits)
        if _CALL_HINT.search(source):
            visitor.visit(tree)
        else:  # only imports can matter: walk statements, not every expression
            visitor.statements(tree.body)
        return hits, True

    def _shell(self, command: str, number: int, line: str, via: str, confidence: int, optional: bool,
               hits: list[Hit]) -> None:
        for hit in self.shell.read(command, via=via, confidence=confidence, optional=optional):
            hit.line, hit.text = number, trim(line)
            hits.append(hit)

    def _regex(self, source_lines: list[str], lines: list[str], via: str, confidence: int, optional: bool,
               hits: list[Hit]) -> None:
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
            text = trim(lines[index])
            match = _IMPORT_LINE.match(line)
            if match is not None:
                for part in match.group(1).split(","):
                    module = part.strip().split()[0]
                    hits.append(Hit("module", module, index + 1, text, via, confidence, optional))
                continue
            match = _FROM_LINE.match(line)
            if match is not None and not match.group(1).startswith("."):
                hits.append(Hit("module", match.group(1), index + 1, text, via, confidence, optional))
                continue
            for env in _ENV_ACCESS.finditer(line):
                self._env(env.group(1), index + 1, text, confidence, optional, hits)
            for command in _SUBPROCESS_LIST.finditer(line):
                hits.append(Hit("command", command.group(1), index + 1, text, "shell-command",
                                min(confidence, 80), optional))

    def _env(self, name: str, number: int, text: str, confidence: int, optional: bool,
             hits: list[Hit]) -> None:
        if self.credential.match(name) and name not in self.credential_placeholders:
            hits.append(Hit("env", name, number, text, "import", min(confidence, 85), optional))


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


class _Visitor(ast.NodeVisitor):
    def __init__(self, reader: PythonReader, lines: list[str], via: str, confidence: int, optional: bool,
                 hits: list[Hit]):
        self.reader = reader
        self.lines = lines
        self.via = via
        self.confidence = confidence
        self.optional_depth = 1 if optional else 0
        self.hits = hits
        self.aliases: dict[str, str] = {}

    def _text(self, node: ast.AST) -> str:
        number = getattr(node, "lineno", 1)
        return trim(self.lines[number - 1]) if 0 < number <= len(self.lines) else ""

    def _hit(self, kind: str, name: str, node: ast.AST, *, via: str | None = None,
             confidence: int | None = None, optional: bool = False) -> None:
        self.hits.append(Hit(kind, name, getattr(node, "lineno", 1), self._text(node), via or self.via,
                             self.confidence if confidence is None else min(confidence, self.confidence),
                             optional or self.optional_depth > 0))

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

    # imports -----------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._hit("module", alias.name, node)
            self.aliases[alias.asname or alias.name.split(".", 1)[0]] = alias.name if alias.asname else alias.name.split(".", 1)[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # relative: the skill's own package
        self._hit("module", node.module, node)
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def visit_Try(self, node: ast.Try) -> None:
        guarded = _guards_imports(node)
        if guarded:
            self.optional_depth += 1
        for stmt in node.body:
            self.visit(stmt)
        if guarded:
            self.optional_depth -= 1
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    visit_TryStar = visit_Try

    # calls ---------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        head, _, rest = name.partition(".")
        full = self.aliases.get(head, head) + ("." + rest if rest else "")
        module, _, func = full.rpartition(".")
        first = node.args[0] if node.args else None
        if module == "subprocess" and func in _SUBPROCESS_FUNCS and first is not None:
            self._command_arg(first, node, shell=any(
                k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords) or func in ("getoutput", "getstatusoutput"))
        elif module == "os" and func in _OS_SHELL and first is not None:
            self._command_arg(first, node, shell=True)
        elif module == "os" and func in _OS_EXEC and first is not None:
            self._command_arg(first, node, shell=False)
        elif full == "shutil.which" and _const_str(first):
            self._hit("command", _const_str(first) or "", node, via="shell-command", confidence=70)
        elif full in ("importlib.import_module", "__import__") and _const_str(first):
            self._hit("module", _const_str(first) or "", node)
        elif full in ("os.getenv", "os.environ.get", "environ.get") and _const_str(first):
            self._env(_const_str(first) or "", node, optional=len(node.args) > 1 or bool(node.keywords))
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        target = _dotted(node.value)
        if target in ("os.environ", "environ") or self.aliases.get(target) == "os.environ":
            key = _const_str(node.slice)
            if key:
                self._env(key, node, optional=False)
        self.generic_visit(node)

    def _env(self, name: str, node: ast.AST, *, optional: bool) -> None:
        if self.reader.credential.match(name) and name not in self.reader.credential_placeholders:
            self._hit("env", name, node, confidence=85, optional=optional)

    def _command_arg(self, arg: ast.AST, node: ast.AST, *, shell: bool) -> None:
        text = _const_str(arg)
        if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
            word = _const_str(arg.elts[0])
            if word:
                words = [w for w in (_const_str(e) for e in arg.elts) if w is not None]
                self._shell_words(" ".join(_quote(w) for w in words), node)
            return
        if text is None:
            return
        if shell:
            self._shell_words(text, node)
        else:
            self._shell_words(text.split()[0] if text.split() else "", node)

    def _shell_words(self, command: str, node: ast.AST) -> None:
        if not command:
            return
        for hit in self.reader.shell.read(command, via="shell-command", confidence=min(self.confidence, 80),
                                          optional=self.optional_depth > 0):
            hit.line, hit.text = getattr(node, "lineno", 1), self._text(node)
            self.hits.append(hit)


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


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)
