"""Dependencies in shell text: which tools a shell block or script runs, and what its
install commands install.

The text is read by the one shell reader (`skillir.readers.shell`): commands with
their words, functions the text defines, code handed to other interpreters. This
module decides what those commands need: each command's first word after
assignments, keywords and wrappers (`sudo`, `env`, `timeout` ...); install commands
(`pip install`, `npm install`, `apt-get install`, `brew install`, `npx`, `uvx` ...)
give the packages they install (`npm install X` without -g a local one: it is how a
package is installed for code to use); project commands (`uv add`, `poetry add`, which
have `pip install` beside them) change a project's manifest, so their arguments are not
the skill's environment. Code in strings and heredocs fed to Python or Node (`python3 -c`,
`python3 - <<EOF`) is read by the Python/JS readers for its imports only; jq/awk/sed
programs and the bodies of data heredocs are never commands; functions the text
defines are never dependencies.
"""

from __future__ import annotations

import re
from operator import itemgetter

from skillir.deps.commands import MCP_PREFIX, mcp_name
from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.tables import rules, tool_table
from skillir.readers.shell import (
    INSTALLERS,
    KEYWORDS,
    Command,
    ShellScript,
    after_wrapper,
    read_shell,
    wrappers,
)

_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=(.*)$", re.DOTALL)
_MANIFEST_TEST = re.compile(r"\[\[?\s*!?\s*-[fedsrx]\s+['\"]?([\w./-]+)")
_COMMAND_WORD = re.compile(r"^[a-z][a-z0-9._+-]*$")
_PYTHON = re.compile(r"^(?:python(?:\d(?:\.\d+)?)?|pypy3?)$")
_PIP = re.compile(r"^pip(?:\d(?:\.\d+)?)?$")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash"})
_SCRIPT_SUFFIX = re.compile(r"\.(?:py|sh|bash|js|mjs|cjs|ts|rb|pl|txt|json|md|csv|yaml|yml|toml|xml|html|log)$")
_INSTALL_IN_COMMENT = re.compile(
    rf"\b((?:sudo\s+)?{INSTALLERS}\s+(?:install|i|add|global\s+add)\s+[^#;&|]*)"
)
_NOT_A_COMMAND_LINE = re.compile(r"\s*(?:-{1,2}[A-Za-z]|[A-Za-z_][\w.-]*\((?!\)))")
"""A line of an options listing (`--format json|text  Output format`), a commit
subject (`feat(auth): add OAuth2`) or another language's call (`print("x")`) in a block
tagged shell: no command runs on it (`name() {` still defines a function)."""
_DETERMINER_BEFORE = re.compile(r"\b(?:a|an|the|this|that|any|each|every|no)\s+$", re.IGNORECASE)
_PROSE_AFTER_INSTALL = frozenset({
    "first", "then", "too", "also", "before", "after", "beforehand", "afterwards", "again", "instead", "if",
    "vs", "versus",
    "when", "to", "on", "for", "from", "in", "as", "via", "or", "and", "the", "it", "them", "yourself",
    "manually", "globally", "locally", "once", "now", "only", "here", "there", "which", "that", "so",
    "without", "with", "into", "onto", "by", "at", "like", "per", "using", "unless", "until", "while", "where", "because", "but", "is", "are", "will", "should",
    "command", "commands", "step", "steps", "call", "calls", "line", "lines", "invocation", "invocations"})
"""Words that end an install command quoted in prose ("brew install gmp first", "pip
install x if missing", "pip install without --require-hashes", "pip install commands"):
English after (or instead of) the package list, never packages."""
_DASHES = ("\u2014", "\u2013")
"""An em or en dash ("pip install openai — uses OPENAI_API_KEY") is punctuation of the
sentence around a command, never shell."""
_SPEC = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?:(?:===|==|>=|<=|~=|!=|>|<)\s*[^\s;]+(?:\s*,\s*(?:===|==|>=|<=|~=|!=|>|<)\s*[^\s;,]+)*)?\s*(?:;.*)?$")
_VCS = re.compile(r"^(?:git|hg|svn|bzr)\+[a-z]+://\S+$")
_EMBEDDED_KINDS = frozenset({"module", "npm", "env"})
"""What code in a string or heredoc may show: its imports and credentials."""

