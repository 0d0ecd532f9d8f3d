"""The IR-free code readers (`skillir.readers`): the language table, the shell reader,
the Python reader and the JavaScript reader."""

from __future__ import annotations

import pytest

from skillir.errors import SkillIRError
from skillir.readers import languages
from skillir.readers.js import read_js
from skillir.readers.languages import extension_family, family
from skillir.readers.python import read_python
from skillir.readers.shell import heredoc_language, read_shell

# ---------------------------------------------------------------------------- languages


def test_language_table_families():
    assert [family(t) for t in ("Bash", "console", "py", "pycon", "tsx", "node", "jsonc", "yml", "psql", "svg")] == [
        "shell", "shell", "python", "python", "javascript", "javascript", "json", "config", "sql", "html"]
    assert family("") == family("text") == "plain"
    assert family("rust") == family("mermaid") == "other"
    assert family("python title=merge.py") == "python"
    assert extension_family(".PY") == "python" and extension_family(".sh") == "shell"
    assert extension_family(".mts") == "javascript" and extension_family(".rs") == "other"
    assert "zsh" in languages.table().tags_of("shell")


def test_language_table_rejects_a_tag_in_two_families(monkeypatch):
    class Fake:
        def joinpath(self, _name):
            return self

        def read_text(self, encoding):
            return '{"families": {"shell": ["sh"], "python": ["sh"]}, "extensions": {}}'

    monkeypatch.setattr(languages.resources, "files", lambda _pkg: Fake())
    languages.table.cache_clear()
    try:
        with pytest.raises(SkillIRError, match="'sh' is in both 'shell' and 'python'"):
            languages.table()
    finally:
        monkeypatch.undo()
        languages.table.cache_clear()
    assert family("sh") == "shell"


# ---------------------------------------------------------------------------- shell


def test_commands_continuations_heredocs_and_comments():
    # moved from test_env_extract (logical_lines): continuations joined, heredoc bodies
    # and output lines are not commands, comments kept apart
    code = "curl -s \\\n  https://x | jq .\nosascript <<'EOF'\ntell app \"Music\"\nEOF\necho done # note\n"
    script = read_shell(code)
    assert [(c.line, c.name) for c in script.commands] == [(1, "curl"), (2, "jq"), (3, "osascript"), (6, "echo")]
    assert script.commands[0].words == ("curl", "-s", "https://x")
    assert script.commands[0].pipeline == script.commands[1].pipeline != script.commands[2].pipeline
    assert script.comments == [(6, " note")] and script.commands[3].comment == " note"
    assert [(e.lang, e.code, e.line, e.via) for e in script.embedded] == [
        ("jq", ".", 2, "program"), ("", 'tell app "Music"\n', 4, "heredoc")]
    prompted = read_shell("$ gh pr list\nShowing 3 of 3 pull requests\n$ gh issue view 1\n")
    assert prompted.prompted
    assert [(c.line, c.words) for c in prompted.commands] == [(1, ("gh", "pr", "list")), (3, ("gh", "issue", "view", "1"))]


def test_pipes_substitutions_and_redirections():
    # moved from test_env_extract (split_commands)
    script = read_shell('A=$(git rev-parse HEAD) && make -j4 | tee log; `which rg` x')
    assert [(c.name, c.nested) for c in script.commands] == [
        ("git", True), ("", False), ("make", False), ("tee", False), ("which", True), ("`which rg`", False)]
    assert script.commands[1].assignments == (("A", "$(git rev-parse HEAD)"),)
    assert script.writes() == ["log"]
    script = read_shell("echo 'a;b|c' \"$(date)\" 2>&1")
    assert [c.name for c in script.commands] == ["date", "echo"]
    echo = script.commands[1]
    assert echo.words == ("echo", "a;b|c", "$(date)") and echo.quoted == (False, True, True)
    assert [(r.op, r.target, r.fd, r.writes) for r in echo.redirects] == [(">&", "&1", "2", False)]


def test_files_read_and_written():
    script = read_shell("sort < in.csv > sorted.csv\ncmd >> log.txt 2>/dev/null\nfoo | tee -a all.log out.log\n"
                        "x &> both.txt\n")
    assert script.reads() == ["in.csv"]
    assert script.writes() == ["sorted.csv", "log.txt", "all.log", "out.log", "both.txt"]
    assert [r.op for r in script.commands[3].redirects + script.commands[4].redirects] == ["tee -a", "tee -a", "&>"]


