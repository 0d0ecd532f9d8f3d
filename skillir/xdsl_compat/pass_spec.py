"""Pipeline strings as users write them, made acceptable to xdsl 0.74's
`PassPipeline.parse_spec`.

Upstream problems:
1. No nested-pipeline syntax: MLIR's `builtin.module(a,b)` (and `any(...)`) wrapper is
   rejected; here it is stripped.
2. Option values are lexed as MLIR tokens: `target=bare-agent/qwen3.5-9b` or a path
   does not lex unquoted; here such values are quoted (list items one by one).
3. A malformed string raises `ArgSpecParseError`, a `BaseException` (not an
   `Exception`): callers must catch it by name, which `parse_spec_errors` names.
"""

from __future__ import annotations

import re

from xdsl.utils.exceptions import ArgSpecParseError

_WRAPPER = re.compile(r"^\s*(?:builtin\.module|any)\s*\((.*)\)\s*$", re.DOTALL)
_SAFE_VALUE = re.compile(r'^(?:"[^"]*"|[A-Za-z0-9_.+-]+)$')

parse_spec_errors = (ArgSpecParseError,)
"""What `PassPipeline.parse_spec` raises on a malformed string (a BaseException)."""


def normalize_spec(spec: str) -> str:
    """Strip `builtin.module(...)` and quote option values xdsl would not lex."""
    spec = spec.strip()
    while (match := _WRAPPER.match(spec)) is not None:
        spec = match.group(1).strip()
    out: list[str] = []
    pos = 0
    for match in re.finditer(r"\{([^{}]*)\}", spec):
        out.append(spec[pos : match.start()])
        out.append("{" + " ".join(_quote_option(opt) for opt in match.group(1).split()) + "}")
        pos = match.end()
    out.append(spec[pos:])
    return "".join(out)


def _quote_option(option: str) -> str:
    if "=" not in option:
        return option
    key, value = option.split("=", 1)
    parts = re.findall(r'"[^"]*"|[^,]+', value)
    return key + "=" + ",".join(p if _SAFE_VALUE.match(p) else f'"{p}"' for p in parts)


__all__ = ["normalize_spec", "parse_spec_errors"]