_END_WORDS = frozenset({"for", "case", "select", "function", "fi", "done", "esac", "in"})
_SKIP_WORDS = (KEYWORDS | {"[[", "]]"}) - _END_WORDS
"""Words passed over before a command's name: the shell reader's keywords (`if`, `!`,
`time`, `coproc` ...) and a test's brackets; `_END_WORDS` end the command instead."""
_DECLARE = frozenset({"export", "declare", "local", "readonly", "typeset"})
_PIP_VALUE_FLAGS = frozenset({
    "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
    "--prefix", "--root", "--python", "-p", "--jobs", "--platform", "--python-version", "--implementation",
    "--abi", "--upgrade-strategy", "--src", "--progress-bar", "--log", "--cache-dir", "--trusted-host",
    "--proxy", "--timeout", "--retries", "--config-settings", "-C", "--group", "--extra", "--index",
    "--default-index", "--only-binary", "--no-binary", "--python-platform", "--exclude-newer",
})
_NPM_VALUE_FLAGS = frozenset({"--prefix", "--registry", "-w", "--workspace", "--cache", "--tag"})
_APT_VALUE_FLAGS = frozenset({"-t", "--target-release", "-o", "--option", "-c", "--config-file"})
_RUNNERS = frozenset({"poetry", "pdm", "pipenv", "hatch", "rye"})
_AGENT_CLIS = frozenset({"claude", "codex", "gemini", "opencode", "cursor-agent", "amp", "qwen"})
_AGENT_CONFIG = frozenset({"mcp", "config", "login", "logout", "auth", "--enable", "--disable", "features",
                           "plugin", "plugins", "extensions"})
_MCP_ADD_VALUE_FLAGS = frozenset({"--transport", "-t", "--scope", "-s", "--env", "-e", "--header", "-H"})
_JS_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})
_PROJECT_SCRIPTS = frozenset({"test", "t", "run", "run-script", "start", "build", "lint", "dev"})


