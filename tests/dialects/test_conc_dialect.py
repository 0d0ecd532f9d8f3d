"""The conc dialect: custom and generic forms round-trip; the verifier rejects cycles,
dangling dependencies, dependent group members and malformed groups (with the compiled
fast verifier and xdsl's generic one alike)."""

from __future__ import annotations

import pytest
from xdsl.utils.exceptions import VerifyException

from skillir.dialects.conc import GraphOp, JoinOp, ParallelOp, TaskOp
from skillir.errors import SkillIRError
from skillir.ir import parse_module, print_module
from skillir.pipeline import verify_module

HEAD = """builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s/SKILL.md"} {
    skill.step "1. a\\n" {ordinal = 1 : i64}
    skill.step "2. b\\n" {ordinal = 2 : i64}
    skill.step "3. c\\n" {ordinal = 3 : i64}
    skill.step "4. d\\n" {ordinal = 4 : i64}
"""
GRAPH = """    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1, 2, 4>, total_cost = 20 : i64, critical_cost = 15 : i64, ideal_speedup = 1.33 : f64, max_speedup = 1.33 : f64} {
"""
TAIL = """    }
  }
}
"""

GOOD = HEAD + GRAPH + """      %0 = conc.task 1 tool "a" {cost = 5 : i64}
      %1, %2 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", join = 4 : i64} {
        %3 = conc.task 2 tool "b" (%0) {cost = 5 : i64}
        %4 = conc.parallel dlp parallel items from text -> !conc.token attributes {mechanism = "xargs -P", reason = "r", over = "*.log", items = 3 : i64, lanes = 4 : i64} {
          %5 = conc.task 3 tool "c" (%0) {cost = 5 : i64}
          conc.join %5
        }
        conc.join %3, %4
      }
      %6 = conc.task 4 think "d" (%1, %2) {cost = 5 : i64, via = ["a.json", "order"]}
""" + TAIL


def test_roundtrip_custom_and_generic():
    module = parse_module(GOOD)
    verify_module(module)
    custom = print_module(module)
    generic = print_module(module, generic=True)
    assert "#conc<kind ilp>" in generic
    again = parse_module(generic)
    verify_module(again)
    assert print_module(again) == custom
    assert print_module(parse_module(custom)) == custom


def _graph(text: str) -> GraphOp:
    module = parse_module(text)
    return next(op for op in module.walk() if isinstance(op, GraphOp))


def _fails(body: str, message: str, graph: str = GRAPH) -> None:
    module = parse_module(HEAD + graph + body + TAIL)
    with pytest.raises(SkillIRError, match=message):
        verify_module(module)
    # xdsl's generic verifier agrees with the compiled one
    for op in module.walk():
        if isinstance(op, TaskOp | ParallelOp | JoinOp | GraphOp):
            generic = type(op).verify_.generic
            try:
                type(op).verify_(op)
                compiled_ok = True
            except VerifyException:
                compiled_ok = False
            try:
                generic(op)
                generic_ok = True
            except VerifyException:
                generic_ok = False
            assert compiled_ok == generic_ok


def test_rejects_a_cycle():
    _fails("""      %0 = conc.task 1 tool "a" (%1) {cost = 1 : i64}
      %1 = conc.task 2 tool "b" (%0) {cost = 1 : i64}
""", "dependency cycle: task 1 -> task 2 -> task 1", graph=GRAPH.replace("1, 2, 4", "1"))


def test_rejects_a_dependency_used_before_its_definition():
    _fails("""      %0 = conc.task 2 tool "b" (%1) {cost = 1 : i64}
      %1 = conc.task 1 tool "a" {cost = 1 : i64}
""", "uses a dependency before it is defined", graph=GRAPH.replace("1, 2, 4", "1"))


def test_rejects_a_token_taken_out_of_a_group_without_the_join():
    # the parser already refuses this in text; build it the way a buggy pass would
    module = parse_module(GOOD)
    tasks = {op.task_id: op for op in module.walk() if isinstance(op, TaskOp)}
    tasks[4].operands = [tasks[2].done]
    tasks[4].properties.pop("via")
    with pytest.raises(SkillIRError, match="token from inside a parallel group"):
        verify_module(module)


def test_rejects_a_token_of_another_graph():
    inner = GOOD[len("builtin.module {\n"): -len("}\n")]
    module = parse_module("builtin.module {\n" + inner + inner.replace("@s", "@t") + "}\n")
    graphs = [op for op in module.walk() if isinstance(op, GraphOp)]
    stranger = next(graphs[0].tasks())
    task = next(t for t in graphs[1].tasks() if t.task_id == 4)
    task.operands = [stranger.done]
    task.properties.pop("via")
    with pytest.raises(SkillIRError, match="dangling dependency of task 4"):
        verify_module(module)


