// RUN: skill-opt %s --split-input-file --verify-diagnostics | filecheck %s

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.prompt user attributes {} {
    }
  }
}
// CHECK: Expected `system`, or `skill`.

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.setup "env-setup.sh" explode {requires = []}
  }
}
// CHECK: Expected `continue_with_output`, or `abort`.

// -----

builtin.module {
  harness.setup "env-setup.sh" abort {requires = []}
}
// CHECK: error: {{.*}}harness.program

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.batch tlp attributes {steps = []} {
    }
  }
}
// CHECK: Expected `ilp`, or `dlp`.

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.batch ilp attributes {steps = [1 : i64]} {
    }
  }
}
// CHECK: error: invalid attribute: 1 : i64 should be of base attribute symbol_ref

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.guard " " {message = "m"}
  }
}
// CHECK: error: 'harness.guard': a guard needs a check command

// -----

builtin.module {
  harness.call "Read" {args = {}, step = @step_1}
}
// CHECK: error: 'harness.call': 'harness.call' expects ancestor op 'harness.program'

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.prompt skill {
    }
    harness.prompt skill {
    }
  }
}
// CHECK: error: 'harness.program': a harness program loads one skill prompt

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.prompt skill {
      harness.workflow attributes {harness = "bare-agent", critical_path = array<i64: 2>, total_cost = 1 : i64, critical_cost = 1 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
        harness.task 2 tool "Merge" {cost = 1 : i64, deps = array<i64: 1>, via = []}
      }
    }
  }
}
// CHECK: error: 'harness.task': a task gives one 'via' per dependency

// -----

builtin.module {
  harness.program @p attributes {harness = "bare-agent", model = "m"} {
    harness.task 1 tool "List" {cost = 1 : i64}
  }
}
// CHECK: error: {{.*}}harness.task{{.*}}harness.workflow
