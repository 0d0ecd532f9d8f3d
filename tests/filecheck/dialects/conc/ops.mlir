// RUN: skill-opt %s | filecheck %s
// RUN: SKILL_ROUNDTRIP | filecheck %s
// RUN: SKILL_GENERIC_ROUNDTRIP | filecheck %s
// RUN: skill-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

builtin.module {
  skill.skill @incident attributes {metadata = {}, source = "incident/SKILL.md"} {
    skill.step "1. Search the tracker.\n" {ordinal = 1 : i64}
    skill.step "2. Collect the pod logs.\n" {ordinal = 2 : i64}
    skill.step "3. Debug the backend.\n" {ordinal = 3 : i64}
    skill.step "4. Debug the database.\n" {ordinal = 4 : i64}
    skill.step "5. Write the report.\n" {ordinal = 5 : i64}
    conc.graph attributes {harness = "claude-code", critical_path = array<i64: 2, 3, 5>, total_cost = 60000 : i64, critical_cost = 36000 : i64, ideal_speedup = 1.67 : f64, max_speedup = 1.67 : f64} {
      %0, %1 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "parallel tool_use blocks in one turn", reason = "independent lookups", join = 3 : i64} {
        %2 = conc.task 1 tool "Search the tracker" {cost = 5000 : i64}
        %3 = conc.parallel dlp parallel items from assumed -> !conc.token attributes {mechanism = "xargs -P", reason = "one call per pod", over = "pods", items = 8 : i64, lanes = 4 : i64} {
          %4 = conc.task 2 tool "Collect the pod logs" {cost = 28000 : i64}
          conc.join %4
        }
        conc.join %2, %3
      }
      %5, %6 = conc.parallel tlp parallel -> !conc.token, !conc.token attributes {mechanism = "Task sub-agents", reason = "independent investigations", join = 5 : i64} {
        %7 = conc.task 3 multi "Debug the backend" (%0, %1) {cost = 12000 : i64, branch = 0 : i64}
        %8 = conc.task 4 multi "Debug the database" (%0, %1) {cost = 12000 : i64, branch = 1 : i64}
        conc.join %7, %8
      }
      %9 = conc.task 5 think "Write the report" (%5, %6) {cost = 3000 : i64, via = ["backend.md", "database.md"]}
    }
  }
  skill.skill @research attributes {metadata = {}, source = "research/SKILL.md"} {
    skill.step "1. Search the angle.\n" {ordinal = 1 : i64}
    skill.step "2. Rank the hits.\n" {ordinal = 2 : i64}
    skill.step "3. Write the memo.\n" {ordinal = 3 : i64}
    conc.graph attributes {harness = "claude-code", critical_path = array<i64: 1, 2, 3>, total_cost = 30000 : i64, critical_cost = 30000 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      %0, %1 = conc.parallel tlp parallel -> !conc.token, !conc.token attributes {mechanism = "Task sub-agents", reason = "one subagent per angle", join = 3 : i64, per_item} {
        %2 = conc.task 1 tool "Search the angle" {cost = 10000 : i64, branch = 0 : i64}
        %3 = conc.task 2 think "Rank the hits" (%2) {cost = 10000 : i64, branch = 0 : i64, via = ["order"]}
        conc.join %2, %3
      }
      %4 = conc.task 3 think "Write the memo" (%0, %1) {cost = 10000 : i64, via = ["order", "order"]}
    }
  }
}

// CHECK:      conc.graph attributes {harness = "claude-code", critical_path = array<i64: 2, 3, 5>, total_cost = 60000 : i64, critical_cost = 36000 : i64, ideal_speedup = 1.670000e+00 : f64, max_speedup = 1.670000e+00 : f64} {
// CHECK-NEXT:   %{{.*}}, %{{.*}} = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "parallel tool_use blocks in one turn", reason = "independent lookups", join = 3 : i64} {
// CHECK-NEXT:     %[[T1:.*]] = conc.task 1 tool "Search the tracker" {cost = 5000 : i64}
// CHECK-NEXT:     %[[D:.*]] = conc.parallel dlp parallel items from assumed -> !conc.token attributes {mechanism = "xargs -P", reason = "one call per pod", over = "pods", items = 8 : i64, lanes = 4 : i64} {
// CHECK-NEXT:       %[[T2:.*]] = conc.task 2 tool "Collect the pod logs" {cost = 28000 : i64}
// CHECK-NEXT:       conc.join %[[T2]]
// CHECK-NEXT:     }
// CHECK-NEXT:     conc.join %[[T1]], %[[D]]
// CHECK-NEXT:   }
// CHECK:        conc.parallel tlp parallel
// CHECK:          conc.task 3 multi "Debug the backend" (%{{.*}}, %{{.*}}) {cost = 12000 : i64, branch = 0 : i64}
// CHECK:        conc.task 5 think "Write the report" (%{{.*}}, %{{.*}}) {cost = 3000 : i64, via = ["backend.md", "database.md"]}

// GENERIC: "conc.parallel"() <{kind = #conc<kind ilp>, status = #conc<status parallel>, mechanism = "parallel tool_use blocks in one turn", reason = "independent lookups", join = 3 : i64}> ({
// GENERIC: "conc.task"() <{{.*}}id = 1 : i64, kind = #conc<task_kind tool>, label = "Search the tracker"{{.*}}}> : () -> !conc.token
// GENERIC: "conc.join"(%{{.*}}, %{{.*}}) : (!conc.token, !conc.token) -> ()

// CHECK:      skill.skill @research
// CHECK:        conc.parallel tlp parallel -> !conc.token, !conc.token attributes {mechanism = "Task sub-agents", reason = "one subagent per angle", join = 3 : i64, per_item} {
// CHECK-NEXT:     %[[R1:.*]] = conc.task 1 tool "Search the angle" {cost = 10000 : i64, branch = 0 : i64}
// CHECK-NEXT:     %[[R2:.*]] = conc.task 2 think "Rank the hits" (%[[R1]]) {cost = 10000 : i64, branch = 0 : i64, via = ["order"]}
// CHECK-NEXT:     conc.join %[[R1]], %[[R2]]

// GENERIC: "conc.parallel"() <{kind = #conc<kind tlp>, status = #conc<status parallel>, mechanism = "Task sub-agents", reason = "one subagent per angle", join = 3 : i64, per_item}> ({
