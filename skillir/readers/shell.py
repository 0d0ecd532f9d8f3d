"""Shell text as plain records: the one shell reader of SkillIR.

Capability inference, concurrency extraction and environment binding all read shell
code through `read_shell`, so they agree on what a block runs and which files it
touches. The reader is a small lexer and parser, not a shell: it follows quotes across
lines, backslash continuations, comments, `$(...)` and backtick substitutions,
heredocs, `$ ` prompts and `> ` continuation prompts, and splits the text into simple
commands (at `; && || | & ( )` and newlines), each with its words (quotes removed),
its leading assignments and its redirections.

    >>> script = read_shell("sort -u < in.json | jq '.items[] | tonumber' > out.txt")
    >>> [c.name for c in script.commands]
    ['sort', 'jq']
    >>> script.reads(), script.writes()
    (['in.json'], ['out.txt'])
    >>> [(e.lang, e.code) for e in script.embedded]
    [('jq', '.items[] | tonumber')]

Code handed to another interpreter is recorded as `Embedded` (never as shell words):
`python3 -c CODE`, `node -e CODE`, the program argument of jq/awk/sed, and heredoc
bodies fed to an interpreter (`python3 - <<EOF`). Code handed to a shell (`bash -c
'...'`, `sh <<EOF`, `$(...)`) is read as commands of its own (`Command.nested`).
Functions the text defines (`name() {`, `function name`) are listed in `functions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from skillir.datafiles import load_data

WRITE_OPS = frozenset({">", ">>", ">|", "&>", "&>>", "tee", "tee -a"})
"""Redirections that write their target."""
READ_OPS = frozenset({"<"})
"""Redirections that read their target (`<<`, `<<<` feed text, not a file)."""

KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time", "fi", "done",
                      "esac", "coproc"})
"""Words that may open a simple command without being its command."""
SYNTAX = frozenset({"for", "case", "select", "function", "in", "[[", "]]", "((", "))"})
"""A command that starts with one of these is syntax (a loop header, a test), not a
command to run."""

_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_INTERPRETERS = (
    (re.compile(r"^(?:python(?:\d(?:\.\d+)?)?|pypy3?|uv|uvx)$"), "python", ("-c",)),
    (re.compile(r"^(?:node|nodejs|deno|bun)$"), "javascript", ("-e", "--eval", "-p", "--print")),
    (re.compile(r"^(?:ba|z|da|k|fi)?sh$"), "shell", ("-c",)),
    (re.compile(r"^perl$"), "perl", ("-e", "-E")),
    (re.compile(r"^ruby$"), "ruby", ("-e",)),
    (re.compile(r"^(?:psql|sqlite3|mysql|duckdb)$"), "sql", ("-c", "--command", "-e", "--execute")),
)
_PROGRAM_TOOLS = {
    "jq": (frozenset({"-f", "--from-file"}),
           frozenset({"--arg", "--argjson", "--slurpfile", "--rawfile", "--args", "--jsonargs", "--indent",
                      "-L", "--tab"})),
    "awk": (frozenset({"-f"}), frozenset({"-v", "-F"})),
    "gawk": (frozenset({"-f"}), frozenset({"-v", "-F"})),
    "mawk": (frozenset({"-f"}), frozenset({"-v", "-F"})),
    "sed": (frozenset({"-f"}), frozenset({"-e", "--expression"})),
    "yq": (frozenset(), frozenset({"--arg"})),
}
"""Tools whose first positional argument is a program in their own language (the
script file flag means there is none in the command line; the value flags take
one argument each)."""
_ARG_TWO = frozenset({"--arg", "--argjson", "--slurpfile", "--rawfile"})
_PROMPT = re.compile(r"^(\s*)\$ ")
_PS2 = re.compile(r"^(\s*)> ")
_HEREDOC_START = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")
_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=(.*)$", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z_][\w.:-]*$")
_METACHARS = frozenset(";&|()<>\n")
_CACHE_LIMIT = 64 * 1024
"""Texts longer than this (whole bundled scripts) are read without caching."""
_SPACE = frozenset(" \t\r")
_BLANKS = re.compile(r"[ \t\r]+")
_PLAIN_RUN = re.compile(r"[^ \t\r\n;&|()<>\\'\"$`]+")
"""Characters of a word that need no quoting rules."""


INSTALLERS = r"(?:pip3?|pipx|uv\s+pip|uv\s+tool|python3?\s+-m\s+pip|npm|pnpm|yarn|apt-get|apt|brew|conda|mamba)"
"""The package managers whose `install` / `add` commands the readers look for in prose,
comments and code (one list for bind-env and infer-capabilities)."""

ANGLE_PLACEHOLDER = r"<[^\W\d][\w-]*(?:[ .|][\w-]+)*>"
"""A blank to fill in, written in angle brackets: `<file>`, `<目标目录>`, `<output.json>`,
`<file name>`, `<ancestors|descendants|both>` (one of the choices a usage line lists; a
letter of any script first, a word character last), not a redirection (`sort <in.txt
>out.txt` is one) nor a pipe; shared by every regex that must tell them apart."""


_BLANK_WORD = re.compile(ANGLE_PLACEHOLDER)


@dataclass(frozen=True, slots=True)
class Redirect:
    """`> out.txt`, `>> log`, `< in.csv`, `2>&1`, `<<EOF`, or `tee FILE` in a pipeline."""

    op: str
    target: str
    fd: str = ""

    @property
    def writes(self) -> bool:
        return self.op in WRITE_OPS and not self.target.startswith("&") and not self.target.startswith("/dev/")

    @property
    def reads(self) -> bool:
        return self.op in READ_OPS and not self.target.startswith("/dev/")


@dataclass(frozen=True, slots=True)
class Embedded:
    """Code in another language inside shell text."""

    lang: str
    """Language family: python, javascript, shell, perl, ruby, sql, jq, awk, sed, yq,
    or "" for a heredoc that feeds plain text (`cat > notes.md <<EOF`)."""
    code: str
    line: int
    """1-based line (in the text given to `read_shell`) where the code starts."""
    via: str
    """`-c` (an eval flag), `heredoc`, or `program` (the jq/awk/sed argument)."""
    command: str = ""
    """The command the code is handed to."""


@dataclass(slots=True)
class Command:
    """One simple command."""

    line: int
    """1-based line where the command starts."""
    words: tuple[str, ...]
    """Its words with quotes removed, assignments and redirections left out; a
    substitution stays as written (`$(date)`)."""
    quoted: tuple[bool, ...]
    """Per word: was any part of it quoted?"""
    assignments: tuple[tuple[str, str], ...] = ()
    redirects: tuple[Redirect, ...] = ()
    pipeline: int = 0
    """Index of the pipeline it belongs to (commands joined by `|` share it)."""
    text: str = ""
    """The source line(s) of the command, comment included."""
    comment: str = ""
    """The `#` comment on the command's last line, if any."""
    nested: bool = False
    """Inside `$(...)`, backticks, `bash -c '...'` or a shell heredoc."""
    function: str = ""
    """The function whose body holds it ("" at top level)."""

    @property
    def name(self) -> str:
        """The command word after leading keywords (`if`, `!`, `{`, `do` ...); "" when
        the command is syntax (`for x in ...`, `case`, `[[ ... ]]`) or only assigns."""
        for word in self.words:
            if word in KEYWORDS:
                continue
            return "" if word in SYNTAX else word
        return ""

    @property
    def args(self) -> tuple[str, ...]:
        """The words after the command word."""
        for index, word in enumerate(self.words):
            if word not in KEYWORDS:
                return self.words[index + 1:]
        return ()

    @property
    def start(self) -> int:
        """Index of the command word in `words`."""
        for index, word in enumerate(self.words):
            if word not in KEYWORDS:
                return index
        return len(self.words)


