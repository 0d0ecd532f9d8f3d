"""Cut a markdown body into contiguous block spans with a real CommonMark parser.

pyromark (pulldown-cmark) gives block events with byte ranges. We keep top-level
blocks, the items of top-level lists, and the code blocks directly inside those items.
Every byte of the body belongs to exactly one span: a block's span runs from the start
of its first line to the start of the next block, so blank lines and anything the
parser emits no event for (link reference definitions) stay with the block before.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyromark

_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_TASKLISTS

_KINDS = {
    "Paragraph": "paragraph",
    "Heading": "heading",
    "CodeBlock": "code",
    "List": "list",
    "BlockQuote": "quote",
    "Table": "table",
    "HtmlBlock": "html",
}


@dataclass(slots=True)
class Span:
    """A block of the body: `kind`, byte span [start, end), and what it contains."""

    kind: str
    start: int
    end: int
    level: int = 0
    """Heading level (1..6)."""
    ordered: bool = False
    """For lists and items: numbered list."""
    number: int = 0
    """For items of a numbered list: the item's number."""
    items: list[Span] | tuple[()] = ()
    """For lists: their items (a list from `segment`)."""
    codes: list[Span] | tuple[()] = ()
    """For items: code blocks directly inside the item (a list from `segment`)."""
    code_end: int = 0
    """For code blocks: end of the closing fence (before its newline)."""
    indented: bool = False
    """For code blocks: an indented code block (CommonMark 4.4), whose first line is
    content even when it looks like a fence."""


def segment(body: bytes, *, from_start: bool = False) -> list[Span]:
    """Top-level block spans of `body` (the whole file, with any front matter blanked
    out by `blank_front_matter`, so offsets are the file's own).

    With `from_start`, the first span also takes the blank lines before it (when no
    front matter precedes the body).
    """
    text = body.decode("utf-8")
    blocks: list[Span] = []
    depth = 0
    current: Span | None = None
    item: Span | None = None
    for event, rng in pyromark.events_with_range(text, options=_OPTIONS):
        # about half the events are inline (text, code spans, breaks) and most of the
        # rest lie deeper than the blocks kept: both are passed over with few lookups
        if event.__class__ is not dict:
            if depth == 0 and event == "Rule":
                blocks.append(Span("rule", rng["start"], rng["end"]))
            continue
        if "End" in event:
            depth -= 1
            continue
        if "Start" not in event:
            continue  # inline content: text, code spans, HTML, task markers
        start = event["Start"]
        depth += 1
        if depth == 1:
            name = _name(start)
            current = Span(_KINDS.get(name, "other"), rng["start"], rng["end"])
            if name == "Heading":
                current.level = int(start["Heading"]["level"][1:])
            elif name == "CodeBlock":
                current.indented = start["CodeBlock"] == "Indented"
            elif name == "List":
                current.ordered = start["List"] is not None
                current.number = start["List"] or 0
                current.items = []
            blocks.append(current)
        # below the top, only a list's items and their code blocks are kept: the
        # cheap tests come first (most such events are inline or table cells)
        elif depth == 2:
            if current is not None and current.kind == "list" and _name(start) == "Item":
                number = current.number + len(current.items) if current.ordered else 0
                item = Span("item", rng["start"], rng["end"], ordered=current.ordered, number=number, codes=[])
                current.items.append(item)
        elif depth == 3 and item is not None and _name(start) == "CodeBlock":
            item.codes.append(Span("code", rng["start"], rng["end"], code_end=rng["end"],
                                   indented=start["CodeBlock"] == "Indented"))
    _partition(body, blocks, len(body), None)
    if from_start and blocks:
        blocks[0].start = 0
        if blocks[0].items:
            blocks[0].items[0].start = 0
    return blocks


def _name(start: str | dict[str, object]) -> str:
    """The tag of a Start event's value: a plain tag, or a dict's one key."""
    return start if start.__class__ is str else next(iter(start))


def blank_front_matter(src: bytes, end: int) -> bytes:
    """`src` with its first `end` bytes (the front matter) turned into blank lines:
    the markdown parser then sees the body at its real byte offsets."""
    if not end:
        return src
    head = src[:end].translate(_BLANK)
    return head + src[end:]


_BLANK = bytes(0x0A if b == 0x0A else 0x20 for b in range(256))


def _line_start(body: bytes, pos: int, floor: int) -> int:
    """Move `pos` back to the start of its line when only spaces or tabs precede it."""
    i = pos
    while i > floor and body[i - 1] in b" \t":
        i -= 1
    if i == floor or body[i - 1] == 0x0A:
        return i
    return pos


def _partition(body: bytes, spans: list[Span], end: int, floor: int | None) -> None:
    """Make `spans` tile [first start, end): each starts at its line and ends where the
    next starts. With a `floor`, the first span starts there (list items start at their list)."""
    for span in spans:
        span.start = _line_start(body, span.start, floor or 0)
        if span.kind == "code":
            span.code_end = span.end
    if spans and floor is not None:
        spans[0].start = floor
    for span, following in zip(spans, [*spans[1:], None], strict=False):
        span.end = following.start if following is not None else end
        if span.kind == "list":
            _partition(body, span.items, span.end, span.start)
            for item in span.items:
                if not item.codes:
                    continue
                # code blocks inside an item start at their line and run to the next
                # one (or the item's end); the item's lead text runs up to the first
                for code in item.codes:
                    code.start = _line_start(body, code.start, item.start)
                for code, after in zip(item.codes, [*item.codes[1:], None], strict=False):
                    code.end = after.start if after is not None else item.end
