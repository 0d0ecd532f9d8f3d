// lower-to-harness on a compiled skill with ILP, DLP and TLP groups: claude-code runs
// all of them; codex has no guaranteed parallel tool calls, so ILP stays sequential
// and the nested DLP group becomes a batch of its own.
// RUN: skill-opt %S/../../data/concurrency_skills/multi-service-debug -p 'infer-capabilities,bind-profile{target=claude-code/opus-4.6},analyze-gaps,compile-capabilities,bind-env{probe=false},extract-concurrency,lower-to-harness' 2>/dev/null | filecheck %s
// RUN: skill-opt %S/../../data/concurrency_skills/multi-service-debug -p 'infer-capabilities,bind-profile{target=codex/opus-4.6},analyze-gaps,compile-capabilities,bind-env{probe=false},extract-concurrency,lower-to-harness' 2>/dev/null | filecheck %s --check-prefix=CODEX
// RUN: skill-opt %S/../../data/concurrency_skills/multi-service-debug -p 'infer-capabilities,bind-profile{target=claude-code/opus-4.6},analyze-gaps,compile-capabilities,bind-env{probe=false},extract-concurrency,lower-to-harness' 2>/dev/null | filecheck %s --check-prefix=CLEAN
// RUN: skill-opt %S/../../data/concurrency_skills/multi-service-debug -p 'extract-concurrency{harness=claude-code},lower-to-harness{harness=claude-code}' | skill-opt | filecheck %s --check-prefix=ROUNDTRIP
// The target is stated once (bind-profile); a harness option that disagrees is an error at the skill:
// RUN: not skill-opt %S/../../data/concurrency_skills/multi-service-debug -p 'infer-capabilities,bind-profile{target=claude-code/opus-4.6},analyze-gaps,compile-capabilities,bind-env{probe=false},extract-concurrency{harness=codex},lower-to-harness{harness=opencode}' 2>&1 >/dev/null | filecheck %s --check-prefix=DISAGREE
// RUN: not skill-opt %S/../../data/concurrency_skills/multi-service-debug -p 'extract-concurrency{harness=codex},lower-to-harness{harness=opencode}' 2>&1 >/dev/null | filecheck %s --check-prefix=RECORDED

// CHECK:      harness.program @"multi-service-debug" attributes {harness = "claude-code", model = "opus-4.6", report = "{
// CHECK-SAME: \"parallel_groups\": [{
// CHECK:      harness.setup "env-setup.sh" {script = "#!/usr/bin/env bash
// CHECK-SAME: requires = ["curl", "kubectl", "psql"], on_failure = "continue-with-output"}
// CHECK-NEXT: harness.prompt "skill" attributes {path = ".claude/skills/multi-service-debug/SKILL.md"
// CHECK-NEXT:   skill.skill @"multi-service-debug"
// CHECK:        skill.text "   > **Parallel (SkillIR):** steps 1, 2 do not depend on each other: issue their tool calls together, as parallel tool calls in one turn.\n\n"
// CHECK:        > **Parallel (SkillIR):** the branches 3 → 4; 5 → 6 are independent: hand each to a sub-agent with the `Task` tool
// CHECK:      harness.guard "command -v curl >/dev/null" {message = "system dependency 'curl' is missing: run env-setup.sh", step = 3 : i64}
// CHECK-NEXT: harness.guard "command -v kubectl >/dev/null" {message = "system dependency 'kubectl' is missing: run env-setup.sh", step = 2 : i64}
// CHECK-NEXT: harness.guard "command -v psql >/dev/null" {message = "system dependency 'psql' is missing: run env-setup.sh", step = 6 : i64}
// CHECK-NEXT: harness.batch attributes {kind = "ilp", steps = [1 : i64, 2 : i64]
// CHECK-NEXT:   harness.batch attributes {kind = "dlp", steps = [2 : i64]
// CHECK-NEXT:     harness.call "Bash" {args = {command = "mkdir -p logs
// CHECK:      harness.subagent "Reproduce the failing request {{.*}}" attributes {tool = "Task", steps = [3 : i64, 4 : i64]}
// CHECK:      harness.subagent "Check the slow-query log {{.*}}" attributes {tool = "Task", steps = [5 : i64, 6 : i64]}

// CODEX:      harness.program @"multi-service-debug" attributes {harness = "codex"
// CODEX:      harness.prompt "skill" attributes {path = ".agents/skills/multi-service-debug/SKILL.md"
// CODEX-NOT:  steps 1, 2 do not depend on each other
// CODEX:      harness.guard "command -v psql
// CODEX-NEXT: harness.batch attributes {kind = "dlp", steps = [2 : i64]
// CODEX-NEXT:   harness.call "shell"
// CODEX:      harness.subagent

// CLEAN-NOT: cap.
// CLEAN-NOT: env.
// CLEAN-NOT: conc.

// ROUNDTRIP: harness.program @"multi-service-debug" attributes {harness = "claude-code", model = "unknown"
// ROUNDTRIP: harness.subagent

// DISAGREE:     skill-opt: {{.*}}multi-service-debug/SKILL.md:1: error: extract-concurrency{harness=codex} disagrees with the skill's target claude-code/opus-4.6 (drop the harness option
// DISAGREE-NOT: error

// RECORDED:     skill-opt: {{.*}}SKILL.md:1: error: lower-to-harness{harness=opencode} disagrees with the harness 'codex' an earlier pass recorded
