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

GOOD = HEAD + GRAPH + """      %0 = conc.task 1 "a" {cost = 5 : i64, kind = "tool"}
      %1, %2 = conc.parallel ilp -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", status = "parallel", join = 4 : i64} {
        %3 = conc.task 2 "b" (%0) {cost = 5 : i64, kind = "tool"}
        %4 = conc.parallel dlp -> !conc.token attributes {mechanism = "xargs -P", reason = "r", status = "parallel", over = "*.log", items = 3 : i64, items_source = "text", lanes = 4 : i64} {
          %5 = conc.task 3 "c" (%0) {cost = 5 : i64, kind = "tool"}
          conc.join %5
        }
        conc.join %3, %4
      }
      %6 = conc.task 4 "d" (%1, %2) {cost = 5 : i64, kind = "think", via = ["a.json", "order"]}
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
            generic = getattr(type(op).verify_, "generic", None)
            if generic is None:
                continue
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
    _fails("""      %0 = conc.task 1 "a" (%1) {cost = 1 : i64, kind = "tool"}
      %1 = conc.task 2 "b" (%0) {cost = 1 : i64, kind = "tool"}
""", "dependency cycle: task 1 -> task 2 -> task 1", graph=GRAPH.replace("1, 2, 4", "1"))


def test_rejects_a_dependency_used_before_its_definition():
    _fails("""      %0 = conc.task 2 "b" (%1) {cost = 1 : i64, kind = "tool"}
      %1 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
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
    _fails("""      %0 = conc.task 9 "z" {cost = 1 : i64, kind = "tool"}
""", "dangling task 9", graph=GRAPH.replace("1, 2, 4", "9"))


def test_rejects_dependent_ilp_members():
    _fails("""      %0 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
      %1, %2 = conc.parallel ilp -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", status = "parallel"} {
        %3 = conc.task 2 "b" (%0) {cost = 1 : i64, kind = "tool"}
        %4 = conc.task 3 "c" (%3) {cost = 1 : i64, kind = "tool"}
        conc.join %3, %4
      }
""", "members of an 'ilp' group must be independent", graph=GRAPH.replace("1, 2, 4", "1, 2, 3"))


def test_rejects_crossing_tlp_branches_but_allows_chains_within_one():
    body = """      %0 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
      %1, %2, %3 = conc.parallel tlp -> !conc.token, !conc.token, !conc.token attributes {mechanism = "m", reason = "r", status = "parallel"} {
        %4 = conc.task 2 "b" (%0) {cost = 1 : i64, kind = "tool", branch = 0 : i64}
        %5 = conc.task 3 "c" (%4) {cost = 1 : i64, kind = "tool", branch = BRANCH : i64}
        %6 = conc.task 4 "d" (%0) {cost = 1 : i64, kind = "tool", branch = 1 : i64}
        conc.join %4, %5, %6
      }
"""
    good = HEAD + GRAPH.replace("1, 2, 4", "1, 2, 3") + body.replace("BRANCH", "0") + TAIL
    verify_module(parse_module(good))
    _fails(body.replace("BRANCH", "1"), "'tlp' branches must be independent",
           graph=GRAPH.replace("1, 2, 4", "1, 2, 3"))


@pytest.mark.parametrize(("body", "message"), [
    ("""      %0, %1 = conc.parallel dlp -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", status = "parallel"} {
        %2 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
        %3 = conc.task 2 "b" {cost = 1 : i64, kind = "tool"}
        conc.join %2, %3
      }
""", "holds exactly one task"),
    ("""      %0 = conc.parallel ilp -> !conc.token attributes {mechanism = "m", reason = "r", status = "parallel"} {
        %1 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
        conc.join %1
      }
""", "needs at least two members"),
    ("""      %0 = conc.parallel dlp -> !conc.token attributes {mechanism = "m", reason = "r", status = "sequential"} {
        %1 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
        conc.join %1
      }
""", "must say why in 'fallback'"),
    ("""      %0, %1 = conc.parallel ilp -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r", status = "parallel"} {
        %2 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
        %3 = conc.task 2 "b" {cost = 1 : i64, kind = "tool"}
        conc.join %2
      }
""", "must yield the token of every member"),
    ("""      %0 = conc.task 1 "a" {cost = 1 : i64, kind = "magic"}
""", "unknown task kind"),
    ("""      %0 = conc.task 1 "a" {cost = 1 : i64, kind = "tool", branch = 0 : i64}
""", "only meaningful inside a 'tlp' group"),
    ("""      %0 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
      %1 = conc.task 2 "b" (%0) {cost = 1 : i64, kind = "tool", via = ["x", "y"]}
""", "gives 2 reasons for 1 dependencies"),
])
def test_rejects_malformed_ops(body, message):
    _fails(body, message, graph=GRAPH.replace("1, 2, 4", "1"))


def test_rejects_a_critical_path_out_of_order_and_low_speedup():
    body = """      %0 = conc.task 1 "a" {cost = 1 : i64, kind = "tool"}
      %1 = conc.task 2 "b" (%0) {cost = 1 : i64, kind = "tool"}
"""
    _fails(body, "must follow the graph's order", graph=GRAPH.replace("1, 2, 4", "2, 1"))
    _fails(body, "at least 1.0", graph=GRAPH.replace("1, 2, 4", "1, 2").replace("ideal_speedup = 1.33", "ideal_speedup = 0.5"))