def test_code_in_strings_is_embedded_not_commands():
    code = ('python3 -c "\nimport sys, json\nprint(json.load(sys.stdin))\n" < data.json\n'
            "jq -r '.items[]\n  | select(.n | tonumber > 3)\n  | contains(\"x\")' f.json\n"
            "awk -F, '{ print $2 }\n END { print monday }' a.csv\n"
            "sed -e 's/a/b/' -e 's/c/d/' f\n"
            "node -e 'require(\"fs\")'\n"
            "bash -c 'pdftotext a.pdf; qpdf --check a.pdf'\n")
    script = read_shell(code)
    assert [c.name for c in script.commands if not c.nested] == ["python3", "jq", "awk", "sed", "node", "bash"]
    assert [c.name for c in script.commands if c.nested] == ["pdftotext", "qpdf"]
    assert [(e.lang, e.via, e.line) for e in script.embedded] == [
        ("python", "-c", 1), ("jq", "program", 5), ("awk", "program", 8), ("sed", "program", 10),
        ("sed", "program", 10), ("javascript", "-c", 11), ("shell", "-c", 12)]
    assert script.embedded[0].code == "\nimport sys, json\nprint(json.load(sys.stdin))\n"
    assert script.reads() == ["data.json"]
    assert not {"import", "print", "select", "tonumber", "contains", "END"} & set(script.names())


def test_heredoc_languages():
    code = ("python3 - <<'PY'\nimport pandas\nPY\nnode <<EOF\nconst x = require('axios')\nEOF\n"
            "cat > notes.md <<EOF\nmonday tonight\nEOF\nsh <<'SH'\nffmpeg -i a b\nSH\n"
            "uv run python - <<EOF\nimport numpy\nEOF\npython3 script.py <<EOF\nanswer\nEOF\n")
    script = read_shell(code)
    assert [(e.lang, e.line, e.command) for e in script.embedded] == [
        ("python", 2, "python3"), ("javascript", 5, "node"), ("", 8, "cat"), ("shell", 11, "sh"),
        ("python", 14, "uv"), ("", 17, "python3")]
    assert script.writes() == ["notes.md"]
    assert script.names() == ["python3", "node", "cat", "sh", "ffmpeg", "uv"]
    assert heredoc_language(script.commands[0]) == "python"


def test_wrappers_run_the_command_after_them():
    code = ("/usr/bin/env bash <<'EOF'\nuser=$(curl -s https://api.example.com/user)\nEOF\n"
            "sudo -u www env FOO=1 python3 -c 'import yaml'\nnohup node -e 'require(\"ws\")'\n"
            "env cat <<EOF\nmonday\nEOF\n")
    script = read_shell(code)
    assert [c.name for c in script.commands if c.nested and c.name] == ["curl"]  # the heredoc is shell
    assert [(e.lang, e.code, e.command) for e in script.embedded] == [
        ("shell", "user=$(curl -s https://api.example.com/user)\n", "/usr/bin/env"),
        ("python", "import yaml", "python3"), ("javascript", 'require("ws")', "node"),
        ("", "monday\n", "env")]
    assert [heredoc_language(c) for c in script.commands if not c.nested and "<<" in c.text] == ["shell", ""]


@pytest.mark.parametrize(("line", "program"), [
    ("timeout 30 python3 -c 'import requests'", "python3"),  # a duration before the command
    ("timeout -s KILL 5m node -e 'x'", "node"),
    ("xargs -n 1 -P 4 bash -c 'echo $0'", "bash"),
    ("sudo -E -u www nice -n 5 perl -e 'print 1'", "perl"),
    ("stdbuf -oL ruby -e 'puts 1'", "ruby"),
    ("env -u HOME A=1 sh -c 'ls'", "sh"),
    ("timeout", None),  # a wrapper with nothing to run
])
def test_one_wrapper_table_finds_the_program(line, program):
    """skillir/data/wrappers.json is the one table: the reader, the dependency reader, the
    capability rules and the security lint all step over a wrapper's own words with it."""
    from skillir.readers.shell import program_index, wrappers
    from skillir.security.scan import command_at

    command = read_shell(line).commands[0]
    at = program_index(command.words, command.start)
    assert (command.words[at] if at < len(command.words) else None) == program
    assert command_at(line, len(line) - 1) == (program or "")
    assert {"sudo", "env", "timeout", "xargs"} <= set(wrappers())
    if program is not None:
        assert [e.command for e in read_shell(line).embedded][:1] == [program]