@dataclass(slots=True)
class ShellScript:
    """What `read_shell` found in one piece of shell text."""

    commands: list[Command] = field(default_factory=list)
    embedded: list[Embedded] = field(default_factory=list)
    functions: frozenset[str] = frozenset()
    comments: list[tuple[int, str]] = field(default_factory=list)
    """(line, text) of every comment, the text after `#`."""
    prompted: bool = False
    """The text used `$ ` prompts: only prompt lines (and their continuations) were read."""

    def names(self) -> list[str]:
        """Command words in order, without repeats (functions the text defines left out)."""
        return list(dict.fromkeys(c.name for c in self.commands if c.name and c.name not in self.functions))

    def writes(self) -> list[str]:
        """Files written by redirection or `tee`, in order, without repeats."""
        return list(dict.fromkeys(r.target for c in self.commands for r in c.redirects if r.writes))

    def reads(self) -> list[str]:
        """Files read by `< file` redirection, in order, without repeats."""
        return list(dict.fromkeys(r.target for c in self.commands for r in c.redirects if r.reads))

    def pipelines(self) -> list[list[Command]]:
        """Top-level commands grouped by pipeline."""
        out: dict[int, list[Command]] = {}
        for command in self.commands:
            if not command.nested:
                out.setdefault(command.pipeline, []).append(command)
        return list(out.values())


