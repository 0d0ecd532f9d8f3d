"""Properties: the readers never raise on any text, their hits stay inside the text,
and bind-env on any markdown gives IR that verifies and prints back to itself."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillir.deps.hits import HIT_KINDS
from skillir.deps.js_deps import JsReader
from skillir.deps.model import SOURCES
from skillir.deps.prose_deps import ProseReader
from skillir.deps.python_deps import PythonReader
from skillir.deps.shell_deps import ShellReader
from skillir.frontend.skill_md import parse_markdown
from skillir.ir import parse_module, print_module
from skillir.pipeline import PassManager, verify_module

FRAGMENTS = [
    "import ", "from ", " import ", "pip install ", "npm i -g ", "apt-get install ", "brew install ", "npx ",
    "uv pip install ", "$(", ")", "`", "'", '"', "\\\n", "<<EOF\n", "EOF\n", "# ", "| ", "&& ", "; ", "\n",
    "requests", "PIL", "cv2", "ffmpeg", "git", "os.environ['A_API_KEY']", "subprocess.run(['jq'])",
    "try:\n", "except ImportError:\n", "    ", ">>> ", "$ ", "require('x')", "import y from 'z'",
    "process.env.B_TOKEN", "Requires ", "LibreOffice", "KAGI_API_KEY", "{", "}", "[", "]", "=", "-",
]
text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)
markdown_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS),
              st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)),
    max_size=40,
).map("".join)
"""SKILL.md is UTF-8 text without NUL bytes (the frontend rejects anything else)."""


def check_hits(hits, source: str) -> None:
    lines = source.count("\n") + 1
    for hit in hits:
        assert hit.kind in HIT_KINDS and hit.via in SOURCES
        assert 1 <= hit.line <= lines + 1
        assert 0 <= hit.confidence <= 100


@given(text)
@settings(max_examples=300, deadline=None)
def test_readers_never_raise(source):
    hits, _ = PythonReader().read(source)
    check_hits(hits, source)
    check_hits(ShellReader().read(source), source)
    check_hits(ShellReader().read(source, prompts_only=True), source)
    check_hits(JsReader().read(source), source)
    check_hits(ProseReader().read(source), source)


@given(st.sampled_from(["python", "bash", "", "js", "json", "ts"]), markdown_text, markdown_text)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_bind_env_on_any_markdown_verifies_and_round_trips(lang, code, prose):
    markdown = f"---\nname: s\n---\n\n# S\n\n{prose}\n\n```{lang}\n{code}\n```\n"
    module = parse_markdown(markdown)
    PassManager.from_spec("bind-env{probe=false}").run(module)
    verify_module(module)
    printed = print_module(module)
    assert print_module(parse_module(printed)) == printed