def test_functions_case_patterns_and_loops():
    code = ("greet() {\n  echo hi\n}\nfunction deploy {\n  kubectl apply -f k8s/\n}\n"
            "case \"$1\" in\n  start) greet ;;\n  stop|halt)\n    deploy ;;\n  *) usage ;;\nesac\n"
            "for f in *.pdf; do pdftotext \"$f\"; done\nif [ -f x ]; then make; fi\n")
    script = read_shell(code)
    assert script.functions == {"greet", "deploy"}
    assert script.names() == ["echo", "kubectl", "usage", "pdftotext", "[", "make"]
    assert {c.name: c.function for c in script.commands if c.name in ("echo", "kubectl", "make")} == {
        "echo": "greet", "kubectl": "deploy", "make": ""}
    loop = next(c for c in script.commands if c.words[:1] == ("for",))
    assert loop.name == "" and loop.words == ("for", "f", "in", "*.pdf")


def test_array_elements_are_values_not_commands():
    """`AGENTS+=("codex")` fills an array; `(cd dir && make)` is a subshell. An array
    that substitutes a command still shows that command."""
    code = ('SECRETS=()\nAGENTS+=("codex")\ndeclare -a PKGS=(git curl)\n(cd dir && make)\n'
            'FILES=($(jq -r .files[] manifest.json))\n')
    script = read_shell(code)
    names = script.names()
    assert names[:3] == ["declare", "cd", "make"] and "jq" in names
    assert not {"codex", "git", "curl"} & set(names)
    assert dict(a for c in script.commands for a in c.assignments)["SECRETS"] == "()"
    assert dict(a for c in script.commands for a in c.assignments)["AGENTS"] == '("codex")'
    over_lines = read_shell("BUNDLES=(\n  a\n  b\n)\njq . x\n")
    assert [(c.name, c.line) for c in over_lines.commands if c.name] == [("jq", 5)]  # lines still count


def test_a_blank_in_angle_brackets_is_a_word_not_two_redirections():
    """`CLOUDFLARE_ACCOUNT_ID=<id> wrangler email ...`: `<id>` is a blank to fill in (here
    the assignment's value), so the command is wrangler, not `email` fed from `id` into
    `wrangler`; `sort <in.txt >out.txt` still redirects."""
    script = read_shell("ACCOUNT=<id> wrangler email send <domain>\nsort <in.txt >out.txt\n")
    first, second = script.commands
    assert first.name == "wrangler" and first.words[-1] == "<domain>" and not first.redirects
    assert first.assignments == (("ACCOUNT", "<id>"),)
    assert [(r.op, r.target) for r in second.redirects] == [("<", "in.txt"), (">", "out.txt")]


def test_unclosed_quotes_and_odd_text_never_raise():
    for text in ("echo 'unclosed\nls", 'echo "a $(b', "cat <<EOF\nno end", "((x++))", "a=(1 2 3)\n", "$", "\\",
                 "echo `x", "${", "f() ", "<(", "2>", "case x in\n"):
        script = read_shell(text)
        assert isinstance(script.names(), list)
    assert read_shell("echo 'unclosed\nls").names() == ["echo"]


# ---------------------------------------------------------------------------- python


def test_python_imports_files_and_commands():
    code = ("import os, subprocess\nimport numpy as np\nfrom PIL import Image\nfrom . import sibling\n"
            "try:\n    import orjson\nexcept ImportError:\n    orjson = None\n"
            "with open('out.json', 'w') as f:\n    pass\ndata = open('in.txt').read()\n"
            "subprocess.run(['ffmpeg', '-i', 'a b.mp4'])\nos.system('pdftotext x.pdf - | wc -l')\n"
            "key = os.environ['KAGI_API_KEY']\nPath('report.md').write_text(s)\ndf.to_csv('table.csv')\n"
            "# Requires: pip install rapidfuzz\n")
    facts = read_python(code)
    assert facts.parsed
    assert [(i.module, i.line, i.optional) for i in facts.imports] == [
        ("os", 1, False), ("subprocess", 1, False), ("numpy", 2, False), ("PIL", 3, False), ("orjson", 6, True)]
    assert facts.writes() == ["out.json", "report.md", "table.csv"] and facts.reads() == ["in.txt"]
    assert [(c.text, c.shell) for c in facts.commands] == [("ffmpeg -i 'a b.mp4'", True),
                                                           ("pdftotext x.pdf - | wc -l", True)]
    assert [e.name for e in facts.env] == ["KAGI_API_KEY"]
    assert facts.comments == [(17, " Requires: pip install rapidfuzz")]


def test_python_fallback_and_notebooks():
    facts = read_python("print 'py2'\nimport requests\nfrom bs4 import Soup\nopen('o.txt', 'w')\n")
    assert not facts.parsed and facts.error.startswith("line 1")
    assert [i.module for i in facts.imports] == ["requests", "bs4"] and facts.writes() == ["o.txt"]
    facts = read_python("!pip install -q seaborn\n%pip install tqdm\nimport seaborn\n")
    assert [(c.text, c.notebook) for c in facts.commands] == [("pip install -q seaborn", True),
                                                               ("pip install tqdm", True)]
    assert [i.module for i in facts.imports] == ["seaborn"]
    assert read_python(">>> from obspy import read\n>>> st = read()\n3 Trace(s)\n").imports[0].module == "obspy"


