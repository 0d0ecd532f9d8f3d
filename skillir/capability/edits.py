"""Markdown-safe edits of a skill through its skill ops, for compile-capabilities.

Every change to SKILL.md is either an edit of a step's `text` or a new `skill.text`
op; front matter, headings and code blocks are never touched. Added text keeps the
markdown structure around it:

- a step without nested content gets the sentence appended to its own text, as a
  continuation line indented like the step's content (it stays in the list item);
- a step with nested code gets a new paragraph at the end of its region, indented
  the same way;
- any other op gets a new paragraph right after it;
- the whole skill gets a paragraph under its first heading (or after the front
  matter).
"""

from __future__ import annotations

import re

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Operation
from xdsl.pattern_rewriter import PatternRewriter
from xdsl.rewriter import InsertPoint

from skillir.dialects.skill import (
    CodeOp,
    FrontmatterOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    region_ops,
)

_MARKER = re.compile(r"^([ \t]*)((?:[-*+]|\d+[.)])[ \t]+)?")
_SUBLIST = re.compile(r"\n[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S")


def content_indent(text: str) -> str:
    """The indentation of a list item's content ('1. Do X' -> 3 spaces)."""
    match = _MARKER.match(text)
    lead, marker = match.group(1), match.group(2) or ""
    return " " * (len(lead.expandtabs(4)) + len(marker))


def emitted_text(op: Operation) -> str:
    """The markdown one op contributes (its own text, not nested ops)."""
    if isinstance(op, CodeOp):
        return op.source_text()
    if isinstance(op, SectionOp):
        return op.heading_text
    text = op.properties.get("text")
    return text.data if isinstance(text, StringAttr) else ""


def _paragraph(note: str, before: str, indent: str) -> str:
    """`note` as a paragraph that follows text ending in `before`."""
    if not before or before.endswith("\n\n"):
        prefix = ""
    elif before.endswith("\n"):
        prefix = "\n"
    else:
        prefix = "\n\n"
    return prefix + indent + note + "\n\n"


def seal_code(op: Operation, rewriter: PatternRewriter) -> None:
    """Close the fence of a code block the author left open at the end of the file
    (it ran to the end): text added after it would otherwise land inside it."""
    if not isinstance(op, CodeOp) or op.close is None or op.close.data:
        return
    opening = op.open.data.lstrip(" \t") if op.open is not None else "```"
    fence = opening[: len(opening) - len(opening.lstrip(opening[:1]))] if opening[:1] in "`~" else ""
    if len(fence) < 3:
        return  # an indented block has no fence to close
    indent = op.indent.data if op.indent is not None else ""
    body = op.body.data
    op.close = StringAttr(("" if not body or body.endswith("\n") else "\n") + indent + fence + "\n")
    rewriter.notify_op_modified(op)


def append_to_step(step: StepOp, note: str, rewriter: PatternRewriter) -> str:
    """Add a sentence to a step; returns the markdown added."""
    text = step.text.data
    indent = content_indent(text)
    content = [op for op in step.nested_ops if isinstance(op, CodeOp | TextOp)]
    if content:
        seal_code(content[-1], rewriter)
        added = _paragraph(note, emitted_text(content[-1]), indent)
        rewriter.insert(TextOp.create(properties={"text": StringAttr(added)}), InsertPoint.after(content[-1]))
        return added
    body = text.rstrip("\n")
    trailing = text[len(body):] or ""
    if "\n\n" in body.strip("\n") or _SUBLIST.search(body) or body.rstrip().endswith(":"):
        added = "\n\n" + indent + note  # a new paragraph inside the item
    else:
        added = "\n" + indent + note  # the same paragraph, one more line
    step.text = StringAttr(body + added + (trailing or "\n"))
    assert step.text.data.startswith(body), "a compile note only appends to a step"
    rewriter.notify_op_modified(step)
    return added + "\n"


def insert_after(anchor: Operation, note: str, rewriter: PatternRewriter) -> str:
    """A new paragraph right after a content op."""
    seal_code(anchor, rewriter)
    added = _paragraph(note, emitted_text(anchor), "")
    rewriter.insert(TextOp.create(properties={"text": StringAttr(added)}), InsertPoint.after(anchor))
    return added


def insert_skill_note(skill: SkillOp, note: str, rewriter: PatternRewriter) -> str:
    """A paragraph for the whole skill: under the first heading, else after the front matter."""
    ops = region_ops(skill.body)
    section = next((op for op in ops if isinstance(op, SectionOp)), None)
    added = note + "\n\n"
    new = TextOp.create(properties={"text": StringAttr(added)})
    if section is not None:
        first = next((op for op in region_ops(section.body) if not op.name.startswith("cap.")), None)
        heading = section.heading_text
        if not heading.endswith("\n"):
            added = "\n" + added
            new.text = StringAttr(added)
        block = section.body.block
        point = InsertPoint.before(first) if first is not None else InsertPoint.at_end(block)
        rewriter.insert(new, point)
        return added
    front = next((op for op in ops if isinstance(op, FrontmatterOp)), None)
    if front is not None:
        if not front.text.data.endswith("\n"):
            added = "\n" + added
            new.text = StringAttr(added)
        rewriter.insert(new, InsertPoint.after(front))
    else:
        first = next((op for op in ops if op.name.startswith("skill.")), None)
        point = InsertPoint.before(first) if first is not None else InsertPoint.at_end(skill.body.block)
        rewriter.insert(new, point)
    return added


