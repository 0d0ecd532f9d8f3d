"""The sandbox policy of a skill, IR-free: what the runtime lets the skill's run do.

Built at compile time from the skill (`derive-sandbox-policy` writes it as `sec.policy`;
emission records it in compile-report.json under `"policy"`, with the guarded commands of
`--security=guard`), or at run time from a plain SKILL.md's front matter
(`policy_from_frontmatter`). The runtime reads it (`policy_from_report`) and enforces it:

- network: off unless the skill needs it (`network = "needed"`, with reasons) *and* the user
  agrees (`skill-run --allow-network`): `grant(allow_network=True)`;
- tools: only those of the skill's `allowed-tools` when it declares them (matched by role
  across the harness table, so Claude Code's `Read` allows bare-agent's `read_file`;
  `Bash(git:*)` allows only commands starting with `git`; read-only listing comes with any
  read tool); others are refused with a tool error the model reads;
- write paths: the workspace (`.`) plus the declared output paths (the sandbox refuses
  anything outside the workspace);
- confirmations: commands a guard asks about before they run; an unattended run cannot ask,
  so it refuses them.

```python
from skillir.security.policy import SandboxPolicy
p = SandboxPolicy(network="needed", network_reasons=("tool.web",), tools=("Read", "Bash(git:*)"))
p.refusal("execute_command", {"command": "curl x"})   # 'the skill allows commands only ...'
p.grant(allow_network=True).network_on               # True
```
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

NETWORK_VALUES = ("off", "needed")
_TOOL = re.compile(r"([A-Za-z_][\w.-]*)(?:\(([^()]*)\))?")
_READ_ONLY = frozenset({"read", "list", "glob", "grep"})
_BARE_ROLES = {"read_file": "read", "write_file": "write", "list_directory": "list",
               "execute_command": "exec", "web_fetch": "fetch"}


@cache
def _roles() -> Mapping[str, str]:
    """Tool name (lowercase) -> role, over every harness of the harness table."""
    from skillir.datafiles import load_data

    out: dict[str, str] = {}
    for harness in load_data("harnesses.json")["harnesses"].values():
        for tool in harness["tools"]:
            out.setdefault(tool["name"].lower(), tool["role"])
    for alias, role in (("ls", "list"), ("multiedit", "edit"), ("notebookedit", "edit"),
                        ("shell", "exec"), ("terminal", "exec")):
        out.setdefault(alias, role)
    return out


@dataclass(frozen=True)
class Guard:
    """A command that needs the user's confirmation before it runs."""

    command: str
    rule: str
    step: int | None = None

    def matches(self, command: str) -> bool:
        return any(_starts_with(part, self.command) for part in _segments(command))


@dataclass(frozen=True)
class SandboxPolicy:
    network: str = "off"
    network_reasons: tuple[str, ...] = ()
    tools: tuple[str, ...] | None = None
    """The skill's `allowed-tools` as written; None: every tool of the harness."""
    write_paths: tuple[str, ...] = (".",)
    guards: tuple[Guard, ...] = ()
    network_granted: bool = False
    """The user agreed (`--allow-network`) and the skill needs it."""
    source: str = "default"
    """Where the policy came from: compile-report, front matter, default."""
    _parsed: tuple[tuple[str, str | None], ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.network not in NETWORK_VALUES:
            raise ValueError(f"network must be one of {NETWORK_VALUES}, not {self.network!r}")
        if self.tools is not None:
            object.__setattr__(self, "_parsed", tuple(parse_tools(self.tools)))

    @property
    def network_on(self) -> bool:
        return self.network_granted

    def grant(self, *, allow_network: bool) -> SandboxPolicy:
        """The policy with the user's answer to "may the skill use the network?"."""
        return replace(self, network_granted=bool(allow_network and self.network == "needed"))

    def network_note(self) -> str:
        if self.network_on:
            return "on (the skill needs it and --allow-network was given)"
        if self.network == "needed":
            return "off (the skill needs it: " + "; ".join(self.network_reasons[:3]) + "; pass --allow-network to allow it)"
        return "off (the skill does not need it)"

    def allowed_roles(self) -> frozenset[str] | None:
        if self.tools is None:
            return None
        roles = set()
        for name, _ in self._parsed:
            role = _roles().get(name.lower())
            if role is not None:
                roles.add(role)
        if roles & _READ_ONLY:
            roles |= _READ_ONLY
        if "edit" in roles or "patch" in roles:
            roles.add("write")
        return frozenset(roles)

    def exec_prefixes(self) -> tuple[str, ...] | None:
        """Command prefixes the skill allows (`Bash(git:*)` -> `git`); None: any command."""
        if self.tools is None:
            return None
        prefixes: list[str] = []
        for name, arg in self._parsed:
            if _roles().get(name.lower()) != "exec":
                continue
            if arg is None or arg.strip() in ("", "*", ":*"):
                return None
            prefixes.append(arg.strip().removesuffix(":*").removesuffix("*").strip())
        return tuple(prefixes)

    def refusal(self, tool: str, arguments: Mapping[str, Any], role: str | None = None) -> str | None:
        """Why the policy refuses this tool call (one line the model reads), or None."""
        role = role or _BARE_ROLES.get(tool) or _roles().get(tool.lower())
        roles = self.allowed_roles()
        if roles is not None and role not in roles:
            return (f"refused by the skill's sandbox policy: the skill's allowed-tools "
                    f"({' '.join(self.tools or ())}) do not include {tool}")
        if role != "exec":
            return None
        command = str(arguments.get("command") or "")
        prefixes = self.exec_prefixes()
        if prefixes is not None and not all(any(_starts_with(seg, p) for p in prefixes)
                                            for seg in _segments(command)):
            return (f"refused by the skill's sandbox policy: the skill allows only commands "
                    f"starting with {', '.join(prefixes) or '(none)'}")
        for guard in self.guards:
            if guard.matches(command):
                return (f"refused: `{guard.command}` needs the user's confirmation "
                        f"(security guard {guard.rule}), and this run is unattended; "
                        "do the task without it or stop and explain")
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.network, "network_reasons": list(self.network_reasons),
            "network_on": self.network_on,
            "tools": None if self.tools is None else list(self.tools),
            "write_paths": list(self.write_paths),
            "confirm": [{"command": g.command, "rule": g.rule, "step": g.step} for g in self.guards],
            "source": self.source,
        }