def test_rejects_a_task_id_that_names_no_step():
    _fails("""      %0 = conc.task 9 tool "z" {cost = 1 : i64}
""", "dangling task 9", graph=GRAPH.replace("1, 2, 4", "9"))


def test_rejects_dependent_ilp_members():
    _fails("""      %0 = conc.task 1 tool "a" {cost = 1 : i64}
      %1, %2 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %3 = conc.task 2 tool "b" (%0) {cost = 1 : i64}
        %4 = conc.task 3 tool "c" (%3) {cost = 1 : i64}
        conc.join %3, %4
      }
""", "members of an 'ilp' group must be independent", graph=GRAPH.replace("1, 2, 4", "1, 2, 3"))


def test_rejects_crossing_tlp_branches_but_allows_chains_within_one():
    body = """      %0 = conc.task 1 tool "a" {cost = 1 : i64}
      %1, %2, %3 = conc.parallel tlp parallel -> !conc.token, !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %4 = conc.task 2 tool "b" (%0) {cost = 1 : i64, branch = 0 : i64}
        %5 = conc.task 3 tool "c" (%4) {cost = 1 : i64, branch = BRANCH : i64}
        %6 = conc.task 4 tool "d" (%0) {cost = 1 : i64, branch = 1 : i64}
        conc.join %4, %5, %6
      }
"""
    good = HEAD + GRAPH.replace("1, 2, 4", "1, 2, 3") + body.replace("BRANCH", "0") + TAIL
    verify_module(parse_module(good))
    _fails(body.replace("BRANCH", "1"), "'tlp' branches must be independent",
           graph=GRAPH.replace("1, 2, 4", "1, 2, 3"))


@pytest.mark.parametrize(("body", "message"), [
    ("""      %0, %1 = conc.parallel dlp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %2 = conc.task 1 tool "a" {cost = 1 : i64}
        %3 = conc.task 2 tool "b" {cost = 1 : i64}
        conc.join %2, %3
      }
""", "holds exactly one task"),
    ("""      %0 = conc.parallel ilp parallel -> !conc.token attributes {mechanism = "m", reason = "r"} {
        %1 = conc.task 1 tool "a" {cost = 1 : i64}
        conc.join %1
      }
""", "needs at least two members"),
    ("""      %0 = conc.parallel dlp parallel -> !conc.token attributes {mechanism = "m", reason = "r", in_one_step} {
        %1 = conc.task 1 tool "a" {cost = 1 : i64}
        conc.join %1
      }
""", "'in_one_step' marks an 'ilp' or 'tlp' group of exactly one task"),
    ("""      %0, %1 = conc.parallel tlp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", in_one_step} {
        %2 = conc.task 1 multi "a" {cost = 1 : i64, branch = 0 : i64}
        %3 = conc.task 2 multi "b" {cost = 1 : i64, branch = 1 : i64}
        conc.join %2, %3
      }
""", "'in_one_step' marks an 'ilp' or 'tlp' group of exactly one task"),
    ("""      %0 = conc.parallel dlp sequential -> !conc.token attributes {mechanism = "m", reason = "r"} {
        %1 = conc.task 1 tool "a" {cost = 1 : i64}
        conc.join %1
      }
""", "must say why in 'fallback'"),
    ("""      %0, %1 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %2 = conc.task 1 tool "a" {cost = 1 : i64}
        %3 = conc.task 2 tool "b" {cost = 1 : i64}
        conc.join %2
      }
""", "must yield the token of every member"),
    ("""      %0 = conc.task 1 tool "a" {cost = 1 : i64, branch = 0 : i64}
""", "only meaningful inside a 'tlp' group"),
    ("""      %0 = conc.task 1 tool "a" {cost = 1 : i64}
      %1 = conc.task 2 tool "b" (%0) {cost = 1 : i64, via = ["x", "y"]}
""", "gives 2 reasons for 1 dependencies"),
])
def test_rejects_malformed_ops(body, message):
    _fails(body, message, graph=GRAPH.replace("1, 2, 4", "1"))


def test_an_ilp_group_of_one_step_says_so():
    """One step whose own tool calls are independent ("Run all four checks: ...") is an
    `ilp` group of one task, marked `in_one_step`; without the mark it is malformed."""
    body = """      %0 = conc.parallel ilp parallel -> !conc.token attributes {mechanism = "m", reason = "r", in_one_step} {
        %1 = conc.task 1 tool "a" {cost = 1 : i64}
        conc.join %1
      }
"""
    module = parse_module(HEAD + GRAPH.replace("1, 2, 4", "1") + body + TAIL)
    module.verify()
    assert "in_one_step" in str(module)


