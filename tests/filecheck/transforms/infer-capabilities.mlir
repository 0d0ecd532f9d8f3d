// infer-capabilities: one cap.require per (anchor, primitive) with evidence and rule;
// in the step's region for a step, at the top of the skill for skill-wide demands.
// RUN: skill-opt %s -p infer-capabilities | filecheck %s
// Idempotent: a second run adds nothing (the module after two runs is the module after one).
// RUN: skill-opt %s -p infer-capabilities -o %t.once.mlir && skill-opt %s -p infer-capabilities,infer-capabilities -o %t.twice.mlir && diff %t.once.mlir %t.twice.mlir && filecheck %s --input-file=%t.twice.mlir --check-prefix=TWICE
// RUN: skill-opt %s -p 'infer-capabilities{oracle=llm}' --verify-diagnostics | filecheck %s --check-prefix=ORACLE

builtin.module {
  skill.skill @logs attributes {metadata = {name = "logs", description = "Summarise server logs."}, source = "logs/SKILL.md"} {
    skill.frontmatter "---\nname: logs\ndescription: Summarise server logs.\n---\n\n"
    skill.section "Log digest" attributes {level = 1 : i64} {
      skill.constraint must "You MUST keep the original logs untouched.\n\n"
      skill.step "1. Read `config.yaml` and every log file in `logs/`.\n" {ordinal = 1 : i64}
      %counts = skill.step "2. Count the errors per host:\n\n" {ordinal = 2 : i64} -> !skill.artifact<"counts.txt"> with {
        skill.code "bash" "grep ERROR logs/*.log | awk -F: '{print $2}' | sort | uniq -c > counts.txt\n" {runnable, indent = "   "}
      }
      skill.step "3. Compute the error rate of each host: `rate = errors / total * 100`.\n" {ordinal = 3 : i64}
      skill.step "4. For each host above 5%, fetch its status from the API:\n\n" {ordinal = 4 : i64} with {
        skill.code "python" "import requests\nr = requests.get(\"https://status.example.com/api\", params={\"host\": \"web1\"})\nprint(r.json()[\"state\"])\n" {runnable, indent = "   "}
      }
      skill.step "5. Write the digest as JSON, then verify it parses.\n\n" {ordinal = 5 : i64}
      skill.step "Keep a neutral, professional tone in the summary.\n"
    }
    skill.ref asset "in.mlir" {bytes = 0 : i64}
  }
}

// CHECK:      skill.frontmatter
// CHECK-NEXT: cap.require #cap.prim<follow.procedure, 3> {evidence = "5 steps; loops (For each host above 5%, fetch its status from the API:) with verification", rule = "procedure.loop-verify"}
// CHECK-NEXT: cap.require #cap.prim<follow.constraint, 1> {evidence = "You MUST keep the original logs untouched.", rule = "constraint.one"}
// The learned level classifiers raise a level the rules found; the rules' finding stays.
// CHECK-NEXT: cap.require #cap.prim<follow.constraint, 2> {evidence = "level 2 over the rules' 1: p={{0\.[5-9][0-9]}} from {{.*}}", rule = "learned.level"}
// CHECK-NEXT: cap.require #cap.prim<follow.style, {{[23]}}> {evidence = "level {{[23]}} over the rules' 1: p={{0\.[5-9][0-9]}} from {{.*}}", rule = "learned.level"}
// CHECK:      skill.step "1. Read `config.yaml` and every log file in `logs/`.\n" {ordinal = 1 : i64} with {
// CHECK-NEXT:   cap.require #cap.prim<tool.file.read, 2> {evidence = "Read `config.yaml` and every log file in `logs/`.", rule = "read.many-files"}
// CHECK-NEXT: }
// CHECK:        skill.code "bash"
// CHECK-NEXT:   cap.require #cap.prim<gen.code.shell, 3> {evidence = "grep ERROR logs/*.log | awk -F: '{print $2}' | sort | uniq -c > counts.txt", rule = "shell.sed-awk-xargs"}
// CHECK-NEXT:   cap.require #cap.prim<tool.exec, 2> {{{.*}}rule = "exec.command-l2"}
// CHECK:        cap.require #cap.prim<reason.arithmetic, 2> {evidence = "rate = errors / total * 100", rule = "arithmetic.formula-in-text"}
// CHECK:        skill.code "python"
// CHECK-NEXT:   cap.require #cap.prim<tool.call.batch, 2> {evidence = "For each host above 5%, fetch its status from the API:", rule = "batch.per-item-calls"}
// CHECK-NEXT:   cap.require #cap.prim<gen.code.python, 3> {evidence = "import requests", rule = "python.third-party"}
// CHECK-NEXT:   cap.require #cap.prim<tool.web, 2> {{{.*}}rule = "code.http-client"}
// CHECK:        cap.require #cap.prim<gen.text.structured, 1> {evidence = "Write the digest as JSON, then verify it parses.", rule = "structured.output"}
// CHECK:        cap.require #cap.prim<follow.style, 1> {evidence = "Keep a neutral, professional tone in the summary.", rule = "style.tone"}

// TWICE-COUNT-13: cap.require
// TWICE-NOT:      cap.require

// ORACLE: error: infer-capabilities: oracle=llm needs model=PROVIDER/MODEL

