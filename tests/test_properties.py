"""Properties: random markdown never crashes the frontend and always comes back
byte for byte; printing, parsing and printing IR is a fixed point."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillir import emit_markdown
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import parse_markdown
from skillir.ir import parse_module, print_module

_LINES = st.sampled_from(
    [
        "# Title", "## Section", "### Deep", "Setext", "===", "---", "***", "",
        "1. Run the tests.", "2) Write `out.md`.", "- Read `out.md` and check it.",
        "- a bullet", "* [ ] Check the box", "  - nested item", "    indented code",
        "```python", "```", "~~~", "print('x')", "> NEVER do that.", "| a | b |", "|---|---|",
        "<div>html</div>", "For example, this.", "You MUST write `report.md`.", "\t tab",
        "Text with `code` and **bold** é 🎉", "[ref]: http://example.com", "   ```bash",
        "   ls -la", "   ```", "Save results to `data/out.csv`:", "name: x", "\\", "\r",
    ]
)
_DOCS = st.lists(_LINES, max_size=40).map("\n".join) | st.text(max_size=300)
_ENDINGS = st.sampled_from(["", "\n", "\n\n", "\r\n"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=_DOCS, ending=_ENDINGS, front=st.booleans())
def test_random_markdown_round_trips(body, ending, front):
    text = ("---\nname: x\ndescription: y\n---\n" if front else "") + body + ending
    try:
        module = parse_markdown(text)
    except SkillIRError:
        return  # a clean, user-facing rejection (e.g. NUL bytes) is allowed
    module.verify()
    assert emit_markdown(module) == text
    printed = print_module(module)
    reparsed = parse_module(printed)
    reparsed.verify()
    assert print_module(reparsed) == printed
    assert emit_markdown(reparsed) == text
    generic = print_module(module, generic=True)
    assert print_module(parse_module(generic)) == printed
