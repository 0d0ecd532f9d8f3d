"""Code signatures and parameter extraction for solidification (paper §5.2.2).

A piece of code (a script, a tool call's command) is cut into tokens; its *literals* (quoted
strings, numbers, file names) become numbered slots and the rest is its *skeleton*. Two pieces
of code with the same skeleton do the same thing up to their literals, so the signature of a
candidate is its skeleton (hashed), and the literals that vary between runs become typed
parameters.

A parameter is filled from the task prompt by an extraction rule, learnt from a prompt where
the value occurs:

| kind     | rule                                              | example value |
|----------|---------------------------------------------------|---------------|
| `file`   | the k-th file name with extension `ext`           | `sales.csv`   |
| `number` | the k-th number after the word `after`            | `5` (top 5)   |
| `quoted` | the k-th quoted or back-ticked string              | `"amount"`    |

```python
code = skeleton_of('awk -F, \\'{s+=$2}\\' sales.csv > total.json')
code.slots  # [Slot("'{s+=$2}'", 'str'), Slot('sales.csv', 'file'), Slot('total.json', 'file')]
rule_for("sales.csv", "Read sales.csv and ...")  # {'kind': 'file', 'ext': 'csv', 'index': 0}
```

Values put into a script are restricted to a safe alphabet (`SAFE_VALUE`): a prompt never
injects shell or Python syntax into a solidified script.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from skillir.alternatives import longest_first
from skillir.datafiles import load_data

SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.,:@%+/ -]{1,200}$")
"""What a parameter value may hold (no quotes, `$`, backslashes, backticks, newlines)."""


@cache
def _extensions() -> frozenset[str]:
    return frozenset(load_data("jit.json")["file_extensions"])


@cache
def _token_re() -> re.Pattern[str]:
    ext = "|".join(longest_first(_extensions()))
    return re.compile(
        r"(?P<dq>\"(?:\\.|[^\"\\\n])*\")"
        r"|(?P<sq>'[^'\n]*')"
        rf"|(?P<file>(?<![\w./-])[\w][\w./-]*\.(?:{ext})(?![\w]))"
        r"|(?P<num>(?<![\w.$])\d+(?:\.\d+)?(?![\w.]))"
        r"|(?P<ws>\s+)"
        r"|(?P<other>[\w$]+|.)", re.S)


@dataclass(frozen=True)
class Slot:
    """A literal of the code: its exact text and its type (`str`, `file`, `number`)."""

    text: str
    type: str

    @property
    def value(self) -> str:
        """The literal without its quotes."""
        if len(self.text) >= 2 and self.text[0] in "'\"" and self.text[-1] == self.text[0]:
            return self.text[1:-1]
        return self.text


@dataclass(frozen=True)
class Skeleton:
    """Code with its literals cut out: `parts[i]` precedes `slots[i]`; `parts[-1]` ends it
    (parts keep their exact white space; comparisons use `shape`, where runs of white space
    count as one)."""

    parts: tuple[str, ...]
    slots: tuple[Slot, ...]

    @property
    def shape(self) -> tuple[str, ...]:
        """The parts with white space normalised (what two skeletons are compared on)."""
        return tuple(_norm_ws(p) for p in self.parts)

    @property
    def text(self) -> str:
        """The skeleton with typed holes (`<file>`, `<str>`, `<number>`)."""
        out = []
        for part, slot in zip(self.shape, self.slots, strict=False):
            out.append(part)
            out.append(f"<{slot.type}>")
        out.append(self.shape[-1])
        return "".join(out)

    @property
    def signature(self) -> str:
        """A short hash of the skeleton: equal signatures, same code up to literals."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]

    def fill(self, texts: list[str]) -> str:
        """The code with slot i replaced by `texts[i]`."""
        out = []
        for part, text in zip(self.parts, texts, strict=False):
            out.append(part)
            out.append(text)
        out.append(self.parts[-1])
        return "".join(out)


def skeleton_of(code: str) -> Skeleton:
    """Cut `code` into skeleton and literals; runs of white space count as one space."""
    parts: list[str] = []
    slots: list[Slot] = []
    current: list[str] = []
    for m in _token_re().finditer(code):
        kind = m.lastgroup
        text = m.group(0)
        if kind in ("dq", "sq", "file", "num"):
            parts.append("".join(current))
            current = []
            inner = text[1:-1] if kind in ("dq", "sq") else text
            typ = "number" if kind == "num" else "file" if kind == "file" or _is_file(inner) \
                else "str"
            slots.append(Slot(text, typ))
            continue
        current.append(text)
    parts.append("".join(current))
    return Skeleton(tuple(parts), tuple(slots))


