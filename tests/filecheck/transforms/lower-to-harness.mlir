// lower-to-harness alone, on hand-written compiled skills (skill + cap + env + conc ops).
// First: claude-code runs every group: the ILP group is a batch holding the nested DLP
// batch, the TLP group one sub-agent per branch; each kept group gets its hint in SKILL.md.
// Facts stay as records where they stood (the gap and transform inside step 4), steps
// are named @step_N, and a step that only held cap.requires gets its plain form back.
// Second: codex runs the ILP group one call after another, so its nested DLP group is a
// batch of its own and the ILP group lowers to nothing but its record; the offloaded
// code is a harness.script.
// RUN: skill-opt %s --split-input-file -p lower-to-harness | filecheck %s
// RUN: skill-opt %s --split-input-file -p lower-to-harness | filecheck %s --check-prefix=CLEAN
// RUN: skill-opt %s --split-input-file -p lower-to-harness | skill-opt --split-input-file | filecheck %s
// With a growth cap (max-growth-percent) too small for any hint, every kept group says why it has none:
// RUN: skill-opt %s --split-input-file -p 'lower-to-harness{max-growth-percent=5}' | filecheck %s --check-prefix=GROWTH
// The target is stated once (bind-profile); a harness option that disagrees is an error at the skill:
// RUN: not skill-opt %s --split-input-file -p 'lower-to-harness{harness=codex}' 2>&1 >/dev/null | filecheck %s --check-prefix=DISAGREE

