// Every cap op round-trips through its custom and its generic form.
// RUN: skill-opt %s | filecheck %s
// RUN: SKILL_ROUNDTRIP | filecheck %s
// RUN: SKILL_GENERIC_ROUNDTRIP | filecheck %s
// RUN: skill-opt %s --print-op-generic | filecheck %s --check-prefix=GENERIC

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.frontmatter "---\nname: s\n---\n\n"
    cap.profile {model = "qwen3.5-9b", harness = "bare-agent", source = "SkVM-data", date = "2026-04-08", capabilities = [#cap.prim<gen.code.python, 3>, #cap.prim<gen.code.shell, 0>, #cap.prim<tool.exec, 1>], path = "p.json", fallback = "no claude-code profile", synthetic}
    cap.require #cap.prim<follow.procedure, 3> {evidence = "4 steps; loops", rule = "procedure.loop-verify", line = 5 : i64}
    skill.section "Do" attributes {level = 1 : i64} {
      skill.step "1. Merge the files.\n" {ordinal = 1 : i64} with {
        skill.code "python" "import pandas as pd\n" {runnable}
        cap.require #cap.prim<gen.code.sql, 2> {evidence = "import pandas as pd", rule = "python.third-party", line = 9 : i64, original = #cap.prim<gen.code.python, 3>}
        cap.gap #cap.prim<gen.code.python, 3> weak {available = 2 : i64}
        cap.substituted #cap.prim<gen.code.python, 3> "tabular-query" {from = "pandas", path = "sql", to = [#cap.prim<gen.code.sql, 2>], added = "Do this with SQL instead."}
        cap.require #cap.prim<tool.exec, 1> {evidence = "python x.py", rule = "exec.command-l2", original = #cap.prim<tool.exec, 2>}
        cap.gap #cap.prim<tool.exec, 2> weak {available = 1 : i64}
        cap.compensated #cap.prim<tool.exec, 2> "skill-relative-paths" {to = [#cap.prim<tool.exec, 1>], shared}
        cap.require #cap.prim<tool.web, 1> {evidence = "curl https://x", rule = "shell.http-client", unresolved}
        cap.gap #cap.prim<tool.web, 1> missing {available = 0 : i64, unmeasured}
        cap.unresolved #cap.prim<tool.web, 1> {diagnostic = "bare-agent/qwen3.5-9b has tool.web at L0"}
        cap.decomposed #cap.prim<follow.procedure, 3> {parts = 3 : i64, to = [#cap.prim<follow.procedure, 1>], added = "Do this as separate steps"}
        cap.offloaded #cap.prim<gen.code.python, 3> {script = "s_step_1.py", to = [#cap.prim<tool.exec, 1>, #cap.prim<tool.file.write, 1>], added = "Save the code block"}
        cap.offloaded #cap.prim<gen.code.python, 2> lang python {to = [#cap.prim<tool.exec, 1>], evidence = "import sys", added = "Run it.", rule = "offload", reason = "it parses", script = "scripts/s_step_1.py", body = "import sys\nprint(sys.argv[1])\n", params = 1 : i64, run = "python3 skills/s/scripts/s_step_1.py ARG1"}
        cap.compensated #cap.prim<tool.exec, 3> "model-rewrite" {to = [#cap.prim<tool.exec, 1>], added = "Run one command per call.", rule = "llm:local/smollm2", reason = "the model's reason", partial}
      }
    }
  }
}

// CHECK:      cap.profile {model = "qwen3.5-9b", harness = "bare-agent", source = "SkVM-data", date = "2026-04-08", capabilities = [#cap.prim<gen.code.python, 3>, #cap.prim<gen.code.shell, 0>, #cap.prim<tool.exec, 1>], path = "p.json", fallback = "no claude-code profile", synthetic}
// CHECK-NEXT: cap.require #cap.prim<follow.procedure, 3> {evidence = "4 steps; loops", rule = "procedure.loop-verify", line = 5 : i64}
// CHECK:      cap.require #cap.prim<gen.code.sql, 2> {evidence = "import pandas as pd", rule = "python.third-party", line = 9 : i64, original = #cap.prim<gen.code.python, 3>}
// CHECK-NEXT: cap.gap #cap.prim<gen.code.python, 3> weak {available = 2 : i64}
// CHECK-NEXT: cap.substituted #cap.prim<gen.code.python, 3> "tabular-query" {from = "pandas", path = "sql", to = [#cap.prim<gen.code.sql, 2>], added = "Do this with SQL instead."}
// CHECK-NEXT: cap.require #cap.prim<tool.exec, 1> {evidence = "python x.py", rule = "exec.command-l2", original = #cap.prim<tool.exec, 2>}
// CHECK-NEXT: cap.gap #cap.prim<tool.exec, 2> weak {available = 1 : i64}
// CHECK-NEXT: cap.compensated #cap.prim<tool.exec, 2> "skill-relative-paths" {to = [#cap.prim<tool.exec, 1>], shared}
// CHECK-NEXT: cap.require #cap.prim<tool.web, 1> {evidence = "curl https://x", rule = "shell.http-client", unresolved}
// CHECK-NEXT: cap.gap #cap.prim<tool.web, 1> missing {available = 0 : i64, unmeasured}
// CHECK-NEXT: cap.unresolved #cap.prim<tool.web, 1> {diagnostic = "bare-agent/qwen3.5-9b has tool.web at L0"}
// CHECK-NEXT: cap.decomposed #cap.prim<follow.procedure, 3> {parts = 3 : i64, to = [#cap.prim<follow.procedure, 1>], added = "Do this as separate steps"}
// CHECK-NEXT: cap.offloaded #cap.prim<gen.code.python, 3> {script = "s_step_1.py", to = [#cap.prim<tool.exec, 1>, #cap.prim<tool.file.write, 1>], added = "Save the code block"}
// CHECK-NEXT: cap.offloaded #cap.prim<gen.code.python, 2> lang python {to = [#cap.prim<tool.exec, 1>], evidence = "import sys", added = "Run it.", rule = "offload", reason = "it parses", script = "scripts/s_step_1.py", body = "import sys\nprint(sys.argv[1])\n", params = 1 : i64, run = "python3 skills/s/scripts/s_step_1.py ARG1"}
// CHECK-NEXT: cap.compensated #cap.prim<tool.exec, 3> "model-rewrite" {to = [#cap.prim<tool.exec, 1>], added = "Run one command per call.", rule = "llm:local/smollm2", reason = "the model's reason", partial}

// GENERIC: "cap.require"() <{prim = #cap.prim<follow.procedure, 3>, evidence = "4 steps; loops", rule = "procedure.loop-verify", line = 5 : i64}> : () -> ()
// GENERIC: "cap.gap"() <{prim = #cap.prim<gen.code.python, 3>, kind = #cap<gap_kind weak>, available = 2 : i64}> : () -> ()
// GENERIC: "cap.substituted"() <{prim = #cap.prim<gen.code.python, 3>, equivalence = "tabular-query", from = "pandas", path = "sql", to = [#cap.prim<gen.code.sql, 2>], added = "Do this with SQL instead."}> : () -> ()
