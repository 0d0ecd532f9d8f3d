// RUN: skill-opt %s -p 'outline-references{min-tokens=12}' | filecheck %s
// RUN: skill-opt %s -p 'outline-references{min-tokens=12},outline-references{min-tokens=12}' | filecheck %s
// RUN: skill-opt %s -p 'outline-references{min-tokens=1000}' | filecheck %s --check-prefix=NONE
// RUN: skill-opt %s -p 'outline-references{min-tokens=12 target-lines=48}' | filecheck %s --check-prefix=NONE
// RUN: skill-opt %s -p 'outline-references{min-tokens=12 target-lines=40}' | filecheck %s --check-prefix=SHORT
// RUN: skill-opt %s -p 'outline-references{min-tokens=12}' -t markdown | filecheck %s --check-prefix=MD

builtin.module {
  skill.skill @tool attributes {metadata = {name = "tool"}, source = "tool/SKILL.md"} {
    skill.frontmatter "---\nname: tool\ndescription: Run the tool\n---\n\n"
    skill.section "Steps" attributes {level = 2 : i64} {
      %0 = skill.step "1. Run the tool:\n\n" {ordinal = 1 : i64} -> !skill.artifact<"out.json"> with {
        skill.code "python" "import tool\ntool.run(input='data.csv', output='out.json', verbose=True, retries=3)\n" {runnable}
      }
      skill.constraint never "NEVER edit `data.csv` by hand; it is the input of every run.\n\n"
      skill.text "The tool takes these options:\n\n| Option | Default | Meaning |\n|---|---|---|\n| `--retries` | 3 | tries per file |\n| `--verbose` | off | print each file |\n\nThat is all.\n\n"
      skill.code "json" "{\"input\": \"data.csv\", \"output\": \"out.json\", \"retries\": 3, \"verbose\": true}\n" {}
    }
    skill.section "API Reference" attributes {level = 2 : i64} {
      skill.text "Every call returns a `Result` with `ok`, `errors` and `files`, each one a list of paths or messages.\n\n"
      skill.section "Errors" attributes {level = 3 : i64} {
        skill.text "`ToolError` is raised when a file cannot be read; `ConfigError` when an option is unknown.\n\n"
        skill.code "bash" "tool check --strict\n" {runnable}
      }
      skill.constraint always "ALWAYS check `ok` before reading `files`.\n\n"
      skill.code "bash" "tool run --all\n" {runnable}
      skill.text "Short note.\n"
    }
  }
}

// The step, its runnable code and the constraint stay; the option table leaves the
// prose around it, the JSON example and the reference section's first run move. Code
// that could be run moves with an entry ("Errors") of the reference section, but not
// from directly under its title.
// CHECK:      skill.section "Steps" attributes {level = 2 : i64} {
// CHECK-NEXT:   %{{.*}} = skill.step "1. Run the tool:\n\n" {ordinal = 1 : i64} -> !skill.artifact<"out.json"> with {
// CHECK-NEXT:     skill.code "python" "import tool\n{{.*}}" {runnable}
// CHECK-NEXT:   }
// CHECK-NEXT:   skill.constraint never "NEVER edit `data.csv` by hand; it is the input of every run.\n\n"
// CHECK-NEXT:   skill.text "The tool takes these options:\n\n"
// CHECK-NEXT:   skill.outlined "references/steps.md" "See [references/steps.md](references/steps.md) for the full table (5 lines).\n\n" {
// CHECK-NEXT:     skill.text "| Option | Default | Meaning |\n|---|---|---|\n| `--retries` | 3 | tries per file |\n| `--verbose` | off | print each file |\n\n"
// CHECK-NEXT:   }
// CHECK-NEXT:   skill.text "That is all.\n\n"
// CHECK-NEXT:   skill.outlined "references/steps-2.md" "See [references/steps-2.md](references/steps-2.md) for the full json example (4 lines).\n\n" {
// CHECK-NEXT:     skill.code "json" "{{.*}}\"verbose\": true}\n"
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NEXT: skill.section "API Reference" attributes {level = 2 : i64} {
// CHECK-NEXT:   skill.outlined "references/api-reference.md" "See [references/api-reference.md](references/api-reference.md) for “API Reference” in full (10 lines).\n\n" {
// CHECK-NEXT:     skill.text "Every call returns {{.*}}"
// CHECK-NEXT:     skill.section "Errors" attributes {level = 3 : i64} {
// CHECK-NEXT:       skill.text "`ToolError` is raised {{.*}}"
// CHECK-NEXT:       skill.code "bash" "tool check --strict\n" {runnable}
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT:   skill.constraint always "ALWAYS check `ok` before reading `files`.\n\n"
// CHECK-NEXT:   skill.code "bash" "tool run --all\n" {runnable}
// CHECK-NEXT:   skill.text "Short note.\n"
// CHECK-NEXT: }

// Too short to move (min-tokens), or SKILL.md already at the line target (48 lines).
// NONE-NOT: skill.outlined

// Reference sections first: moving "API Reference" brings SKILL.md from 48 to 40
// lines, the target, so the table and the example stay.
// SHORT-NOT:  skill.outlined "references/steps
// SHORT:      skill.outlined "references/api-reference.md"
// SHORT-NOT:  skill.outlined

// MD:      ## Steps
// MD:      The tool takes these options:
// MD-EMPTY:
// MD-NEXT: See [references/steps.md](references/steps.md) for the full table (5 lines).
// MD-EMPTY:
// MD-NEXT: That is all.
// MD-EMPTY:
// MD-NEXT: See [references/steps-2.md](references/steps-2.md) for the full json example (4 lines).
// MD-EMPTY:
// MD-NEXT: ## API Reference
// MD-EMPTY:
// MD-NEXT: See [references/api-reference.md](references/api-reference.md) for “API Reference” in full (10 lines).
// MD-EMPTY:
// MD-NEXT: ALWAYS check `ok` before reading `files`.
// MD-NOT:  Option
