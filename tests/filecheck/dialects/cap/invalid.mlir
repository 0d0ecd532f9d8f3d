// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.require #cap.prim<gen.code.cobol, 2> {evidence = "x", rule = "r"}
  }
}
// CHECK: unknown primitive 'gen.code.cobol'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.require #cap.prim<gen.code.python, 4> {evidence = "x", rule = "r"}
  }
}
// CHECK: a primitive level is 0..3, got 4

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.require #cap.prim<gen.code.python, 0> {evidence = "x", rule = "r"}
  }
}
// CHECK: error: 'cap.require': a requirement must be at level 1..3, got gen.code.python L0

// -----

builtin.module {
  cap.require #cap.prim<gen.code.python, 2> {evidence = "x", rule = "r"}
}
// CHECK: error: 'cap.require': 'cap.require' expects ancestor op 'skill.skill'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.require #cap.prim<gen.code.python, 2> {rule = "r"}
  }
}
// CHECK: error: 'cap.require': property 'evidence' expected

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.gap #cap.prim<gen.code.python, 2> weak {available = 2 : i64}
  }
}
// CHECK: error: 'cap.gap': a gap needs available < required, got available 2 for gen.code.python L2

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.gap #cap.prim<gen.code.python, 2> weak {available = 0 : i64}
  }
}
// CHECK: error: 'cap.gap': a gap is 'missing' exactly when the available level is 0

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.gap #cap.prim<gen.code.python, 2> small {available = 1 : i64}
  }
}
// CHECK: error: Expected `missing`, or `weak`.

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.profile {model = "m", harness = "h", source = "s", date = "d", capabilities = [#cap.prim<tool.exec, 1>, #cap.prim<tool.exec, 2>]}
  }
}
// CHECK: error: 'cap.profile': profile lists tool.exec twice

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.profile {model = "m", harness = "h", source = "s", date = "d", capabilities = []}
    cap.profile {model = "m", harness = "h2", source = "s", date = "d", capabilities = []}
  }
}
// CHECK: error: 'cap.profile': a skill binds at most one 'cap.profile'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    skill.section "S" attributes {level = 1 : i64} {
      cap.profile {model = "m", harness = "h", source = "s", date = "d", capabilities = []}
    }
  }
}
// CHECK: error: 'cap.profile': 'cap.profile' expects parent op 'skill.skill'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.compensated #cap.prim<gen.code.shell, 3> "degradation-guidance" {to = [#cap.prim<gen.code.shell, 3>]}
  }
}
// CHECK: error: 'cap.compensated': 'cap.compensated' must lower the level, got gen.code.shell L3 -> gen.code.shell L3

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.compensated #cap.prim<gen.code.shell, 3> "pray" {to = [#cap.prim<gen.code.shell, 2>]}
  }
}
// CHECK: error: 'cap.compensated': unknown compensation method 'pray'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.compensated #cap.prim<gen.code.shell, 3> "degradation-guidance" {to = []}
  }
}
// CHECK: error: 'cap.compensated': 'cap.compensated' must say what the requirement became ('to')

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.substituted #cap.prim<gen.code.python, 3> "tabular-query" {path = "sql", to = [#cap.prim<gen.code.sql, 3>]}
  }
}
// CHECK: error: 'cap.substituted': 'to' must be what path 'sql' requires

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.substituted #cap.prim<gen.code.python, 3> "no-such-class" {path = "sql", to = [#cap.prim<gen.code.sql, 2>]}
  }
}
// CHECK: error: 'cap.substituted': unknown equivalence class 'no-such-class'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.decomposed #cap.prim<follow.procedure, 3> {parts = 1 : i64, to = [#cap.prim<follow.procedure, 1>]}
  }
}
// CHECK: error: 'cap.decomposed': a decomposition has at least 2 parts

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.offloaded #cap.prim<gen.code.python, 3> {script = "../evil.py", to = [#cap.prim<tool.exec, 1>]}
  }
}
// CHECK: error: 'cap.offloaded': an offloaded script is a relative path, got '../evil.py'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.offloaded #cap.prim<gen.code.python, 3> {script = "scripts/a.py", body = "print(1)\n", to = [#cap.prim<tool.exec, 1>]}
  }
}
// CHECK: error: 'cap.offloaded': an offloaded script body needs its 'lang' (and a 'lang' needs a 'body')

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.offloaded #cap.prim<gen.code.python, 3> lang ruby {script = "scripts/a.rb", body = "puts 1\n", to = [#cap.prim<tool.exec, 1>]}
  }
}
// CHECK: error: Expected `python`, `shell`, or `js`.

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.unresolved #cap.prim<tool.exec, 2> {diagnostic = " "}
  }
}
// CHECK: error: 'cap.unresolved': 'cap.unresolved' needs a diagnostic
