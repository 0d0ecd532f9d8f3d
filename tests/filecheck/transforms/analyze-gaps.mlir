// analyze-gaps: a requirement above the profile's level gets a cap.gap after it:
// 'missing' when the profile says L0, 'weak' otherwise, 'unmeasured' when the
// profile does not list the primitive, with the rule that found the requirement;
// met requirements get nothing.
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p analyze-gaps | filecheck %s
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p analyze-gaps,analyze-gaps | filecheck %s --check-prefix=TWICE
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p analyze-gaps | filecheck %s --check-prefix=NOPROFILE

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    cap.profile {model = "m", harness = "bare-agent", source = "test", date = "2026-05-01", capabilities = [#cap.prim<gen.code.python, 3>, #cap.prim<gen.code.shell, 0>, #cap.prim<tool.exec, 1>, #cap.prim<follow.procedure, 3>]}
    cap.require #cap.prim<follow.procedure, 3> {evidence = "6 steps", rule = "procedure.loop-verify"}
    skill.step "Run `grep x a | sort > b`.\n" with {
      cap.require #cap.prim<gen.code.shell, 2> {evidence = "grep x a | sort > b", rule = "shell.inline-pipe"}
      cap.require #cap.prim<tool.exec, 3> {evidence = "grep x a | sort > b", rule = "exec.chained-commands"}
      cap.require #cap.prim<gen.code.python, 3> {evidence = "import pandas", rule = "python.third-party"}
      cap.require #cap.prim<tool.web, 1> {evidence = "curl https://x", rule = "shell.http-client"}
    }
    cap.require #cap.prim<tool.exec, 2> {evidence = "p=0.91 from w:run, w:script", rule = "learned"}
  }
}

// CHECK:      cap.require #cap.prim<follow.procedure, 3>
// CHECK-NEXT: skill.step
// CHECK-NEXT:   cap.require #cap.prim<gen.code.shell, 2>
// CHECK-NEXT:   cap.gap #cap.prim<gen.code.shell, 2> missing {available = 0 : i64, rule = "shell.inline-pipe"}
// CHECK-NEXT:   cap.require #cap.prim<tool.exec, 3>
// CHECK-NEXT:   cap.gap #cap.prim<tool.exec, 3> weak {available = 1 : i64, rule = "exec.chained-commands"}
// CHECK-NEXT:   cap.require #cap.prim<gen.code.python, 3>
// CHECK-NEXT:   cap.require #cap.prim<tool.web, 1>
// CHECK-NEXT:   cap.gap #cap.prim<tool.web, 1> missing {available = 0 : i64, unmeasured, rule = "shell.http-client"}
// CHECK-NEXT: }
// CHECK-NEXT: cap.require #cap.prim<tool.exec, 2> {evidence = "p=0.91 from w:run, w:script", rule = "learned"}
// CHECK-NEXT: cap.gap #cap.prim<tool.exec, 2> weak {available = 1 : i64, rule = "learned"}

// TWICE-COUNT-4: cap.gap
// TWICE-NOT:     cap.gap

// -----

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    cap.require #cap.prim<tool.exec, 1> {evidence = "ls", rule = "exec.command-l1"}
  }
}
// NOPROFILE: error: analyze-gaps: skill 's' has no bound profile (run bind-profile{target=harness/model} before analyze-gaps)