def add_note(anchor: Operation, note: str, rewriter: PatternRewriter) -> str:
    """Add `note` (one line) where it belongs for `anchor`; returns the markdown added."""
    if "\n" in note:
        raise ValueError("a compile note is one line")
    if isinstance(anchor, StepOp):
        return append_to_step(anchor, note, rewriter)
    if isinstance(anchor, SkillOp):
        return insert_skill_note(anchor, note, rewriter)
    return insert_after(anchor, note, rewriter)


def add_sublist(step: StepOp, lead: str, items: list[str], rewriter: PatternRewriter) -> str:
    """Add a lead line and a nested bullet list to a step (for decomposition)."""
    text = step.text.data
    indent = content_indent(text)
    lines = [indent + lead] + [f"{indent}- {item}" for item in items]
    content = [op for op in step.nested_ops if isinstance(op, CodeOp | TextOp)]
    block = "\n".join(lines)
    if content:
        seal_code(content[-1], rewriter)
        added = _paragraph(block, emitted_text(content[-1]), "")
        rewriter.insert(TextOp.create(properties={"text": StringAttr(added)}), InsertPoint.after(content[-1]))
        return added
    body = text.rstrip("\n")
    trailing = text[len(body):] or "\n"
    added = "\n\n" + block
    step.text = StringAttr(body + added + (trailing if trailing.startswith("\n\n") else "\n"))
    rewriter.notify_op_modified(step)
    return added + "\n"


def replace_paths(step: StepOp, paths: dict[str, str], rewriter: PatternRewriter) -> bool:
    """Write bundled script paths out in full in a step's own text (the paper's
    Figure 6 edit): each `old` path, where it stands as a whole path, becomes `new`.
    Nothing else of the text changes; code blocks are separate ops and untouched.
    Returns whether the text changed."""
    text = step.text.data
    new_text = text
    for old, new in sorted(paths.items(), key=lambda kv: -len(kv[0])):
        new_text = re.sub(r"(?<![\w/.-])" + re.escape(old) + r"(?![\w/-])", new, new_text)
    if new_text == text:
        return False
    step.text = StringAttr(new_text)
    rewriter.notify_op_modified(step)
    return True


def count_lines(added: str) -> int:
    """Lines a piece of added markdown occupies (blank separators included)."""
    return added.count("\n") or 1


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*])|;\s+|,?\s+(?:and )?then\s+|\s+→\s+|\s+->\s+")
_INLINE_MARKUP = re.compile(r"\*\*|__|(?<!\w)[*_](?=\w)|(?<=\w)[*_](?!\w)")


def split_actions(step: StepOp, limit: int = 6, *, text: str | None = None) -> list[str]:
    """The separate actions of a step's first paragraph ('Do A, then B; C.'), or
    [] when it holds one action or is already a list. `text`: the step's text as
    written (before compile notes were appended to it)."""
    from skillir.frontend.classify import lead_text

    text = step.text.data if text is None else text
    first = text.strip("\n").split("\n\n", 1)[0]
    if _SUBLIST.search(first):
        return []
    lines = [line.strip() for line in _LIST_MARKER.sub("", first, count=1).splitlines() if line.strip()]
    if len(lines) >= 2 and all(line.endswith((".", "!", "?")) for line in lines):
        return []  # one sentence per line already ("Read a.md for X.\nRead b.md for Y.")
    lead = _INLINE_MARKUP.sub("", lead_text(" ".join(first.split())))
    parts = [p.strip(" .,:;") for p in _SENTENCE_SPLIT.split(lead)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if len(parts) < 2:
        from skillir.frontend.classify import is_imperative

        # 'Load the plan, review it, run the tasks and report': a list of actions
        pieces = [p.strip(" .:;") for p in re.split(r",\s+(?:and\s+)?|\s+and\s+(?=[a-z])", lead.rstrip(". "))]
        if len(pieces) >= 3 and all(p and is_imperative(p, in_list=True) for p in pieces):
            parts = pieces
        else:
            return []
    parts = [re.sub(r"^(?:then|and then|finally|next)\s+", "", p, flags=re.IGNORECASE) for p in parts]
    parts = [p for p in parts if p and _is_action(p)]  # not "A 5M-token codebase compresses to ..."
    if len(parts) < 2 or any(_DANGLING.search(p) for p in parts):
        return []  # ("Then check the status with:" is finished by the code block after it)
    if any(_CONDITION.match(p) for p in parts[1:]):
        return []  # "Ask which team. If only one, skip.": a condition on the action, not a step
    return [p[0].upper() + p[1:] + "." for p in parts[:limit]]


_CONDITION = re.compile(r"(?:if|when|once|unless|otherwise|else)\b", re.IGNORECASE)
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_DANGLING = re.compile(r"\b(?:with|by|using|via|to|from|in|into|on|at|for|of|as|like|the|a|an|and|or)$",
                       re.IGNORECASE)


def _is_action(sentence: str) -> bool:
    """A sentence that tells the reader to do something: imperative, also after a label
    ("Planning Phase: Convert ...") or a condition ("If it fails, retry ...")."""
    from skillir.frontend.classify import is_imperative

    candidates = [sentence]
    label, colon, rest = sentence.partition(":")
    if colon and len(label.split()) <= 4:
        candidates.append(rest.strip())
    cond = re.match(r"(?:if|when|once|after|before|unless)\b[^,]{1,80},\s*(.+)$", sentence, re.I)
    if cond:
        candidates.append(cond.group(1))
    return any(c and is_imperative(c, in_list=True) for c in candidates)
