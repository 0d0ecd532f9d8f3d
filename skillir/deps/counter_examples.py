"""Code that shows how not to write something. A comment line that opens with a
counter-example cue (`# ❌ WRONG:`, `// Bad: imports all of it`) marks the lines under
it, up to one that opens with an example-end cue (`// ✅ Good`), as a counter-example:
their imports are not the skill's. A block that holds both kinds of comment contrasts
wrong and right ways to write code for the reader's project, so none of its imports
are the skill's either (a block that is code to run does not grade itself). A cue
inside a comment's sentence (`# Check for bad channels`) marks nothing."""

from __future__ import annotations

from dataclasses import dataclass

from skillir.deps.tables import rules


@dataclass(frozen=True)
class CounterExamples:
    lines: frozenset[int]
    """Line numbers (from 1) under a counter-example comment."""
    contrast: bool
    """The code also has a comment that opens with an example-end cue: it grades code."""


NONE = CounterExamples(frozenset(), False)


def counter_examples(code: str, lines: list[str], comment: tuple[str, ...]) -> CounterExamples:
    """The counter-examples of `code` (split into `lines`), whose comment lines start
    with one of `comment` (`("#",)`, `("//", "/*", "*")`)."""
    table = rules()
    if table.counter_example.search(code) is None:
        return NONE
    bad: set[int] = set()
    inside = ended = False
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if stripped.startswith(comment):
            text = stripped.lstrip("#/* \t")
            if table.counter_example.opens(text):
                inside = True
            elif table.example_end.opens(text):
                inside, ended = False, True
        elif inside:
            bad.add(number)
    return CounterExamples(frozenset(bad), ended and bool(bad))
