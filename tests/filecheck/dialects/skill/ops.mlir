// RUN: skill-opt %s | filecheck %s
// RUN: SKILL_ROUNDTRIP | filecheck %s
// RUN: SKILL_GENERIC_ROUNDTRIP | filecheck %s
// RUN: skill-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

builtin.module {
  skill.skill @"pdf-merge" attributes {metadata = {name = "pdf-merge", description = "Merge PDFs"}, source = "pdf-merge/SKILL.md"} {
    skill.frontmatter "---\nname: pdf-merge\ndescription: Merge PDFs\n---\n\n"
    %0 = skill.section "Merge PDFs" -> !skill.artifact<"merged.pdf"> attributes {level = 1 : i64} {
      skill.text "Use this when the user asks to combine PDFs — any number.\n\n"
      %1 = skill.step "1. List the PDF files in `input/`.\n" {ordinal = 1 : i64} -> !skill.artifact<"input/*.pdf">
      %2 = skill.step "2. Merge them into `merged.pdf`:\n" (%1 : !skill.artifact<"input/*.pdf">) {ordinal = 2 : i64} -> !skill.artifact<"merged.pdf"> with {
        skill.code "python" "from pypdf import PdfWriter\n" {runnable, indent = "   "}
      }
      skill.constraint never "NEVER modify the input files.\n\n"
      skill.example "For example, `a.pdf` and `b.pdf` give `merged.pdf`.\n\n"
      skill.yield %2 : !skill.artifact<"merged.pdf">
    }
    skill.step "Report the page count of `merged.pdf`.\n" (%0 : !skill.artifact<"merged.pdf">)
    skill.ref script "scripts/merge.py" {bytes = 1234 : i64, mentioned}
  }
}

// CHECK:      skill.skill @"pdf-merge" attributes {metadata = {name = "pdf-merge", description = "Merge PDFs"}, source = "pdf-merge/SKILL.md"} {
// CHECK-NEXT:   skill.frontmatter "---\nname: pdf-merge\ndescription: Merge PDFs\n---\n\n"
// CHECK-NEXT:   %{{.*}} = skill.section "Merge PDFs" -> !skill.artifact<"merged.pdf"> attributes {level = 1 : i64} {
// CHECK-NEXT:     skill.text "Use this when the user asks to combine PDFs — any number.\n\n"
// CHECK-NEXT:     %[[LIST:.*]] = skill.step "1. List the PDF files in `input/`.\n" {ordinal = 1 : i64} -> !skill.artifact<"input/*.pdf">
// CHECK-NEXT:     %[[MERGED:.*]] = skill.step "2. Merge them into `merged.pdf`:\n" (%[[LIST]] : !skill.artifact<"input/*.pdf">) {ordinal = 2 : i64} -> !skill.artifact<"merged.pdf"> with {
// CHECK-NEXT:       skill.code "python" "from pypdf import PdfWriter\n" {runnable, indent = "   "}
// CHECK-NEXT:     }
// CHECK-NEXT:     skill.constraint never "NEVER modify the input files.\n\n"
// CHECK-NEXT:     skill.example "For example, `a.pdf` and `b.pdf` give `merged.pdf`.\n\n"
// CHECK-NEXT:     skill.yield %[[MERGED]] : !skill.artifact<"merged.pdf">
// CHECK-NEXT:   }
// CHECK-NEXT:   skill.step "Report the page count of `merged.pdf`.\n" (%{{.*}} : !skill.artifact<"merged.pdf">)
// CHECK-NEXT:   skill.ref script "scripts/merge.py" {bytes = 1234 : i64, mentioned}
// CHECK-NEXT: }

// GENERIC: "skill.skill"() <{sym_name = "pdf-merge", metadata = {name = "pdf-merge", description = "Merge PDFs"}, source = "pdf-merge/SKILL.md"}> ({
// GENERIC: "skill.step"(%{{.*}}) <{text = "2. Merge them into `merged.pdf`:\n", ordinal = 2 : i64}> ({
// GENERIC: "skill.code"() <{lang = "python", body = "from pypdf import PdfWriter\n", runnable, indent = "   "}> : () -> ()
// GENERIC: }) : (!skill.artifact<"input/*.pdf">) -> !skill.artifact<"merged.pdf">
