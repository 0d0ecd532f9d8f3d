"""Capability inference, concurrency extraction and environment binding read code
through the one reader (`skillir.readers`), so on the same block they agree on the
commands it runs and the files it writes (issue 11: they used to disagree)."""

from __future__ import annotations

import pytest

from skillir.capability import rules as cap_rules
from skillir.concurrency import steps as conc_steps
from skillir.concurrency.rules import rules as conc_rules
from skillir.deps.js_deps import JsReader
from skillir.deps.python_deps import PythonReader
from skillir.deps.shell_deps import ShellReader
from skillir.envbind.extract import extract_skill
from skillir.frontend.skill_md import parse_markdown
from skillir.readers.languages import family
from skillir.readers.python import read_python
from skillir.readers.shell import read_shell

SHELL_BLOCKS = [
    # a python -c body over several lines: its words are Python, not commands
    'python3 -c "\nimport sys, json\nprint(json.load(sys.stdin)[\'x\'])\n" < data.json > out.txt\n',
    # a jq program over several lines with builtins that look like commands
    "jq -r '.items[]\n  | select(.n | tonumber > 3)\n  | contains(\"a\")' in.json | tee report.txt\n",
    # a function defined and called, a heredoc of data, a prompt session
    "render() {\n  pandoc \"$1\" -o \"$2\"\n}\nrender a.md a.pdf\ncat > notes.md <<EOF\nmonday tonight\nEOF\n",
    "$ gh pr list --json number > prs.json\nShowing 3 of 3 pull requests\n$ git log --oneline >> log.txt\n",
    "for f in *.pdf; do pdftotext \"$f\" \"${f%.pdf}.txt\"; done\nffmpeg -i in.mp4 -vn out.mp3 2>/dev/null\n",
]


def _deps_commands(body: str) -> set[str]:
    shell = ShellReader(js=JsReader())
    PythonReader(shell)
    return {h.name for h in shell.read(body) if h.kind == "command"}


def _words_of(body: str) -> set[str]:
    return {w for c in read_shell(body).commands for w in c.words}


@pytest.mark.parametrize("body", SHELL_BLOCKS)
def test_three_analyses_agree_on_commands_and_files(body):
    script = read_shell(body)
    names = script.names()
    assert names  # every block runs something
    # env binding: every command it sees is a word the reader put in a command
    # (never a word of a Python string, a jq program or a heredoc body)
    deps = _deps_commands(body)
    assert deps <= _words_of(body)
    assert not deps & {"import", "print", "sys.stdin", "select", "tonumber", "contains", "monday", "tonight", "render"}
    # capability inference: its command lines are the reader's, one per line that
    # starts a top-level command, each starting with that command's first word
    lines = {body.count("\n", 0, offset) + 1: text for offset, text in cap_rules._shell_lines(body)}
    pipelines = [p for p in script.pipelines() if p[0].name and not p[0].function]
    assert pipelines
    for pipeline in pipelines:
        first = pipeline[0]
        assert first.name in lines[first.line]
        if first.start == 0 and first.line not in {c.line for c in script.commands if c.pipeline < first.pipeline}:
            assert lines[first.line].split()[0] == first.words[0]  # it opens its line
        for command in pipeline[1:]:  # the rest of a pipeline is on its first command's line
            assert command.name in lines[first.line]
    assert all(any(c.line == line for c in script.commands if not c.nested) for line in lines)
    exec_finding = next(f for f in cap_rules.analyze_shell(body) if f.prim == "tool.exec")
    assert exec_finding.evidence.split()[0] in {w for c in script.commands for w in c.words[:1]}
    # concurrency: a loop whose body writes a fixed file the reader names is not
    # independent; with no fixed file written, the reader's answer decides it too
    fixed = [t for t in script.writes() if "$" not in t]
    assert conc_steps._independent_body(body, "f", conc_rules(), shell=True) in (False, True)
    if fixed:
        assert not conc_steps._independent_body(body + "\necho $f\n", "f", conc_rules(), shell=True)


def test_files_written_agree():
    shell_loop = 'pdftotext "$f" - >> all.txt\n'
    assert read_shell(shell_loop).writes() == ["all.txt"]
    assert not conc_steps._independent_body(shell_loop, "f", conc_rules(), shell=True)
    per_item = 'pdftotext "$f" "${f%.pdf}.txt"\n'
    assert read_shell(per_item).writes() == []
    assert conc_steps._independent_body(per_item, "f", conc_rules(), shell=True)
    python = "import pandas as pd\ndf = pd.read_csv(path)\ndf.to_csv('summary.csv')\n"
    assert read_python(python).writes() == ["summary.csv"]
    writes = [f for f in cap_rules.analyze_python(python) if f.prim == "tool.file.write"]
    assert len(writes) == 1 and "summary.csv" in writes[0].evidence
    assert not conc_steps._independent_body("    row = load(item)\n    df.to_csv('summary.csv')\n", "item",
                                            conc_rules(), shell=False)
    # the same imports for capability (third-party: level 3) and env binding (pip)
    hits, _ = PythonReader().read(python)
    assert {h.name for h in hits if h.kind == "module"} == {m.module for m in read_python(python).imports}
    assert any(f.rule == "python.third-party" for f in cap_rules.analyze_python(python))


@pytest.mark.parametrize("tag", ["bash", "Console", "sh", "py", "python3", "pycon", "js", "tsx", "json", "yaml",
                                 "sql", "html", "text", "", "rust"])
def test_one_language_table(tag):
    fam = family(tag)
    cap = cap_rules.code_language(tag, "x = 1\n")
    expected = {"python": "python", "shell": "shell", "javascript": "js", "sql": "sql", "html": "html",
                "json": "structured", "config": "structured", "other": "other"}
    if fam != "plain":
        assert cap == expected[fam]
    else:
        assert cap in ("plain", "python", "shell", "sql")
    facts_mechanism = conc_steps.dlp_mechanism((tag,))
    assert facts_mechanism == {"python": "multiprocessing", "javascript": "Promise.all",
                               "shell": "xargs -P"}.get(fam, "parallel tool calls")


def test_a_skill_end_to_end_agrees():
    md = ("---\nname: agree\ndescription: test\n---\n\n# Agree\n\n## Steps\n\n"
          "1. Convert each PDF:\n\n   ```bash\n   for f in *.pdf; do pdftotext \"$f\" \"${f%.pdf}.txt\"; done\n   ```\n\n"
          "2. Summarise:\n\n   ```bash\n   python3 - <<'PY'\n   import pandas\n   PY\n   jq -r '.a\n     | tonumber' x.json\n   ```\n")
    skill = parse_markdown(md).body.block.first_op
    labels = extract_skill(skill).labels()
    assert labels == {"system:poppler-utils", "system:jq", "pip:pandas"}
    facts = conc_steps.collect_steps(skill)
    assert [f.langs for f in facts] == [("bash",), ("bash",)]
    assert facts[0].dlp is not None and facts[0].dlp.mechanism == "xargs -P"
