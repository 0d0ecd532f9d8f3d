// RUN: SKILL_ROUNDTRIP | filecheck %s
// RUN: SKILL_GENERIC_ROUNDTRIP | filecheck %s
// Every harness op, records included, round-trips through its custom and its generic form.

builtin.module {
  harness.program @"pdf-merge" attributes {harness = "claude-code", model = "opus-4.6", requirements = 3 : i64} {
    harness.setup "env-setup.sh" continue_with_output {requires = ["pypdf"]}
    harness.prompt skill attributes {path = ".claude/skills/pdf-merge/SKILL.md"} {
      skill.skill @"pdf-merge" attributes {metadata = {}, source = "pdf-merge/SKILL.md"} {
        harness.profile "opus-4.6" {harness = "claude-code", source = "SkVM", date = "2026-04-08", synthetic}
        %0 = skill.step "1. List the PDF files in `input/`.\n" {sym_name = "step_1"} -> !skill.artifact<"input/*.pdf">
        skill.step "2. Merge them.\n" (%0 : !skill.artifact<"input/*.pdf">) {sym_name = "step_2"} with {
          harness.gap #cap.prim<gen.code.python, 3> {available = 2 : i64, kind = #cap<gap_kind weak>}
          harness.transform offloaded #cap.prim<gen.code.python, 3> {details = {script = "scripts/merge.py"}}
        }
        harness.dependency pip "pypdf" {source = #env<source import>, check = "py_has pypdf", install = "pip install pypdf", present = false}
        harness.env_note "SKILL.md" {kind = #env<note_kind skipped>, message = "a note"}
        harness.workflow attributes {harness = "claude-code", critical_path = array<i64: 1, 2>, total_cost = 9000 : i64, critical_cost = 9000 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
          harness.task 1 tool "List the PDF files" {step = @step_1, cost = 4500 : i64}
          harness.task 2 tool "Merge them" {step = @step_2, cost = 4500 : i64, deps = array<i64: 1>, via = ["input/*.pdf"]}
          harness.group dlp sequential {mechanism = "xargs -P", reason = "per file", members = array<i64: 2>, branches = [array<i64: 2>], fallback = "the harness runs it in order"}
        }
      }
    }
    harness.guard "python3 -c 'import pypdf'" {message = "pypdf is missing: run env-setup.sh", step = @step_2}
    harness.batch ilp attributes {steps = [@step_1, @step_2], reason = "independent"} {
      harness.call "Read" {args = {file_path = "a.txt"}, step = @step_1}
      harness.batch dlp attributes {steps = [@step_2]} {
        harness.call "Read" {args = {file_path = "b.txt"}, step = @step_2}
      }
    }
    harness.subagent "Debug the backend" attributes {tool = "Task", steps = [@step_1]} {
      harness.call "Bash" {args = {command = "pytest backend"}, step = @step_1}
    }
    harness.script "scripts/merge.py" {lang = "python", step = @step_2, body = "print(1)\n", run = "python3 scripts/merge.py"}
  }
}

// CHECK:      harness.program @"pdf-merge" attributes {harness = "claude-code", model = "opus-4.6", requirements = 3 : i64} {
// CHECK-NEXT:   harness.setup "env-setup.sh" continue_with_output {requires = ["pypdf"]}
// CHECK-NEXT:   harness.prompt skill attributes {path = ".claude/skills/pdf-merge/SKILL.md"} {
// CHECK-NEXT:     skill.skill @"pdf-merge" attributes {metadata = {}, source = "pdf-merge/SKILL.md"} {
// CHECK-NEXT:       harness.profile "opus-4.6" {harness = "claude-code", source = "SkVM", date = "2026-04-08", synthetic}
// CHECK-NEXT:       %0 = skill.step "1. List the PDF files in `input/`.\n" {sym_name = "step_1"} -> !skill.artifact<"input/*.pdf">
// CHECK-NEXT:       skill.step "2. Merge them.\n" (%0 : !skill.artifact<"input/*.pdf">) {sym_name = "step_2"} with {
// CHECK-NEXT:         harness.gap #cap.prim<gen.code.python, 3> {available = 2 : i64, kind = #cap<gap_kind weak>}
// CHECK-NEXT:         harness.transform offloaded #cap.prim<gen.code.python, 3> {details = {script = "scripts/merge.py"}}
// CHECK-NEXT:       }
// CHECK-NEXT:       harness.dependency pip "pypdf" {source = #env<source import>, check = "py_has pypdf", install = "pip install pypdf", present = false}
// CHECK-NEXT:       harness.env_note "SKILL.md" {kind = #env<note_kind skipped>, message = "a note"}
// CHECK-NEXT:       harness.workflow attributes {harness = "claude-code", critical_path = array<i64: 1, 2>, total_cost = 9000 : i64, critical_cost = 9000 : i64, ideal_speedup = 1.000000e+00 : f64, max_speedup = 1.000000e+00 : f64} {
// CHECK-NEXT:         harness.task 1 tool "List the PDF files" {step = @step_1, cost = 4500 : i64}
// CHECK-NEXT:         harness.task 2 tool "Merge them" {step = @step_2, cost = 4500 : i64, deps = array<i64: 1>, via = ["input/*.pdf"]}
// CHECK-NEXT:         harness.group dlp sequential {mechanism = "xargs -P", reason = "per file", members = array<i64: 2>, branches = [array<i64: 2>], fallback = "the harness runs it in order"}
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.guard "python3 -c 'import pypdf'" {message = "pypdf is missing: run env-setup.sh", step = @step_2}
// CHECK-NEXT:   harness.batch ilp attributes {steps = [@step_1, @step_2], reason = "independent"} {
// CHECK-NEXT:     harness.call "Read" {args = {file_path = "a.txt"}, step = @step_1}
// CHECK-NEXT:     harness.batch dlp attributes {steps = [@step_2]} {
// CHECK-NEXT:       harness.call "Read" {args = {file_path = "b.txt"}, step = @step_2}
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.subagent "Debug the backend" attributes {tool = "Task", steps = [@step_1]} {
// CHECK-NEXT:     harness.call "Bash" {args = {command = "pytest backend"}, step = @step_1}
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.script "scripts/merge.py" {lang = "python", step = @step_2, body = "print(1)\n", run = "python3 scripts/merge.py"}
// CHECK-NEXT: }
