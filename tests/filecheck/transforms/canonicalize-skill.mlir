// RUN: skill-opt %s -p canonicalize-skill | filecheck %s
// RUN: skill-opt %s -p 'canonicalize-skill{whitespace=false}' | filecheck %s --check-prefix=MERGE-ONLY
// RUN: skill-opt %s -p 'builtin.module(canonicalize-skill{merge-constraints=false})' | filecheck %s --check-prefix=WS-ONLY
// RUN: skill-opt %s -p canonicalize-skill -t markdown | filecheck %s --check-prefix=MD

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.frontmatter "---\0D\nname: s\0D\n---\0D\n\0D\n"
    skill.section "Rules" attributes {level = 2 : i64} {
      skill.constraint never "NEVER delete the input files.   \n\n\n\n"
      skill.text "Some prose.\t\nA hard  \nbreak.\n\n"
      skill.constraint never "- **Never** delete the input files!\n"
      skill.constraint always "ALWAYS write `out.md`.\n"
    }
    skill.section "Again" attributes {level = 2 : i64} {
      skill.constraint never "never delete the INPUT files\n"
      skill.code "bash" "ls\0D\n" {trail = "\n\n\n"}
    }
  }
}

// CHECK:      skill.frontmatter "---\nname: s\n---\n\n"
// CHECK:      skill.section "Rules" attributes {level = 2 : i64} {
// CHECK-NEXT:   skill.constraint never "NEVER delete the input files.\n\n"
// CHECK-NEXT:   skill.text "Some prose.\nA hard  \nbreak.\n\n"
// CHECK-NEXT:   skill.constraint always "ALWAYS write `out.md`.\n"
// CHECK-NEXT: }
// CHECK-NEXT: skill.section "Again" attributes {level = 2 : i64} {
// CHECK-NEXT:   skill.code "bash" "ls\n" {trail = "\n\n"}
// CHECK-NEXT: }

// MERGE-ONLY:      skill.constraint never "NEVER delete the input files.   \n\n\n\n"
// MERGE-ONLY-NEXT: skill.text "Some prose.\t\nA hard  \nbreak.\n\n"
// MERGE-ONLY-NEXT: skill.constraint always "ALWAYS write `out.md`.\n"
// MERGE-ONLY-NOT:  skill.constraint "never delete

// WS-ONLY: skill.constraint never "- **Never** delete the input files!\n"
// WS-ONLY: skill.constraint never "never delete the INPUT files\n"

// MD:      ---
// MD-NEXT: name: s
// MD-NEXT: ---
// MD-EMPTY:
// MD-NEXT: ## Rules
// MD-EMPTY:
// MD-NEXT: NEVER delete the input files.
// MD-EMPTY:
// MD-NEXT: Some prose.
