"""The sandbox policy model (skillir/security/policy.py) and `derive-sandbox-policy`."""

from __future__ import annotations

from pathlib import Path

from skillir.dialects.sec import Network, PolicyOp
from skillir.frontend.skill_md import load_skill
from skillir.passes.derive_sandbox_policy import DeriveSandboxPolicyPass
from skillir.passes.infer_capabilities import InferCapabilitiesPass
from skillir.security.policy import (
    SandboxPolicy,
    policy_from_report,
    run_policy,
    split_allowed_tools,
)

WEB = """---
name: rates
description: Fetch exchange rates into a report.
allowed-tools: Read Write Bash(curl:*)
---
# Rates

1. Fetch the rates with `curl -s https://api.example.com/v1/rates -o rates.json`.
2. Write `report.md` with one line per currency.
"""


def test_allowed_tools_narrow_tools_by_role_and_commands_by_prefix():
    policy = SandboxPolicy(tools=("Read", "Bash(git:*)"))
    assert policy.refusal("read_file", {"path": "a"}) is None
    assert policy.refusal("list_directory", {}) is None  # read-only listing comes with Read
    assert "do not include write_file" in policy.refusal("write_file", {"path": "a", "content": ""})
    assert policy.refusal("execute_command", {"command": "git status && git log -1"}) is None
    assert "only commands starting with git" in policy.refusal("execute_command", {"command": "git status; rm x"})
    assert SandboxPolicy().refusal("write_file", {"path": "a"}) is None  # nothing declared: all allowed


def test_bare_bash_allows_every_command_and_edit_implies_write():
    policy = SandboxPolicy(tools=("Edit", "Bash"))
    assert policy.refusal("execute_command", {"command": "anything --at all"}) is None
    assert policy.refusal("write_file", {"path": "a"}) is None
    assert "do not include read_file" in policy.refusal("read_file", {"path": "a"})


def test_network_needs_both_the_skill_and_the_user():
    needed = SandboxPolicy(network="needed", network_reasons=("tool.web: curl",))
    assert not needed.network_on and "--allow-network" in needed.network_note()
    assert needed.grant(allow_network=True).network_on
    assert not SandboxPolicy().grant(allow_network=True).network_on  # the skill does not need it
    assert "does not need it" in SandboxPolicy().grant(allow_network=True).network_note()


def test_allowed_tools_spellings():
    assert split_allowed_tools("Bash(git add:*) Read, Write") == ("Bash(git add:*)", "Read", "Write")
    assert split_allowed_tools(["Read", "Grep"]) == ("Read", "Grep")
    assert split_allowed_tools("") is None and split_allowed_tools(None) is None


def test_policy_round_trips_through_the_report():
    policy = SandboxPolicy(network="needed", network_reasons=("r",), tools=("Read",), write_paths=(".", "out.md"))
    back = policy_from_report({"policy": policy.to_json()})
    assert back is not None and back.to_json() == {**policy.to_json(), "source": "compile-report"}
    assert policy_from_report({}) is None


def test_run_policy_reads_the_report_or_the_front_matter():
    assert run_policy(None, WEB).tools == ("Read", "Write", "Bash(curl:*)")
    assert run_policy(None, "---\nname: x\ndescription: y\n---\n# X\n") is None  # nothing to enforce
    report = {"policy": {"network": "needed", "network_reasons": ["tool.web"], "tools": None, "write_paths": ["."]}}
    assert run_policy(report, WEB, allow_network=True).network_on
    assert not run_policy(report, WEB).network_on


def test_derive_sandbox_policy_from_the_skill(tmp_path: Path):
    (tmp_path / "rates").mkdir()
    (tmp_path / "rates" / "SKILL.md").write_text(WEB, encoding="utf-8")
    module = load_skill(tmp_path / "rates")
    InferCapabilitiesPass().apply(None, module)
    DeriveSandboxPolicyPass().apply(None, module)
    DeriveSandboxPolicyPass().apply(None, module)  # replaces, never adds a second
    policies = [op for op in module.walk() if isinstance(op, PolicyOp)]
    assert len(policies) == 1
    policy = policies[0]
    assert policy.network.data is Network.NEEDED
    assert "code: curl -s https://api.example.com" in [r.data for r in policy.network_reasons.data]
    assert [t.data for t in policy.tools.data] == ["Read", "Write", "Bash(curl:*)"]
    assert [p.data for p in policy.write_paths.data][0] == "."
    assert DeriveSandboxPolicyPass().legality(module) == []


def test_a_skill_without_web_work_or_tools_keeps_the_network_off(tmp_path: Path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "SKILL.md").write_text(
        "---\nname: plain\ndescription: Count lines.\n---\n# Plain\n\n1. Count the lines of `input.txt` and save the count to `count.txt`.\n")
    module = load_skill(tmp_path / "plain")
    InferCapabilitiesPass().apply(None, module)
    DeriveSandboxPolicyPass().apply(None, module)
    policy = next(op for op in module.walk() if isinstance(op, PolicyOp))
    assert policy.network.data is Network.OFF and policy.tools is None and not policy.network_reasons.data
    assert "count.txt" in [p.data for p in policy.write_paths.data]
