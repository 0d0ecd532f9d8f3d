// RUN: skill-opt %s -p canonicalize-skill | filecheck %s
// RUN: skill-opt %s -p 'canonicalize-skill{whitespace=false}' | filecheck %s --check-prefix=MERGE-ONLY
// RUN: skill-opt %s -p 'builtin.module(canonicalize-skill{merge-constraints=false})' | filecheck %s --check-prefix=WS-ONLY
// RUN: skill-opt %s -p canonicalize-skill -t markdown | filecheck %s --check-prefix=MD

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.frontmatter "---\0D\nname: s\0D\n---\0D\n\0D\n"
    skill.section "Rules" attributes {level = 2 : i64} {
      skill.constraint "NEVER delete the input files.   \n\n\n\n" {kind = "never"}
      skill.text "Some prose.\t\nA hard  \nbreak.\n\n"
      skill.constraint "- **Never** delete the input files!\n" {kind = "never"}
      skill.constraint "ALWAYS write `out.md`.\n" {kind = "always"}
    }
    skill.section "Again" attributes {level = 2 : i64} {
      skill.constraint "never delete the INPUT files\n" {kind = "never"}
      skill.code "bash" "ls\0D\n" {trail = "\n\n\n"}
    }
  }
}

// CHECK:      skill.frontmatter "---\nname: s\n---\n\n"
// CHECK:      skill.section "Rules" attributes {level = 2 : i64} {
// CHECK-NEXT:   skill.constraint "NEVER delete the input files.\n\n" {kind = "never"}
// CHECK-NEXT:   skill.text "Some prose.\nA hard  \nbreak.\n\n"
// CHECK-NEXT:   skill.constraint "ALWAYS write `out.md`.\n" {kind = "always"}
// CHECK-NEXT: }
// CHECK-NEXT: skill.section "Again" attributes {level = 2 : i64} {
// CHECK-NEXT:   skill.code "bash" "ls\n" {trail = "\n\n"}
// CHECK-NEXT: }

// MERGE-ONLY:      skill.constraint "NEVER delete the input files.   \n\n\n\n" {kind = "never"}
// MERGE-ONLY-NEXT: skill.text "Some prose.\t\nA hard  \nbreak.\n\n"
// MERGE-ONLY-NEXT: skill.constraint "ALWAYS write `out.md`.\n" {kind = "always"}
// MERGE-ONLY-NOT:  skill.constraint "never delete

// WS-ONLY: skill.constraint "- **Never** delete the input files!\n" {kind = "never"}
// WS-ONLY: skill.constraint "never delete the INPUT files\n" {kind = "never"}

// MD:      ---
// MD-NEXT: name: s
// MD-NEXT: ---
// MD-EMPTY:
// MD-NEXT: ## Rules
// MD-EMPTY:
// MD-NEXT: NEVER delete the input files.
// MD-EMPTY:
// MD-NEXT: Some prose.