# ---------------------------------------------------------------------------- javascript


def test_js_specifiers_files_env_and_commands():
    code = ("import { Resend } from 'resend';\nconst fs = require('node:fs');\n"
            "const data = fs.readFileSync('in.json', 'utf8');\nawait fs.promises.writeFile(\"out.json\", x);\n"
            "const key = process.env.RESEND_API_KEY;\nexecSync('git status');\nspawn('ffmpeg', ['-i', 'a.mp4']);\n")
    code_facts = read_js(code)
    assert [(s.specifier, s.line) for s in code_facts.specifiers] == [("resend", 1), ("node:fs", 2)]
    assert code_facts.reads() == ["in.json"] and code_facts.writes() == ["out.json"]
    assert code_facts.env == [("RESEND_API_KEY", 5)]
    assert code_facts.commands == [("git status", 6), ("ffmpeg -i a.mp4", 7)]
    assert read_js("const x = 1;\n").specifiers == []


def test_usage_synopsis_brackets_are_words():
    script = read_shell("tool [--mode gpt-image|nano-banana] [-o FILE] \\\n  --x\nls [0-9]*.txt | wc -l\n"
                        "[ -f x ] && echo ok\nif [[ \" ${missing[*]} \" =~ \" jq \" ]]; then echo y; fi\n")
    assert [c.words for c in script.commands][:5] == [
        ("tool", "[--mode gpt-image|nano-banana]", "[-o FILE]", "--x"), ("ls", "[0-9]*.txt"), ("wc", "-l"),
        ("[", "-f", "x", "]"), ("echo", "ok")]
    assert script.names() == ["tool", "ls", "wc", "[", "echo"]
    assert script.commands[5].words == ("if", "[[", " ${missing[*]} ", "=~", " jq ", "]]")


def test_usage_choices_in_angle_brackets_and_braces_are_words():
    """`<ancestors|descendants|both>` and `{json|yaml}` list the choices of a usage
    line: one word each, never a pipe into `descendants` or `yaml}`; `{ cmd; }` is still
    a group, `{a,b}` and `{1..3}` still expand, and `sort <in.txt | head` still pipes."""
    script = read_shell("query --direction <ancestors|descendants|both> \\\n  --format {json|yaml}\n"
                        "{ ls; pwd; } > out\necho {a,b} {1..3}\nsort <in.txt | head -3\n")
    assert script.commands[0].words == ("query", "--direction", "<ancestors|descendants|both>",
                                        "--format", "{json|yaml}")
    assert script.names() == ["query", "ls", "pwd", "echo", "sort", "head"]
    assert next(c.words for c in script.commands if c.name == "echo") == ("echo", "{a,b}", "{1..3}")


def test_a_parenthesis_after_words_opens_no_subshell():
    """Bash opens a subshell only where a command starts: `- PyTorch (latest)` (a list
    pasted into a bash block), a usage line's `(default: out.mp4)` and assembly's
    `-48(%rsp)` are words of the command they follow, not commands `latest`,
    `default:` or `%rsp`; `a && (cd x && make)` is still a subshell, and `name()` and
    `function name()` still define a function."""
    script = read_shell("- PyTorch (latest)\n./run.sh create PROMPT --output movie.mp4 (default: movie.mp4)\n"
                        "movq %rax, -48(%rsp)\nbuild && (cd x && make)\n"
                        "function deploy() {\n  kubectl apply\n}\nhelp() { echo h; }\n")
    assert script.commands[0].words == ("-", "PyTorch", "(latest)")
    assert script.commands[1].words[-1] == "(default: movie.mp4)"
    assert script.commands[2].words == ("movq", "%rax,", "-48", "(%rsp)")
    assert [n for n in script.names() if n] == ["-", "./run.sh", "movq", "build", "cd", "make", "kubectl", "echo"]
    assert script.functions == {"deploy", "help"}
    # after a reserved word a subshell may still open: `if (...)`, `time (...)`, `! (...)`
    keywords = read_shell("if (cd x && make); then echo ok; fi\ntime (npm test)\n! (grep -q x f)\n")
    assert [n for n in keywords.names() if n] == ["cd", "make", "echo", "npm", "grep"]
    patterns = read_shell("case $x in (start) run_it;; (stop) halt_it;; esac\n")  # a pattern's optional `(`
    assert [n for n in patterns.names() if n] == ["run_it", "halt_it"]
