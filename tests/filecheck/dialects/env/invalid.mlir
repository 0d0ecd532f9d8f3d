// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require gem "rails" from import {confidence = 50 : i64, check = "has_cmd rails", install = "", evidence = [#env.evidence<"SKILL.md":1, import, "x">]}
    }
  }
}
// CHECK: error: Expected `pip`, `npm`, `system`, or `service`.

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require pip "x" from import {confidence = 50 : i64, check = "py_has x", install = "", evidence = []}
    }
  }
}
// CHECK: error: 'env.require': a dependency needs at least one piece of evidence

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require pip "x" from hunch {confidence = 50 : i64, check = "py_has x", install = "", evidence = [#env.evidence<"SKILL.md":1, import, "x">]}
    }
  }
}
// CHECK: error: Expected `import`, `shell-command`, `comment`, `frontmatter`, `manifest`, or `implied`.

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require pip "x" from import {confidence = 101 : i64, check = "py_has x", install = "", evidence = [#env.evidence<"SKILL.md":1, import, "x">]}
    }
  }
}
// CHECK: error: 'env.require': confidence is a percentage, got 101

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require pip "x" from import {confidence = 50 : i64, check = "py_has x", install = "", evidence = [#env.evidence<"SKILL.md":1, import, "x">]}
      env.require pip "x" from import {confidence = 60 : i64, check = "py_has x", install = "", evidence = [#env.evidence<"SKILL.md":2, import, "x">]}
    }
  }
}
// CHECK: error: 'env.bind': dependency pip 'x' is required twice

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require pip global "x" from import {confidence = 50 : i64, check = "py_has x", install = "", evidence = [#env.evidence<"SKILL.md":1, import, "x">]}
    }
  }
}
// CHECK: error: 'env.require': 'scope' is for npm dependencies only

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.note gossip "f" "m"
    }
  }
}
// CHECK: error: Expected `skipped`, `fallback`, `dropped`, or `probe`.

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.setup "env-setup.sh" {script = "echo no shebang"}
    }
  }
}
// CHECK: error: 'env.setup': a setup script starts with a '#!' line

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      skill.text "prose does not belong here\n"
    }
  }
}
// CHECK: error: 'env.bind': 'env.bind' holds only env ops, found 'skill.text'

// -----

builtin.module {
  env.bind {
  }
}
// CHECK: error: 'env.bind': 'env.bind' expects parent op 'skill.skill'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    env.bind {
      env.require pip "x" from import {confidence = 50 : i64, check = "py_has x", install = "", evidence = [#env.evidence<"SKILL.md":1, telepathy, "x">]}
    }
  }
}
// CHECK: error: Expected `import`, `shell-command`, `comment`, `frontmatter`, `manifest`, or `implied`.