def test_a_tlp_group_of_one_step_says_so():
    """One step that fans its work out to several sub-agents ("Review (4 parallel
    agents)") is a `tlp` group of one task, marked `in_one_step`; without the mark a
    `tlp` group needs two branches."""
    body = """      %0 = conc.parallel tlp parallel -> !conc.token attributes {mechanism = "m", reason = "r", in_one_step} {
        %1 = conc.task 1 multi "a" {cost = 1 : i64, branch = 0 : i64}
        conc.join %1
      }
"""
    module = parse_module(HEAD + GRAPH.replace("1, 2, 4", "1") + body + TAIL)
    module.verify()
    _fails(body.replace(", in_one_step", ""), "needs at least two branches", graph=GRAPH.replace("1, 2, 4", "1"))


def test_a_tlp_group_run_per_item_says_so():
    """A list that every sub-agent runs for an item of its own ("For each angle, dispatch
    a subagent that does the following: 1. ... 2. ...") is a `tlp` group of one branch of
    several tasks, marked `per_item`; without the mark one branch is too few, and the
    mark fits no other shape."""
    body = """      %0, %1 = conc.parallel tlp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", per_item} {
        %2 = conc.task 1 tool "a" {cost = 1 : i64, branch = 0 : i64}
        %3 = conc.task 2 tool "b" (%2) {cost = 1 : i64, branch = 0 : i64, via = ["order"]}
        conc.join %2, %3
      }
"""
    graph = GRAPH.replace("1, 2, 4", "1, 2")
    module = parse_module(HEAD + graph + body + TAIL)
    module.verify()
    assert "per_item" in str(module)
    _fails(body.replace(", per_item", ""), "needs at least two branches", graph=graph)
    _fails(body.replace("branch = 0 : i64, via", "branch = 1 : i64, via"), "one branch", graph=graph)
    _fails(body.replace("conc.parallel tlp", "conc.parallel ilp"), "'per_item' marks a 'tlp' group", graph=graph)
    _fails(body.replace("per_item}", "per_item, in_one_step}"), "'per_item' marks a 'tlp' group", graph=graph)


def test_task_kinds_and_statuses_are_enums():
    with pytest.raises(SkillIRError, match="Expected `tool`, `multi`, or `think`"):
        parse_module(HEAD + GRAPH.replace("1, 2, 4", "1") + """      %0 = conc.task 1 magic "a" {cost = 1 : i64}
""" + TAIL)
    with pytest.raises(SkillIRError, match="Expected `parallel`, or `sequential`"):
        parse_module(GOOD.replace("conc.parallel ilp parallel", "conc.parallel ilp maybe"))
    generic = print_module(parse_module(GOOD), generic=True)
    assert "kind = #conc<task_kind think>" in generic and "status = #conc<status parallel>" in generic
    assert "items_source = #conc<items_source text>" in generic
    # a plain string where the enum belongs does not verify
    _fails_generic = parse_module(generic.replace("kind = #conc<task_kind think>", 'kind = "think"'))
    with pytest.raises(SkillIRError, match="conc.task_kind"):
        verify_module(_fails_generic)
    task = next(op for op in parse_module(GOOD).walk() if isinstance(op, TaskOp) and op.task_id == 4)
    group = next(op for op in parse_module(GOOD).walk() if isinstance(op, ParallelOp))
    assert task.task_kind == "think" and type(task.task_kind) is str
    assert group.group_status == "parallel" and group.is_parallel


def test_rejects_a_critical_path_out_of_order_and_low_speedup():
    body = """      %0 = conc.task 1 tool "a" {cost = 1 : i64}
      %1 = conc.task 2 tool "b" (%0) {cost = 1 : i64}
"""
    _fails(body, "must follow the graph's order", graph=GRAPH.replace("1, 2, 4", "2, 1"))
    _fails(body, "at least 1.0", graph=GRAPH.replace("1, 2, 4", "1, 2").replace("ideal_speedup = 1.33", "ideal_speedup = 0.5"))


def test_typed_integers_and_arrays_are_declared_not_checked_by_hand():
    for good, bad in (("array<i64: 1, 2, 4>", "array<i32: 1, 2, 4>"), ("cost = 5 : i64}", "cost = 5 : i32}")):
        with pytest.raises(SkillIRError, match="Expected attribute i64 but got i32"):
            parse_module(GOOD.replace(good, bad, 1))
    # built in Python (no parser), the verifier says the same
    from xdsl.dialects.builtin import IntegerAttr, i32

    task = next(op for op in parse_module(GOOD).walk() if isinstance(op, TaskOp))
    task.properties["cost"] = IntegerAttr(5, i32)
    with pytest.raises(VerifyException, match="'cost' must be integer of type i64, got 5 : i32"):
        task.verify_()
    with pytest.raises(VerifyException):
        type(task).verify_.generic(task)