class ShellReader:
    """Reads shell text into hits. `local_commands` are the skill's own scripts and
    functions (never dependencies)."""

    def __init__(self, local_commands: frozenset[str] = frozenset(), python=None, js=None):
        self.local_commands = local_commands
        self.python = python
        """Reads Python handed to an interpreter (`python -c`, `python3 - <<EOF`): a
        `PythonReader` (it wires itself in when built over this reader; without one,
        inline Python is not read)."""
        self.js = js
        """Reads JavaScript handed to node (`node -e`, `node - <<EOF`): a `JsReader`."""
        self.tools = tool_table()
        self.rules = rules()

    def read(self, code: str, *, via: str = "shell-command", confidence: int = 85,
             optional: bool = False, prompts_only: bool = False) -> list[Hit]:
        code = lf_only(code)
        script = read_shell(code, prompts_only=prompts_only)
        return self.read_script(script, code, via=via, confidence=confidence, optional=optional)

    def read_script(self, script: ShellScript, code: str, *, via: str = "shell-command", confidence: int = 85,
                    optional: bool = False) -> list[Hit]:
        """Hits in shell text already read by `read_shell` (`code` is that text)."""
        hits: list[Hit] = []
        if not script.commands and not script.comments:
            return hits
        lines = code.split("\n")
        functions = set(script.functions)
        command_lines = {c.line for c in script.commands}
        # comments and commands in line order: a comment line ("# Optional: ...",
        # "# ❌ BAD: ...") changes how the commands after it count
        events: list[tuple[int, int, object]] = [(line, 0, text) for line, text in script.comments]
        events.extend((c.line, 1, c) for c in script.commands)
        events.sort(key=itemgetter(0, 1))
        # (a command named sh/bash holds one of those words: the set test skips the rest)
        sinks = {c.pipeline for c in script.commands
                 if not _SHELLS.isdisjoint(c.words) and c.name in _SHELLS and not c.args}
        optional_block = False
        alternative = False
        bad_block = False
        skip_lines: dict[int, bool] = {}
        states: list[tuple[int, bool, bool]] = []
        for number, order, item in events:
            if order == 0:
                comment = str(item)
                if number not in command_lines:
                    if self.rules.optional_cue.search(comment):
                        optional_block, alternative = True, False
                    elif self.rules.alternative_comment.search(comment):
                        optional_block, alternative = True, True  # "# Or ...": up to the next comment
                    elif self.rules.required_block.search(comment) or alternative:
                        optional_block, alternative = False, False
                    # a region opens where a comment line opens with a cue (`# ❌ WRONG:`,
                    # `# BAD: ...`), as in the Python reader; a cue inside a comment's
                    # sentence ("# Check for bad channels") marks nothing
                    opening = comment.lstrip("# \t")
                    if self.rules.counter_example.opens(opening):
                        bad_block = True
                    elif self.rules.example_end.opens(opening):
                        bad_block = False
                if bad_block:
                    continue
                for match in _INSTALL_IN_COMMENT.finditer(comment):
                    if _DETERMINER_BEFORE.search(comment, 0, match.start(1)):
                        continue  # "# Check if this is a pip install command": about installs
                    sub = self.read(until_prose(match.group(1)), via="comment", confidence=min(confidence, 80),
                                    optional=optional or optional_block or bool(self.rules.optional_cue.search(comment)))
                    line = lines[number - 1] if 0 < number <= len(lines) else "#" + comment
                    for hit in sub:
                        hit.line = number
                        hit.text = trim(line)
                    hits.extend(sub)
                continue
            command: Command = item  # type: ignore[assignment]
            states.append((number, bad_block, optional_block))
            if bad_block:
                continue
            source = lines[number - 1] if 0 < number <= len(lines) else command.text
            skip = skip_lines.get(number)
            if skip is None:
                continued = number >= 2 and lines[number - 2].rstrip().endswith("\\")  # `  -H x | jq .`
                skip = skip_lines[number] = (self._project_conditional(source) or self._alternatives(source)
                                             or (not continued and _NOT_A_COMMAND_LINE.match(source) is not None))
            if skip:
                continue
            comment = command.comment
            line_optional = optional or optional_block or bool(comment and (
                self.rules.optional_cue.search(comment) or self.rules.alternative_comment.search(comment)))
            text = trim(command.text.split("\n", 1)[0] if not command.nested else source)
            words = [f"{k}={v}" for k, v in command.assignments]
            words.extend(command.words)
            installer_pipe = command.pipeline in sinks and command.name in ("curl", "wget")
            self._command(words, number, text, via, confidence, line_optional, hits, functions, installer_pipe)
        for embedded in script.embedded:
            # (the one shell reader sees through `env`/paths: `/usr/bin/env python3 - <<EOF`
            # is python, and a shell heredoc's commands are already among script.commands)
            lang = embedded.lang
            reader = self.python if lang == "python" else self.js if lang == "javascript" else None
            if reader is None:
                continue
            state = next((st for st in reversed(states) if st[0] <= embedded.line), (0, False, False))
            if state[1]:
                continue  # inside a counter-example
            opt = optional or state[2]
            if lang == "python":
                found, _ = reader.read(embedded.code, via=via, confidence=confidence, optional=opt)
            else:
                found = reader.read(embedded.code, confidence=confidence, optional=opt)
            source = lines[embedded.line - 1] if 0 < embedded.line <= len(lines) else ""
            for hit in found:
                if hit.kind not in _EMBEDDED_KINDS:
                    continue
                if embedded.via == "heredoc":
                    hit.line = embedded.line + hit.line - 1
                else:
                    hit.line, hit.text = embedded.line, trim(source)
                hit.optional = hit.optional or opt
                hits.append(hit)
        return hits

    # ------------------------------------------------------------------ line filters

    def _project_conditional(self, line: str) -> bool:
        """`if [ -f package.json ]; then npm install; fi`: depends on the user's project."""
        return any(m.group(1).rsplit("/", 1)[-1] in self.rules.manifests for m in _MANIFEST_TEST.finditer(line))

    def _alternatives(self, line: str) -> bool:
        """`npm test / cargo test / pytest`: one of several, depending on the project."""
        if " / " not in line:
            return False
        parts = [p.strip().split() for p in line.split(" / ")]
        return len(parts) > 1 and all(p and _COMMAND_WORD.match(p[0]) for p in parts)

    # ------------------------------------------------------------------ commands

    def _command(self, words: list[str], number: int, text: str, via: str, conf: int, optional: bool,
                 hits: list[Hit], functions: set[str], installer_pipe: bool) -> None:
        i = 0
        while i < len(words):
            word = words[i]
            if word in _SKIP_WORDS:
                i += 1
                continue
            if word in _END_WORDS:
                return
            assign = _ASSIGN.match(word)
            if assign is not None:
                self._env(assign.group(1), assign.group(2), number, text, via, conf, optional, hits)
                i += 1
                continue
            if word in _DECLARE:
                for rest in words[i + 1:]:
                    assign = _ASSIGN.match(rest)
                    if assign is not None:
                        self._env(assign.group(1), assign.group(2), number, text, via, conf, optional, hits)
                return
            break
        if i >= len(words):
            return
        word, args = words[i], words[i + 1:]

        def hit(kind: str, name: str, confidence: int = conf, conditional: bool = False) -> None:
            hits.append(Hit(kind, name, number, text, via, confidence, optional or conditional))

        if "/" in word or "\\" in word:
            base = word.rsplit("/", 1)[-1]
            if word.startswith(("/usr/bin/", "/bin/", "/usr/local/bin/", "/usr/sbin/", "/sbin/")) and base:
                word = base
            else:
                return  # a path: the skill's own script, or the user's
        if (word[:1] in "$<{%@\"'[-=.~:" or word.endswith(":") or word in functions or word == "_sub_"
                or word in self.local_commands):
            return
        if args and args[0] in ("=", "+=", "-=", "=="):
            return  # `data = df.to_dict()`: another language's assignment in a block tagged bash
        tools = self.tools
        if word in _AGENT_CLIS and args[:2] == ["mcp", "add"]:
            # `claude mcp add NAME ...`, `codex mcp add NAME --url ...`: configures an MCP
            # server in the agent that runs the skill; the server is the dependency
            name = next(iter(_positional(args[2:], value_flags=_MCP_ADD_VALUE_FLAGS)), "")
            if re.match(r"^[\w.@-]+$", name):
                hit("service", MCP_PREFIX + mcp_name(name))
            return
        if word in _AGENT_CLIS and args[:1] and args[0] in _AGENT_CONFIG:
            return  # configuring the agent that runs the skill, not a tool the skill uses
        wrapper = wrappers().get(word)
        if wrapper is not None:
            if word in tools.by_bin and word not in tools.baseline:
                hit("command", word)
            rest = args[after_wrapper(wrapper, args):]
            self._command(rest, number, text, via, conf, optional, hits, functions, installer_pipe)
            return
        if _PYTHON.match(word):
            self._python(args, hit, number, text, via, conf, optional, hits)
            return
        if _PIP.match(word):
            self._pip(args, hit)
            return
        if word in ("pipx",):
            sub = _positional(args)
            if len(sub) >= 2 and sub[0] in ("install", "run", "inject"):
                hit("pip", sub[-1] if sub[0] == "inject" else sub[1])
            return
        if word == "uv":
            if args[:1] == ["uv"]:
                args = args[1:]  # `uv uv pip install` (a typo seen in the wild)
            sub = _positional(args)
            if not (sub and sub[0] == "pip" and sub[1:2] == ["install"]):
                hit("command", "uv")  # `uv pip install X` is only one way to install X
            if sub and sub[0] == "pip":
                self._pip(args[args.index("pip") + 1:], hit)
            elif len(sub) >= 3 and sub[0] == "tool" and sub[1] in ("install", "run"):
                hit("pip", sub[2])
            if sub and sub[0] in ("run", "tool"):
                for package in _with_values(args):
                    hit("pip", package)
            return
        if word == "uvx":
            hit("command", "uvx")
            for package in _with_values(args):
                hit("pip", package)
            package = _flag_value(args, ("--from",)) or next(iter(_positional(args)), "")
            if package:
                hit("pip", package)
            return
        if word in _RUNNERS:
            hit("command", word)
            return
        if word in ("conda", "mamba", "micromamba"):
            hit("command", word)  # the environment manager itself (`conda create -n forge`)
            sub = _positional(args, value_flags=frozenset({"-c", "--channel", "-n", "--name", "-p", "--prefix"}))
            if sub and sub[0] == "install":
                for package in sub[1:]:
                    hit("pip", package, min(conf, 70))
            return
        if word in _JS_MANAGERS:
            self._js_manager(word, args, hit)
            return
        if word in ("npx", "bunx"):
            hit("command", word)
            # `npx -p pkg cmd` names the package; after the command (`bunx expo export -p
            # web`) the flags are the command's own
            package = _flag_value(_before_command(args, _NPX_VALUE_FLAGS), ("-p", "--package")) or next(
                iter(_positional(args, value_flags=_NPX_VALUE_FLAGS)), "")
            if package:
                hit("npm-global", _strip_npm_version(package))
            return
        if word in ("apt", "apt-get", "aptitude"):
            sub = _positional(args, value_flags=_APT_VALUE_FLAGS)
            if sub and sub[0] == "install":
                for package in sub[1:]:
                    hit("apt", package.split("=", 1)[0])
            return
        if word == "brew":
            sub = _positional(args)
            if sub and sub[0] == "install" and "--cask" not in args:
                for formula in sub[1:]:
                    hit("brew", formula)
            return
        if word == "cargo":
            sub = _positional(args, value_flags=frozenset({"--git", "--version", "--branch", "--tag", "--rev", "--root", "--path"}))
            if sub and sub[0] == "install" and len(sub) > 1:
                hit("command", sub[-1])
            else:
                hit("command", "cargo")
            return
        if word == "go":
            sub = _positional(args)
            if sub and sub[0] == "install" and len(sub) > 1:
                hit("command", sub[-1].split("@", 1)[0].rstrip("/").rsplit("/", 1)[-1])
            else:
                hit("command", "go")
            return
        if word in ("curl", "wget") and installer_pipe:
            return  # `curl ... | sh`: an installer, one of several ways to get a tool
        if word in tools.installers or word in tools.baseline:
            return
        hit("command", word)

    def _env(self, name: str, value: str, number: int, text: str, via: str, conf: int, optional: bool,
             hits: list[Hit]) -> None:
        if value.startswith("(") or (not value and f"{name}=(" in text):
            # `WRITTEN_SECRETS=()`: a script's own array, not a credential to supply (an
            # array that substitutes a command is still read as a subshell: no value)
            return
        if self.rules.credential.match(name) and name not in self.rules.credential_placeholders:
            hits.append(Hit("env", name, number, text, via, min(conf, 80), optional))

    def _python(self, args: list[str], hit, number: int, text: str, via: str, conf: int, optional: bool,
                hits: list[Hit]) -> None:
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "-m" and i + 1 < len(args):
                module = args[i + 1]
                if module == "pip":
                    self._pip(args[i + 2:], hit)
                else:
                    hit("module", module)
                return
            if arg.startswith("-m") and len(arg) > 2:
                hit("module", arg[2:])
                return
            if arg == "-c":
                return  # the code is read as Python by `read_script` (its imports only)
            if arg in ("-W", "-X", "-Q"):
                i += 2
                continue
            if not arg.startswith("-"):
                return  # a script: the skill's own or the user's
            i += 1

    def _pip(self, args: list[str], hit) -> None:
        if not args or args[0] != "install":
            return
        i = 1
        while i < len(args):
            arg = args[i]
            if arg in ("-r", "--requirement") and i + 1 < len(args):
                hit("requirements", args[i + 1])
                i += 2
                continue
            if arg.startswith("--requirement="):
                hit("requirements", arg.split("=", 1)[1])
            elif arg in ("-e", "--editable") and i + 1 < len(args):
                if _VCS.match(args[i + 1]):
                    hit("pip", args[i + 1])
                i += 2
                continue
            elif arg in _PIP_VALUE_FLAGS:
                i += 2
                continue
            elif not arg.startswith("-"):
                if pip_spec_name(arg, self.rules.pip_placeholders) is not None:
                    hit("pip", arg)
            i += 1

    def _js_manager(self, word: str, args: list[str], hit) -> None:
        sub = _positional(args, value_flags=_NPM_VALUE_FLAGS)
        # `npm test`, `npm run build`: the project's own scripts, so node is needed only
        # when the project is a JavaScript one (optional for the skill)
        hit("command", word, conditional=bool(sub) and sub[0] in _PROJECT_SCRIPTS)
        if not sub:
            return
        is_global = "-g" in args or "--global" in args or sub[0] == "global"
        if sub[0] == "global":
            sub = sub[1:]
        if sub and sub[0] in ("install", "i", "add", "in", "isntall"):
            for package in sub[1:]:
                name = _strip_npm_version(package)
                if _npm_name_ok(name, self.rules.js_placeholders):
                    hit("npm-global" if is_global else "npm", name)
        elif sub[0] in ("exec", "dlx", "x") and len(sub) > 1:
            hit("npm-global", _strip_npm_version(sub[1]))
        elif sub[0] in ("create", "init") and len(sub) > 1:
            name = _initializer(_strip_npm_version(sub[1]))
            if name and _npm_name_ok(name, self.rules.js_placeholders):
                hit("npm-global", name)  # `npm create vite@latest` runs create-vite