builtin.module {
  skill.skill @debug attributes {harness.target = #harness.target<"claude-code", "opus-4.6">, metadata = {name = "debug", description = "Debug an incident."}, source = "debug/SKILL.md"} {
    cap.profile {model = "opus-4.6", harness = "claude-code", source = "hand-written", date = "2026-04-06", capabilities = [#cap.prim<reason.analysis, 2>]}
    cap.require #cap.prim<follow.procedure, 1> {evidence = "5 steps", rule = "procedure.sequence", line = 3 : i64}
    skill.section "Debug" attributes {level = 1 : i64} {
      skill.step "1. Search the tracker for tickets.\n" {ordinal = 1 : i64}
      skill.step "2. Collect the logs of every pod:\n\n" {ordinal = 2 : i64} with {
        skill.code "bash" "for pod in $(kubectl get pods -o name); do kubectl logs \"$pod\"; done\n" {runnable, indent = "   "}
        cap.require #cap.prim<tool.exec, 2> {evidence = "kubectl logs", rule = "exec.command-l2", line = 7 : i64}
      }
      %repro = skill.step "3. Reproduce the request and save it to `repro.txt`.\n" {ordinal = 3 : i64} -> !skill.artifact<"repro.txt"> with {
        cap.require #cap.prim<tool.exec, 2> {evidence = "curl -v", rule = "exec.inline-l2", line = 9 : i64}
      }
      skill.step "4. Check the slow-query log.\n" {ordinal = 4 : i64} with {
        cap.require #cap.prim<reason.analysis, 2> {evidence = "slow-query", rule = "analysis.root-cause", line = 10 : i64, original = #cap.prim<reason.analysis, 3>}
        cap.gap #cap.prim<reason.analysis, 3> weak {available = 2 : i64, rule = "learned"}
        cap.compensated #cap.prim<reason.analysis, 3> "degradation-guidance" {to = [#cap.prim<reason.analysis, 2>], evidence = "slow-query", added = "Narrow the search first.", rule = "compensate", reason = "catalog guidance"}
      }
      skill.step "5. Write the report from `repro.txt`.\n" (%repro : !skill.artifact<"repro.txt">) {ordinal = 5 : i64}
    }
    env.bind {
      env.require system "kubectl" from "shell-command" {confidence = 95 : i64, bins = ["kubectl"], check = "has_cmd kubectl", install = "sys_install --brew kubernetes-cli", evidence = [#env.evidence<"SKILL.md":7, "shell-command", "kubectl logs">]}
      env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\nhas_cmd kubectl\n"}
    }
    conc.graph attributes {harness = "claude-code", critical_path = array<i64: 2, 3, 5>, total_cost = 30000 : i64, critical_cost = 20000 : i64, ideal_speedup = 1.5 : f64, max_speedup = 1.5 : f64} {
      %0, %1 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {reason = "steps 1 and 2 are single tool calls", mechanism = "parallel tool_use blocks in one turn"} {
        %2 = conc.task 1 tool "Search the tracker" {cost = 6000 : i64}
        %3 = conc.parallel dlp parallel items from assumed -> !conc.token attributes {reason = "loop over pods", mechanism = "xargs -P", over = "$(kubectl get pods -o name)", items = 8 : i64, lanes = 4 : i64} {
          %4 = conc.task 2 tool "Collect the logs" {cost = 8000 : i64}
          conc.join %4
        }
        conc.join %2, %3
      }
      %5, %6 = conc.parallel tlp parallel -> !conc.token, !conc.token attributes {reason = "independent branches", mechanism = "Task sub-agents"} {
        %7 = conc.task 3 tool "Reproduce the request" (%0, %1) {cost = 6000 : i64, branch = 0 : i64}
        %8 = conc.task 4 think "Check the slow-query log" (%0, %1) {cost = 4000 : i64, branch = 1 : i64}
        conc.join %7, %8
      }
      %9 = conc.task 5 tool "Write the report" (%5) {cost = 6000 : i64, via = ["repro.txt"]}
    }
  }
}

// -----

builtin.module {
  skill.skill @batch attributes {metadata = {name = "batch", description = "Convert files."}, source = "batch/SKILL.md"} {
    skill.section "Batch" attributes {level = 1 : i64} {
      skill.step "1. List the files.\n" {ordinal = 1 : i64} with {
        skill.code "bash" "ls input\n" {runnable}
      }
      skill.step "2. Convert each file:\n" {ordinal = 2 : i64} with {
        skill.code "python" "import sys\nprint(sys.argv)\n" {runnable}
        cap.offloaded #cap.prim<gen.code.python, 3> lang python {to = [#cap.prim<tool.exec, 1>], rule = "offload", script = "scripts/batch_step_2.py", body = "import sys\nprint(sys.argv)\n", run = "python3 scripts/batch_step_2.py"}
      }
    }
    conc.graph attributes {harness = "codex", critical_path = array<i64: 1, 2>, total_cost = 10000 : i64, critical_cost = 10000 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.2 : f64} {
      %0, %1 = conc.parallel ilp sequential -> !conc.token, !conc.token attributes {reason = "single tool calls", mechanism = "sequential_execution", fallback = "codex has no guaranteed parallel tool calls"} {
        %2 = conc.task 1 tool "List the files" {cost = 4000 : i64}
        %3 = conc.parallel dlp parallel items from assumed -> !conc.token attributes {reason = "per file", mechanism = "xargs -P", over = "input/*", items = 8 : i64, lanes = 4 : i64} {
          %4 = conc.task 2 tool "Convert each file" {cost = 6000 : i64}
          conc.join %4
        }
        conc.join %2, %3
      }
    }
  }
}

// CHECK:      harness.program @debug attributes {harness = "claude-code", model = "opus-4.6", requirements = 4 : i64} {
// CHECK-NEXT:   harness.setup "env-setup.sh" continue_with_output {script = "#!/usr/bin/env bash\nhas_cmd kubectl\n", requires = ["kubectl"]}
// CHECK-NEXT:   harness.prompt skill attributes {path = ".claude/skills/debug/SKILL.md", inject = "{{.*}}"} {
// CHECK-NEXT:     skill.skill @debug
// CHECK-NEXT:       harness.profile "opus-4.6" {harness = "claude-code", source = "hand-written", date = "2026-04-06"}
// CHECK-NEXT:       skill.section "Debug"
// CHECK-NEXT:         skill.step "1. Search the tracker for tickets.\n" {ordinal = 1 : i64, sym_name = "step_1"}
// CHECK-NEXT:         skill.step "2. Collect the logs of every pod:\n\n" {ordinal = 2 : i64, sym_name = "step_2"} with {
// CHECK-NEXT:           skill.code "bash"
// CHECK-NEXT:           skill.text "   > **Parallel (SkillIR):** steps 1, 2 do not depend on each other: issue their tool calls together, as parallel tool calls in one turn.\n\n"
// CHECK-NEXT:           skill.text "   > **Parallel (SkillIR):** step 2 repeats the same work over many items: process them in parallel (xargs -P) instead of one by one.\n\n"
// CHECK-NEXT:         }
// CHECK-NEXT:         %repro = skill.step "3. Reproduce the request and save it to `repro.txt`.\n" {ordinal = 3 : i64, sym_name = "step_3"} -> !skill.artifact<"repro.txt">
// CHECK-NEXT:         skill.step "4. Check the slow-query log.\n   > **Parallel (SkillIR):** the branches 3; 4 are independent: hand each to a sub-agent with the `Task` tool, then continue when all have finished.\n" {ordinal = 4 : i64, sym_name = "step_4"} with {
// CHECK-NEXT:           harness.gap #cap.prim<reason.analysis, 3> {available = 2 : i64, kind = #cap<gap_kind weak>, rule = "learned"}
// CHECK-NEXT:           harness.transform compensated #cap.prim<reason.analysis, 3> {details = {method = "degradation-guidance", to = [#cap.prim<reason.analysis, 2>], evidence = "slow-query", added = "Narrow the search first.", rule = "compensate", reason = "catalog guidance"}}
// CHECK-NEXT:         }
// CHECK-NEXT:         skill.step "5. Write the report from `repro.txt`.\n" (%repro : !skill.artifact<"repro.txt">) {ordinal = 5 : i64, sym_name = "step_5"}
// CHECK-NEXT:       }
// CHECK-NEXT:       harness.dependency system "kubectl" {source = #env<source "shell-command">, check = "has_cmd kubectl", install = "sys_install --brew kubernetes-cli"}
// CHECK-NEXT:       harness.workflow attributes {harness = "claude-code", critical_path = array<i64: 2, 3, 5>, total_cost = 30000 : i64, critical_cost = 20000 : i64, ideal_speedup = 1.500000e+00 : f64, max_speedup = 1.500000e+00 : f64} {
// CHECK-NEXT:         harness.task 1 tool "Search the tracker" {cost = 6000 : i64, step = @step_1}
// CHECK-NEXT:         harness.task 2 tool "Collect the logs" {cost = 8000 : i64, step = @step_2}
// CHECK-NEXT:         harness.task 3 tool "Reproduce the request" {cost = 6000 : i64, step = @step_3, deps = array<i64: 1, 2>, via = ["order", "order"]}
// CHECK-NEXT:         harness.task 4 think "Check the slow-query log" {cost = 4000 : i64, step = @step_4, deps = array<i64: 1, 2>, via = ["order", "order"]}
// CHECK-NEXT:         harness.task 5 tool "Write the report" {cost = 6000 : i64, step = @step_5, deps = array<i64: 3>, via = ["repro.txt"]}
// CHECK-NEXT:         harness.group ilp parallel {{{.*}} members = array<i64: 1, 2>, branches = [array<i64: 1>, array<i64: 2>], hint = "> **Parallel (SkillIR):** steps 1, 2 {{.*}}"}
// CHECK-NEXT:         harness.group dlp parallel {mechanism = "xargs -P", {{.*}} nested_in = 0 : i64, over = "$(kubectl get pods -o name)", hint = "> **Parallel (SkillIR):** step 2 {{.*}}"}
// CHECK-NEXT:         harness.group tlp parallel {mechanism = "Task sub-agents", {{.*}} members = array<i64: 3, 4>, branches = [array<i64: 3>, array<i64: 4>], hint = "{{.*}}"}
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.batch ilp attributes {steps = [@step_1, @step_2], reason = "steps 1 and 2 are single tool calls"} {
// CHECK-NEXT:     harness.batch dlp attributes {steps = [@step_2], reason = "loop over pods"} {
// CHECK-NEXT:       harness.call "Bash" {args = {command = "for pod in $(kubectl get pods -o name); do kubectl logs \"$pod\"; done"}, step = @step_2}
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.subagent "Reproduce the request and save it to `repro.txt`." attributes {tool = "Task", steps = [@step_3]} {
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.subagent "Check the slow-query log." attributes {tool = "Task", steps = [@step_4]} {
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.guard "command -v kubectl >/dev/null" {message = "system dependency 'kubectl' is missing: run env-setup.sh"}
// CHECK-NEXT: }

// CHECK:      harness.program @batch attributes {harness = "codex", model = "unknown"} {
// CHECK-NEXT:   harness.prompt skill attributes {path = ".agents/skills/batch/SKILL.md", inject = "{{.*}}"} {
// CHECK-NOT:    steps 1, 2 do not depend on each other
// CHECK:            harness.transform offloaded #cap.prim<gen.code.python, 3> {details = {lang = #cap<offload_lang python>, {{.*}}script = "scripts/batch_step_2.py"
// CHECK:          harness.group ilp sequential {{{.*}} fallback = "codex has no guaranteed parallel tool calls"}
// CHECK-NEXT:     harness.group dlp parallel {{{.*}} hint = "> **Parallel (SkillIR):** step 2 repeats the same work over many items{{.*}}"}
// CHECK:        harness.batch dlp attributes {steps = [@step_2], reason = "per file"} {
// CHECK-NEXT:     harness.call "shell" {args = {command = "python3 - <<'SKILLIR_PY'\nimport sys\nprint(sys.argv)\nSKILLIR_PY"}, step = @step_2}
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.call "shell" {args = {command = "ls input"}, step = @step_1}
// CHECK-NEXT:   harness.script "scripts/batch_step_2.py" {lang = "python", step = @step_2, body = "import sys\nprint(sys.argv)\n", run = "python3 scripts/batch_step_2.py"}
// CHECK-NEXT: }

// No cap, env or conc op remains (their attributes may: the records keep #cap.prim<...>):
// CLEAN:     harness.program @debug
// CLEAN-NOT: {{^ *(%[^ ]+ = )?(cap|env|conc)\.[a-z_]+ }}
// CLEAN:     harness.program @batch
// CLEAN-NOT: {{^ *(%[^ ]+ = )?(cap|env|conc)\.[a-z_]+ }}

// DISAGREE:     skill-opt: error: lower-to-harness{harness=codex} disagrees with the skill's target claude-code/opus-4.6 (drop the harness option
// DISAGREE-NOT: error

// GROWTH-NOT:  Parallel (SkillIR)
// GROWTH:      harness.group ilp parallel {{{.*}} hint_skipped = "no hint in SKILL.md: it would grow the compiled skill past max-growth-percent of the original"}
// GROWTH-NEXT: harness.group dlp parallel {{{.*}} hint_skipped = "{{.*}}"}
// GROWTH-NEXT: harness.group tlp parallel {{{.*}} hint_skipped = "{{.*}}"}
// GROWTH:      harness.group ilp sequential {{{.*}} fallback = "codex has no guaranteed parallel tool calls"}
// GROWTH-NEXT: harness.group dlp parallel {{{.*}} hint_skipped = "{{.*}}"}
