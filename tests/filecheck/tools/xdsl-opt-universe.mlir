// Plain xdsl-opt sees SkillIR's dialects and passes through the xdsl.universe entry
// point. (ASCII only: xdsl 0.74's own lexer reads a string with escapes and
// non-ASCII text as bytes; skill-opt's parser fixes that, xdsl-opt's does not.)
// RUN: xdsl-opt %s -p canonicalize-skill | skill-opt | filecheck %s

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.constraint never "NEVER push.\n\n"
    skill.constraint never "Never push!\n"
  }
}

// CHECK:      skill.constraint never "NEVER push.\n\n"
// CHECK-NOT:  Never push!
