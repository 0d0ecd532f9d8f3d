// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    sec.scan warn attributes {files = 1 : i64} {
      sec.finding "danger.pipe-to-shell" high credential {file = "SKILL.md", line = 3 : i64, evidence = "x", via = "text"}
    }
  }
}
// CHECK: error: 'sec.finding': rule 'danger.pipe-to-shell' is not of family 'credential'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    sec.scan warn attributes {files = 1 : i64} {
      sec.finding "danger.x" high danger {file = "SKILL.md", line = 0 : i64, evidence = "x", via = "text"}
    }
  }
}
// CHECK: error: 'sec.finding': line numbers start at 1

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    sec.scan loud attributes {files = 1 : i64} {
    }
  }
}
// CHECK: error: Expected `warn`, `guard`, or `block`.

// -----

builtin.module {
  sec.scan warn attributes {files = 1 : i64} {
  }
}
// CHECK: error: 'sec.scan': 'sec.scan' expects parent op 'skill.skill'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    sec.confirm "obfuscation.decode-exec" high config {command = "x", file = "SKILL.md", line = 3 : i64, evidence = "x"}
  }
}
// CHECK: error: 'sec.confirm': rule 'obfuscation.decode-exec' is not about a command (families credential, danger, exfiltration)

// -----

builtin.module {
  sec.confirm "danger.x" high config {command = "x", file = "SKILL.md", line = 3 : i64, evidence = "x"}
}
// CHECK: error: 'sec.confirm': 'sec.confirm' expects ancestor op 'skill.skill'

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    sec.policy needed {network_reasons = [], write_paths = ["."]}
  }
}
// CHECK: error: 'sec.policy': a skill that needs the network says why (network_reasons)

// -----

builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    sec.policy off {network_reasons = [], write_paths = ["out"]}
  }
}
// CHECK: error: 'sec.policy': write_paths always holds the workspace '.'
