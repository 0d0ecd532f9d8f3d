// RUN: skill-opt %s | filecheck %s
// RUN: skill-opt %s --print-op-generic | skill-opt | filecheck %s

builtin.module {
  harness.program @"pdf-merge" attributes {harness = "claude-code", model = "opus-4.6"} {
    harness.setup "env-setup.sh" {requires = ["pypdf"], on_failure = "continue-with-output"}
    harness.prompt "skill" attributes {path = ".claude/skills/pdf-merge/SKILL.md"} {
      skill.text "# Merge PDFs\n"
    }
    harness.guard "python3 -c 'import pypdf'" {message = "pypdf is missing", step = 2 : i64}
    harness.batch attributes {kind = "ilp", steps = [1 : i64, 2 : i64]} {
      harness.call "Read" {args = {file_path = "a.txt"}, step = 1 : i64}
      harness.call "Read" {args = {file_path = "b.txt"}, step = 2 : i64}
    }
    harness.subagent "Debug the backend" attributes {tool = "Task", steps = [3 : i64]} {
      harness.call "Bash" {args = {command = "pytest backend"}, step = 3 : i64}
    }
    harness.script "scripts/merge.py" {lang = "python", step = 2 : i64}
  }
}

// CHECK:      harness.program @"pdf-merge" attributes {harness = "claude-code", model = "opus-4.6"} {
// CHECK-NEXT:   harness.setup "env-setup.sh" {requires = ["pypdf"], on_failure = "continue-with-output"}
// CHECK-NEXT:   harness.prompt "skill" attributes {path = ".claude/skills/pdf-merge/SKILL.md"} {
// CHECK-NEXT:     skill.text "# Merge PDFs\n"
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.guard "python3 -c 'import pypdf'" {message = "pypdf is missing", step = 2 : i64}
// CHECK-NEXT:   harness.batch attributes {kind = "ilp", steps = [1 : i64, 2 : i64]} {
// CHECK-NEXT:     harness.call "Read" {args = {file_path = "a.txt"}, step = 1 : i64}
// CHECK-NEXT:     harness.call "Read" {args = {file_path = "b.txt"}, step = 2 : i64}
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.subagent "Debug the backend" attributes {tool = "Task", steps = [3 : i64]} {
// CHECK-NEXT:     harness.call "Bash" {args = {command = "pytest backend"}, step = 3 : i64}
// CHECK-NEXT:   }
// CHECK-NEXT:   harness.script "scripts/merge.py" {lang = "python", step = 2 : i64}
// CHECK-NEXT: }