def read_shell(text: str, *, prompts_only: bool = False) -> ShellScript:
    """Read shell text (a code block, a script, an inline command). Never raises: text
    that is not valid shell (an unclosed quote) is read as far as it goes.

    The analyses read the same blocks, so the answer is cached by text: the records
    are shared and must not be modified."""
    if len(text) > _CACHE_LIMIT:
        return _read_shell.__wrapped__(text, prompts_only)
    return _read_shell(text, prompts_only)


@lru_cache(maxsize=1024)
def _read_shell(text: str, prompts_only: bool) -> ShellScript:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    script = ShellScript()
    prompted = prompts_only or ("$ " in text and any(_PROMPT.match(line) for line in text.split("\n")))
    if prompted:
        script.prompted = True
        text = _prompt_lines(text)
    _Parser(text, 1, script, nested=False).run()
    script.functions = frozenset(script.functions)
    return script


def _prompt_lines(text: str) -> str:
    """The text with only `$ ` lines and their continuations kept (others blanked, so
    line numbers stay those of the input)."""
    out: list[str] = []
    keep = False
    heredoc = ""
    for line in text.split("\n"):
        if heredoc:
            continuation = _PS2.match(line)
            body = line[continuation.end():] if continuation else line
            out.append(body)
            if body.strip() == heredoc:
                heredoc = ""
            continue
        match = _PROMPT.match(line)
        if match is not None:
            line = " " * match.end() + line[match.end():]
        elif keep:
            continuation = _PS2.match(line)
            if continuation is not None:
                line = " " * continuation.end() + line[continuation.end():]
        else:
            out.append("")
            continue
        out.append(line)
        keep = line.rstrip().endswith("\\") or _open_quote(line)
        start = _HEREDOC_START.search(line)
        if start is not None:
            heredoc = start.group(2)
    return "\n".join(out)


def _open_quote(line: str) -> bool:
    """Does `line` leave a quote open (a rough count, for prompt continuations)?"""
    bare = line.replace("\\'", "").replace('\\"', "")
    return bare.count("'") % 2 == 1 or bare.count('"') % 2 == 1


# ---------------------------------------------------------------------------
# lexer + parser


@dataclass(slots=True)
class _Word:
    raw: str
    value: str
    quoted: bool
    line: int


@dataclass(slots=True)
class _Heredoc:
    delimiter: str
    strip_tabs: bool
    line: int
    body: str = ""
    body_line: int = 0
    done: bool = False


