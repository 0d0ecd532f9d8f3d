// RUN: skill-opt %s -p extract-concurrency | filecheck %s
// RUN: skill-opt %s -p 'extract-concurrency{harness=codex}' | filecheck %s --check-prefix=CODEX
// RUN: skill-opt %s -p extract-concurrency -t markdown | filecheck %s --check-prefix=MD
// RUN: not skill-opt %s -p 'extract-concurrency{harness=vim}' 2>&1 | filecheck %s --check-prefix=ERR

builtin.module {
  skill.skill @audit attributes {metadata = {name = "audit"}, source = "audit/SKILL.md"} {
    skill.section "Audit" attributes {level = 1 : i64} {
      skill.text "Run these two audits in parallel:\n\n"
      %npm = skill.step "1. Run `npm audit --json > npm.json`.\n" {ordinal = 1 : i64} -> !skill.artifact<"npm.json">
      %pip = skill.step "2. Run `pip-audit -f json -o pip.json`.\n" {ordinal = 2 : i64} -> !skill.artifact<"pip.json">
      skill.step "3. Merge `npm.json` and `pip.json` into `audit.md`.\n" (%npm, %pip : !skill.artifact<"npm.json">, !skill.artifact<"pip.json">) {ordinal = 3 : i64}
    }
  }
  skill.skill @counts attributes {metadata = {name = "counts"}, source = "counts/SKILL.md"} {
    skill.section "Counts" attributes {level = 1 : i64} {
      %c = skill.step "1. Count the ERROR lines in each log file and write `counts.tsv`:\n" {ordinal = 1 : i64} -> !skill.artifact<"counts.tsv"> with {
        skill.code "bash" "for f in logs/*.log; do\n  printf '%s\\t%s\\n' \"$f\" \"$(grep -c ERROR \"$f\")\"\ndone > counts.tsv\n" {runnable}
      }
      skill.step "2. Read `counts.tsv` and name the file with the most errors.\n" (%c : !skill.artifact<"counts.tsv">) {ordinal = 2 : i64}
    }
  }
}

// CHECK:      skill.step "3. Merge
// CHECK-NEXT: }
// CHECK-NEXT: conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1, 3>, total_cost = 34000 : i64, critical_cost = 20000 : i64, ideal_speedup = 1.700000e+00 : f64, max_speedup = 1.700000e+00 : f64} {
// CHECK-NEXT:   %[[G0:.*]], %[[G1:.*]] = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {reason = "section 'Audit' marks its steps as parallel; steps 1 and 2 are single tool calls with no data flow between them", mechanism = "parallel tool calls in one turn", join = 3 : i64} {
// CHECK-NEXT:     %[[A:.*]] = conc.task 1 tool "Run `npm audit --json > npm.json`." {cost = 14000 : i64}
// CHECK-NEXT:     %[[B:.*]] = conc.task 2 tool "Run `pip-audit -f json -o pip.json`." {cost = 14000 : i64}
// CHECK-NEXT:     conc.join %[[A]], %[[B]]
// CHECK-NEXT:   }
// CHECK-NEXT:   conc.task 3 think "Merge `npm.json` and `pip.json` into `audit.md`." (%[[G0]], %[[G1]]) {cost = 6000 : i64, via = ["npm.json", "pip.json"]}
// CHECK-NEXT: }

// A shell loop over a glob is data-level parallelism: one task in a dlp group.
// CHECK:      skill.skill @counts
// CHECK:      conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1, 2>
// CHECK-NEXT:   %[[D:.*]] = conc.parallel dlp parallel items from assumed -> !conc.token attributes {reason = "shell loop over 'logs/*.log': iterations share no state", mechanism = "xargs -P", over = "logs/*.log", items = 8 : i64, lanes = 4 : i64} {
// CHECK-NEXT:     %[[T:.*]] = conc.task 1 tool "Count the ERROR lines in each log file and write `counts.tsv`" {cost = 8000 : i64}
// CHECK-NEXT:     conc.join %[[T]]
// CHECK-NEXT:   }
// CHECK-NEXT:   conc.task 2 tool "Read `counts.tsv` and name the file with the most errors." (%[[D]]) {cost = 6000 : i64, via = ["counts.tsv"]}

// CODEX:      conc.graph attributes {harness = "codex", critical_path = array<i64: 1, 2, 3>, total_cost = 34000 : i64, critical_cost = 34000 : i64, ideal_speedup = 1.000000e+00 : f64, max_speedup = 1.700000e+00 : f64} {
// CODEX-NEXT:   conc.parallel ilp sequential
// CODEX-SAME:     mechanism = "sequential_execution", fallback = "codex runs several tool calls in one model turn only for some models, which the compiler cannot assume

// MD:      Run these two audits in parallel:
// MD-EMPTY:
// MD-NEXT: 1. Run `npm audit --json > npm.json`.
// MD-NOT:  conc.

// ERR: skill-opt: error: unknown harness 'vim' (choose one of bare-agent, claude-code, codex, opencode, openclaw, hermes)
