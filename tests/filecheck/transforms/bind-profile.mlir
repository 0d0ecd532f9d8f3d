// bind-profile puts one cap.profile (model, harness, source, date, levels) at the top
// of the skill; a profile of the model from another harness stands in with a warning;
// a profile file works as a target; an unknown model lists the profiles there are.
// A primitive the profile did not measure (tool.web in qwen3.5-9b) is unknown, not L0:
// unknown=gap leaves it out (L0), the default assumes L1, unknown=capable L3; all list it.
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=bare-agent/qwen3.5-9b unknown=gap}' | filecheck %s
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=bare-agent/qwen3.5-9b}' | filecheck %s --check-prefix=DEFAULT
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=bare-agent/qwen3.5-9b unknown=capable}' | filecheck %s --check-prefix=CAPABLE
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=bare-agent/qwen3.5-9b unknown=maybe}' --verify-diagnostics | filecheck %s --check-prefix=BADPOLICY
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=claude-code/qwen3.5-9b}' 2>&1 | filecheck %s --check-prefix=FALLBACK
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=bare-agent/qwen3.5-9b},bind-profile{target=synthetic/weak}' | filecheck %s --check-prefix=REBIND
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=%S/../../../skillir/data/profiles/synthetic/strong.json}' | filecheck %s --check-prefix=FILE
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p 'bind-profile{target=bare-agent/gpt-9000}' --verify-diagnostics | filecheck %s --check-prefix=UNKNOWN
// RUN: env SKILLIR_PROFILES=%t.none skill-opt %s -p bind-profile --verify-diagnostics | filecheck %s --check-prefix=NOTARGET

builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.frontmatter "---\nname: s\n---\n\n"
    skill.step "Run `python3 scripts/x.py --all`.\n" with {
      cap.require #cap.prim<tool.exec, 2> {evidence = "python3 scripts/x.py --all", rule = "exec.inline-l2"}
    }
  }
}

// CHECK:      skill.frontmatter
// CHECK-NEXT: cap.profile {unknown = ["tool.web"], model = "qwen3.5-9b", harness = "bare-agent", source = "SkVM-data profiles/bare-agent, capability vector as published (PAPER_NOTES.md section (c)); per-level results not reproduced", date = "2026-04-08", capabilities = [#cap.prim<gen.code.python, 3>, #cap.prim<gen.code.javascript, 0>, #cap.prim<gen.code.shell, 0>, {{.*}}, #cap.prim<tool.exec, 0>, {{.*}}, #cap.prim<follow.style, 2>], path = "skillir/data/profiles/bare-agent/qwen3.5-9b.json"}
// CHECK-NOT:  tool.web

// DEFAULT:      cap.profile {unknown = ["tool.web"], model = "qwen3.5-9b", {{.*}}#cap.prim<tool.exec, 0>, {{.*}}#cap.prim<tool.web, 1>, #cap.prim<tool.browser, 0>
// CAPABLE:      cap.profile {unknown = ["tool.web"], model = "qwen3.5-9b", {{.*}}#cap.prim<tool.web, 3>, #cap.prim<tool.browser, 0>
// BADPOLICY:    error: bind-profile: unknown='maybe' is not a policy

// FALLBACK: warning: no claude-code profile of qwen3.5-9b; using bare-agent/qwen3.5-9b (reference, 2026-04-08) instead
// FALLBACK: cap.profile {unknown = ["tool.web"], model = "qwen3.5-9b", harness = "bare-agent", {{.*}}fallback = "no claude-code profile of qwen3.5-9b; using bare-agent/qwen3.5-9b

// REBIND-COUNT-1: cap.profile
// REBIND-SAME:    model = "weak", harness = "synthetic", source = "synthetic (SkillIR)", date = "2026-01-01"
// REBIND-SAME:    synthetic}
// REBIND-NOT:     cap.profile

// FILE: cap.profile {model = "strong", harness = "synthetic", {{.*}}#cap.prim<gen.code.python, 3>{{.*}}path = "{{.*}}synthetic/strong.json", synthetic}

// UNKNOWN: error: no capability profile for model 'gpt-9000' (target 'bare-agent/gpt-9000') (available profiles: bare-agent/gpt-5.4, bare-agent/opus-4.6, bare-agent/qwen3.5-35b-a3b, bare-agent/qwen3.5-9b, bare-agent/local/smollm2, synthetic/mid, synthetic/none, synthetic/strong, synthetic/weak; import one with 'skill-profile import FILE')

// NOTARGET: error: bind-profile needs a target
