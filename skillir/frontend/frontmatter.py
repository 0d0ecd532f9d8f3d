"""Find and parse a SKILL.md front matter block, leniently.

Real skills are sloppy (see MACHINE_NOTES): an unquoted `: ` inside a value, flow-style
JSON mappings, CRLF line ends, no front matter at all. Each recovery is reported as a
warning; only YAML that no recovery can read is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from skillir.errors import SkillIRError
from skillir.limits import (
    MAX_FRONT_MATTER_BYTES,
    MAX_FRONT_MATTER_KEYS,
    MAX_NESTING,
    MAX_YAML_NODES,
)

try:  # the C loader is ~10x faster; fall back to pure Python where it is missing
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_OPEN = re.compile(rb"\A(?:\xef\xbb\xbf)?---[ \t]*\r?\n")
_CLOSE = re.compile(rb"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")


@dataclass
class FrontMatter:
    """Where the front matter is (byte offsets into the file) and what it says."""

    end: int
    """Offset just past the closing delimiter line (0 when there is no front matter)."""
    data: dict[str, object] = field(default_factory=dict)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    """(line, message) pairs, lines counted from 1 in SKILL.md."""


def split_front_matter(src: bytes, path: str) -> FrontMatter:
    """Locate the `---` block at the top of `src` and parse it."""
    opened = _OPEN.match(src)
    if opened is None:
        return FrontMatter(end=0)
    close = _CLOSE.search(src, opened.end())
    if close is None:
        raise SkillIRError(
            "front matter opened with '---' is never closed",
            path=path,
            line=1,
            hint="add a line with '---' after the YAML block",
        )
    if close.start() - opened.end() > MAX_FRONT_MATTER_BYTES:
        raise SkillIRError(
            f"front matter is {close.start() - opened.end()} bytes, over the "
            f"{MAX_FRONT_MATTER_BYTES} byte limit", path=path, line=1,
            hint="keep name, description and a few keys in front matter; move the rest to the body",
        )
    yaml_text = src[opened.end() : close.start()].decode("utf-8")
    result = FrontMatter(end=close.end())
    result.data = parse_yaml_leniently(yaml_text, path, result.warnings)
    return result


def parse_yaml_leniently(
    text: str, path: str, warnings: list[tuple[int, str]]
) -> dict[str, object]:
    """Parse front matter YAML; on failure try the known repairs, then a key: value scan."""
    text = text.replace("\r\n", "\n")
    try:
        data = _load_bounded(text, path)
    except yaml.YAMLError as first_error:
        repaired = _quote_colon_values(text)
        try:
            data = yaml.load(repaired, Loader=_Loader) if repaired != text else None
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict):
            warnings.append((2, "front matter value contains an unquoted ': '; read it as a quoted string"))
        else:
            data = _scan_top_level_pairs(text)
            if not data:
                line = 1 + getattr(getattr(first_error, "problem_mark", None), "line", 0) + 1
                raise SkillIRError(
                    "front matter is not valid YAML and cannot be recovered",
                    path=path,
                    line=line,
                    hint="quote values that contain ': ' or fix the indentation",
                ) from None
            warnings.append((2, "front matter is not valid YAML; read its top-level 'key: value' lines only"))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SkillIRError(
            f"front matter must be a YAML mapping, got a {type(data).__name__}",
            path=path,
            line=2,
            hint="write it as 'name: ...' and 'description: ...' lines",
        )
    for lineno, line in enumerate(text.splitlines() if "{" in text else (), start=2):
        match = _TOP_KEY.match(line)
        if match and match.group(2) and match.group(2).startswith("{"):
            warnings.append(
                (lineno, f"flow-style mapping for '{match.group(1)}' (the skills-ref validator rejects it)")
            )
    return {str(k): _plain(v) for k, v in data.items()}


def _load_bounded(text: str, path: str) -> object:
    """`yaml.load(text)`, parsed once: the composed nodes are checked against the
    limits (`_check_yaml_bounds`) before anything is constructed from them. YAML that
    does not parse raises `yaml.YAMLError` for the lenient readers, which do not expand."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_yaml_bounds(root, path)
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _check_yaml_bounds(root: yaml.Node, path: str) -> None:
    """Refuse YAML whose size after alias expansion, nesting or top-level key count is
    over the limits (composing shares aliased nodes, so `root` stays as small as the
    text)."""
    if isinstance(root, yaml.MappingNode) and len(root.value) > MAX_FRONT_MATTER_KEYS:
        raise SkillIRError(
            f"front matter has {len(root.value)} top-level keys, over the limit of "
            f"{MAX_FRONT_MATTER_KEYS}", path=path, line=2,
            hint="keep the front matter to the keys agents read (name, description, ...)")
    if _flat_within_limits(root):
        return
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:  # post-order, memoised by node identity: linear in the composed graph
        node, depth, done = stack.pop()
        if depth > MAX_NESTING:
            raise SkillIRError(f"front matter nests deeper than {MAX_NESTING} levels",
                               path=path, line=2, hint="flatten the YAML")
        if id(node) in sizes:
            continue
        children = _yaml_children(node)
        if not done:
            stack.append((node, depth, True))
            stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)
            continue
        sizes[id(node)] = 1 + sum(sizes.get(id(child), 0) for child in children)
        if sizes[id(node)] > MAX_YAML_NODES:
            raise SkillIRError(
                f"front matter expands to more than {MAX_YAML_NODES} YAML nodes "
                "(aliases repeat what they point to)", path=path, line=2,
                hint="write the values out instead of nesting YAML aliases")


def _flat_within_limits(root: yaml.Node) -> bool:
    """Is `root` a mapping of scalars to scalars (most front matter is) that the walk
    below would pass: it nests 2 levels and holds 1 + 2 x keys nodes."""
    return (isinstance(root, yaml.MappingNode) and MAX_NESTING >= 2 and 1 + 2 * len(root.value) <= MAX_YAML_NODES
            and all(isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
                    for key, value in root.value))


def _yaml_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _quote_colon_values(text: str) -> str:
    """Quote top-level scalar values that contain ': ' (the commonest YAML mistake)."""
    out = []
    for line in text.split("\n"):
        match = _TOP_KEY.match(line)
        value = match.group(2) if match else None
        if (
            value
            and ": " in value
            and value[0] not in "\"'{[|>&*!"
        ):
            line = f"{match.group(1)}: {json.dumps(value, ensure_ascii=False)}"
        out.append(line)
    return "\n".join(out)


def _scan_top_level_pairs(text: str) -> dict[str, object]:
    """Last resort: unindented `key: value` lines; continuation lines join the value."""
    data: dict[str, object] = {}
    key = None
    for line in text.split("\n"):
        match = _TOP_KEY.match(line)
        if match and not line[:1].isspace():
            key = match.group(1)
            data[key] = (match.group(2) or "").strip().strip("\"'")
        elif key is not None and line.strip() and isinstance(data[key], str):
            data[key] = (str(data[key]) + " " + line.strip()).strip()
    return data


def _plain(value: object) -> object:
    """YAML values as plain JSON-like data (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
