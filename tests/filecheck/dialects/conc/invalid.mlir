// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    skill.step "2. b\n" {ordinal = 2 : i64}
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1>, total_cost = 2 : i64, critical_cost = 2 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      %0 = conc.task 1 tool "a" (%1) {cost = 1 : i64}
      %1 = conc.task 2 tool "b" (%0) {cost = 1 : i64}
    }
  }
}
// CHECK: error: 'conc.graph': dependency cycle: task 1 -> task 2 -> task 1

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 7>, total_cost = 1 : i64, critical_cost = 1 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      %0 = conc.task 7 tool "ghost" {cost = 1 : i64}
    }
  }
}
// CHECK: error: 'conc.graph': dangling task 7: the skill has 1 step(s)

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    skill.step "2. b\n" {ordinal = 2 : i64}
    skill.step "3. c\n" {ordinal = 3 : i64}
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1>, total_cost = 3 : i64, critical_cost = 2 : i64, ideal_speedup = 1.5 : f64, max_speedup = 1.5 : f64} {
      %0 = conc.task 1 tool "a" {cost = 1 : i64}
      %1, %2 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %3 = conc.task 2 tool "b" (%0) {cost = 1 : i64}
        %4 = conc.task 3 tool "c" (%3) {cost = 1 : i64}
        conc.join %3, %4
      }
    }
  }
}
// CHECK: error: 'conc.parallel': members of an 'ilp' group must be independent: task 3 waits on another member

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    skill.step "2. b\n" {ordinal = 2 : i64}
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1>, total_cost = 2 : i64, critical_cost = 1 : i64, ideal_speedup = 2.0 : f64, max_speedup = 2.0 : f64} {
      %0, %1 = conc.parallel tlp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %2 = conc.task 1 multi "a" {cost = 1 : i64, branch = 0 : i64}
        %3 = conc.task 2 multi "b" (%2) {cost = 1 : i64, branch = 1 : i64}
        conc.join %2, %3
      }
    }
  }
}
// CHECK: error: 'conc.parallel': 'tlp' branches must be independent: task 2 (branch 1) waits on branch 0

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    conc.graph attributes {harness = "codex", critical_path = array<i64: 1>, total_cost = 1 : i64, critical_cost = 1 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      %0 = conc.parallel dlp sequential -> !conc.token attributes {mechanism = "sequential_execution", reason = "r"} {
        %1 = conc.task 1 tool "a" {cost = 1 : i64}
        conc.join %1
      }
    }
  }
}
// CHECK: error: 'conc.parallel': a sequential group must say why in 'fallback'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    skill.step "2. b\n" {ordinal = 2 : i64}
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1>, total_cost = 2 : i64, critical_cost = 1 : i64, ideal_speedup = 2.0 : f64, max_speedup = 2.0 : f64} {
      %0, %1 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "m", reason = "r"} {
        %2 = conc.task 1 tool "a" {cost = 1 : i64}
        %3 = conc.task 2 tool "b" {cost = 1 : i64}
        conc.join %3
      }
    }
  }
}
// CHECK: error: 'conc.parallel': 'conc.join' must yield the token of every member, in order

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "1. a\n" {ordinal = 1 : i64}
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1>, total_cost = 1 : i64, critical_cost = 1 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      %0 = conc.parallel ilp parallel -> !conc.token attributes {mechanism = "m", reason = "r", items = 3 : i64} {
        %1 = conc.task 1 tool "a" {cost = 1 : i64}
        conc.join %1
      }
    }
  }
}
// CHECK: error: 'conc.parallel': 'items' is only meaningful on a 'dlp' group

// -----

builtin.module {
  conc.graph attributes {harness = "bare-agent", critical_path = array<i64>, total_cost = 0 : i64, critical_cost = 0 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
    %0 = conc.task 1 tool "a" {cost = 1 : i64}
  }
}
// CHECK: error: 'conc.graph': 'conc.graph' expects parent op 'skill.skill'