def parse_tools(tools: Iterable[str]) -> list[tuple[str, str | None]]:
    """`["Read", "Bash(git:*)"]` -> [("Read", None), ("Bash", "git:*")]."""
    out: list[tuple[str, str | None]] = []
    for item in tools:
        for match in _TOOL.finditer(str(item)):
            out.append((match.group(1), match.group(2)))
    return out


def split_allowed_tools(value: Any) -> tuple[str, ...] | None:
    """The front matter's `allowed-tools` (a space- or comma-separated string, or a
    list) as tool entries; None when absent or empty."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        for match in _TOOL.finditer(str(item)):
            out.append(match.group(0))
    return tuple(out) or None


def policy_from_frontmatter(data: Mapping[str, Any]) -> SandboxPolicy:
    """The policy of a plain SKILL.md at run time: its allowed-tools, no network."""
    tools = split_allowed_tools(data.get("allowed-tools", data.get("allowed_tools")))
    return SandboxPolicy(tools=tools, source="front matter" if tools else "default")


def policy_from_report(report: Mapping[str, Any] | None) -> SandboxPolicy | None:
    """The policy compile-report.json records (`"policy"`), or None when it has none."""
    raw = (report or {}).get("policy")
    if not isinstance(raw, Mapping):
        return None
    network = raw.get("network") if raw.get("network") in NETWORK_VALUES else "off"
    tools = raw.get("tools")
    guards = tuple(Guard(str(g.get("command")), str(g.get("rule", "")), g.get("step"))
                   for g in raw.get("confirm") or () if isinstance(g, Mapping) and g.get("command"))
    return SandboxPolicy(
        network=network, network_reasons=tuple(str(r) for r in raw.get("network_reasons") or ()),
        tools=None if tools is None else tuple(str(t) for t in tools),
        write_paths=tuple(str(p) for p in raw.get("write_paths") or (".",)),
        guards=guards, source="compile-report")


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def run_policy(compile_report: Mapping[str, Any] | None, skill_md: str | None, *,
               allow_network: bool = False) -> SandboxPolicy | None:
    """The policy a run enforces: the compiled one (compile-report.json), else the
    SKILL.md's `allowed-tools`; None when there is nothing to enforce (no skill, or a
    plain skill that declares no tools). `allow_network` is the user's answer."""
    policy = policy_from_report(compile_report)
    if policy is None and skill_md:
        match = _FRONT.match(skill_md[:65536])
        if match is not None:
            import yaml

            try:
                data = yaml.safe_load(match.group(1))
            except yaml.YAMLError:
                data = None
            if isinstance(data, dict):
                policy = policy_from_frontmatter(data)
                policy = policy if policy.tools is not None else None
    return policy.grant(allow_network=allow_network) if policy is not None else None


def _segments(command: str) -> list[str]:
    """The simple commands of a shell line (split at ; && || | and newlines), leading
    `sudo`, `env` and VAR=value assignments dropped."""
    parts = re.split(r"\|\||&&|[;|\n&]|\$\(|`", command)
    out = []
    for part in parts:
        words = part.strip().split()
        while words and (words[0] in ("sudo", "env", "exec", "time", "nohup", "command")
                         or re.match(r"^[A-Za-z_]\w*=", words[0])):
            words.pop(0)
        if words:
            out.append(" ".join(words))
    return out


def _starts_with(segment: str, prefix: str) -> bool:
    if not prefix:
        return False
    try:
        words = shlex.split(segment)
        want = shlex.split(prefix)
    except ValueError:
        words, want = segment.split(), prefix.split()
    if not want or len(words) < len(want):
        return False
    head = [w.rsplit("/", 1)[-1] if i == 0 else w for i, w in enumerate(words[:len(want)])]
    return head == [w.rsplit("/", 1)[-1] if i == 0 else w for i, w in enumerate(want)]


__all__ = ["Guard", "SandboxPolicy", "parse_tools", "policy_from_frontmatter", "policy_from_report",
           "run_policy", "split_allowed_tools"]
