"""Rule-based requirement inference: what a piece of a skill demands of the model.

Deterministic, no network: regular expressions and small parsers over the text of
one skill op at a time. Each function returns `Finding`s (primitive, level, the rule
that fired, the evidence text and its offset in the analysed text); the pass
`infer-capabilities` (via `skillir.capability.inference`) anchors them to ops.

The rules follow the catalog's level definitions (skillir/data/primitives.json):

- code blocks by language and by what the code uses: Python standard library vs
  third-party imports; shell basic commands vs pipes/redirection/loops vs sed/awk/
  xargs; SQL joins vs CTEs and windows; HTML forms/tables vs SVG/responsive/a11y;
  JavaScript built-ins vs npm vs async and complex APIs; regex features; web, browser
  and file-writing calls inside code;
- prose: commands to run (and with what arguments), files to read or write,
  formulas and calculations, planning, analysis, parallel tool calls, web and
  browser use, output-format, style and delegation demands;
- skill-wide structure (in `inference`): procedure length, branches, loops and
  verification; binding constraints and whether they fight the model's habits.

Word lists live in `skillir/data/capability_rules.json`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice

from skillir.alternatives import longest_first
from skillir.casefold import fold
from skillir.datafiles import load_data
from skillir.readers import chinese
from skillir.readers.js import read_js
from skillir.readers.languages import family as language_family
from skillir.readers.python import read_python
from skillir.readers.shell import ANGLE_PLACEHOLDER, INSTALLERS, program_index, read_shell
from skillir.security.prefilter import checker, match_starts, required, starts

# ---------------------------------------------------------------------------
# data


@cache
def words() -> dict[str, frozenset[str]]:
    raw = load_data("capability_rules.json")
    return {k: frozenset(w.lower() for w in v) for k, v in raw.items() if isinstance(v, list)}


def _alternation(items) -> str:
    return "|".join(re.escape(w) for w in longest_first(items))


@dataclass(slots=True)
class Finding:
    """One requirement found in a piece of text."""

    prim: str
    level: int
    rule: str
    evidence: str
    pos: int = 0
    """Offset of the evidence in the analysed text (for its line number)."""


def excerpt(text: str, start: int, end: int | None = None, limit: int = 100) -> str:
    """The line around [start, end), trimmed and stripped of list markers."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end < 0:
        line_end = len(text)
    line = text[line_start:line_end].strip()
    line = _LEAD_MARKUP.sub("", line).strip()
    if len(line) <= limit:
        return line
    # keep the match visible
    rel = start - line_start
    lo = max(0, min(rel - limit // 3, len(line) - limit))
    return ("…" if lo else "") + line[lo : lo + limit].strip() + "…"


_LEAD_MARKUP = re.compile(r"^(?:[-*+]\s+|\d+[.)]\s+|#+\s+|>\s*)+")

# ---------------------------------------------------------------------------
# code languages

_FAMILY = {"python": "python", "shell": "shell", "javascript": "js", "sql": "sql", "html": "html",
           "json": "structured", "config": "structured"}
"""The one language table's families (`skillir.readers.languages`) as primitive families."""


def code_language(lang: str, body: str) -> str:
    """The primitive family of a code block: python, shell, js, sql, html,
    structured, plain or other (a language no primitive covers)."""
    fam = language_family(lang)
    if fam == "python":
        return "shell" if _is_command_listing(body) else "python"
    if fam == "plain":
        return _guess_plain(body)
    return _FAMILY.get(fam, "other")


_PY_SYNTAX = re.compile(r"^\s*(?:import \w|from [\w.]+ import |def \w+\(|class \w+[(:]|print\()", re.M)
_SQL_SYNTAX = re.compile(r"^\s*(?:SELECT\b.+\bFROM\b|SELECT\s*$|WITH \w+ AS|INSERT INTO|CREATE TABLE|UPDATE \w+ SET)", re.M)


def _is_command_listing(body: str) -> bool:
    """A 'python' block that only shows command lines (`python3 scripts/x.py --a`)."""
    lines = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    return bool(lines) and _command_word(lines[0]) is not None and not _PY_SYNTAX.search(body)


def _guess_plain(body: str) -> str:
    if _PY_SYNTAX.search(body):
        return "python"
    if _SQL_SYNTAX.search(body):
        return "sql"
    lines = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    needed = (len(lines) + 1) // 2  # shell when at least half the lines are commands
    commands = 0
    for index, line in enumerate(lines):  # stops once the answer is known either way
        if _command_word(line.removeprefix("$ ")) is not None:
            commands += 1
            if commands >= needed:
                return "shell"
        elif commands + len(lines) - index - 1 < needed:
            break
    return "plain"


_PATH_CMD = re.compile(r"^(?:\./|~/|scripts/|bin/)?[\w.-]+/[\w./-]+\.(?:py|sh|js|mjs|ts|rb|pl)\b|^\./[\w.-]+")
_RUNNABLE_PATH = re.compile(r"^(?:\./|~/|scripts/|bin/)[\w./-]*$")
"""A path that names something to run by where it sits (the Agent Skills layout keeps
runnable code in `scripts/`)."""
_NAMED_FILE = re.compile(r"(?:/|\.(?:md|mdx|txt|json|jsonl|ya?ml|csv|html?|xml|toml|png|jpe?g|svg|pdf|log))$",
                         re.IGNORECASE)
"""The end of a path to a document, data file or folder: a path to read or write, not to run."""
_RUN_BEFORE = re.compile(r"\b(?:run|runs|running|execute|invoke|call|launch|start|use|using|with|via)\b\W*$",
                         re.IGNORECASE)
_CLI_FLAG = re.compile(r"(?:^|\s)--?[A-Za-z][\w-]*")


def _command_word(line: str) -> str | None:
    """The command a shell line starts with, if it is one we know (or a script
    path); None for anything else."""
    parts = line.split()
    i = program_index(parts)
    if i >= len(parts):
        return None
    word = parts[i].lower()
    if word in words()["shell_commands"]:
        return word
    if "/" in line and _PATH_CMD.match(line.strip()):
        return "script"
    return None


# ---------------------------------------------------------------------------
# shell


_SED_AWK = re.compile(r"(?:^|[|;&(`]\s*|\$\(\s*)(?:sudo\s+)?(sed|awk|gawk|xargs|perl -[pn]e)\b")
_PIPE = re.compile(r"(?<![|])\|(?![|])")
_REDIRECT = re.compile(r"(?<![<>=\-])(?:\d?>>?|<)\s*(?![=&])[\"']?[\w./<>$~{-]")
_LOOP = re.compile(r"^\s*(?:for|while|until)\s.+(?:;\s*do\b|\bdo\s*$)|^\s*(?:for|while)\s+\w+\s+in\b|\$\(", re.M)
_CHAIN = re.compile(r"\S\s*(?:&&|;)\s*(?!then\b|do\b|done\b|fi\b)[A-Za-z./]")
_PLACEHOLDER = re.compile(ANGLE_PLACEHOLDER + r"|\bpath/to\b|\byour[_-]\w+|(?:^|\s)\.\.\.(?=\s|$)|\bYOUR_")


def _shell_lines(body: str) -> list[tuple[int, str]]:
    """(offset, command line) per line that starts a command, as the one shell reader
    (`skillir.readers.shell`) reads the block: comments, `$ ` prompts and their output,
    heredoc bodies and code in strings are not command lines; backslash continuations
    and quotes that span lines are joined into their command's line."""
    script = read_shell(body)
    spans: list[list[int]] = []
    last: dict[int, int] = {}
    for command in script.commands:
        if not command.nested:
            last[command.pipeline] = command.line
    for command in script.commands:
        if command.nested or not (command.words or command.assignments or command.redirects):
            continue
        end = max(last.get(command.pipeline, command.line), command.line + command.text.count("\n"))
        if spans and command.line <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([command.line, end])
    lines = body.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    out: list[tuple[int, str]] = []
    for first, end in spans:
        parts = [lines[i].strip() for i in range(first - 1, min(end, len(lines)))]
        parts = [p[2:] if p.startswith("$ ") else p[:-1] if p.endswith("\\") else p for p in parts]
        text = " ".join(p.strip() for p in parts if p.strip())
        if text and not text.startswith("#"):
            out.append((starts[first - 1], text))
    return out


_QUOTED = re.compile(r"'[^'\n]*'|\"(?:\\.|[^\"\\\n])*\"")
_ARG_PLACEHOLDER = re.compile(ANGLE_PLACEHOLDER + r"|\[[\w -]+\]")
_SILENCED = re.compile(r"2>&1\s*$|>\s*/dev/null", re.M)


def _unquoted(command: str) -> str:
    """The command with quoted strings and `<placeholders>` blanked (so `"a|b"` is
    not a pipe and `<file>` not a redirection)."""
    if "<" in command or "[" in command:
        command = _ARG_PLACEHOLDER.sub("ARG", command)
    if "'" in command or '"' in command:
        command = _QUOTED.sub("STR", command)
    return command


def shell_level(command: str) -> tuple[int, str]:
    """gen.code.shell level of one command line (or several, one per line), with
    the rule that decided it."""
    return _shell_level_at(_unquoted(command))[:2]


def _shell_level_at(bare: str) -> tuple[int, str, int]:
    """(level, rule, position) on already-unquoted command text."""
    match = _SED_AWK_M.search(bare)
    if match:
        return 3, "shell.sed-awk-xargs", match.start()
    if "|" in bare:
        for line_match in _LONG_PIPELINE.finditer(bare):
            return 3, "shell.long-pipeline", line_match.start()
        match = _PIPE.search(bare)
        if match:
            return 2, "shell.pipe", match.start()
    if ">" in bare or "<" in bare:
        for match in _REDIRECT.finditer(bare):
            line_end = bare.find("\n", match.start())
            line = bare[match.start(): None if line_end < 0 else line_end]
            if not _SILENCED.match(line) and not line.lstrip().startswith(("&1", "/dev/null")):
                return 2, "shell.redirect", match.start()
    match = _LOOP.search(bare)
    if match:
        return 2, "shell.loop", match.start()
    return 1, "shell.command", 0


_SHELL_LOGIC = re.compile(r"\$\{\w+:?[-=+?]|(?:^|;\s*)if \[|\[\[ |\|\|\s*(?:exit|true|echo|return)\b")
"""Shell the model must get right beyond single commands, as pipes and loops are
(gen.code.shell 2): a parameter with a default (`${BASE:-$HOME/x}`, quoted or not), a
test (`if [ $? -eq 124 ]; then`, `[[ -f x ]]`), a fallback on failure (`|| exit 0`)."""
_SED_AWK_M = re.compile(r"(?:^|[|;&(`]\s*|\$\(\s*)(?:sudo\s+)?(sed|awk|gawk|xargs|perl -[pn]e)\b", re.M)
_LONG_PIPELINE = re.compile(r"^[^\n|]*(?:(?<!\|)\|(?!\|)[^\n|]*){3,}$", re.M)


def exec_level(command: str) -> int:
    """tool.exec level (paper Table 1) of one command: 1 plain, 2 with parameters or
    relative paths, 3 chained."""
    return _exec_level_bare(_unquoted(command), command)


def _exec_level_bare(bare: str, command: str) -> int:
    if ("&&" in bare or ";" in bare) and _CHAIN.search(bare) and not _setup_chain(bare):
        return 3
    parts = bare.split(None, 1)
    if parts and "/" in parts[0] and not parts[0].startswith("/usr"):
        return 2  # a script called by a relative path
    rest = parts[1] if len(parts) > 1 else ""
    if _CLI_FLAG.search(rest) or _PLACEHOLDER.search(command) or _PATH_ARG.search(rest):
        return 2
    return 1


_SETUP_STEP = re.compile(
    rf"^\s*(?:sudo\s+)?(?:(?:apt|apt-get|brew|yum|dnf)\s+(?:-\w+\s+)*(?:update|upgrade|install)\b|(?:{INSTALLERS})\s+(?:install|i|add)\b"
    r"|mkdir\b)")


def _setup_chain(bare: str) -> bool:
    """Is a chained command only setup, each part installing or updating packages or
    making a folder (`sudo apt update && sudo apt install ffmpeg`, `mkdir -p out && cd
    out` is not: it goes on to run)? No run there feeds the next."""
    parts = [p for p in re.split(r"&&|;|\n", bare) if p.strip()]
    return all(_SETUP_STEP.match(p) for p in parts)


_PATH_ARG = re.compile(r"[\w.-]/[\w.-]|\.\w{1,4}\b")


def analyze_shell(body: str) -> list[Finding]:
    lines = _shell_lines(body)
    if not lines:
        return []
    commands = [c for _, c in lines]
    bare_lines = [_unquoted(c) for c in commands]
    joined = "\n".join(bare_lines)
    level, rule, pos = _shell_level_at(joined)
    index = joined.count("\n", 0, pos)
    if level == 1:
        logic = next(((i, m) for i, c in enumerate(commands) if (m := _SHELL_LOGIC.search(c))), None)
        if logic is not None:
            level, rule, index = 2, "shell.defaults-and-tests", logic[0]
    findings = []
    if level > 1 or not all(_runs_or_installs(c) for c in commands):
        findings.append(Finding("gen.code.shell", level, rule, _short(commands[index]), lines[index][0]))
    exec_best, exec_index = 0, 0
    for i, (bare, command) in enumerate(zip(bare_lines, commands, strict=True)):
        lvl = _exec_level_bare(bare, command)
        if lvl > exec_best:
            exec_best, exec_index = lvl, i
            if lvl == 3:
                break
    if exec_best < 3 and len(commands) >= 2:
        chained = _chained_command(body)
        if chained is not None:
            exec_best = 3
            findings.append(Finding("tool.exec", 3, "exec.chained", _short(chained.text.split("\n", 1)[0]),
                                    _offset_of_line(body, chained.line)))
    if exec_best < 3 or not findings or findings[-1].rule != "exec.chained":
        findings.append(Finding("tool.exec", exec_best, f"exec.command-l{exec_best}", _short(commands[exec_index]),
                                lines[exec_index][0]))
    if "gh " in body:
        for offset, command in lines:
            if _GH_WEB.match(command):
                findings.append(Finding("tool.web", 2, "shell.gh-api", _short(command), offset))
                break
    if "curl" in body or "wget" in body or "http" in body:
        web = next(((offset, command) for offset, command in lines if _HTTP_CLIENT.match(command)), None)
        if web is None:  # a client run inside `$(...)`, `bash -c '...'` or a shell heredoc
            web = next(((_offset_of_line(body, c.line), c.text) for c in read_shell(body).commands
                        if c.nested and c.name in _HTTP_CLIENT_NAMES), None)
        if web is not None:
            offset, command = web
            wl = 3 if _HTTP_PAGES.search(command) else (2 if _HTTP_PARAMS.search(command) else 1)
            findings.append(Finding("tool.web", wl, "shell.http-client", _short(command), offset))
    if "'{" in body or "'[{" in body:
        for offset, command in lines:
            argument = _JSON_ARGUMENT.search(command)
            if argument is not None:
                findings.append(Finding("gen.text.structured", structured_size_level(argument.group(1)),
                                        "structured.json-argument", _short(command), offset))
                break
    return findings


_JSON_ARGUMENT = re.compile(r"""'(\[?\{\s*"[\w-]+"\s*:[^']*)'""")
"""A JSON object written as a command's argument (`-d '{"Name": "my-app"}'`): the model
writes that JSON."""
_OUTPUT_FLAGS = frozenset({"-o", "--output", "--out", "--output-file", "--outfile", "--filename", "--out-file",
                           "--output-path", "--output_file", "--output-dir", "--output_dir", "--out-dir", "--out_dir",
                           "--outdir"})
"""Flags whose value is the file a command writes."""


def _outputs(command) -> list[str]:
    """Files one command writes: its `>`/`tee` targets and its `-o FILE` values; the
    folder a `--output-dir DIR` names ends with '/'."""
    out = [r.target for r in command.redirects if r.writes]
    words = command.words
    for index, word in enumerate(words[:-1]):
        if word in _OUTPUT_FLAGS:
            out.append(_as_output(word, words[index + 1]))
    out.extend(_as_output(*w.split("=", 1)) for w in words if w.startswith("--") and "=" in w
               and w.split("=", 1)[0] in _OUTPUT_FLAGS)
    return [f for f in out if ("." in f.rsplit("/", 1)[-1] or f.endswith("/")) and not f.startswith("/dev/")
            and "$" not in f and f not in (".", "./")]


def _as_output(flag: str, value: str) -> str:
    """The value of an output flag; a folder (`--out_dir out/x`) as 'out/x/'."""
    return value + "/" if flag.endswith("dir") and value and not value.endswith("/") else value


def _takes(word: str, target: str) -> bool:
    """Does a command's argument name a file (or a file in a folder) another wrote?"""
    return word == target or word.endswith("=" + target) or (
        target.endswith("/") and target.strip("./~") != "" and word.startswith(target))


def _chained_command(body: str):
    """The first command that takes a file an earlier command of the block wrote
    (`tool a -o x.bam`, then `tool b x.bam`): one run's output feeds the next."""
    script = read_shell(body)
    written: dict[str, int] = {}
    for command in script.commands:
        if not command.name or command.name in ("cd", "echo", "mkdir", "rm", "cat", "ls", "printf"):
            for target in _outputs(command):
                written.setdefault(target, command.pipeline)
            continue
        own = set(_outputs(command))
        for word in command.args:
            if word in own:
                continue  # writing the same file again is not reading it
            for target, pipeline in written.items():
                if pipeline != command.pipeline and _takes(word, target):
                    return command
        for target in _outputs(command):
            written.setdefault(target, command.pipeline)
    return None


def chained_across(bodies: list[str]) -> tuple[int, str] | None:
    """(index of the block, the command) of the first command that takes a file a
    command of an earlier shell block wrote (`BAGEL.py fc -o foldchange.txt` in one
    block, `BAGEL.py bf -i foldchange.txt` in the next): a workflow whose runs feed one
    another across the blocks that show them (tool.exec 3), as `_chained_command`
    finds it inside one block. None when no such command is there."""
    if len(bodies) < 2:
        return None
    chained = _chained_command("\n".join(bodies))
    if chained is None:
        return None
    line = chained.line
    for index, body in enumerate(bodies):
        lines = body.count("\n") + 1
        if line <= lines:
            return (index, chained.text.split("\n", 1)[0]) if index > 0 else None
        line -= lines
    return None


def _offset_of_line(body: str, line: int) -> int:
    pos = 0
    for _ in range(max(0, line - 1)):
        nxt = body.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    return pos


_SCRIPT_RUN = re.compile(
    r"^\s*(?:cd\s+\S+\s*$|(?:(?:sudo\s+)?(?:uv\s+run|uvx|python3?|node|bash|sh|npx|bun|deno|ruby|perl|tsx|ts-node|pytest)"
    r"(?:\s+--?[\w-]+(?:[= ](?![\w./<>${}-]*\.(?:py|js|mjs|cjs|ts|sh|rb|pl)\b)[^\s-][^\s]*)?)*\s+)*"
    r"[\w./<>${}~-]*\.(?:py|js|mjs|cjs|ts|sh|rb|pl)\b)")
"""A command that only runs a script (`uv run --with x scripts/a.py ARGS`, `node
server.mjs`, `./run.sh`) or changes directory: running the skill's code is tool use
(tool.exec), not shell the model writes (gen.code.shell)."""
_INSTALL_ONLY = re.compile(
    rf"^\s*(?:sudo\s+)?(?:{INSTALLERS}|uv|bun|cargo|gem)\s+(?:install|i|add)\b[^|;&<>`$\n]*$")
"""A command that only installs packages (`pip install "qrcode[pil]"`, `npm install`):
setting up the environment (bind-env's part), not shell the model writes."""


def _runs_or_installs(command: str) -> bool:
    return bool(_SCRIPT_RUN.match(command) or _INSTALL_ONLY.match(command))


_GH_WEB = re.compile(r"(?:[\w$(){}\"'=-]+\s*=\s*\$\(\s*)?gh\s+(?:api|search)\b")
"""`gh api ...`, `gh search repos ...`: queries of a web API with parameters."""
_HTTP_CLIENT = re.compile(r"(?:sudo\s+)?(?:curl|wget|http)\b")
_HTTP_CLIENT_NAMES = frozenset({"curl", "wget", "http", "https"})
_HTTP_PAGES = re.compile(r"page=|cursor=|offset=|next_page|paginat")
_HTTP_PARAMS = re.compile(r"\?[\w%-]+=|\s-d\s|--data|-G\b|--get\b|-X\s*POST")


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------
# python


_SYS_PATH = re.compile(r"sys\.path\.(?:append|insert)")
_PY_THIRD_PARTY_USE = re.compile(
    r"\b(?:pd|np|plt|sns|tf|torch|nx|sp|jnp|jax)\.\w|\bdf\.\w|\bDataFrame\b|\.(?:resample|groupby|iloc|loc)[(\[]")
_PY_WRITE = re.compile(
    r"""open\([^)\n]*,\s*['"][wax]b?\+?['"]|\.to_(?:csv|excel|json|parquet|html)\(|json\.dump\(|"""
    r"""\.save\(\s*['"]|\.savefig\(|\.write_text\(|\.write_bytes\(|wb\.save\(|\.write_pdf\(|"""
    r"""yaml\.(?:safe_)?dump\([^)\n]*,\s*\w""")
_BROWSER = re.compile(r"\b(?:playwright|puppeteer|selenium|webdriver|chromium\.launch|page\.goto|new_page\(\))")
_BROWSER_INTERACT = re.compile(r"\.(?:click|fill|type|check|select_option|press|wait_for_\w+|hover)\(|networkidle")
_BROWSER_AUTH = re.compile(r"\b(?:login|log_in|password|storage_state|cookies?|auth)\b", re.I)
_REGEX_CALL = re.compile(r"""\bre\.(?:compile|search|match|fullmatch|findall|finditer|sub|subn|split)\(\s*r?(['"])(.+?)\1""")


def _line_offsets(text: str) -> list[int]:
    """Offset of the start of each line of `text` (line 1 at index 0)."""
    offsets = [0]
    find = text.find
    index = find("\n")
    while index >= 0:  # str.find runs in C: a bundled script is read a line, not a character, at a time
        offsets.append(index + 1)
        index = find("\n", index + 1)
    return offsets


@cache
def _may_use_third_party() -> Callable[[str], bool]:
    """`_PY_THIRD_PARTY_USE`'s required literals ("pd.", "df.", ".iloc" ...) as a test run
    before it (`_screen`): the regex tries every position of the block."""
    return _screen(_PY_THIRD_PARTY_USE)


@cache
def _stdlib() -> frozenset[str]:
    return frozenset(sys.stdlib_module_names)


def analyze_python(body: str) -> list[Finding]:
    findings: list[Finding] = []
    level, rule, pos, evidence = 1, "python.basic", 0, ""
    local = bool(_SYS_PATH.search(body))
    code = read_python(body)  # the one Python reader: imports and files, as env binding sees them
    offsets = _line_offsets(body)
    for module in code.imports:
        top = module.module.split(".")[0].strip()
        if not top:
            continue
        start = offsets[min(module.line, len(offsets)) - 1]
        line = body[start:body.find("\n", start) if "\n" in body[start:] else len(body)].strip()
        if top in _stdlib() or top == "__future__":
            if level < 2:
                level, rule, pos, evidence = 2, "python.stdlib", start, line
        elif local and level < 2:
            level, rule, pos, evidence = 2, "python.local-module", start, line
        elif not local and level < 3:
            level, rule, pos, evidence = 3, "python.third-party", start, line
    if level < 3:
        use = _PY_THIRD_PARTY_USE.search(body) if _may_use_third_party()(body) else None
        if use:
            level, rule, pos, evidence = 3, "python.third-party-use", use.start(), excerpt(body, use.start())
    if not evidence:
        first = next((ln for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")), "")
        evidence = first.strip()
    findings.append(Finding("gen.code.python", level, rule, _short(evidence), pos))
    written = [f for f in code.files if f.writes]
    if written:
        start = offsets[min(written[0].line, len(offsets)) - 1]
        findings.append(Finding("tool.file.write", 1, "code.writes-file", excerpt(body, start), start))
    elif any(k in body for k in _WRITE_HINTS):
        write = _PY_WRITE.search(body)  # writes to a path the reader cannot see (a variable)
        if write:
            findings.append(Finding("tool.file.write", 1, "code.writes-file", excerpt(body, write.start()),
                                    write.start()))
    findings.extend(_browser(body))
    if "re." in body:
        findings.extend(_regex_in_code(body))
    return findings


_WRITE_HINTS = ("open(", ".to_", "dump(", ".save", "write_", ".savefig")
_BROWSER_HINTS = ("playwright", "puppeteer", "selenium", "webdriver", "chromium", "page.goto", "new_page")


_CODE_HTTP_CLIENT = re.compile(r"\brequests\.(?:get|post|put|delete|Session)\b|\burllib\.request\b|\burlopen\(|"
                               r"\bhttpx\.\w|\baiohttp\b|\bwebdriver\b|\bfetch\(\s*['\"`]https?:|\baxios\.")
_WEB_PARAMS = re.compile(r"params\s*=|\?[\w%-]+=|\b(?:sites|start|end|query|q|limit)\s*=")
_PAGINATION = re.compile(r"next_page|\bcursor\b|page\s*\+=|\boffset\s*\+=|paginat|while\s+\w*next", re.I)
_WEB_HINTS = ("requests", "urllib", "urlopen", "httpx", "aiohttp", "webdriver", "fetch(", "axios")


def code_web(body: str) -> list[Finding]:
    """Web access by a code block the model runs (an HTTP client call): level 2 with query
    parameters, 3 when it pages through results. Only for a block the skill has the model
    run (the caller's test): an HTTP client in code the skill shows as a pattern for the
    project's own code (`fetch('https://api.example.com/products')` in a page component)
    is no web work of the model's (the development sets label an HTTP client in any code
    block `tool.web` once in seven)."""
    web = _CODE_HTTP_CLIENT.search(body) if any(k in body for k in _WEB_HINTS) else None
    if web is None:
        return []
    level = 3 if _PAGINATION.search(body) else (2 if _WEB_PARAMS.search(body) else 1)
    return [Finding("tool.web", level, "code.http-client", excerpt(body, web.start()), web.start())]


def _browser(body: str) -> list[Finding]:
    """Browser automation in a code block."""
    out: list[Finding] = []
    browser = _BROWSER.search(body) if any(k in body for k in _BROWSER_HINTS) else None
    if browser:
        level = 1
        if _BROWSER_INTERACT.search(body):
            level = 2
        if _BROWSER_AUTH.search(body):
            level = 3
        out.append(Finding("tool.browser", level, "code.browser-automation",
                           excerpt(body, browser.start()), browser.start()))
    return out


def regex_level(pattern: str) -> int:
    """gen.regex level of a pattern from the features it uses."""
    if re.search(r"\(\?(?:<?[=!]|P?<\w+>)", pattern):
        return 3
    if re.search(r"(?<!\\)\((?!\?)|(?<!\\)\||(?<![\\\[])\^|(?<!\\)\$(?!\w)|\\b", pattern):
        return 2
    return 1


def _regex_in_code(body: str) -> list[Finding]:
    best: Finding | None = None
    for match in _REGEX_CALL.finditer(body):
        level = regex_level(match.group(2))
        if best is None or level > best.level:
            best = Finding("gen.regex", level, "code.regex", _short(match.group(0)), match.start())
    return [best] if best else []


# ---------------------------------------------------------------------------
# javascript, sql, html, structured, plain blocks


_JS_ASYNC = re.compile(r"\bawait\b|\basync\b|Promise\.|\.then\(")
_P5_API = re.compile(r"\b(?:createCanvas|randomSeed|noiseSeed|setup\(\)|draw\(\))")


def analyze_js(body: str) -> list[Finding]:
    level, rule, pos, evidence = 1, "js.basic", 0, ""
    complex_apis = words()["js_complex_apis"]
    offsets = _line_offsets(body)
    for spec in read_js(body).specifiers:  # the one JS reader, as env binding sees them
        module = spec.specifier.lower()
        start = offsets[min(spec.line, len(offsets)) - 1]
        line = body[start:body.find("\n", start) if "\n" in body[start:] else len(body)].strip()
        if module.split("/")[0].lstrip("@") in complex_apis:
            level, rule, pos, evidence = 3, "js.complex-api", start, line
            break
        if module not in ("fs", "node:fs") and level < 2:
            level, rule, pos, evidence = 2, "js.module", start, line
    if level < 3:
        found = _JS_ASYNC.search(body) or _P5_API.search(body)
        if found:
            level, rule, pos = 3, "js.async-or-framework", found.start()
            evidence = excerpt(body, found.start())
    if not evidence:
        evidence = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
    findings = [Finding("gen.code.javascript", level, rule, _short(evidence), pos)]
    findings.extend(_browser(body))
    js_regex = re.search(r"new RegExp\(\s*(['\"`])(.+?)\1|[=(,]\s*/((?:[^/\n\\]|\\.)+)/[gimsuy]*", body)
    if js_regex:
        pattern = js_regex.group(2) or js_regex.group(3) or ""
        findings.append(Finding("gen.regex", regex_level(pattern), "code.regex", _short(js_regex.group(0)),
                                js_regex.start()))
    return findings


def analyze_sql(body: str) -> list[Finding]:
    upper = body.upper()
    if re.search(r"^\s*WITH\b|\bWITH\s+RECURSIVE\b", upper, re.M) or re.search(r"\bOVER\s*\(", upper) and \
            re.search(r"\bWITH\b", upper):
        level, rule = 3, "sql.cte"
        match = re.search(r"\bWITH\b", upper)
    elif re.search(r"\bOVER\s*\(", upper):
        level, rule = 2, "sql.window"
        match = re.search(r"\bOVER\s*\(", upper)
    elif re.search(r"\bJOIN\b|\bGROUP BY\b|\(\s*SELECT\b", upper):
        level, rule = 2, "sql.join-group"
        match = re.search(r"\bJOIN\b|\bGROUP BY\b|\(\s*SELECT\b", upper)
    else:
        level, rule = 1, "sql.select"
        match = re.search(r"\bSELECT\b|\bCREATE\b|\bINSERT\b|\bUPDATE\b", upper)
    pos = match.start() if match else 0
    return [Finding("gen.code.sql", level, rule, excerpt(body, pos), pos)]


def analyze_html(body: str, lang: str) -> list[Finding]:
    lowered = body.lower()
    a11y = re.search(r"aria-|role=|@media|prefers-reduced-motion|<svg[^>]*>(?:.|\n){200,}</svg>", lowered)
    if a11y:
        level, rule, pos = 3, "html.responsive-a11y-svg", a11y.start()
    else:
        mid = re.search(r"<(?:form|table|input|select|textarea|header|main|footer|nav|section|article|svg|button)\b", lowered)
        if mid:
            level, rule, pos = 2, "html.forms-tables-semantic", mid.start()
        elif lang.lower() in ("css", "scss"):
            level, rule, pos = 2, "html.stylesheet", 0
        else:
            level, rule, pos = 1, "html.basic", 0
    findings = [Finding("gen.code.html", level, rule, excerpt(body, pos), pos)]
    script = re.search(r"<script>(.+?)</script>", body, re.S)
    if script and script.group(1).strip() and not script.group(1).strip().startswith("//"):
        findings.extend(f for f in analyze_js(script.group(1)) if f.prim != "tool.web")
    return findings


_FORMULA = re.compile(
    r"^[ \t]*([A-Za-z][\w ()²³/.-]{0,40}?)\s*=\s*([^=\n'\"`;{}]{1,200})$", re.M)
_ARITH_OP = re.compile(r"(?<=[\w)\s²³])\s*(?:[+*/×÷^]|-(?!-)|\*\*)\s*(?=[\w(.])")
_COMPOUND = re.compile(r"\^|\*\*|\\frac|[²³]|\bcompound\b|\bCAGR\b|\binterest\b|\bannuali[sz]ed\b|"
                       r"\bamortiz|\bpercentage chain|\bsqrt\b.*\^", re.I)
_FUNCTION_CALL = re.compile(r"\b(?:exp|log|ln|sqrt|sum|mean|avg|max|min|abs|round)\s*\(|Σ", re.I)
_CODEISH = re.compile(r"\b(?:def|return|import|const|let|var|function|print|self|export)\b|\[\d|::|->\s*\w|\bnew\b|\bif\b|=>"
                      r"|\$[({]|~/")


_PATH_LIKE = re.compile(r"\.[A-Za-z]\w{0,4}$|^[.~]?/|<|/.*/")
"""A value that names a file or folder (`docs/plan.md`, `./out`, `docs/<KEY>-tasks.md`)."""


def _arithmetic_ops(rhs: str) -> int:
    """The operators of an expression, leaving out the ones that join words: a hyphen
    with nothing around it (`acme-app-42`, `text-only`, `1-7`, `2026-05-01`: a slug, a
    compound, a range, a date) and the slashes of a path (`docs/cache-plan.md`)."""
    count = 0
    path = " " not in rhs and _PATH_LIKE.search(rhs) is not None
    for match in _ARITH_OP.finditer(" " + rhs + " "):
        op = match.group(0)
        if op == "-" or (op == "/" and path):
            continue  # unspaced: a hyphenated word, or a path
        count += 1
    return count


def formula_findings(text: str, rule: str = "arithmetic.formula") -> list[Finding]:
    """Formulas written out as `name = expression` (not code): one operator is
    single-step, several (or a function such as exp) multi-step, powers and
    financial compounding compound."""
    best: Finding | None = None
    for match in _FORMULA.finditer(text):
        lhs, rhs = match.group(1).strip(), match.group(2).strip()
        if _CODEISH.search(match.group(0)) or not rhs or rhs.startswith(("-", "http")):
            continue
        if len(lhs.split()) > 5 or lhs.endswith(("if", "when")):
            continue
        ops = _arithmetic_ops(rhs)
        if ops == 0 and not _FUNCTION_CALL.search(rhs):
            continue
        if _COMPOUND.search(rhs):
            level = 3
        elif ops >= 2 or _FUNCTION_CALL.search(rhs) or "(" in rhs:
            level = 2
        else:
            level = 1
        if best is None or level > best.level:
            best = Finding("reason.arithmetic", level, rule, _short(match.group(0).strip()), match.start())
    latex = re.search(r"\$\$(.+?)\$\$|\\frac\{", text, re.S)
    if latex:
        level = 3 if _COMPOUND.search(latex.group(0)) or "^" in text[latex.start(): latex.start() + 400] else 2
        if best is None or level > best.level:
            inner = latex.group(1) or text[latex.start(): latex.start() + 80]
            best = Finding("reason.arithmetic", level, "arithmetic.latex", _short(inner.strip()), latex.start())
    return [best] if best else []


_CALL_NOTATION = re.compile(
    r"(?<![\w.])([A-Z][A-Za-z]+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)\(\s*(\{|[A-Za-z_]\w*\s*[=:])")
_CALL_OPEN = re.compile(r"\((?<=[A-Za-z0-9]\()\s*(?:\{|[A-Za-z_]\w*\s*[=:])")
"""The end of every `_CALL_NOTATION` match (a name's last letter, then its arguments):
a quick test. Written from the parenthesis on, the letter before it a lookbehind: a
pattern that starts with a literal lets the regex engine skip to it, where one that
starts with a class (or `_CALL_NOTATION`'s lookbehind) is tried at every position."""
_CALL_ARG = re.compile(r"(?:^|[,({]\s*)[A-Za-z_]\w*\s*[=:](?!=)")


def tool_call_findings(text: str, *, names: str = "any") -> list[Finding]:
    """A tool call written out with its arguments: `update_issue(issueId=..., status='ignored')`,
    `Edit(file_path=..., old_string=...)`, `validate_node({nodeType: ...})`, "the Task tool
    with: subagent_type: ..., prompt: ...". Two or more named arguments or an object are
    structured arguments (tool.call.format 2), an object inside an object nested ones (3).
    `names`: which callees count: "any" (prose: the harness's tools and snake_case tool
    names), "snake" (JavaScript, where snake_case calls are not the language's own style)
    or "harness" (Python, where such calls are ordinary code)."""
    calls = "(" in text and ("=" in text or "{" in text or ":" in text)  # named arguments or an object
    calls = calls and _CALL_OPEN.search(text) is not None
    with_tool = names == "any" and " tool" in text
    if not (calls or with_tool):
        return []
    tools = words()["harness_tools"]
    best: Finding | None = None
    for match in (_CALL_NOTATION.finditer(text) if calls else ()):
        name = match.group(1)
        if name.lower() not in tools and (names == "harness" or name[0].isupper()):
            continue
        args = text[match.end(1) + 1: match.end(1) + 400].split(")\n", 1)[0]
        if match.group(2) != "{" and len(_CALL_ARG.findall(args)) < 2:
            continue
        level = 3 if re.search(r"\{[^{}]*\{", args) else 2
        if best is None or level > best.level:
            best = Finding("tool.call.format", level, "call.notation", _short(text[match.start(): match.start() + 100]),
                           match.start())
    if best is None and with_tool:
        for match in _TOOL_WITH.finditer(text):
            if match.group(1).lower() in tools and len(_LISTED_ARG.findall(text[match.end(): match.end() + 300])) >= 2:
                best = Finding("tool.call.format", 2, "call.tool-with-arguments",
                               _short(text[match.start(): match.start() + 100]), match.start())
                break
    return [best] if best else []


_LISTED_ARG = re.compile(r"(?:^|[\n,({])\s*(?:[-*]\s+)?`?[A-Za-z_]\w*`?\s*[=:](?!=)")
_TOOL_WITH = re.compile(r"\b([A-Z][A-Za-z]+) tool\b[^.\n]{0,20}?\b(?:with|parameters|arguments)\b\W*")


SPELLED_ARGUMENTS_WINDOW = 1500
"""Characters after a harness tool's name in which the skill spells out its arguments
(the prose that names the tool, then the block that shows the call)."""
SPELLED_ARGUMENTS_MENTIONS = 32
"""Places a tool is named that are read for its arguments (the first ones): a skill
names a tool a few times; a text that names it thousands of times costs no more."""


@cache
def _harness_argument_patterns() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    """Per harness tool with structured arguments (capability_rules.json's
    `harness_tool_arguments`): its name, where the text names it as the tool, and one of
    its argument names written as a key (`header:`, `subagent_type=`, `"options":`). A
    name that is an English word (`Task`, `Agent`: one capital) names the tool only as
    `` `Task` ``, "Task tool" or `Task(`; a compound name (`AskUserQuestion`) anywhere."""
    out = []
    for tool, arguments in load_data("capability_rules.json").get("harness_tool_arguments", {}).items():
        name = re.escape(tool)
        word = sum(c.isupper() for c in tool) <= 1
        mention = (rf"`{name}`|\b{name}(?: tool\b|\()" if word else rf"(?<![\w-]){name}(?![\w-])")
        alternatives = _alternation(arguments)
        # a key of the tool's own case anywhere; any case where a line (or list item) starts
        # with it ("Question: ...", "- Header: ...", "Options:" written as a form to fill)
        key = (rf"(?:^|[\s({{,\"'`])(?:\*\*)?[\"'`]?({alternatives})[\"'`]?(?:\*\*)?\s*[:=]"
               rf"|^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?(?i:({alternatives}))(?:\*\*)?[ \t]*:")
        out.append((tool, re.compile(mention), re.compile(key, re.MULTILINE)))
    return tuple(out)


def spelled_out_call(text: str) -> tuple[str, list[str], int] | None:
    """The first harness tool with structured arguments (`AskUserQuestion`, the `Task`
    tool ...) that `text` names and then spells out two or more of its own arguments for
    within `SPELLED_ARGUMENTS_WINDOW` characters ("Use `AskUserQuestion` ... questions:
    - question: ... header: ... options: ..."): (tool, the argument names, where it is
    named), else None. The arguments are the tool's own, in their own case, or in any case
    where a line starts with one ("Header: ...", "- Options:")."""
    for tool, mention, key in _harness_argument_patterns():
        if tool not in text:
            continue
        for match in islice(mention.finditer(text), SPELLED_ARGUMENTS_MENTIONS):
            window = text[match.end(): match.end() + SPELLED_ARGUMENTS_WINDOW]
            names = sorted({(m.group(1) or m.group(2)).lower() for m in key.finditer(window)})
            if len(names) >= 2:
                return tool, names, match.start()
    return None


_MD_HEADING_LINE = re.compile(r"^\s{0,3}#{1,4}\s+\S", re.MULTILINE)
_FILL_IN = re.compile(r"\[[A-Z][\w .'/-]{1,40}\]|<[a-z][\w .'/-]{1,40}>|\{[a-z_][\w .-]{1,30}\}|\bYYYY-MM-DD\b|\bX+\b")


def template_sections(body: str) -> int:
    """How many headings a markdown template has."""
    return len(_MD_HEADING_LINE.findall(body))


def is_document_template(lang: str, body: str) -> bool:
    """A markdown skeleton to fill in: a markdown (or untagged) block with at least two
    headings, or one heading and blanks to fill (`[Project Name]`, `<type>`, `{date}`)."""
    if lang.lower() not in ("markdown", "md", "") and language_family(lang) != "plain":
        return False
    headings = len(_MD_HEADING_LINE.findall(body))
    if headings < 1 or (lang.lower() not in ("markdown", "md") and code_language(lang, body) != "plain"):
        return False
    return headings >= 2 or bool(_FILL_IN.search(body))


def analyze_plain(body: str) -> list[Finding]:
    findings = formula_findings(body) + tool_call_findings(body)
    pcre = re.search(r"pcre\s*:\s*\"/(.+?)/[a-zA-Z]*\"", body)
    if pcre:
        findings.append(Finding("gen.regex", regex_level(pcre.group(1)), "code.pcre", _short(pcre.group(0)),
                                pcre.start()))
    return findings


_LENGTH_UNIT = r"\s*\d+\s*(?:char|character|word|line|token|byte)s?\b"
_FORMAT_CONSTRAINTS = (
    # each kind: its patterns (one regex split where a part of it would make the search
    # try every position of the text: see `cue_at`), any of which sets it
    ("a length limit", (re.compile(r"\b(?:under|at most|no more than|max(?:imum)?|less than|fewer than|<=?)"
                                   + _LENGTH_UNIT, re.I),
                        re.compile(r"\b≤" + _LENGTH_UNIT, re.I))),
    ("a date format", (re.compile(r"\bYYYY[-/]?MM[-/]?DD\b|\bISO[ -]?8601\b"),)),
    ("an id pattern", (re.compile(r"\b[A-Z]{2,}-(?:N{2,}|X{2,}|\d{3})\b|\b[A-Z]{2,}-YYYY"),)),
    ("an exact shape or order", (re.compile(
        r"\bexactly (?:this|these|the following|as (?:shown|follows|below)|\d+|one|two|three|four|five|six)\b|"
        r"\bin this (?:exact )?order\b|\bthis exact (?:shape|format|structure|template)\b|"
        r"\bverbatim (?:structure|format|template|headings?)\b|\buse (?:this|the) (?:template|structure|format) verbatim\b",
        re.I),)),
    ("a closed set of values", (re.compile(r"\b(?:must|should) be one of\b|\bone of:", re.I),)),
    ("its first line", (re.compile(r"\bfirst line\b", re.I),)),
    ("an order of items", (re.compile(r"\bsorted by\b|\bin (?:descending|ascending) order\b", re.I),)),
    ("a letter case", (re.compile(r"\b(?:kebab|snake|camel|Pascal)[- ]?case\b|"
                                  r"\b(?:lower|upper)-?case (?:names?|letters?|only|with|identifiers?|keys?|slugs?)\b",
                                  re.I),)),
)
"""Kinds of format constraint a text can set beside a template (follow.format 3, "several
format constraints at once"): each kind counts once, however often it occurs."""
_FORMAT_GATES = {"an id pattern": re.compile(r"-(?:NN|XX|YYYY|\d{3})")}
"""What every match of a kind's patterns holds, searched first where those patterns start
with no literal (this one starts with a literal, which the engine finds quickly)."""


_COMMAND_SPAN = r"`(?:\./)?[a-z][\w.-]* [^`\n]+`"
"""A command in backticks: a lower-case word and its arguments (not `"red"`, `Status: Draft`
or `help(fn)`)."""
_CHAINED_COMMANDS = (
    re.compile(_COMMAND_SPAN + r"\s*(?:→|->|⇒)\s*[^\n]{0,40}" + _COMMAND_SPAN),  # `a x` → `b y`
    re.compile(_COMMAND_SPAN + r"[^.\n]{0,40}\bthen\b[^.\n]{0,20}" + _COMMAND_SPAN, re.I),  # run `a x`, then `b y`
    re.compile(r"FROM_STEP|\bfrom step \d|\boutput of (?:the )?(?:previous|last) (?:command|step)", re.I),
)
"""Places where a text chains commands: one command leads to the next by an arrow or a
"then", or a command takes what an earlier step or command gave."""


def chained_command_places(text: str, folded: str | None = None) -> int:
    """How many places of `_CHAINED_COMMANDS` `text` holds; `folded`: the text folded
    (`skillir.casefold.fold`), when the caller has it."""
    folded = fold(text) if folded is None else folded
    return sum(sum(1 for _ in _all_matches(pattern, text, folded)) for pattern in _CHAINED_COMMANDS)


def format_constraint_kinds(text: str, folded: str | None = None) -> list[str]:
    """The kinds of `_FORMAT_CONSTRAINTS` that `text` sets, in table order; `folded`:
    the text folded (`skillir.casefold.fold`), when the caller has it."""
    folded = fold(text) if folded is None else folded
    return [name for name, patterns in _FORMAT_CONSTRAINTS
            if (name not in _FORMAT_GATES or _FORMAT_GATES[name].search(text))
            and any(cue_at(pattern, text, folded) is not None for pattern in patterns)]


def _all_matches(pattern: re.Pattern[str], text: str, folded: str):
    """`pattern.finditer(text)`, tried only where a match can start (`_matches`) or, when
    the pattern has no such literals, only on a text that holds what every match needs
    (`_needs`; `folded`: the text folded, `skillir.casefold.fold`)."""
    if _starts(pattern) is not None:
        return _matches(pattern, text, folded)
    return pattern.finditer(text) if _needs(pattern)(folded) else iter(())


def structured_size_level(body: str) -> int:
    """gen.text.structured level of a JSON/YAML sample: flat and small, nested, big."""
    size = len(body.encode("utf-8"))
    depth = 0
    max_depth = 0
    for ch in body:
        if ch in "{[":
            depth += 1
            max_depth = max(max_depth, depth)
        elif ch in "}]":
            depth -= 1
    if not max_depth:  # yaml: indentation depth
        indents = {len(ln) - len(ln.lstrip(" ")) for ln in body.splitlines() if ln.strip()}
        max_depth = len(indents)
    if size > 5000:
        return 3
    if size > 500 or max_depth > 1:
        return 2
    return 1


def analyze_code(lang: str, body: str, family: str | None = None) -> list[Finding]:
    """Requirements of one code block, by its language and content. `family`: the
    block's `code_language`, when the caller has it already."""
    if family is None:
        family = code_language(lang, body)
    if family == "python":
        return analyze_python(body) + tool_call_findings(body, names="harness")
    if family == "shell":
        return analyze_shell(body)
    if family == "js":
        return analyze_js(body) + tool_call_findings(body, names="snake")
    if family == "sql":
        return analyze_sql(body)
    if family == "html":
        return analyze_html(body, lang)
    if family == "plain":
        return analyze_plain(body)
    if family == "structured":
        return analyze_structured(body)
    return []


def analyze_structured(body: str) -> list[Finding]:
    """A JSON/YAML/TOML/HCL block: a sample of what the model writes, at its size."""
    if not body.strip():
        return []
    line = next((ln.strip() for ln in body.splitlines() if re.search(r"\w", ln)), body.strip())
    return [Finding("gen.text.structured", structured_size_level(body), "code.structured-sample",
                    _short(line), body.find(line))]


# ---------------------------------------------------------------------------
# prose


@dataclass(frozen=True, slots=True)
class ProseRule:
    """A prose rule: its regex runs only on lines holding one of its trigger words."""

    prim: str
    level: int
    name: str
    pattern: re.Pattern[str]
    triggers: frozenset[str]
    also: frozenset[str] | None = None
    """When set, the text must also hold one of these words (a cheap second gate)."""


def _p(regex: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(regex, flags)


def _forms(spec: str) -> frozenset[str]:
    """Trigger words: 'calculat+e,es,ed,ing,ion' expands a stem with endings."""
    out: set[str] = set()
    for item in spec.split():
        if "+" in item:
            stem, endings = item.split("+", 1)
            out.update(stem + e for e in endings.split(","))
        else:
            out.add(item)
    return frozenset(out)


_S = r"[^.!?\n|]"  # stay inside the sentence (and the table cell)
_DISPATCH_WITH = (rf"\b(?i:dispatch|invoke|launch|spawn|call|pass|run)\w*\b{_S}{{0,60}}?\b(?i:with|passing)\b:?\s*"
                  r"(?:\n\s*[-*]\s*)?`?[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+`?")
"""A sub-agent or tool handed an upper-case named input ("Dispatch `x` with `PLAN_PATH`"):
the two tool.call.format rules add what follows the name (a value, or more names)."""
_DISPATCH_FORMS = _forms("dispatch dispatches dispatching invoke invokes launch launches spawn spawns call calls pass run")
_DOC_FILE = (r"(?<![\w/.-])(?:\.\.?/)*\.?[\w<>{}-][\w.<>{}-]*(?:/[\w.<>{}-]+)*"
             r"\.(?:md|txt|json|jsonl|ya?ml|csv|html|pdf|png|svg|xlsx|docx|pptx|xml|toml)\b")
"""A document or data file's path (never a script: a script named is run, not written),
hidden (`.agents/PROJECT.md`) or relative to the parent (`../notes/PITFALLS.md`) too."""
_TOKEN = re.compile(r"[a-z0-9]+(?:[-_'][a-z0-9]+)*")
_CONFIG_EXT = "json|toml|ya?ml|lock|txt|md|cfg|ini|xml|gradle|mod|csproj|config"
"""Extensions of the files a project keeps its setup and notes in (manifests, lock
files, configuration, changelogs): a check of one of them reads it."""
_V_READ = "read reads reading open opens load loads consult parse study"
_V_WRITE = "write writes writing save saves create creates output outputs export store produce"
_V_BUILD_UI = ("build builds building create creates creating write writes writing design designs designing "
               "generate make makes making code coding style styling")
"""The verb forms that build a web UI (as verbs only: "Designer", "styles" are nouns)."""
_CALC = "calculat+e,es,ed,ing,ion,ions comput+e,es,ed,ing,ation,ations multiply divide sum add"
_PARALLEL = "parallel concurrently simultaneously same"


@cache
def prose_rules() -> tuple[ProseRule, ...]:
    """Every prose rule, most demanding first within a primitive."""
    return _with_second_words(_prose_rules())


@cache
def _may_match(index: int) -> Callable[[str], bool]:
    """The test of what every match of prose rule `index` contains
    (`skillir.security.prefilter`): False when the folded text (`skillir.casefold.fold`)
    lacks it, and then the rule's regex cannot match. Built the first time the rule wakes: reading a
    pattern's tree costs about as much as compiling it, and a small skill wakes few rules."""
    return checker(required(prose_rules()[index].pattern)) or _any_text


def _any_text(lowered: str) -> bool:
    return True


def _screen(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """A test of a whole text (any text): False only when `pattern` cannot match it."""
    test = checker(required(pattern))
    if test is None:
        return _any_text
    return lambda text: not text.isascii() or test(text.lower())


def _prose_rules() -> tuple[ProseRule, ...]:
    w = words()
    packages = _alternation(w["python_packages"])
    web_ui = _alternation(w["web_ui_nouns"])
    package_words = frozenset(t for p in w["python_packages"] for t in _TOKEN.findall(p))
    ui_words = frozenset(t for p in w["web_ui_nouns"] for t in _TOKEN.findall(p))
    R = ProseRule
    return (
        # files
        R("tool.file.read", 3, "read.large-files", _p(
            rf"\b(?:read|open|view|load|inspect|scan|review|go through)\b{_S}{{0,30}}?\b(?:large|huge|big|long) (?:log )?files?\b"
            rf"|\bread{_S}{{0,40}}\b(?:in chunks|by offset|line range|with an offset)\b"),
          _forms("large huge big long chunks offset")),
        R("tool.file.read", 2, "read.many-files", _p(
            rf"\b(?:read|open|load|skim|scan|review|inspect|go through)\b{_S}{{0,40}}?\b(?:all|each|every|both|multiple|several|relevant|other|changed|a few|specified|given|listed|matching|existing|related|surrounding)\b{_S}{{0,25}}?\b(?:files?|pages|documents|documentation|images|source code|code)\b"
            rf"|\b(?:use|using|with)\s+(?:the\s+)?(?:Glob|Grep)(?:\s*(?:/|and|or)\s*(?:Glob|Grep))?\b(?:\s+tools?)?"
            rf"|\bread\b\W{{0,4}}(?:all|each|every)\b{_S}{{0,10}}?`[^`\n]*\*[^`\n]*`"
            rf"|\bread\b{_S}{{0,40}}?`[^`]+`{_S}{{0,20}}\band\b{_S}{{0,20}}(?:`[^`]+`|docs|files)"),
          _forms(_V_READ + " skim scan review inspect glob grep")),
        # "Read `.claude/log.csv` if it exists", "check if a `NEWS.md` file exists. If it does, read ..."
        R("tool.file.read", 2, "read.if-exists", _p(
            rf"\b(?:read|open|load|check|look for|parse)\b{_S}{{0,40}}?(?:`[^`\n]*\.[A-Za-z]{{1,5}}`|\bfiles?\b)"
            rf"{_S}{{0,30}}?\b(?:if (?:it |they |one |any )?(?:exists?|present|available)|(?:exists?|is present)\b{_S}{{0,5}}?\bif it does"
            rf"|if (?:it is |it's )?missing|(?:do|does)(?:n't| not) exist|(?:is|are) (?:missing|absent))"),
          _forms("read reads open load check look parse")),
        R("tool.file.read", 1, "read.tool", _p(
            r"\b(?:use|using|with)\s+(?:the\s+)?(?:Read|read_file|view_file|view)\s+tool\b", 0),
          _forms("read read_file view_file view")),
        R("tool.file.read", 1, "read.file", _p(
            rf"\b(?:read|open|load|consult|parse|study)\b(?!\s+(?:more|about|the source\b))(?:\*\*)?{_S}{{0,45}}?"
            rf"(?:`[^`\n]*\.[A-Za-z]{{1,5}}`|\b(?:file|README|template|config(?:uration)? file)\b|(?<![\w/.-])[\w.-]+(?:/[\w.-]+)*\.(?:md|txt|json|ya?ml|csv|log)\b)"
            rf"|\b(?:refer to|based on|per|check|follow|consult|load|read|open|use|work through|walk through|(?:select|choose|pick|apply)\b{_S}{{0,30}}?\bfrom)\b{_S}{{0,30}}?[`\[(]?\b(?:references?|resources?|docs|guides?|examples?|templates?|assets|rules|standards|protocols|checklists|playbooks|workflows|instructions|knowledge)/[\w./*-]+\.(?:md|txt|json|ya?ml)\b"
            # "Follow the guide in `x.md`", "Use the template at ~/.pi/prompts/spec.md", "Determine
            # the range from [sector-wacc.md](sector-wacc.md)": a document to read ("See x.md"
            # stays a pointer: test_a_pointer_to_a_reference_is_not_a_read)
            rf"|\b(?:follow|apply|consult|determine|use|using)\b{_S}{{0,40}}?\b(?:in|at|from)\s+[`\[(]?[\w./~-]+\.(?:md|mdx|txt)\b"),
          _forms(_V_READ + " refer based per check follow use using work walk select choose pick apply determine")),
        # "Check `package.json` for a styling library", "Look for `pom.xml`", "check if a `NEWS.md` file exists"
        R("tool.file.read", 1, "read.check-file", _p(
            rf"\b(?:check|look (?:for|at|in)|inspect|examine)\b{_S}{{0,40}}?`[\w./*-]*\.(?:{_CONFIG_EXT})`"),
          _forms("check checks look inspect examine")),
        R("tool.file.write", 3, "write.many-files", _p(
            rf"\b(?:write|create|generate|output|produce|save)\b{_S}{{0,40}}?\b(?:multiple|several|many|separate|\d+)\b{_S}{{0,20}}?\bfiles\b"),
          _forms("files")),
        R("tool.file.write", 2, "write.document-file", _p(
            rf"\b(?:write|create|save|generate|build|output|produce|export)\b{_S}{{0,50}}?"
            rf"(?:\.html?\b|\bhtml (?:file|artifact|page)|\bweb ?page\b|\blanding page\b|\b(?:markdown|\.md|report|docx|pptx|xlsx) (?:file|document)\b|\.(?:docx|pptx|xlsx)\b)"),
          _forms("html htm webpage web page landing markdown md report docx pptx xlsx")),
        # "Write to `docs/roadmap.md`", "Create LESSONS.md files", "Save in project `./docs/design-guideline.md`":
        # a Markdown document written whole (an update, an appended entry, a record stay level 1)
        R("tool.file.write", 2, "write.markdown-document", _p(
            rf"\b(?:write|create|save|generate|produce)\b"
            rf"(?!\s+(?:a |an |the |your )?(?:short |brief |one-line )?(?:short|brief|one-line|summary|note|line|entry|log)\b)"
            rf"{_S}{{0,40}}?"
            rf"(?:`[^`\n]*\.md`|(?<![\w/.-])[\w.{{}}<>-]+(?:/[\w.{{}}<>-]+)*\.md\b)"),
          _forms("write writes create creates save saves generate generates produce produces")),
        R("tool.file.write", 1, "write.file", _p(
            rf"\b(?:write|save|create|output|export|store|produce)\b{_S}{{0,45}}?\b(?:to|into|as|in)\b\s*(?:a |the )?(?:new )?(?:project |repo |repository )?"
            rf"(?:`[^`\n]*\.[A-Za-z]{{1,5}}`|\bfiles?\b|[\w/-]+\.(?:csv|json|md|txt|html|xlsx|docx|pptx|pdf|png|yaml|yml)\b)"
            rf"|\b(?:create|write|save)\b:?\s+(?:a |the )?(?:new )?(?:\w+ )?(?:file|`[^`\n]*\.[A-Za-z]{{1,5}}`)"
            rf"|\b(?:edit|modify|overwrite)\w*\b{_S}{{0,30}}?(?:`[^`\n]*\.[A-Za-z]{{1,5}}`|\bfiles?\b)"
            rf"|\bfile\b{_S}{{0,10}}\band (?:change|edit|update|modify)\b"
            # a document or data file named bare as what is made ("Create LESSONS.md files",
            # "Produce _FEATURES.md", "Update this index (README.md)"), or where notes go
            # ("record ... in references/PITFALLS.md"), or a folder things are saved to (like
            # every alternative, only on a line that names a file or a file type)
            rf"|\b(?:create|write|save|produce|generate|update)\b\s+(?:a |an |the |this |your )?(?:new )?(?:\w+ ){{0,2}}?[(`]?"
            rf"{_DOC_FILE}"
            rf"|\b(?:add|append|record)\b{_S}{{0,50}}?\b(?:to|in|into)\s+(?:the\s+|your\s+(?:project's\s+)?)?`?{_DOC_FILE}"
            rf"|\b(?:save|write|store|export)\b{_S}{{0,40}}?\b(?:to|into|under)\s+`?(?:\./)?[\w.<>{{}}-]+/"
            # a file the skill's work leaves ("Report saved to: Q1.xlsx", "`brief.md` written to
            # `.agent/`", "Save the completed artefact at: `docs/plan.md`")
            rf"|(?:\b(?:saved|written|stored|exported)\b:?\s+(?:to|into|at|as|under)|\bsave\b{_S}{{0,40}}?\bat)\b:?\s*"
            rf"(?:`[^`\n]*\.[A-Za-z]{{1,5}}`|[\w/<>{{}}\[\].-]+\.(?:csv|json|md|txt|html|xlsx|docx|pptx|pdf|png|ya?ml)\b)"),
          _forms(_V_WRITE + " edit+,s,ing,ed modify overwrite file update+,s,d add+,s append+,s record+,s"
                 " saved written stored exported")),
        # the harness's own file tools named as what to use ("Use `Edit` to add ...", "apply
        # via `Edit`", "Create new files with Write tool")
        R("tool.file.write", 1, "write.harness-tool", _p(
            r"(?-i:`(?:Edit|Write|MultiEdit)`(?!\s*(?:permission|access))|\b(?:Edit|Write|MultiEdit) tool\b)"),
          _forms("edit write multiedit")),
        # running things
        R("tool.exec", 1, "exec.run", _p(
            rf"\b(?:run|execute|invoke|re-?run)\b(?:\*\*)?:?\s*{_S}{{0,30}}?\b(?:command|commands|script|scripts|tests?|test suite|suite|build|linter|verifications?|checks?)\b"),
          _forms("run runs rerun re-run execute invoke")),
        # reasoning
        R("reason.arithmetic", 1, "arithmetic.calculate", _p(
            rf"\b(?:calculat\w*|comput\w*|multiply|divide|sum up|add up)\b{_S}{{0,30}}?\b(?:total|sum|average|mean|percentages?|percent|ratio|rates?|scores?|mass|cost|price|tax|interest|growth|difference|gains?|coefficients?|points|values?)\b"),
          _forms(_CALC)),
        R("reason.logic", 3, "logic.optimisation", _p(
            rf"\b(?:optimi[sz]\w*|minimi[sz]\w*|maximi[sz]\w*|optimal)\b{_S}{{0,30}}?\b(?:cost|schedul\w*|assignment|allocation|objective|makespan|route|solution|plan)\b"),
          _forms("optimize optimise optimizes optimises optimizing optimising optimization optimisation "
                 "minimize minimise minimizes minimizing minimization maximize maximise maximizes maximizing optimal")),
        R("reason.logic", 2, "logic.multi-constraint", _p(
            r"\bmulti-condition\b|\bmultiple conditions\b|\bcombin\w* (?:the |these |all )?conditions\b|\bmathematical constraints\b"
            r"|\bconstraint satisfaction\b|\bsatisf\w+ (?:all|every|each|the) constraints?\b|\btruth table\b|\bboolean (?:logic|conditions)\b"),
          _forms("multi-condition conditions constraints constraint truth boolean")),
        # "Determine which category fits", "decide which candidates are real", "determine whether you are
        # creating a new deck or editing one": a choice the model makes from conditions
        R("reason.logic", 1, "logic.decide-which", _p(
            r"(?<!cannot )(?<!can't )\b(?:determine|decide|figure out|work out)\s+(?:which|whether)\b"),
          _forms("determine decide figure work")),
        R("reason.spatial", 3, "spatial.3d-spherical", _p(
            r"\bhaversine\b|\bgreat[- ]circle\b|\blatitude\b.*\blongitude\b|\bspherical (?:distance|geometry|coordinates)\b|\b3D (?:distance|rotation|coordinates|geometry)\b"),
          _forms("haversine great-circle circle latitude spherical 3d")),
        R("reason.spatial", 2, "spatial.area-transform", _p(
            rf"\b(?:calculat\w*|comput\w*|determin\w*)\b{_S}{{0,30}}?\b(?:area|perimeter|centroid|rotation|bounding box|intersection|polygon)\b"),
          _forms("area areas perimeter centroid rotation bounding intersection polygon")),
        R("reason.spatial", 1, "spatial.distance", _p(
            rf"\b(?:calculat\w*|comput\w*|measur\w*)\b{_S}{{0,30}}?\b(?:distance|bearing|direction|angle)\b"),
          _forms("distance distances bearing direction angle")),
        R("reason.planning", 3, "planning.recovery", _p(
            rf"\b(?:contingency|rollback|roll-back|fallback|recovery)\b{_S}{{0,20}}?\b(?:plan|strategy|procedure)\b"),
          _forms("contingency rollback roll-back fallback recovery")),
        R("reason.planning", 2, "planning.make-plan", _p(
            r"\b(?:create|draft|write|make|produce|brainstorm|build|propose|develop)\s+(?:(?:a|an|the|your|short|concise|detailed|clear|fix|design|implementation|migration|test|action|rollout|new)\s+){0,3}(?:plan|roadmap)s?\b(?!\s+(?:file|mode|items?))"
            rf"|\b(?:break|decompose|split)\b{_S}{{0,25}}?\b(?:into|down)\b{_S}{{0,25}}?\b(?:tasks|steps|subtasks|sub-tasks|pieces|phases|scenarios|components|subsystems|modules|work items|chunks|milestones)\b"
            rf"|\bprioriti[sz]e\b{_S}{{0,20}}?\b(?:by|groups?|tasks?|the work|fixes|items|findings|issues|candidates|what)\b"
            rf"|\b(?:spawn|launch|dispatch|fan out|start)\w*\b{_S}{{0,20}}?\b(?:\d+|two|three|four|five|several|multiple|parallel|separate)\b{_S}{{0,20}}?\b(?:sub-?agents?|agents|workers)\b"
            rf"|\bindependent\b{_S}{{0,40}}?\b(?:tasks|problems|domains|subsystems|failures|sub-?tasks|investigations)\b"),
          _forms("plan plans roadmap break decompose split independent prioritize prioritise spawn spawns launch "
                 "launches dispatch fan start")),
        R("reason.planning", 3, "planning.escalation", _p(
            rf"\bescalat\w+\b{_S}{{0,20}}?\b(?:ladder|path|checkpoints?|order|levels?|rules?)\b"
            rf"|\beach (?:stage|phase|level|tier) gates\b|\bgates? the next (?:stage|phase|step)\b"),
          _forms("escalation escalate escalating escalates each gates")),
        R("reason.planning", 3, "planning.retry-limits", _p(
            r"\b(?:after|max(?:imum)?\.?|up to|at most)\s+(?:\d+|one|two|three|four|five)\s+(?:[\w-]+\s+){0,2}?(?:attempts?|retries|tries|failures|iterations|rounds)\b"
            r"|\bretry (?:once|twice|up to)\b|\bretry caps?\b|\b(?:exit|stop|halt(?:ing)?) (?:conditions?|criteria)\b"
            r"|\bescalat\w+ (?:triggers?|to the user)\b"),
          _forms("after max maximum up most retry exit stop halt halting escalation escalate escalates escalating")),
        R("reason.planning", 2, "planning.decide-up-front", _p(
            rf"\b(?:plan|outline|map out)\b{_S}{{0,40}}?\b(?:up front|upfront|before (?:running|starting|executing|acting|writing|touching) (?:anything|any|code|it))\b"),
          _forms("plan outline map")),
        R("reason.planning", 1, "planning.order", _p(
            rf"\b(?:map out|resolve|order|sort)\b{_S}{{0,25}}?\bdependenc\w+|\bdependenc\w+{_S}{{0,40}}?\b(?:order|before starting)\b|\bsolve in order\b"),
          _forms("dependency dependencies solve")),
        R("reason.analysis", 3, "analysis.root-cause", _p(
            r"\broot[- ]cause\b|\bsecurity (?:review|audit)\b|\battack surface\b|\bvulnerabilit(?:y|ies)\b(?! (?:scan|database|feed))"),
          _forms("root root-cause security attack vulnerability vulnerabilities")),
        R("reason.analysis", 2, "analysis.debug-review", _p(
            rf"\b(?:debug|diagnose|troubleshoot)\s+(?:the|a|an|any|this|that|these|it|why|what|failing|failures?|errors?|issues?|problems?|bugs?|crash\w*|tests?|builds?|code|\w+ing)\b"
            rf"|\b(?:debugging|diagnosing|troubleshooting)\s+(?:the|a|an|any|this|failing|failures?|errors?|issues?|problems?|bugs?|crash\w*|tests?|builds?|code)\b"
            rf"|\bfind (?:the |any )?(?:bugs?|issues?|errors?)\b"
            rf"|\breview\b{_S}{{0,15}}?\b(?:code|changes|diff|pr|pull request|plan|critically)\b"
            rf"|\b(?:analy[sz]\w*|inspect\w*|investigat\w*|examin\w*)\b{_S}{{0,25}}?\b(?:logs?|failures?|failing|traffic|errors?|stack traces?|crash\w*|diffs?|packets?|pcaps?|requests?|test output)\b"
            rf"|\bidentify (?:any )?(?:concerns|issues|problems|bugs)\b"
            # "read the log to diagnose", "interpret validation errors", "trace execution paths",
            # "investigate the cause", "is this a code bug? a test bug?"
            rf"|\bto (?:diagnose|debug|troubleshoot)\b"
            rf"|\binterpret\w*\b{_S}{{0,20}}?\b(?:errors?|results?|output|findings|logs?|warnings?|failures?)\b"
            rf"|\binvestigat\w*\b{_S}{{0,20}}?\b(?:cause|why)\b"
            rf"|\btrac(?:e|ing)\b{_S}{{0,20}}?\b(?:execution|code|call|data|control)[ -](?:paths?|flows?)\b"
            rf"|\bis (?:this|it) a (?:code|test|real|true|false|flaky)\b"
            # "diagnose and resolve", "scan every project for Oracle indicators", "identify pain points"
            rf"|\b(?:diagnose|analy[sz]e|debug|troubleshoot)\s+and\s+(?:fix|resolve|repair|correct)\b"
            rf"|\bscan\b{_S}{{0,40}}?\bfor\s+(?:[\w-]+\s+){{0,2}}?(?:indicators?|issues|violations|vulnerabilit(?:y|ies)|anti-patterns|smells|risks|gaps|signs)\b"
            rf"|\bidentify\b{_S}{{0,20}}?\b(?:pain points|risks|gaps|bottlenecks|root causes?|failure modes)\b"),
          _forms("debug debugging diagnose diagnosis diagnostic diagnostics troubleshoot troubleshooting find review "
                 "analyze analyse analyzes analyses analyzing analysing analysis inspect inspects inspecting "
                 "investigate investigating examine examining identify to interpret interpreting trace tracing is "
                 "scan")),
        R("reason.analysis", 2, "analysis.review-classify", _p(
            rf"\b(?:review|reviewing|reviews|audit|auditing|audits)\b{_S}{{0,30}}?\b(?:code|pull requests?|PRs?|changes|diffs?|tests?|test suites?|implementation|codebase|query plans?)\b"
            rf"|\bclassify\b{_S}{{0,20}}?\b(?:failures?|errors?|findings?|issues?|bugs?)\b"
            r"|\b(?:logic|compile|runtime) (?:errors?|bugs?)\b"
            rf"|\b(?:map|identify|find)\b{_S}{{0,20}}?\b(?:existing patterns|anomalies|entry points|call sites|code paths)\b"
            r"|\bEXPLAIN ANALYZE\b|\bquery plans?\b"),
          _forms("review reviewing reviews audit auditing audits classify logic compile runtime map identify find explain query plan plans")),
        R("reason.analysis", 2, "analysis.evaluate", _p(
            rf"\b(?:evaluate|assess|judge|weigh|critique|distinguish|triage)\b{_S}{{0,40}}?"
            rf"\b(?:evidence|claims?|quality|completeness|accuracy|severity|impact|risks?|whether|between|against|findings?|"
            rf"options|trade-?offs|sources?|credibility|conflicts?|merits|strengths|weaknesses)\b"),
          _forms("evaluate assess judge weigh critique distinguish triage")),
        R("reason.analysis", 1, "analysis.understand", _p(
            rf"\b(?:understand|explain|describe|summari[sz]e)\b{_S}{{0,20}}?\bwhat\b{_S}{{0,20}}?\b(?:code|function|test|script|module)s?\b{_S}{{0,15}}\b(?:does|verifies|do)\b"
            rf"|\b(?:understand|explain|describe|summari[sz]e)\s+what\b{_S}{{0,20}}?\b(?:changed|was (?:actually )?(?:done|changed)|happened)\b"
            rf"|\bderive\b{_S}{{0,40}}?\bfrom the (?:diff|changes|logs?|commits?)\b"),
          _forms("understand explain describe summarize summarise derive")),
        # tools
        R("tool.call.batch", 2, "batch.parallel-calls", _p(
            rf"\b(?:in parallel|concurrently|simultaneously|at the same time|in the same (?:response|message|turn)|parallel (?:dispatch|tool calls?|agents?|subagents?))\b"
            rf"(?={_S}{{0,60}}?\b(?:calls?|agents?|subagents?|sub-agents?|dispatch\w*|reads|requests|searches|tasks|tools?)\b)"
            rf"|\b(?:calls?|agents?|subagents?|sub-agents?|dispatch\w*|reads|searches|tool calls?)\b{_S}{{0,60}}?\b(?:in parallel|concurrently|simultaneously|in the same (?:response|message|turn))\b"),
          _forms(_PARALLEL)),
        R("tool.call.batch", 2, "batch.per-item-calls", _p(
            r"\bfor (?:each|every)\b[^.\n:]{0,40}?[,:]\s*(?:\*\*)?(?:fetch|call|query|search|look up|download|request|invoke|scrape)\b"
            r"|(?:^|[.:!]\s+|\d\.\s+|[-*]\s+)(?:then\s+)?(?:fetch|call|query|search|look up|download|request|invoke|scrape)\b(?!\s+(?:graph|stack|site))[^.\n,;)]{0,50}?\bfor (?:each|every)\b"
            r"|\bbatch API\b|\binvoke_parallel\b"),
          _forms("each every batch invoke_parallel")),
        R("tool.call.format", 2, "call.structured-arguments", _p(
            rf"\b(?:MCP|function[- ]call(?:ing)?|tool[- ]call)\b{_S}{{0,40}}?\b(?:arguments?|parameters?|JSON|schema)\b"),
          _forms("mcp function-call function-calling tool-call function tool")),
        # "Use `update_store_flow` with `critical=true`", "Call `fetch_api` with `language` = ...": a tool named
        # in code (snake_case, as tool names are) called with the arguments the text gives it
        R("tool.call.format", 2, "call.named-tool-with", _p(
            r"\b(?i:call|invoke|use|run)\s+(?:the\s+)?`[a-z][a-z0-9]*(?:_[a-z0-9]+)+`(?:\s+tool)?\s+(?:with|passing)\b", 0),
          _forms("call invoke use run")),
        R("tool.call.format", 2, "call.arguments-object", _p(r"\barguments\s*:\s*\{", 0), _forms("arguments")),
        # "Dispatch `plan-snapshotter` with: - `PLAN_PATH=...`", "dispatch it with `ISSUE_URL`": a sub-agent or
        # tool handed named inputs (upper-case parameter names), with values (2) or by name (1)
        R("tool.call.format", 2, "call.dispatch-parameters", _p(_DISPATCH_WITH + r"=", 0), _DISPATCH_FORMS),
        R("tool.call.format", 1, "call.dispatch-names", _p(_DISPATCH_WITH + r"(?:,|\s+(?:and|when|\())", 0),
          _DISPATCH_FORMS),
        R("tool.web", 1, "web.access", _p(
            rf"\b(?:search(?:es|ing)? the web|web-search\w*|web search|internet connection|HTTP (?:GET|POST|request)|call (?:the|a|an|its) (?:\w+ )?(?:REST )?API|(?:make|makes|making|send|sends|issue|perform|query|querying|queries) (?:an? |the )?(?:\w+ )?(?:REST )?API (?:calls?|requests?)|fetch\w*{_S}{{0,20}}?\bfrom (?:the )?(?:web|internet|https?://))\b"
            rf"|\bdownload\w*\b{_S}{{0,40}}?\bfrom\s+(?:the\s+)?(?:web|internet|https?://|[A-Z]{{2,}}\b)"
            # a fetch from a named web place, a web tool by name, a search done online
            rf"|\b(?:fetch|retriev|download|scrap|crawl)\w*\b{_S}{{0,40}}?\bfrom\s+(?:the\s+|a\s+|an\s+|its\s+)?(?:\w+\s+){{0,2}}?(?:URLs?|web ?sites?|web ?pages?|endpoints?)\b"
            r"|\b(?:WebFetch|WebSearch|web_fetch|web_search)\b"
            rf"|\b(?:search|searching|look up|looking up|research|verify|check)\b{_S}{{0,40}}?\b(?:online|on the web|on the internet)\b"),
          _forms("web web-search web-searching internet http rest api call fetch fetches fetching download downloads downloading "
                 "fetched retrieve retrieves retrieved retrieving scrape scrapes scraping crawl crawls crawling webfetch websearch "
                 "web_fetch web_search online")),
        R("tool.browser", 2, "browser.interact", _p(
            rf"\b(?:playwright|puppeteer|selenium|headless browser|browser automation)\b{_S}{{0,80}}?\b(?:click|fill|forms?|dynamic|selectors?|wait)\w*"
            rf"|\b(?:click|fill in|submit)\b{_S}{{0,30}}?\b(?:button|form|link)s?\b{_S}{{0,40}}?\bbrowser\b"),
          _forms("playwright puppeteer selenium headless browser")),
        R("tool.browser", 1, "browser.navigate", _p(
            r"\b(?:playwright|puppeteer|selenium|headless (?:browser|chrom\w+)|browser automation|navigate to (?:the )?(?:page|url|site))\b"),
          _forms("playwright puppeteer selenium headless browser navigate")),
        # generation
        R("gen.code.python", 3, "python.package-named", _p(
            rf"\b(?:use|using|with|via|write|install|import|call)\b{_S}{{0,40}}?"
            rf"(?:`(?:{packages})(?:[.\w]*)`|(?<![\w-])(?:{packages})(?![\w-])(?=\s+(?:library|package|module|SDK)\b)"
            rf"|(?<=import )(?:{packages})(?![\w-])|(?<=install )(?:{packages})(?![\w-]))"),
          package_words),
        R("gen.code.python", 1, "python.write-script", _p(
            rf"\b(?:write|create)\b{_S}{{0,20}}?\bpython\b{_S}{{0,10}}?\b(?:script|code|program)s?\b"),
          _forms("python")),
        R("gen.code.javascript", 2, "js.write-code", _p(
            rf"\b(?:write|writes|writing|build|builds|create|creates|implement|implements|author|generate)\b{_S}{{0,40}}?"
            rf"\b(?:in|with|using)\s+(?:JavaScript|TypeScript|Node(?:\.js)?|React|JSX|TSX)\b"
            rf"|\b(?:write|create|implement|author|generate|edit)\b{_S}{{0,30}}?`[\w./<>{{}}-]*\.(?:mjs|cjs|jsx|tsx|ts|js)`"
            rf"|\b(?:JavaScript|TypeScript|React|Node(?:\.js)?)\s+(?:code|script|module|component|plugin)s?\b"),
          _forms("write writes writing build builds create creates implement implements author generate edit "
                 "javascript typescript react node node.js")),
        R("gen.code.sql", 3, "sql.advanced-named", _p(
            r"\b(?:window functions?|recursive (?:CTEs?|queries|common table expressions?)|common table expressions?|CTEs)\b"),
          _forms("window recursive common ctes")),
        R("gen.code.sql", 2, "sql.write-queries", _p(
            rf"\b(?:write|writes|writing|optimi[sz]\w*|tun(?:e|ing)|design\w*|craft\w*|review\w*|debug\w*)\b{_S}{{0,25}}?\bSQL\b"
            rf"|\bSQL (?:queries|query|statements?|migrations?|schemas?)\b"),
          _forms("sql")),
        R("gen.code.html", 1, "html.build-web-ui", _p(
            rf"\b(?:{_alternation(_V_BUILD_UI.split())})\b{_S}{{0,60}}?(?<![\w-])(?:{web_ui})(?![\w-])"),
          ui_words),
        R("gen.regex", 1, "regex.named", _p(
            rf"\b(?:write|use|build|craft|create|compose)\b{_S}{{0,30}}?\b(?:regex(?:es)?|regular expressions?|PCRE)\b"
            rf"|\b(?:regex(?:es)?|regular expressions?|PCRE)\b{_S}{{0,30}}?\b(?:to match|for matching|pattern)"),
          _forms("regex regexes regular pcre")),
        R("gen.text.prose", 3, "prose.long-form", _p(
            rf"\b(?:write|writes|writing|draft|compose|produce|create|prepare|author|generate)\b(?:\*\*)?{_S}{{0,40}}?"
            r"\b(?:whitepaper|white paper|long-form|long form|book chapter|comprehensive (?:report|review|document)|full (?:report|article)|multi-section)\b"),
          _forms("whitepaper white long-form long book comprehensive full multi-section")),
        R("gen.text.prose", 2, "prose.document", _p(
            rf"\b(?:write|draft|compose|create|produce|prepare|rewrite)\b(?:\*\*)?{_S}{{0,40}}?\b(?:articles?|essays?|blog(?: posts?)?|newsletters?|announcements?|press releases?|(?:social|linkedin|twitter|x|forum|launch) posts?|(?:cover )?letters?|manifesto|communications?|stor(?:y|ies)|memos?|sections)\b"
            rf"|\b\d+\s*[-–]\s*\d+ (?:substantial )?paragraphs\b"),
          _forms("write draft compose create produce prepare rewrite paragraphs")),
        R("gen.text.prose", 1, "prose.summary", _p(
            rf"\b(?:write|draft|compose)\b{_S}{{0,40}}?\b(?:summary|summaries|paragraph|message|email|reply|description|explanation|write-?up)\b"),
          _forms("write draft compose")),
        R("gen.text.long", 3, "long.pages", _p(
            r"(?<![/\d.,])\b(?:[3-9]|\d{2,})\+?\s*pages?\b(?! (?:of|per|long))|\b(?:[2-9],?\d{3}|\d{5,})\+?\s*words\b"),
          _forms("pages page words")),
        R("gen.text.long", 2, "long.words", _p(r"\b(?:[89]\d{2}|1,?\d{3})\+?\s*words\b"), _forms("words")),
        R("gen.text.long", 2, "long.comprehensive", _p(
            rf"\b(?:write|writes|generate|generates|produce|produces|create|creates|deliver|output|draft)\b{_S}{{0,25}}?"
            r"\b(?:comprehensive|exhaustive|in-depth|complete|full|detailed)\s+(?:\w+\s+)?(?:reports?|documentation|documents?|write-?ups?|specifications?|specs?|analys[ie]s)\b"),
          _forms("comprehensive exhaustive in-depth complete full detailed")),
        R("gen.text.structured", 2, "structured.schema", _p(
            r"\bJSON\s+(?:that\s+)?conform\w*\s+to\b|\bconform\w*\s+to\s+(?:the\s+)?(?:JSON\s+)?schema\b|\bschema-valid\b|\bJSON-LD\b"),
          _forms("json conforming conforms conform schema schema-valid json-ld")),
        R("gen.text.structured", 1, "structured.output", _p(
            rf"\b(?:output|return|respond|reply|print|emit|produce|generate|write)\b(?:\s+(?:only|your|the|a|an|valid|raw))*\s+(?:valid\s+)?(?:JSON|YAML)\b(?!\s+(?:file|output) from)"
            rf"|\b(?:as|in) (?:valid |strict )?(?:JSON|YAML)(?: format)?\b{_S}{{0,10}}$"
            rf"|\b(?:output|return|write|save|produce|emit|print|format|respond)\b{_S}{{0,30}}?\b(?:as|in|into) (?:valid |strict )?(?:JSON|YAML)\b(?! (?:file|files)\b)"),
          _forms("json yaml")),
        # instructions
        R("follow.format", 3, "format.exact-template", _p(
            rf"\b(?:template|format|structure)\b{_S}{{0,20}}?\b(?:follow|copy|match|use)\w*\s+(?:it\s+)?exactly\b|\b(?:follow|copy|match|use)\w*\b{_S}{{0,20}}?\bexactly\b{_S}{{0,20}}?\b(?:template|format|structure)\b"
            rf"|\(follow exactly\)|\bverbatim\b{_S}{{0,20}}\btemplate\b"),
          _forms("exactly verbatim")),
        R("follow.format", 2, "format.template", _p(
            rf"\b(?:follow|use|using|match|conform to)\b{_S}{{0,40}}?\b(?:format|formatting|template|structure|outline|schema)\b"
            rf"|\bfor each (?:issue|finding|item)\b{_S}{{0,10}}:?\s*$"
            r"|\bone (?:row|line|entry|bullet|item|section|heading) (?:per|for each)\b|\beach (?:row|line|entry):"
            # "with the format below:", "Template structure:", "## Output format", "in format INC-YYYYMMDD-NNN"
            rf"|\b(?:format|template|structure)\s+(?:below|shown below|that follows)\b|\b(?:the following|this)\s+(?:format|template|structure)\b"
            rf"|(?m:\b(?:template|format)(?: structure)?:\s*$)"
            rf"|(?m:^#+\s*(?:the\s+)?(?:output|report|response|result|summary|final|answer|message|commit message)s?\s+(?:format|template|structure|contract|shape)\b)"
            rf"|\bin (?:the )?format\s+`[^`\n]+`|\bsections? (?:titled|named|called|headed)\b"),
          _forms("format formatting template structure outline schema one each contract shape titled named called headed")),
        R("follow.format", 1, "format.named", _p(
            rf"\b(?:output|return|respond|present|format|provide|deliver)\w*\b{_S}{{0,30}}?\b(?:as|in)\b (?:a |an )?(?:markdown|json|yaml|csv|table|bulleted list|numbered list|checklist)\b"),
          _forms("markdown json yaml csv table bulleted numbered checklist")),
        R("follow.format", 1, "format.conventional-commits", _p(r"\bconventional[- ]commits?\b"), _forms("conventional")),
        # "Include a "suggested skills" section in the document", "add a final section"
        R("follow.format", 1, "format.section-demand", _p(
            rf"\b(?:include|add|end with|start with|begin with)s?\s+(?:a|an)\s+{_S}{{0,40}}?\bsection\b"),
          _forms("section")),
        R("follow.delegation", 2, "delegation.no-mental-math", _p(
            r"\b(?:instead of|rather than|don't|do not|never)\b[^.\n]{0,30}\b(?:calculat\w*|comput\w*|do(?:ing)? (?:the )?math)\b[^.\n]{0,20}\b(?:by hand|manually|mentally|in your head)\b"
            r"|\bprefer (?:code|a script|python)\b"),
          _forms("hand manually mentally head prefer")),
        R("follow.delegation", 2, "delegation.not-by-hand", _p(
            r"\b(?:write|generate|create|use)\b[^.\n]{0,30}?\bscript\b[^.\n]{0,40}?\b(?:rather than|instead of)\b"
            r"|\b(?:run|use)\s+the\s+(?:bundled|provided|included|skill's)\b[^.\n]{0,40}?\bscripts?\b[^.\n]{0,60}?\b(?:do not|don't|never)\b"
            r"|\b(?:don't|do not|never|avoid)\b[^.\n]{0,40}\b(?:by hand|manually|yourself|directly|ad[- ]hoc|hand-roll\w*)\b"
            r"(?=[^\n]{0,100}\b(?:scripts?|tool(?:kit)?|CLI|command|uv run|python3?|npx)\b)"
            r"|\bprefer (?:the |a )?(?:bundled |provided |included |skill's )?(?:scripts?|toolkit|CLI|tool)\b[^.\n]{0,40}\b(?:over|to|instead of|rather than)\b"
            # "check them with a script rather than eyeballing", "use `scripts/sync.mjs` instead of manually editing"
            rf"|\b(?:scripts?|tool|CLI|automation|helper|program|command)\b(?:{_S}|\.(?=\w)){{0,60}}?\b(?:rather than|instead of)\s+(?:[\w-]+\s+){{0,3}}?"
            r"(?:eyeball\w*|by hand|manual\w*|mentally|guess\w*|hand-?(?:writ|roll|cod|edit)\w*|re-?implement\w*)"
            # "delegates to the kernel: never re-implement ...", "do not reimplement the scan" (a tool named on the line)
            r"|\b(?:scripts?|tool|CLI|kernel|helper|command)\b[^\n]{0,100}?\b(?:never|not|don't|do not)\b[^.\n]{0,30}?\bre-?implement\w*"
            r"|\b(?:never|not|don't|do not)\b[^.\n]{0,30}?\bre-?implement\w*(?=[^\n]{0,100}\b(?:scripts?|tool|CLI|kernel|helper|command)\b)"),
          _forms("hand manually yourself hand-rolled hand-roll prefer directly ad-hoc adhoc script bundled"
                 " eyeball eyeballing reimplement re-implement reimplementing re-implementing")),
        R("follow.delegation", 1, "delegation.script", _p(
            rf"\b(?:write|use|create)\b{_S}{{0,10}}?\b(?:a |an )?(?:small |short |quick )?(?:script|program)\b{_S}{{0,20}}?\b(?:to|for)\b{_S}{{0,10}}?\b(?:calculat\w*|comput\w*|count\w*|sum\w*|tally|aggregat\w*)\b"),
          _forms("script program")),
        R("follow.style", 3, "style.consistent", _p(
            r"\bconsisten\w* (?:tone|voice|style|register)\b|\b(?:tone|voice|register)\b[^.\n]{0,30}\b(?:throughout|consistent\w*|across (?:the|all|every))\b"),
          _forms("tone voice register")),
        R("follow.style", 2, "style.register", _p(
            r"\b(?:brand voice|tone of voice|voice and tone|in the style of|personality)\b"
            r"|\b(?:adopt|assume|take on|stay in|speak as|write as|play|in)\b(?: (?:the|a|an|this|that|your|their|each|character))?(?: [\w-]+)?(?: '?s)? persona\b"
            r"|\b(?:same|formal|informal|casual|professional|academic|conversational|plain|neutral|technical|written|spoken|language) register\b"
            r"|\bmatch\w*\b[^.\n]{0,25}\b(?:tone|voice)\b|\b(?:writing|authorial|author's|your|their|natural) voice\b|\bsound (?:natural|human|like a)\b"),
          _forms("persona register voice style personality tone sound")),
        R("follow.style", 1, "style.tone", _p(
            r"\b(?:formal|informal|casual|friendly|professional|neutral|conversational|plain)\b (?:tone|register|voice|language|style)\b"
            r"|\btone\b|\bactive voice\b"),
          _forms("tone voice register language style")),
    )


_EXT = ("csv json jsonl md txt html htm xlsx docx pptx pdf png yaml yml py sh js mjs ts tsx jsx log xml toml ini cfg conf env"
        " go rs java kt swift c h cpp hpp cs rb php vue svelte css scss sql tmpl tf hcl lua dart scala gradle properties"
        " ipynb svg jpg jpeg gif webp mdx rst tex bib")
_SECOND_WORDS = {
    "read.tool": "tool",
    "analysis.review-classify": "code pull pr prs changes diff diffs test tests suite suites implementation codebase "
                                "query plan plans failure failures error errors finding findings issue issues bug bugs "
                                "patterns anomalies entry call code paths analyze",
    "long.comprehensive": "report reports documentation document documents write-up write-ups writeup specification "
                          "specifications spec specs analysis analyses",
    "write.file": _EXT + " file files",
    "read.file": _EXT + " file readme template config configuration",
    "read.many-files": _EXT + " files file docs pages documents documentation images",
    "write.many-files": "multiple several many separate 2 3 4 5 6 7 8 9 10",
    "write.document-file": "write writes create creates save generate build builds output produce export",
    "exec.run": "command commands script scripts test tests suite build linter verification verifications check checks",
    "prose.document": "article articles essay essays blog blogs newsletter newsletters announcement announcements "
                      "press report reports updates post posts letter letters copy manifesto philosophy "
                      "communication communications story stories proposal proposals memo memos documentation "
                      "sections text version paragraphs",
    "prose.summary": "summary summaries paragraph message email reply description explanation write-up writeup",
    "html.build-web-ui": _V_BUILD_UI,
    "batch.parallel-calls": "call calls agent agents subagent subagents sub-agent sub-agents dispatch dispatches "
                            "dispatching reads requests searches tasks tool tools",
    "structured.output": "output return returns respond reply print emit produce generate write as in into save format",
    "format.named": "output outputs return returns respond present format formatted provide deliver",
    "call.structured-arguments": "argument arguments parameter parameters json schema",
    "arithmetic.calculate": "total sum average mean percentage percentages percent ratio rate rates score scores "
                            "mass cost price tax interest growth difference gain gains coefficient coefficients "
                            "points value values",
}


def _with_second_words(rules_: tuple[ProseRule, ...]) -> tuple[ProseRule, ...]:
    return tuple(replace(r, also=frozenset(_SECOND_WORDS[r.name].split())) if r.name in _SECOND_WORDS else r
                 for r in rules_)


@cache
def _trigger_index() -> tuple[frozenset[str], dict[str, tuple[int, ...]]]:
    """(every trigger word, trigger word -> indices of the prose rules it can wake)."""
    index: dict[str, list[int]] = {}
    for i, rule in enumerate(prose_rules()):
        for word in rule.triggers:
            index.setdefault(word, []).append(i)
    return frozenset(index), {k: tuple(v) for k, v in index.items()}


_JS_ECOSYSTEM = re.compile(
    r"\b(?:React(?: Native)?|TypeScript|JavaScript|Next\.js|Node\.js|Vue(?:\.js)?|Svelte(?:Kit)?|Angular|Expo|JSX|TSX"
    r"|Remotion|Nuxt(?:\.js)?|Deno)\b")
_MAKES_CODE = re.compile(
    r"\b(?:writ\w*|build\w*|implement\w*|creat\w*|integrat\w*|develop\w*|add\w*|wir(?:e|es|ed|ing)|refactor\w*"
    r"|cod(?:e|ing)|set(?:ting|s)? up|scaffold\w*|components?)\b", re.IGNORECASE)
_OTHER_LANGUAGE = re.compile(
    r"\b(?:Python|Rust|Java(?!Script)|Golang|Swift|Kotlin|C#|C\+\+|Ruby|PHP|\.NET|Dart|Flutter)\b"
    r"|\bwithout (?:\w+ ){0,2}(?:JavaScript|TypeScript|JS)\b")


def described_code(work: str) -> list[Finding]:
    """What a skill's description says its work is written in: the work (the part before
    its trigger clause) names a JavaScript language or framework and making software
    ("Implementation standards for React/TypeScript", "Builds Vue 3 components", "Video
    creation in React"): the model writes JavaScript (level 2: which APIs it calls the
    description does not say). Not when another language is named beside it
    ("integration with Python, R, Node.js"; "an Apple/Swift Expo module": which one is
    written is not said) or the language is what the work avoids ("without writing
    JavaScript")."""
    found = _JS_ECOSYSTEM.search(work)
    if found is None or _MAKES_CODE.search(work) is None or _OTHER_LANGUAGE.search(work) is not None:
        return []
    return [Finding("gen.code.javascript", 2, "js.described-work", _short(excerpt(work, found.start())),
                    found.start())]


def analyze_prose(text: str) -> list[Finding]:
    """Requirements named in prose (a step, a paragraph, a list, a table)."""
    return analyze_prose_words(text)[0]


_PROHIBITION_PRIMS = frozenset({"follow.delegation"})
"""The primitives whose prose rules are written for forbidding sentences ("Do not convert
by hand; use the script", "never compute it manually"): the rules a prohibition runs."""


@cache
def _prohibition_index() -> dict[str, tuple[int, ...]]:
    """`_trigger_index`'s word -> rules, kept to the rules a prohibition runs (of
    `_PROHIBITION_PRIMS`)."""
    rules_ = prose_rules()
    return {word: kept for word, ids in _trigger_index()[1].items()
            if (kept := tuple(i for i in ids if rules_[i].prim in _PROHIBITION_PRIMS))}


def prohibition_findings(text: str) -> list[Finding]:
    """What a prohibition (a NEVER or DO NOT constraint, whose words name what not to do)
    still demands: work kept from being done by hand is work handed to code
    (`_PROHIBITION_PRIMS`); no other rule runs on it."""
    lower = text.lower()
    tokens = _words(lower)
    out: list[Finding] = []
    index = _prohibition_index()
    if woken := tokens & index.keys():
        _run_rules(text, tokens, woken, {}, out, 0, fold(text, lower), index)
    if not out and not text.isascii():  # the same in Chinese ("不要手写 ...")
        out.extend(Finding(cue.prim, cue.level, cue.name, excerpt(text, cue.start), cue.start)
                   for cue in chinese.prose_cues(text, only=_PROHIBITION_PRIMS))
    return out


def analyze_prose_words(text: str) -> tuple[list[Finding], set[str]]:
    """Requirements named in prose, and the text's words. A rule's regex runs only
    when the text (for long texts: the line) holds one of its trigger words and,
    when it has them, one of its second words (and what its pattern needs, read in the
    folded text: `_may_match`)."""
    lower = text.lower()
    out: list[Finding] = []
    best: dict[str, int] = {}
    triggers = _trigger_index()[0]
    if len(text) > _SHORT_TEXT:
        tokens: set[str] = set()
        offset = 0
        ascii_text = text.isascii()
        for line, low in zip(text.split("\n"), lower.split("\n"), strict=True):
            if len(line) > 3:
                here = _words(low)
                tokens |= here
                if woken := here & triggers:
                    _run_rules(line, here, woken, best, out, offset, low if ascii_text else fold(line, low))
            offset += len(line) + 1
    else:
        tokens = _words(lower)
        if woken := tokens & triggers:
            _run_rules(text, tokens, woken, best, out, 0, fold(text, lower))
    if "mcp__" in text:
        _run_marked(text, best, out)
    if "=" in text:
        if "`" in text:
            for span in _INLINE_CODE.finditer(text):
                if "=" in span.group(1):
                    for f in formula_findings(span.group(1), "arithmetic.formula-in-text"):
                        f.pos = span.start(1) + f.pos
                        out.append(f)
        offset = 0
        for line in text.split("\n"):
            if "=" in line:
                out.extend(_formula_in_line(line, offset))
            offset += len(line) + 1
    if "`" in text or "run" in tokens or "execute" in tokens:
        out.extend(inline_command_findings(text))
    if "(" in text or " tool" in text:
        out.extend(tool_call_findings(text))
    if "gen.code.html" in best:
        html_a11y = _a11y_pattern().search(text)
        if html_a11y:
            out.append(Finding("gen.code.html", 3, "html.responsive-a11y", excerpt(text, html_a11y.start()),
                               html_a11y.start()))
    if "$$" in text or "\\frac" in text:
        out.extend(f for f in formula_findings(text, "arithmetic.formula-in-text") if f.rule == "arithmetic.latex")
    if not text.isascii():  # the same questions asked in Chinese (skillir/data/chinese.json)
        out.extend(Finding(cue.prim, cue.level, cue.name, excerpt(text, cue.start), cue.start)
                   for cue in chinese.prose_cues(text, best))
    return out, tokens


@cache
def marker_rules() -> tuple[ProseRule, ...]:
    """Prose rules woken by a character sequence rather than a word (their triggers):
    an MCP tool named in full. (An inline JSON object was tried: 2 hits, 3 false
    positives over the five dev splits.)"""
    return (
        ProseRule("tool.call.format", 2, "call.mcp-tool-name", _p(r"\bmcp__\w+__\w+", 0), frozenset({"mcp__"})),
    )


def _run_marked(text: str, best: dict[str, int], out: list[Finding]) -> None:
    for rule in marker_rules():
        if best.get(rule.prim, 0) >= rule.level or not any(m in text for m in rule.triggers):
            continue
        match = _first_affirmed(rule.pattern, text)
        if match is not None:
            best[rule.prim] = rule.level
            out.append(Finding(rule.prim, rule.level, rule.name, excerpt(text, match.start()), match.start()))


def _run_rules(text: str, tokens: set[str], woken: set[str], best: dict[str, int], out: list[Finding],
               offset: int, lowered: str, index: dict[str, tuple[int, ...]] | None = None) -> None:
    """Run the prose rules `woken` (the trigger words among `tokens`, the text's words)
    wake on `text`, in order. `lowered`: the text folded (`skillir.casefold.fold`:
    lowercased, one character per character); a rule runs only if what its pattern
    needs is there (`_may_match`). `index`: trigger word -> rules (default: every rule's)."""
    rules_ = prose_rules()
    if index is None:
        index = _trigger_index()[1]
    if len(woken) == 1:
        order = index[next(iter(woken))]  # one word: its rules, in order already
    else:
        wake: set[int] = set()
        for token in woken:
            wake.update(index[token])
        order = sorted(wake)
    for i in order:
        rule = rules_[i]
        if best.get(rule.prim, 0) >= rule.level:
            continue
        if rule.also is not None and rule.also.isdisjoint(tokens):
            continue
        if not _may_match(i)(lowered):
            continue  # a word the pattern spells out is missing: it cannot match
        match = _first_affirmed(rule.pattern, text, lowered)
        if match is not None:
            best[rule.prim] = rule.level
            out.append(Finding(rule.prim, rule.level, rule.name, excerpt(text, match.start()),
                               offset + match.start()))


_WORD_BREAKS = str.maketrans({c: " " for c in "!\"#$%&()*+,./:;<=>?@[\\]^`{|}~\n\t\r" + "“”‘’«»…—–·•"})
_ASCII_BREAK_BYTES = bytes(c for c in _WORD_BREAKS if c < 128)
_ASCII_BREAKS = bytes.maketrans(_ASCII_BREAK_BYTES, b" " * len(_ASCII_BREAK_BYTES))
"""`_WORD_BREAKS` on ASCII bytes."""
_WORD_RUN = re.compile("[^\\s" + re.escape("".join(map(chr, _WORD_BREAKS))) + "]+")
"""A run of characters that are neither white space (`\\s` is `str.isspace`, what `str.split`
splits at) nor `_WORD_BREAKS`: one word."""


def _words(lowered: str) -> set[str]:
    """The words of a lower-cased text: split at white space and `_WORD_BREAKS`."""
    if lowered.isascii():  # the same split; `bytes.translate` is a plain table, several times faster
        return set(lowered.encode("ascii").translate(_ASCII_BREAKS).decode("ascii").split())
    # the same words again: `str.translate` looks every character up in a dict (3x slower)
    return set(_WORD_RUN.findall(lowered))


_SHORT_TEXT = 300


def tokens_of(text: str) -> set[str]:
    """The lower-case words of a text (what trigger words are matched against);
    words keep inner '-', '_' and apostrophes, as in `_TOKEN`."""
    return _words(text.lower())


def _formula_in_line(line: str, offset: int) -> list[Finding]:
    found = formula_findings(line, "arithmetic.formula-in-text")
    for f in found:
        f.pos += offset
    return [f for f in found if f.rule != "arithmetic.latex"]


_NEGATION = re.compile(r"(?:\b(?:not|never|avoid|without|instead of|rather than|no need to)|n't)\W+(?:\w+\W+){0,2}$",
                       re.IGNORECASE)


def _first_affirmed(pattern: re.Pattern[str], text: str, lowered: str | None = None) -> re.Match[str] | None:
    """The first match not negated by the words just before it ('do not write').
    `lowered`: the text folded (`skillir.casefold.fold`); then, when every match of the
    pattern starts with one of a few literals, it is tried only where they are
    (`prefilter.match_starts`: the same matches; `finditer` tries every position)."""
    for match in (pattern.finditer(text) if lowered is None else _matches(pattern, text, lowered)):
        if not _NEGATION.search(text, max(0, match.start() - 30), match.start()):
            return match
    return None


@cache
def _starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The literals every match of a rule's pattern starts with (`prefilter.starts`)."""
    return starts(pattern)


def _matches(pattern: re.Pattern[str], text: str, folded: str):
    """`pattern.finditer(text)`; `folded`: the text folded (`skillir.casefold.fold`). When
    every match starts with one of a few literals, the pattern is tried only where they
    are (`prefilter.match_starts`: the same matches, where `finditer` tries every position)."""
    literals = _starts(pattern)
    return pattern.finditer(text) if literals is None else match_starts(pattern, text, folded, literals)


@cache
def _a11y_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + _alternation(words()["a11y_words"]) + r")(?![\w])", re.IGNORECASE)


_INLINE_CODE = re.compile(r"`(?<!``)([^`\n]{1,200})`(?!`)")  # no minimum: it would pair `a` b `c` wrongly
"""An inline code span: a backtick not after another, its text, a backtick not before
another. (The first test is written after the backtick, as "not two backticks": a
pattern that starts with a literal lets the regex engine skip to the backticks, where
a leading lookbehind, r"(?<!`)`...", is tried at every position.)"""
_RUN_PLAIN = re.compile(r"\b(?:run|execute|invoke)\s+((?:\./|scripts/|bin/)[\w./-]+\.(?:py|sh|js|ts|rb))\b", re.I)
_MAY_RUN_PLAIN = _screen(_RUN_PLAIN)
_THEN_RUN = re.compile(r"\bthen (?:run|execute|call)\b|\bfor each\b[^.\n]{0,60}\b(?:run|extract|fetch)\b|\band run\b|"
                       r"\bpipe\b[^.\n]{0,30}\binto\b", re.I)


def inline_command_findings(text: str) -> list[Finding]:
    """Commands quoted inline (`gh pr view --json url`) or named after 'run'."""
    commands: list[tuple[int, str]] = []
    for match in _INLINE_CODE.finditer(text):
        span = match.group(1).strip()
        if " " not in span and (not _PATH_CMD.match(span) or _NAMED_FILE.search(span)):
            continue  # `./CLAUDE.md`, `./specs/issues/`: a document or a folder named, nothing run
        if " " not in span and not _RUNNABLE_PATH.match(span) \
                and not _RUN_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            continue  # `src/app.ts:42`, `lib/util.py`: code named, not run
        word = _command_word(span)
        if word is None:
            first = span.split()[0]
            if not (re.fullmatch(r"[a-z][\w.-]*-cli|[a-z][\w-]*", first) and _CLI_FLAG.search(span)
                    and not first.startswith("-")):
                continue
        commands.append((match.start(), span))
    if _MAY_RUN_PLAIN(text):
        for match in _RUN_PLAIN.finditer(text):
            commands.append((match.start(1), match.group(1)))
    if not commands:
        return []
    findings: list[Finding] = []
    lines = [(pos, c) for pos, c in commands if " " in c.strip()]
    if lines:
        (level, rule), pos, command = max(((shell_level(c), p, c) for p, c in lines), key=lambda t: t[0][0])
    if lines and (level > 1 or not all(_runs_or_installs(c) for _, c in lines)):
        findings.append(Finding("gen.code.shell", level, rule.replace("shell.", "shell.inline-"), _short(command), pos))
    exec_lvl, pos, command = max(((exec_level(c), p, c) for p, c in commands), key=lambda t: t[0])
    rule = f"exec.inline-l{exec_lvl}"
    if exec_lvl < 3 and len(commands) >= 2 and (_THEN_RUN.search(text) or any(
            _REDIRECT.search(_unquoted(c)) for _, c in commands)):
        exec_lvl, rule = 3, "exec.chained-commands"
    findings.append(Finding("tool.exec", exec_lvl, rule, _short(command), pos))
    return findings


def prior_conflict(text: str) -> re.Match[str] | None:
    """Words that show a rule deliberately fights the model's habits."""
    if not _holds_any("prior_conflict_phrases")(text.lower()):
        return None
    return _conflict_pattern().search(text)


@cache
def _holds_any(key: str) -> Callable[[str], bool]:
    """A test of a lower-cased text: does it hold one of the phrases of word list `key`
    (`any(p in text for p in words()[key])`, as one compiled expression: no generator)?"""
    return checker(("or", tuple(sorted(words()[key])))) or _any_text


@cache
def _conflict_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + _alternation(words()["prior_conflict_phrases"]) + r")(?![\w-])",
                      re.IGNORECASE)


@cache
def _forbidding_pattern() -> re.Pattern[str]:
    words_ = _alternation(words()["prohibition_words"])
    return re.compile(rf"(?:(?i:\b(?:{words_})\b)|\bNOT\b)(?:\s+[\w-]+){{0,4}}?\s+`([^`\n]+)`")


def forbidden_named(text: str) -> list[re.Match[str]]:
    """Prohibitions of something named in code ("Do not run `codex resume`", "never
    import from `@react-navigation/*`", "use X, NOT `Y`"): a prohibition word
    (`prohibition_words`, or an upper-case NOT), at most four words, then an inline
    code span (group 1)."""
    if "`" not in text:
        return []
    return list(_matches(_forbidding_pattern(), text, fold(text)))


# procedure structure
BRANCH_WORDS = frozenset({"if", "otherwise", "else", "unless", "case", "when", "digraph", "decision", "yes", "no"})
LOOP_WORDS = frozenset({"for", "repeat", "repeats", "repeated", "repeating", "until", "iterate", "iterating",
                        "iteration", "iterations", "loop", "loops", "looping", "again", "each"})
VERIFY_WORDS = frozenset({"verify", "verifies", "verified", "verifying", "verification", "verifications",
                          "validate", "validates", "validated", "validating", "validation", "confirm",
                          "confirms", "confirmed", "confirming", "check", "checks", "recheck", "rerun",
                          "re-run", "re-check", "double-check", "test", "tests", "testing", "tested"})
REPEAT_WORDS = frozenset({"return", "back", "start", "loop", "re-run", "rerun", "retry", "retries", "again", "until"})
"""A word every `REPEAT` match holds."""
REPEAT = re.compile(
    r"(?m)\b(?:return|go back|loop back|come back|jump back|start over|loop) (?:to|from) (?:step|phase|stage) \d"
    r"|(?:^|[.:;!—–]\s+|\bthen\s+|\band\s+|[-*]\s+|\*\*|\d[.)]\s+)(?:re-?run|retry)\b(?!\s+(?:logic|polic|semantic|budget))"
    r"|\bretry (?:once|twice|up to|\d)|\b(?:cap|limit) retries\b|\btry again\b|\brepeat\w*\b[^.\n]{0,40}\buntil\b"
    r"|\buntil\b[^.\n]{0,40}\b(?:pass\w*|succeed\w*|clean|green|no (?:more )?(?:errors|warnings|issues|failures)|met|resolved|fixed)\b"
    r"|\bloop\b[^.\n]{0,30}\buntil\b|\biterat\w* until\b", re.IGNORECASE)
"""A step that repeats work until it holds: back to an earlier step ("if spill is
detected, return to step 4"), a run again ("fix, then re-run", "retry once"), or a
repeat with its stop ("repeat until the score is 7/10", "loop step 4 until the
article is done", "until the tests pass"): the catalog's follow.procedure 3 (loops
and verification) in one phrase."""
_BRANCH_WORD = r"\b(?:if|otherwise|else|unless|in case|when\b[^.\n]{0,30}\bfails?)\b|digraph|\bdecision tree\b"
_BRANCH_TREE = re.compile(r"[├└]─*\s*(?:yes|no)\b", re.IGNORECASE)
BRANCH = re.compile(rf"{_BRANCH_WORD}|{_BRANCH_TREE.pattern}", re.IGNORECASE)
"""A branch: a conditional word, a decision tree's yes/no arm (├ or └), a digraph."""
_BRANCH_WORDS = re.compile(_BRANCH_WORD, re.IGNORECASE)
"""`BRANCH` without its tree arms: every match starts with a word (`cue_at`)."""


def cue_at(pattern: re.Pattern[str], text: str, folded: str) -> int | None:
    """Where `pattern.search(text)` matches (None: nowhere), for the procedure cues
    (`LOOP`, `VERIFY`, `REPEAT`; `BRANCH`: `branch_at`); `folded`: the text folded
    (`skillir.casefold.fold`). When every match starts with one of a few literals, the
    pattern is tried only where they are (`_matches`); else only when the folded text
    holds what every match needs (`_needs`): these patterns would try every position."""
    match = next(_all_matches(pattern, text, folded), None)  # the first: where `search` stops
    return None if match is None else match.start()


def branch_at(text: str, folded: str) -> int | None:
    """Where `BRANCH.search(text)` matches: the first of its words (`cue_at`) and of its
    tree arms (looked for only where ├ or └ is)."""
    at = cue_at(_BRANCH_WORDS, text, folded)
    if "├" in text or "└" in text:
        tree = _BRANCH_TREE.search(text)
        if tree is not None and (at is None or tree.start() < at):
            return tree.start()
    return at


@cache
def _needs(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """The test of what every match of `pattern` holds, on folded text (`prefilter.required`)."""
    return checker(required(pattern)) or _any_text


@cache
def choice_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Choices between courses of action: a condition followed by what to do ("If the
    file is small, use openpyxl"), a choice phrase ("otherwise", "depending on", "fall
    back to"), and a mapping line ("PDF → pymupdf"). Word lists: capability_rules.json."""
    w = words()
    verbs = _alternation(w["choice_verbs"])
    phrases = _alternation(w["choice_phrases"])
    condition = re.compile(
        rf"\b(?:if|when|unless)\b[^.\n,:→⇒]{{3,80}}(?:,|:|→|⇒)\s*(?:\*\*)?(?:then\s+)?(?:{verbs})\b", re.IGNORECASE)
    phrase = re.compile(rf"\b(?:{phrases})\b", re.IGNORECASE)
    mapping = re.compile(r"^[ \t]*(?:[-*+|]\s*)?[^\n→⇒]{1,60}\s(?:→|⇒|->)\s[^\n→⇒]+$", re.MULTILINE)
    return condition, phrase, mapping


def choices(text: str) -> list[re.Match[str]]:
    """Every choice between courses of action in `text` (see `choice_patterns`)."""
    condition, phrase, mapping = choice_patterns()
    lower = text.lower()
    # a condition ends at a comma, a colon or an arrow: without one its regex cannot match
    found = _conditions(condition, text, lower) if (("if" in lower or "when" in lower or "unless" in lower)
                                                  and ("," in text or ":" in text or "→" in text or "⇒" in text)) else []
    if _holds_any("choice_phrases")(lower):
        found.extend(m for m in _matches(phrase, text, fold(text, lower)) if not _NOT_A_CHOICE.match(lower, m.start()))
    if "→" in text or "⇒" in text or " -> " in text:
        found.extend(m for m in mapping.finditer(text) if not _EXAMPLE_MAPPING.search(m.group(0)))
    if "|" in text:
        found.extend(decision_rows(text))
    if "when" in lower and ":" in text:
        found.extend(_WHEN_HEAD.finditer(text))
    found.sort(key=lambda m: m.start())
    out: list[re.Match[str]] = []
    for match in found:  # one choice where a phrase sits inside a condition's match
        if not out or match.start() >= out[-1].end():
            out.append(match)
    return out


_NOT_A_CHOICE = re.compile(r"else\b(?:(?<=thing else)|(?<=one else)|(?<=body else)|(?<=where else))|otherwise (?:stated|noted|specified|indicated|"
                           r"instructed|requested|mentioned|directed)\b")
"""A choice phrase that chooses nothing: "everything else", "anyone else", "unless
otherwise stated" (matched in the lower-cased text where the phrase starts)."""


_EXAMPLE_MAPPING = re.compile(r"^[ \t]*(?:[-*+|]\s*)?`[^`\n]+`\s*(?:→|⇒|->)\s*`[^`\n]+`\W*$|[❌✅]"
                              r"|\d[\d.,]*\+?%?(?:\s*[A-Za-z]{1,12})?\s*(?:→|⇒|->)\s*[~≈<>]?\s*\d")
"""An arrow line that shows a worked example rather than a choice: one code span
becoming another (`feature-x.md` -> `feature-x-qa-cases.md`, `createRender(c, p)` ->
`CreateRender...`), a bad/good pair (❌ "might cause issues" → ✅ "..."), or a quantity
becoming another ("40+ lines → 15 lines", "2.1 s -> 0.4 s": a before and after)."""


_CONDITION_WORDS = ("if", "when", "unless")
"""The words every match of `choice_patterns`' condition starts with."""


def _conditions(condition: re.Pattern[str], text: str, lower: str) -> list[re.Match[str]]:
    """`list(condition.finditer(text))`. A match can start only where the folded text
    (`skillir.casefold.fold`: what IGNORECASE matches spelt in ASCII, one character per
    character) spells a condition word, so the regex is tried there alone (the same
    leftmost, non-overlapping matches: `match` at a position sees the text before it,
    as `\\b` needs); a long text holds a few such places and `finditer` would try every
    position."""
    folded = fold(text, lower)
    starts: list[int] = []
    for word in _CONDITION_WORDS:
        at = folded.find(word)
        while at >= 0:
            starts.append(at)
            at = folded.find(word, at + 1)
    starts.sort()
    found: list[re.Match[str]] = []
    end = 0
    for start in starts:
        if start >= end and (match := condition.match(text, start)) is not None:
            found.append(match)
            end = match.end()
    return found


_WHEN_HEAD = re.compile(
    r"^[ \t>*_#-]*(?:choose|use|pick|prefer|select|go with)\b(?!\s+(?:this|it)\b)[^\n:]{1,60}?\bwhen\b[^\n:]{0,30}:[*_ \t]*$",
    re.IGNORECASE | re.MULTILINE)
"""A list introduced "Choose MongoDB when:" / "Use letta_v1_agent when:": the list is
the condition for that choice. Not "Use this skill when:", "Use it when:": when the
skill applies, not a choice it asks for."""
_TABLE_HEAD = re.compile(r"^[ \t]*\|(.+)\|[ \t]*\n[ \t]*\|[ \t:|-]+\|[ \t]*$", re.MULTILINE)
_TABLE_ROW = re.compile(r"^[ \t]*\|.+\|[ \t]*$", re.MULTILINE)
_CONDITION_HEADER = re.compile(
    r"\b(?:when|if|situation|condition|case|scenario|symptom|error|problem|issue|signal|file type|input|"
    r"use case|need|goal|context|trigger)\b", re.IGNORECASE)
"""(A troubleshooting table, "Issue | Cause | Solution", counts: the model matches what
it sees to what to do, as in "If X, do Y".)"""
_ACTION_HEADER = re.compile(
    r"\b(?:action|use|do|fix|tool|approach|choose|choice|command|solution|response|recommend\w*|then|"
    r"strategy|next step|what to do|route|skill)\b", re.IGNORECASE)


def decision_rows(text: str) -> list[re.Match[str]]:
    """The rows of decision tables: a markdown table whose first column names a
    condition ("Situation", "If", "Error") and another column what to do ("Action",
    "Use", "Fix"); each row is one choice between courses of action."""
    rows: list[re.Match[str]] = []
    for head in _TABLE_HEAD.finditer(text):
        cells = [c.strip() for c in head.group(1).split("|")]
        if len(cells) < 2 or not _CONDITION_HEADER.search(cells[0]) \
                or not any(_ACTION_HEADER.search(c) for c in cells[1:]):
            continue
        end = text.find("\n\n", head.end())
        rows.extend(_TABLE_ROW.finditer(text, head.end(), len(text) if end < 0 else end))
    return rows


DECISION_TREE = re.compile(r"[├└]─*\s*(?:yes|no)\b|\?\s*\n\s*[├└│]", re.IGNORECASE)


def is_decision_tree(text: str) -> bool:
    """Does `text` draw a decision tree (`DECISION_TREE`)? Every match holds a box-drawing
    branch (├ └ │): looking for those first spares the regex, which tries every position
    of a long code block."""
    return ("├" in text or "└" in text or "│" in text) and DECISION_TREE.search(text) is not None
NON_PROCEDURE_SECTION = re.compile(
    r"\b(?:tips?|best practices?|principles?|notes?|guidelines?|pitfalls?|mistakes?|examples?|features?|when to use|"
    r"overview|prerequisites?|requirements?|reference|resources?|anti-?patterns?|red flags?|faq|keywords?|checklist item guidance)\b",
    re.IGNORECASE)
LOOP = re.compile(r"\b(?:for (?:each|every)|repeat\w*|until|iterat\w*|loop\w*|again|each (?:task|item|file|round|step|one))\b",
                  re.IGNORECASE)
VERIFY = re.compile(r"\b(?:verif\w+|validat\w+|confirm\w*|re-?check\w*|re-?run\w*|double-check\w*|test\w*)\b",
                    re.IGNORECASE)
STEP_HEADING = re.compile(r"^(?:step|phase|stage)\s*\d+|^\d+[.)]\s", re.IGNORECASE)
NUMBERED_LINE = re.compile(r"^\s*(?:[-*]\s+)?(?:\[[ xX]\]\s+)?(?:\d+[.)]\s+\S|(?:[Ss]tep|STEP|[Pp]hase|PHASE)\s*\d+\b)", re.M)
