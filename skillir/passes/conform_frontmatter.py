"""`conform-frontmatter{keep=harness}`: rewrite a skill's front matter so that the Agent
Skills reference validator (`skills-ref`) accepts it, keeping what the target harness
reads.

Of 7,270 public skills compiled for claude-code, 4,070 failed skills-ref as written
(and so as emitted: the compile keeps the front matter byte for byte). Most of them
for two reasons this pass removes:

- flow-style YAML (`allowed-tools: [Read, Bash]`, `requires: {mcp: [rube]}`), which
  strictyaml (skills-ref's parser) refuses although it is plain YAML: written again in
  block style, with the same values;
- keys outside the specification (`version`, `tags`, `triggers`, ...): moved under
  `metadata`, where the specification puts what is not its own. Keys the target
  harness reads from the front matter (`skillir/data/harnesses.json`, `skills.
  frontmatter`; Claude Code's `model`, `disable-model-invocation`, ...) stay where
  the harness looks for them, unless `keep=none`.

A harness that reads each value from one line (OpenClaw: `single_line_values`) gets its
collections as one line of JSON, which it needs and skills-ref refuses; only the keys
move there.

A front matter that needs neither is left as it is, byte for byte. One that does is
written again from its parsed values (comments in it are not kept). A name skills-ref
refuses (upper case, spaces) is not changed: a harness finds the skill by its name.

    skill.frontmatter "---\\nname: s\\ndescription: d\\nversion: 2\\ntags: [a, b]\\n---\\n\\n"
    // conform-frontmatter:
    skill.frontmatter "---\\nname: s\\ndescription: d\\nmetadata:\\n  version: 2\\n  tags:\\n  - a\\n  - b\\n---\\n\\n"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.passes import ModulePass

from skillir.attrs import python_to_attr
from skillir.dialects.harness import harness_for
from skillir.dialects.skill import FrontmatterOp, region_ops, skills_of
from skillir.errors import SkillIRError
from skillir.frontend.frontmatter import split_front_matter

SPEC_KEYS = ("name", "description", "license", "allowed-tools", "metadata", "compatibility")
"""The keys of the Agent Skills specification (skills-ref's ALLOWED_FIELDS)."""
_KEEP = ("harness", "none")


def _flow_style(text: str) -> bool | None:
    """Does the YAML hold a collection in flow style (`[a, b]`, `{k: v}`)? None when it
    is no valid YAML (the frontend repaired it to read it)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.CollectionNode):
            if node.flow_style:
                return True
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))
    return False


class _BlockDumper(yaml.SafeDumper):
    """Block style, keys in their order, multi-line text as a literal block."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text)


def _without_empty(value: Any) -> Any:
    """`value` without empty lists and mappings inside it (`dependencies: []`): block
    style has no way to write them, and strictyaml refuses `[]`; an empty list of tools
    or dependencies says what leaving it out says."""
    if isinstance(value, dict):
        kept = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if not (isinstance(v, dict | list) and not v)}
    if isinstance(value, list):
        kept_items = [_without_empty(v) for v in value]
        return [v for v in kept_items if not (isinstance(v, dict | list) and not v)]
    return value


def _one_line_each(data: dict[str, Any]) -> str:
    """Each key on one line: a collection or a multi-line text as JSON (valid YAML)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict | list | tuple) or (isinstance(value, str) and "\n" in value):
            lines.append(f"{yaml.safe_dump(str(key)).splitlines()[0]}: {json.dumps(value, ensure_ascii=False, default=str)}")
        else:
            lines.append(yaml.safe_dump({key: value}, allow_unicode=True, width=1 << 20).rstrip("\n"))
    return "".join(line + "\n" for line in lines)


def conformed(text: str, harness_keys: frozenset[str], path: str = "SKILL.md", *,
              single_line: bool = False) -> str | None:
    """The front matter block `text` (`---` lines included, and what follows the
    closing one) written so skills-ref accepts it; None when it needs no change or is
    not a mapping. `single_line`: the harness reads each value from its own line
    (OpenClaw), so collections stay one line of JSON there, which skills-ref refuses but
    the harness needs."""
    src = text.encode("utf-8")
    front = split_front_matter(src, path)
    if not front.end or not isinstance(front.data, dict):
        return None
    data: dict[str, Any] = dict(front.data)
    kept = set(SPEC_KEYS) | harness_keys
    moved = {k: v for k, v in data.items() if str(k) not in kept}
    close = src.rfind(b"---", 0, front.end)  # the closing line, kept as written with what follows it
    flow = _flow_style(src[3:close].decode("utf-8").replace("\r\n", "\n"))
    if not moved and flow is not None and (single_line or not flow):
        return None
    metadata = data.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, dict) else ({} if metadata is None else {"metadata": metadata})
    for key, value in moved.items():
        data.pop(key)
        metadata.setdefault(str(key), value)
    if metadata:
        data["metadata"] = metadata
    dumped = _one_line_each(data) if single_line else yaml.dump(
        _without_empty(data), Dumper=_BlockDumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1 << 20)
    newline = "\r\n" if "\r\n" in text[: front.end] else "\n"
    return "---" + newline + dumped.replace("\n", newline) + src[close:].decode("utf-8")


@dataclass(frozen=True)
class ConformFrontmatterPass(ModulePass):
    """Rewrite front matter so skills-ref accepts it (block style; extra keys under metadata)."""

    name = "conform-frontmatter"

    keep: str = "harness"
    """`harness`: keys the target harness reads stay at the top (skillir/data/harnesses.json); `none`: only the specification's."""
    harness: str = ""
    """The harness whose keys to keep when the IR does not say it yet (bind-profile's target)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from skillir.harnesses import load_harness

        if self.keep not in _KEEP:
            raise SkillIRError(f"conform-frontmatter: unknown keep '{self.keep}'", hint="choose harness or none")
        for skill in skills_of(op):
            front = next((o for o in region_ops(skill.body) if isinstance(o, FrontmatterOp)), None)
            if front is None:
                continue
            fields = load_harness(harness_for(skill, self.harness, self.name)).skills.frontmatter
            keys: frozenset[str] = frozenset()
            if self.keep == "harness":
                keys = frozenset(str(k) for k in (*fields.get("required", ()), *fields.get("optional", ())))
            text = conformed(front.text.data, keys, skill.source.data, single_line=bool(fields.get("single_line_values")))
            if text is not None:
                front.properties["text"] = StringAttr(text)
                data = split_front_matter(text.encode("utf-8"), skill.source.data).data
                skill.properties["metadata"] = python_to_attr(data)

