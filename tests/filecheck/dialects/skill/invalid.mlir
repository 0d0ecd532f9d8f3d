// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.section "Inner" attributes {level = 2 : i64} {
      skill.section "Outer" attributes {level = 1 : i64} {
      }
    }
  }
}
// CHECK: error: 'skill.section': a level-1 section cannot nest in a level-2 section

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.section "Deep" attributes {level = 7 : i64} {
    }
  }
}
// CHECK: error: 'skill.section': heading level must be 1..6, got 7

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.text ""
  }
}
// CHECK: error: 'skill.text': 'skill.text' must carry non-empty source text

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.constraint maybe "Be nice.\n"
  }
}
// CHECK: error: Expected `must`, `must-not`, `never`, `always`, `do-not`, `should-not`, `required`, or `important`.

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.ref script "../../etc/passwd" {bytes = 10 : i64}
  }
}
// CHECK: error: 'skill.ref': a bundled file path must stay inside the skill

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    %0:2 = skill.step "Write `a.md` twice.\n" -> !skill.artifact<"a.md">, !skill.artifact<"a.md">
  }
}
// CHECK: error: 'skill.step': a step defines each artifact once

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    %0 = skill.section "S" -> !skill.artifact<"a.md"> attributes {level = 1 : i64} {
      skill.text "no yield\n"
    }
  }
}
// CHECK: error: 'skill.section': a section with results must end with 'skill.yield'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.text "first\n"
    skill.frontmatter "---\nname: s\n---\n"
  }
}
// CHECK: error: 'skill.frontmatter': 'skill.frontmatter' must be the first op of a skill

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.step "Read it.\n" (%missing : !skill.artifact<"x.md">)
  }
}
// CHECK: error: {{.*}}missing

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    %0 = skill.step "Write `x`.\n" -> !skill.artifact<"">
  }
}
// CHECK: error: {{.*}}artifact path must be a non-empty single line
