// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.prompt "user" attributes {} {
    }
  }
}
// CHECK: error: 'harness.prompt': prompt kind must be one of ('system', 'skill')

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.setup "env-setup.sh" {requires = [], on_failure = "explode"}
  }
}
// CHECK: error: 'harness.setup': on_failure must be one of

// -----

builtin.module {
  harness.setup "env-setup.sh" {requires = [], on_failure = "abort"}
}
// CHECK: error: {{.*}}harness.program

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.batch attributes {kind = "tlp", steps = []} {
    }
  }
}
// CHECK: error: 'harness.batch': batch kind must be one of ('ilp', 'dlp')

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.guard " " {message = "m"}
  }
}
// CHECK: error: 'harness.guard': a guard needs a check command