def _initializer(name: str) -> str:
    """The package `npm init X` / `npm create X` (and yarn, pnpm, bun) runs: `create-X`,
    `@scope/create` for `@scope`, `@scope/create-X` for `@scope/X` (npm's rule)."""
    if name.startswith("@"):
        scope, _, rest = name.partition("/")
        return f"{scope}/create-{rest}" if rest else f"{scope}/create"
    if not name or "/" in name or name.startswith("."):
        return ""  # a path or a template repository (`bun create owner/repo`), no package
    return name if name.startswith("create-") else f"create-{name}"


def _positional(args: list[str], value_flags: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in value_flags:
            skip = True
        elif not arg.startswith("-"):
            out.append(arg)
    return out


def _with_values(args: list[str]) -> list[str]:
    """The packages `uv run --with A --with B,C` (and `uvx --with`) adds for the run:
    what the command needs, whatever the script's own imports say."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--with" and i + 1 < len(args) else (
            arg.split("=", 1)[1] if arg.startswith("--with=") else "")
        out.extend(v.strip() for v in value.split(",") if v.strip() and not v.startswith("-"))
    return out


_NPX_VALUE_FLAGS = frozenset({"-p", "--package", "-c", "--call"})


def _before_command(args: list[str], value_flags: frozenset[str]) -> list[str]:
    """The options before the first positional word (the command they run)."""
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg in value_flags:
            skip = True
        elif not arg.startswith("-"):
            return args[:i]
    return args


def _flag_value(args: list[str], flags: tuple[str, ...]) -> str:
    for i, arg in enumerate(args):
        for flag in flags:
            if arg == flag and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return ""


def _strip_npm_version(spec: str) -> str:
    """`pkg@1.2`, `@scope/pkg@latest` -> `pkg`, `@scope/pkg`."""
    if spec.startswith("npm:"):
        spec = spec[4:]
    if spec.startswith("@"):
        head, _, rest = spec[1:].partition("@")
        return "@" + head
    return spec.split("@", 1)[0]


_NPM_NAME = re.compile(r"^(?:@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$")


def _npm_name_ok(name: str, placeholders: frozenset[str]) -> bool:
    return bool(_NPM_NAME.match(name)) and name not in placeholders


def npm_name_ok(name: str) -> bool:
    return _npm_name_ok(name, rules().js_placeholders)


def pip_spec_name(spec: str, placeholders: frozenset[str] | None = None) -> str | None:
    """The distribution a pip requirement names, or None for paths, URLs to archives,
    placeholders (`PACKAGE`, `package1`, `<pkg>`) and anything unreadable."""
    spec = spec.strip().strip("'\"")
    if placeholders is None:
        placeholders = rules().pip_placeholders
    if _VCS.match(spec):
        egg = re.search(r"#egg=([A-Za-z0-9._-]+)", spec)
        if egg:
            return egg.group(1)
        rest = spec.split("://", 1)[1].split("#", 1)[0]
        last = rest.rstrip("/").rpartition("/")[2].split("@", 1)[0]
        last = last[:-4] if last.endswith(".git") else last
        return last or None
    if "://" in spec or spec.startswith((".", "/", "~")) or "/" in spec:
        return None
    match = _SPEC.match(spec)
    if match is None:
        return None
    name = match.group(1)
    if name.lower() in placeholders or (name.isupper() and len(name) > 1) or name.lower().startswith(("your-", "your_", "my-", "my_")):
        return None
    if re.search(r"\d$", name) and name.rstrip("0123456789").lower() in placeholders:
        return None
    return name


def until_prose(command: str) -> str:
    """An install command read out of prose or a comment, cut where the sentence goes on
    in English ("brew install gmp first" -> "brew install gmp")."""
    words = command.split()
    for index, word in enumerate(words):
        if index >= 2 and (word.lower().strip(".,:;!?") in _PROSE_AFTER_INSTALL or word.startswith(_DASHES)):
            return " ".join(words[:index])
        if index >= 2 and word.endswith((".", ";")) and not word.endswith("..") and index + 1 < len(words):
            return " ".join([*words[:index], word[:-1]])  # "apt install libaio-dev. In general, ..."
    return command