class _Parser:
    def __init__(self, text: str, first_line: int, script: ShellScript, *, nested: bool, function: str = ""):
        self.text = text
        self.n = len(text)
        self.i = 0
        self.line = first_line
        self.script = script
        self.nested = nested
        self.function = function
        self.functions: set[str] = set(script.functions)
        self.lines = text.split("\n")
        self.first_line = first_line
        self.pipeline = len(script.commands)
        # the command being built
        self.words: list[_Word] = []
        self.assigns: list[tuple[str, str]] = []
        self.redirects: list[Redirect] = []
        self.heredocs: list[_Heredoc] = []
        self.pending_heredocs: list[_Heredoc] = []
        self.redirect_op = ""
        self.redirect_fd = ""
        self.start_line = first_line
        self.case_depth = 0
        self.in_pattern = False
        self.brace_function: list[tuple[str, int]] = []
        self.depth = 0
        self._heredoc_owner: dict[int, Command] = {}

    # ------------------------------------------------------------------ driver

    def run(self) -> None:
        text, n = self.text, self.n
        while self.i < n:
            char = text[self.i]
            if char in _SPACE:
                blank = _BLANKS.match(text, self.i)
                self.i = blank.end() if blank is not None else self.i + 1
            elif char == "\\" and self.i + 1 < n and text[self.i + 1] == "\n":
                self.i += 2
                self.line += 1
            elif char == "\n":
                self.i += 1
                self._end("\n")
                self.line += 1
                if self.pending_heredocs:
                    self._heredoc_bodies()
            elif char == "#" and (self.i == 0 or text[self.i - 1] in " \t\n;&|()"):
                end = text.find("\n", self.i)
                end = n if end < 0 else end
                comment = text[self.i + 1:end]
                self.script.comments.append((self.line, comment))
                self.comment = comment
                self.i = end
            elif char in ";&|()":
                self._operator()
            elif char == "<" and self._blank():
                pass
            elif char in "<>" or (char.isdigit() and self._fd_redirect()):
                self._redirect()
            else:
                self._word()
        self._end("")
        self.script.functions = frozenset(self.functions)

    comment = ""

    def _operator(self) -> None:
        text, i = self.text, self.i
        two = text[i:i + 2]
        if two in ("&&", "||", ";;", "|&", ";&"):
            op = two
            self.i += 2
        elif two == "&>":
            self._redirect()
            return
        else:
            op = text[i]
            self.i += 1
        if op == "(" and self.words and text[self.i:self.i + 1] == ")" and (
                len(self.words) == 1 or (len(self.words) == 2 and self.words[0].value == "function")):
            # `name() {`, `function name() {`: a function definition
            name = self.words[-1].value
            if _NAME.match(name):
                self.functions.add(name)
                self.brace_function.append((name, self.depth))
            self.words = []
            self.i += 1
            return
        if op == "(" and i > 0 and text[i - 1] == "=" and (self.assigns or self.words):
            # `NAMES=(a b c)`, `declare -a A=(1 2)`: an array's elements are its value, not
            # a subshell's commands (one that substitutes a command is read as before)
            inner, end = _balanced(text, self.i, "(", ")")
            if "$(" not in inner and "`" not in inner:
                if self.words and self.words[-1].raw.endswith("="):
                    last = self.words[-1]
                    self.words[-1] = _Word(f"{last.raw}({inner})", f"{last.value}({inner})", last.quoted, last.line)
                elif self.assigns and not self.assigns[-1][1]:
                    self.assigns[-1] = (self.assigns[-1][0], f"({inner})")
                else:
                    inner = None
                if inner is not None:
                    self.line += text.count("\n", self.i, end)  # an array written over several lines
                    self.i = end
                    return
        if (op == "(" and self.words and not self.redirect_op and text[self.i:self.i + 1] != "("
                and not all(w.value in KEYWORDS and not w.quoted for w in self.words)
                and self.words[0].value != "case"):  # `case $x in (start) ...`: a pattern's optional `(`
            # `- PyTorch (latest)`, `[[ -f a && ( -d b ) ]]`: a parenthesis after a
            # command's words opens no subshell (bash refuses it there, past the keywords
            # that may open a command: `if (cd x && make)`); the words in it are the
            # command's, as a usage line or a list pasted into a block means them
            inner, end = _balanced(text, self.i, "(", ")")
            if "\n" not in inner:
                self.words.append(_Word(f"({inner})", f"({inner})", False, self.line))
                self.i = end
                return
        if op == "(" and text[self.i:self.i + 1] == "(":
            end = text.find("))", self.i)
            self.i = self.n if end < 0 else end + 2  # `(( arithmetic ))`
            return
        if op == "|" and self.case_depth and self.in_pattern:
            self.words, self.assigns, self.redirects = [], [], []  # `a|b)`: one pattern
            return
        if op == ")" and self.case_depth and self.in_pattern:
            self.words, self.assigns, self.redirects = [], [], []
            self.in_pattern = False
            return
        self._end(op)
        if op == ";;" or op == ";&":
            self.in_pattern = True

    def _fd_redirect(self) -> bool:
        """A digit that starts `2>`, `2>>`, `1<` (only at a word start)."""
        j = self.i
        while j < self.n and self.text[j].isdigit():
            j += 1
        return j < self.n and self.text[j] in "<>" and (self.i == 0 or self.text[self.i - 1] in " \t\n;&|(")

    def _blank(self) -> bool:
        """`<id>`, `<domain>` standing alone: a blank to fill in (a word, or the value of
        the assignment right before it), not a redirection from `id` into `wrangler`."""
        match = _BLANK_WORD.match(self.text, self.i)
        if match is None:
            return False
        end = match.end()
        if end < self.n and not (self.text[end] in _SPACE or self.text[end] in ";&|)\n"):
            return False
        value = match.group(0)
        if self.i > 0 and self.text[self.i - 1] == "=" and self.assigns and not self.assigns[-1][1]:
            self.assigns[-1] = (self.assigns[-1][0], value)
        else:
            self.words.append(_Word(value, value, False, self.line))
        self.i = end
        return True

    def _redirect(self) -> None:
        text = self.text
        start = self.i
        while self.i < self.n and text[self.i].isdigit():
            self.i += 1
        fd = text[start:self.i]
        for op in ("&>>", "<<<", "<<-", "&>", ">>", ">|", ">&", "<&", "<<", "<>", "<(", ">(", ">", "<"):
            if text.startswith(op, self.i):
                break
        if op in ("<(", ">("):
            # process substitution: its body is commands
            inner, end = _balanced(text, self.i + 2, "(", ")")
            self._nested_shell(inner, self.line)
            self.line += text.count("\n", self.i, end)
            self.i = end
            self.words.append(_Word("<(...)", "<(...)", False, self.line))
            return
        self.i += len(op)
        self.redirect_op = op
        self.redirect_fd = fd

    def _word(self) -> None:
        text, n = self.text, self.n
        start = self.i
        line = self.line
        parts: list[str] = []
        quoted = False
        while self.i < n:
            char = text[self.i]
            if char in _SPACE or char in _METACHARS:
                break
            if char == "\\":
                if self.i + 1 < n and text[self.i + 1] == "\n":
                    self.i += 2
                    self.line += 1
                    continue
                parts.append(text[self.i + 1:self.i + 2])
                self.i += 2
            elif char == "'":
                end = text.find("'", self.i + 1)
                end = n if end < 0 else end
                parts.append(text[self.i + 1:end])
                self.line += text.count("\n", self.i, end)
                self.i = end + 1
                quoted = True
            elif char == '"':
                parts.append(self._double_quoted())
                quoted = True
            elif char == "[" and self.i == start and self._synopsis_bracket():
                end = self.text.find("]", self.i)
                parts.append(text[self.i:end + 1])
                self.i = end + 1
            elif char == "{" and self.i == start and self._brace_choices():
                end = self.text.find("}", self.i)
                parts.append(text[self.i:end + 1])
                self.i = end + 1
            elif char == "$" and text.startswith("$((", self.i):
                end = text.find("))", self.i)
                end = n if end < 0 else end + 2
                parts.append(text[self.i:end])
                self.i = end
            elif char == "$" and text.startswith("$(", self.i):
                inner, end = _balanced(text, self.i + 2, "(", ")")
                self._nested_shell(inner, self.line)
                parts.append(text[self.i:end])
                self.line += text.count("\n", self.i, end)
                self.i = end
            elif char == "$" and text.startswith("${", self.i):
                _, end = _balanced(text, self.i + 2, "{", "}")
                parts.append(text[self.i:end])
                self.i = end
            elif char == "`":
                end = text.find("`", self.i + 1)
                end = n if end < 0 else end
                self._nested_shell(text[self.i + 1:end], self.line)
                parts.append(text[self.i:end + 1])
                self.line += text.count("\n", self.i, end)
                self.i = end + 1
            else:
                plain = _PLAIN_RUN.match(text, self.i)
                j = plain.end() if plain is not None else self.i + 1  # a lone `$`
                parts.append(text[self.i:j])
                self.i = j
        word = _Word(text[start:self.i], "".join(parts), quoted, line)
        self._take(word)

    def _synopsis_bracket(self) -> bool:
        """`[--mode a|b]`, `[-o FILE]`: an optional part of a usage line, not a test
        command (`[ -f x ]` has a blank after `[`) nor a glob class (`[0-9]*`); its
        `|` separates alternatives, it does not pipe."""
        inner = self._closed_on_line("]")
        if inner is None or any(ch in inner for ch in "[\"'$`()<>;&"):
            return False  # `[[ " $x " =~ ... ]]`, an array index: shell, not a synopsis
        return inner.startswith("-") or "|" in inner or " " in inner

    def _brace_choices(self) -> bool:
        """`{json|yaml|text}`: the choices of a usage line, not a group (`{ cmd; }` has a
        blank after `{`) nor a brace expansion (`{a,b}`, `{1..3}`): its `|` separates
        the choices, it does not pipe."""
        inner = self._closed_on_line("}")
        return inner is not None and "|" in inner and not any(ch in inner for ch in " \t{\"'$`()<>;&,")

    def _closed_on_line(self, closing: str) -> str | None:
        """The text between the bracket at `self.i` and the first `closing` after it on
        the same line, when a non-blank follows the bracket; else None."""
        text, i = self.text, self.i
        end = text.find(closing, i)
        newline = text.find("\n", i)
        if end < 0 or (0 <= newline < end) or i + 1 >= self.n or text[i + 1] in f" \t{closing}":
            return None
        return text[i + 1:end]

    def _double_quoted(self) -> str:
        text, n = self.text, self.n
        self.i += 1
        out: list[str] = []
        while self.i < n:
            char = text[self.i]
            if char == '"':
                self.i += 1
                break
            if char == "\\" and self.i + 1 < n:
                nxt = text[self.i + 1]
                if nxt == "\n":
                    self.line += 1
                elif nxt in '\\"$`':
                    out.append(nxt)
                else:
                    out.append(char + nxt)
                self.i += 2
            elif char == "$" and text.startswith("$(", self.i) and not text.startswith("$((", self.i):
                inner, end = _balanced(text, self.i + 2, "(", ")")
                self._nested_shell(inner, self.line)
                out.append(text[self.i:end])
                self.line += text.count("\n", self.i, end)
                self.i = end
            elif char == "`":
                end = text.find("`", self.i + 1)
                end = n if end < 0 else end
                self._nested_shell(text[self.i + 1:end], self.line)
                out.append(text[self.i:end + 1])
                self.line += text.count("\n", self.i, end)
                self.i = end + 1
            else:
                if char == "\n":
                    self.line += 1
                out.append(char)
                self.i += 1
        return "".join(out)

    def _take(self, word: _Word) -> None:
        if self.redirect_op:
            op, fd = self.redirect_op, self.redirect_fd
            self.redirect_op = self.redirect_fd = ""
            if op in ("<<", "<<-"):
                heredoc = _Heredoc(word.value, op == "<<-", word.line)
                self.heredocs.append(heredoc)
                self.pending_heredocs.append(heredoc)
                self.redirects.append(Redirect(op, word.value, fd))
                return
            if op == ">&" and (word.value.isdigit() or word.value == "-"):
                self.redirects.append(Redirect(op, "&" + word.value, fd))
                return
            if op in ("<&",):
                return
            self.redirects.append(Redirect(">" if op == ">&" else op, word.value, fd))
            return
        if not self.words:
            if not self.assigns and not self.redirects:
                self.start_line = word.line
            assign = _ASSIGN.match(word.value) if not word.value.startswith("=") else None
            if assign is not None and not word.raw.startswith(("'", '"')):
                self.assigns.append((assign.group(1), assign.group(2)))
                return
        self.words.append(word)

    def _heredoc_bodies(self) -> None:
        """Read the bodies of the heredocs opened on the line that just ended."""
        text = self.text
        for heredoc in self.pending_heredocs:
            heredoc.body_line = self.line
            body: list[str] = []
            while self.i < self.n:
                end = text.find("\n", self.i)
                end = self.n if end < 0 else end
                line = text[self.i:end]
                self.i = min(self.n, end + 1)
                self.line += 1
                check = line.lstrip("\t") if heredoc.strip_tabs else line
                if check.strip() == heredoc.delimiter:
                    break
                body.append(check if heredoc.strip_tabs else line)
            heredoc.body = "\n".join(body) + ("\n" if body else "")
            self._heredoc_done(heredoc)
        self.pending_heredocs = []

    # ------------------------------------------------------------------ commands

    def _end(self, op: str) -> None:
        """The simple command ends at `op`."""
        if self.redirect_op:
            self.redirect_op = ""
        words = self.words
        if words or self.assigns or self.redirects:
            first = words[0].value if words else ""
            if first == "function" and len(words) > 1 and _NAME.match(words[1].value):
                self.functions.add(words[1].value)
                self.brace_function.append((words[1].value, self.depth))
                words = words[2:]
                while words and words[0].value in ("(", ")", "()"):
                    words = words[1:]
            if words or self.assigns or self.redirects:
                self._emit(words)
        if op == "\n" or op == "":
            self.comment = ""
        if op not in ("|", "|&"):
            self.pipeline += 1
        self.words, self.assigns, self.redirects = [], [], []
        self.start_line = 0

    def _emit(self, words: list[_Word]) -> None:
        values = tuple(w.value for w in words)
        line = self.start_line or (words[0].line if words else self.line)
        last_line = self.line
        source = "\n".join(self.lines[line - self.first_line:last_line - self.first_line + 1]).strip()
        command = Command(
            line=line, words=values, quoted=tuple(w.quoted for w in words),
            assignments=tuple(self.assigns), redirects=tuple(self.redirects), pipeline=self.pipeline,
            text=source, comment=self.comment, nested=self.nested,
            function=self.brace_function[-1][0] if self.brace_function else self.function,
        )
        name = command.name
        # braces open and close function bodies
        for value in values:
            if value == "{":
                self.depth += 1
            elif value == "}":
                self.depth -= 1
                if self.brace_function and self.brace_function[-1][1] >= self.depth:
                    self.brace_function.pop()
        if values and values[0] == "case":
            self.case_depth += 1
            self.in_pattern = True
        elif values and values[-1] == "esac":
            self.case_depth = max(0, self.case_depth - 1)
            self.in_pattern = False
        if name == "alias":
            self.functions.update(a.split("=", 1)[0] for a in command.args if "=" in a and _NAME.match(a.split("=", 1)[0]))
        if name == "tee":
            append = "-a" in command.args or "--append" in command.args
            extra = tuple(Redirect("tee -a" if append else "tee", a)
                          for a in command.args if not a.startswith("-"))
            command.redirects = command.redirects + extra
        self.script.commands.append(command)
        self._embedded(command, words)
        for heredoc in self.heredocs:
            heredoc.line = heredoc.line or line
            self._heredoc_owner[id(heredoc)] = command
            if heredoc.body_line:
                self._heredoc_done(heredoc)
        self.heredocs = []


    def _heredoc_done(self, heredoc: _Heredoc) -> None:
        owner = self._heredoc_owner.get(id(heredoc))
        if owner is None or not heredoc.body_line or heredoc.done:
            return
        heredoc.done = True
        lang = heredoc_language(owner)
        if lang == "shell":
            self._nested_shell(heredoc.body, heredoc.body_line)
        self.script.embedded.append(Embedded(lang, heredoc.body, heredoc.body_line, "heredoc", owner.name))

    def _embedded(self, command: Command, words: list[_Word]) -> None:
        at = run_index(command)
        name = command.words[at].rsplit("/", 1)[-1] if at < len(command.words) else ""
        if not name:
            return
        args = command.words[at + 1:]
        start = at + 1
        for pattern, lang, flags in _INTERPRETERS:
            if pattern.match(name):
                for index, arg in enumerate(args[:-1]):
                    if arg in flags:
                        code = args[index + 1]
                        code_line = words[start + index + 1].line
                        if lang == "shell":
                            self._nested_shell(code, code_line)
                        self.script.embedded.append(Embedded(lang, code, code_line, "-c", name))
                        return
                    if not arg.startswith("-") and lang != "python":
                        break
                return
        spec = _PROGRAM_TOOLS.get(name)
        if spec is None:
            return
        file_flags, value_flags = spec
        index = 0
        while index < len(args):
            arg = args[index]
            if arg in file_flags:
                return
            if name == "sed" and arg in value_flags and index + 1 < len(args):
                self.script.embedded.append(Embedded("sed", args[index + 1], words[start + index + 1].line,
                                                     "program", name))
                index += 2
                continue
            if arg in _ARG_TWO:
                index += 3
                continue
            if arg in value_flags:
                index += 2
                continue
            if arg.startswith("-") and arg != "-":
                index += 1
                continue
            if name != "sed" or not any(e.command == "sed" and e.line == command.line for e in self.script.embedded):
                self.script.embedded.append(Embedded(name if name not in ("gawk", "mawk") else "awk", arg,
                                                     words[start + index].line, "program", name))
            return

    def _nested_shell(self, code: str, line: int) -> None:
        if not code.strip():
            return
        inner = _Parser(code, line, self.script, nested=True,
                        function=self.brace_function[-1][0] if self.brace_function else self.function)
        inner.functions = self.functions
        inner.run()
        self.functions |= set(self.script.functions)
        self.pipeline = max(self.pipeline, inner.pipeline) + 1


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A command that runs the command after it (skillir/data/wrappers.json)."""

    value_flags: frozenset[str]
    """Its options that take a value (`sudo -u user`)."""
    assignments: bool
    """`NAME=value` words may stand before the command it runs (`env A=1 cmd`)."""
    positional: int
    """Arguments it takes before that command (`timeout 30 cmd`)."""


@lru_cache(maxsize=1)
def wrappers() -> dict[str, Wrapper]:
    """The wrapper table: name -> how to step over its own words."""
    table = load_data("wrappers.json")["wrappers"]
    return {name: Wrapper(frozenset(spec.get("value_flags", ())), bool(spec.get("assignments", False)),
                          int(spec.get("positional", 0)))
            for name, spec in table.items()}


def after_wrapper(wrapper: Wrapper, args: Sequence[str]) -> int:
    """How many of `args` (the words after a wrapper) belong to the wrapper itself."""
    i = 0
    while i < len(args) and (args[i].startswith("-") and args[i] != "-"
                             or wrapper.assignments and _ASSIGNMENT.match(args[i])):
        i += 2 if args[i] in wrapper.value_flags else 1
    return min(len(args), i + wrapper.positional)


def run_index(command: Command) -> int:
    """Index in `command.words` of the program the command runs: the command word, or,
    through wrappers (`/usr/bin/env bash`, `sudo -u x python3`, `nohup node`), the word
    they run; `len(words)` when there is none."""
    return program_index(command.words, command.start)


def program_index(words: Sequence[str], start: int = 0) -> int:
    """Index in `words` (a command's words from `start`) of the program they run: past
    shell keywords (`then`, `do`), `NAME=value` assignments and wrappers with their own
    options and arguments (`sudo -E`, `timeout 30`, `xargs -n 1`); `len(words)` when
    there is none. Every reader of command lines (capability rules, the security lint)
    asks this, so they agree on what a line runs."""
    table = wrappers()
    i = start
    while i < len(words):
        word = words[i]
        if word in KEYWORDS or _ASSIGNMENT.match(word):
            i += 1
            continue
        wrapper = table.get(word.rsplit("/", 1)[-1])
        if wrapper is None:
            return i
        i += 1 + after_wrapper(wrapper, words[i + 1:])
    return len(words)


def heredoc_language(command: Command) -> str:
    """The language a heredoc feeds `command`: python for `python3 - <<EOF` (or `python3
    <<EOF`), javascript for `node <<EOF`, shell for `bash <<EOF`/`ssh host <<EOF`-less
    shells, sql for database clients; "" when the body is data (`cat > f <<EOF`)."""
    at = run_index(command)
    name = command.words[at].rsplit("/", 1)[-1] if at < len(command.words) else ""
    args = [a for a in command.words[at + 1:] if a != "-"]
    for pattern, lang, _flags in _INTERPRETERS:
        if pattern.match(name):
            if lang in ("python", "javascript", "perl", "ruby"):
                positional = [a for a in args if not a.startswith("-")]
                if name in ("uv", "uvx"):
                    return "python" if positional[:1] == ["run"] and positional[1:2] in (["python"], ["python3"]) else ""
                return lang if not positional else ""
            return lang
    return ""


def _balanced(text: str, start: int, opening: str, closing: str) -> tuple[str, int]:
    """The text from `start` to the `closing` that balances an already-open `opening`
    (quotes respected), and the index after it."""
    depth = 1
    i = start
    n = len(text)
    quote = ""
    while i < n:
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 2
                continue
            if char == quote:
                quote = ""
        elif char == "\\":
            i += 2
            continue
        elif char in "'\"":
            quote = char
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return text[start:i], i + 1
        i += 1
    return text[start:], n


def split_words(command: str) -> list[str]:
    """The words of one command line (quotes removed, redirections and assignments
    kept as words), for callers that need only the words of a short inline command."""
    script = read_shell(command)
    out: list[str] = []
    for cmd in script.commands:
        if not cmd.nested:
            out.extend(f"{k}={v}" for k, v in cmd.assignments)
            out.extend(cmd.words)
    return out