def _norm_ws(text: str) -> str:
    return re.sub(r"[ \t]*\n\s*", "\n", re.sub(r"[ \t]+", " ", text)).strip(" ")


def _is_file(text: str) -> bool:
    m = re.fullmatch(r"[\w][\w./-]*\.([A-Za-z0-9]{1,8})", text)
    return bool(m) and m.group(1).lower() in _extensions()


# -- the prompt side -----------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z_-]*")


def prompt_files(prompt: str, ext: str) -> list[str]:
    """File names with extension `ext` in the prompt, in order, without repeats."""
    found: list[str] = []
    for m in re.finditer(rf"(?<![\w./-])([\w][\w./-]*\.{re.escape(ext)})(?![\w])", prompt):
        if m.group(1) not in found:
            found.append(m.group(1))
    return found


def prompt_numbers(prompt: str) -> list[tuple[str, str]]:
    """(number, the word before it) for every number in the prompt."""
    out = []
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w])", prompt):
        words = _WORD.findall(prompt[max(0, m.start() - 40):m.start()])
        out.append((m.group(1), words[-1].lower() if words else ""))
    return out


def prompt_quoted(prompt: str) -> list[str]:
    """Quoted and back-ticked strings of the prompt, in order."""
    return [next(g for g in m.groups() if g is not None)
            for m in re.finditer(r"\"([^\"\n]{1,200})\"|'([^'\n]{1,200})'|`([^`\n]{1,200})`",
                                 prompt)]


def rule_for(value: str, prompt: str, typ: str | None = None) -> dict[str, Any] | None:
    """An extraction rule that finds `value` in `prompt`, or None when it is not there."""
    if not value or not SAFE_VALUE.match(value):
        return None
    ext_m = re.fullmatch(r".+\.([A-Za-z0-9]{1,8})", value)
    if (typ in (None, "file", "str")) and ext_m and ext_m.group(1).lower() in _extensions():
        files = prompt_files(prompt, ext_m.group(1))
        if value in files:
            return {"kind": "file", "ext": ext_m.group(1), "index": files.index(value)}
    if typ in (None, "number", "str") and re.fullmatch(r"\d+(?:\.\d+)?", value):
        numbers = prompt_numbers(prompt)
        for number, word in numbers:
            if number == value:
                same = [n for n, w in numbers if w == word]
                return {"kind": "number", "after": word, "index": same.index(value)}
    quoted = prompt_quoted(prompt)
    if value in quoted:
        return {"kind": "quoted", "index": quoted.index(value)}
    return None


def extract(rule: dict[str, Any], prompt: str) -> str | None:
    """The value `rule` picks from `prompt` (None when the prompt has none, or it is unsafe)."""
    kind = rule.get("kind")
    index = int(rule.get("index", 0))
    found: list[str]
    if kind == "file":
        found = prompt_files(prompt, str(rule.get("ext", "")))
    elif kind == "number":
        found = [n for n, w in prompt_numbers(prompt) if w == rule.get("after", "")]
    elif kind == "quoted":
        found = prompt_quoted(prompt)
    else:
        return None
    if index >= len(found):
        return None
    value = found[index]
    if not SAFE_VALUE.match(value) or value.startswith("/") or ".." in value.split("/"):
        return None
    return value


def requote(slot: Slot, value: str) -> str:
    """The literal text of `slot` holding `value` instead (quotes kept)."""
    if slot.type == "str" or (len(slot.text) >= 2 and slot.text[0] in "'\"" and
                              slot.text[-1] == slot.text[0]):
        return slot.text[0] + value + slot.text[-1]
    return value


def prompt_shape(prompt: str, values: list[str]) -> str:
    """The prompt with the given parameter values, numbers, quoted strings and file names
    abstracted: prompts of the same task family have the same shape."""
    text = prompt
    for v in sorted(set(values), key=len, reverse=True):
        if v:
            text = text.replace(v, "\x00")
    text = re.sub(r"\"[^\"\n]*\"|'[^'\n]*'|`[^`\n]*`", "\x00", text)
    text = re.sub(r"(?<![\w])[\w./-]+\.[A-Za-z0-9]{1,8}(?![\w])", "\x00", text)
    text = re.sub(r"\d+(?:\.\d+)?", "\x00", text)
    text = " ".join(text.split()).lower()
    return hashlib.sha256(text.encode()).hexdigest()[:16]
