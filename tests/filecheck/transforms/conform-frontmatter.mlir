// RUN: skill-opt %s -p conform-frontmatter | filecheck %s
// RUN: skill-opt %s -p 'conform-frontmatter{harness=claude-code}' | filecheck %s --check-prefix=CLAUDE
// RUN: skill-opt %s -p 'conform-frontmatter{harness=claude-code keep=none}' | filecheck %s
// RUN: skill-opt %s -p 'conform-frontmatter{harness=claude-code}' -t markdown | filecheck %s --check-prefix=MD

// Flow style written in block style; keys outside the specification (version, tags)
// moved under metadata; a key the target harness reads (claude-code: model) kept at
// the top, unless keep=none (bare-agent, the default target, reads no such key); a
// front matter that needs nothing is left as it is, comment and all.

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.frontmatter "---\nname: s\ndescription: Merge PDFs.\nversion: 2\ntags: [pdf, merge]\nallowed-tools: [Read, Bash]\nmodel: opus\n---\n\n"
    skill.text "Body.\n"
  }
  skill.skill @t attributes {metadata = {name = "t"}, source = "t/SKILL.md"} {
    skill.frontmatter "---\nname: t  # a comment that stays\ndescription: Fine as it is.\n---\n\n"
    skill.text "Body.\n"
  }
}

// CHECK:      skill.skill @s attributes {metadata = {name = "s", description = "Merge PDFs.", "allowed-tools" = ["Read", "Bash"], metadata = {version = 2 : i64, tags = ["pdf", "merge"], model = "opus"}}, source = "s/SKILL.md"} {
// CHECK-NEXT:   skill.frontmatter "---\nname: s\ndescription: Merge PDFs.\nallowed-tools:\n- Read\n- Bash\nmetadata:\n  version: 2\n  tags:\n  - pdf\n  - merge\n  model: opus\n---\n\n"
// CHECK:      skill.frontmatter "---\nname: t  # a comment that stays\ndescription: Fine as it is.\n---\n\n"

// CLAUDE:      skill.frontmatter "---\nname: s\ndescription: Merge PDFs.\nallowed-tools:\n- Read\n- Bash\nmodel: opus\nmetadata:\n  version: 2\n  tags:\n  - pdf\n  - merge\n---\n\n"
// CLAUDE:      skill.frontmatter "---\nname: t  # a comment that stays\ndescription: Fine as it is.\n---\n\n"

// MD:      ---
// MD-NEXT: name: s
// MD-NEXT: description: Merge PDFs.
// MD-NEXT: allowed-tools:
// MD-NEXT: - Read
// MD-NEXT: - Bash
// MD-NEXT: model: opus
// MD-NEXT: metadata:
// MD-NEXT:   version: 2
// MD-NEXT:   tags:
// MD-NEXT:   - pdf
// MD-NEXT:   - merge
// MD-NEXT: ---
// MD-EMPTY:
// MD-NEXT: Body.
