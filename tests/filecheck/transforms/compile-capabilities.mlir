// compile-capabilities on a skill whose gaps cover every strategy: offload (complete
// code that passes the runnable check, carried in the record for emission),
// compensation (one level, instantiated from the step), substitution (pandas -> SQL),
// decomposition (a step with several actions), chained compensation, and an
// unresolved missing primitive; every record names its evidence and rule; then the
// budget, the growth cap, the strategy selection, the legality check. The strategies
// are shown with the growth cap off (max-growth-percent=0); GROWTH shows the default.
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p 'compile-capabilities{max-growth-percent=0}' | filecheck %s
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p 'compile-capabilities{max-growth-percent=0}' -t markdown | filecheck %s --check-prefix=MD
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p compile-capabilities | filecheck %s --check-prefix=GROWTH
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p compile-capabilities | filecheck %s --check-prefix=LEGAL
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p 'compile-capabilities{budget-percent=0}' | filecheck %s --check-prefix=BUDGET
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p 'compile-capabilities{max-growth-percent=0 strategies=compensate,substitute}' | filecheck %s --check-prefix=ONLY
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p 'compile-capabilities{strategies=telepathy}' | filecheck %s --check-prefix=BADSTRAT

builtin.module {
  skill.skill @report attributes {metadata = {name = "report", description = "Build a sales report."}, source = "report/SKILL.md"} {
    skill.frontmatter "---\nname: report\ndescription: Build a sales report.\n---\n\n"
    cap.profile {model = "tiny", harness = "bare-agent", source = "filecheck test", date = "2026-05-01", capabilities = [#cap.prim<gen.code.python, 1>, #cap.prim<gen.code.javascript, 3>, #cap.prim<gen.code.shell, 2>, #cap.prim<gen.code.sql, 2>, #cap.prim<gen.code.html, 3>, #cap.prim<gen.text.structured, 3>, #cap.prim<gen.text.long, 3>, #cap.prim<gen.text.prose, 3>, #cap.prim<gen.regex, 3>, #cap.prim<reason.arithmetic, 3>, #cap.prim<reason.logic, 3>, #cap.prim<reason.spatial, 3>, #cap.prim<reason.planning, 3>, #cap.prim<reason.analysis, 1>, #cap.prim<tool.file.read, 3>, #cap.prim<tool.file.write, 3>, #cap.prim<tool.exec, 1>, #cap.prim<tool.call.format, 3>, #cap.prim<tool.call.batch, 3>, #cap.prim<tool.browser, 0>, #cap.prim<follow.format, 3>, #cap.prim<follow.constraint, 2>, #cap.prim<follow.procedure, 3>, #cap.prim<follow.delegation, 3>, #cap.prim<follow.style, 3>], synthetic}
    cap.require #cap.prim<follow.procedure, 1> {evidence = "5 steps", rule = "procedure.sequence", line = 10 : i64}
    cap.require #cap.prim<follow.constraint, 3> {evidence = "1 binding rule; against usual habits: …les. ALWAYS keep totals exact, even if rounding looks nicer.…", rule = "constraint.prior-conflict", line = 8 : i64}
    cap.gap #cap.prim<follow.constraint, 3> weak {available = 2 : i64}
    skill.section "Sales report" attributes {level = 1 : i64} {
      skill.constraint never "NEVER edit the input files. ALWAYS keep totals exact, even if rounding looks nicer.\n\n"
      skill.step "1. Count the rows of `sales.csv`:\n\n" {ordinal = 1 : i64} with {
        skill.code "python" "import csv\nwith open(\"sales.csv\") as f:\n    print(sum(1 for _ in csv.reader(f)))\n" {runnable, indent = "   "}
        cap.require #cap.prim<gen.code.python, 2> {evidence = "import csv", rule = "python.stdlib", line = 13 : i64}
        cap.gap #cap.prim<gen.code.python, 2> weak {available = 1 : i64}
      }
      skill.step "2. Extract the amounts with awk: `awk -F, '{print $3}' sales.csv | sort -n > amounts.txt`.\n" {ordinal = 2 : i64} with {
        cap.require #cap.prim<gen.code.shell, 3> {evidence = "awk -F, '{print $3}' sales.csv | sort -n > amounts.txt", rule = "shell.inline-sed-awk-xargs", line = 18 : i64}
        cap.gap #cap.prim<gen.code.shell, 3> weak {available = 2 : i64}
        cap.require #cap.prim<tool.exec, 2> {evidence = "awk -F, '{print $3}' sales.csv | sort -n > amounts.txt", rule = "exec.inline-l2", line = 18 : i64}
        cap.gap #cap.prim<tool.exec, 2> weak {available = 1 : i64}
      }
      %by_region = skill.step "3. Group the sales by region with pandas and write `by_region.csv`.\n" {ordinal = 3 : i64} -> !skill.artifact<"by_region.csv"> with {
        cap.require #cap.prim<tool.file.write, 1> {evidence = "Group the sales by region with pandas and write `by_region.csv`.", rule = "write.file", line = 19 : i64}
        cap.require #cap.prim<gen.code.python, 3> {evidence = "Group the sales by region with pandas and write `by_region.csv`.", rule = "python.package-named", line = 19 : i64}
        cap.gap #cap.prim<gen.code.python, 3> weak {available = 1 : i64}
      }
      skill.step "4. Debug the failing tests, then find the root cause of each failure; finally fix it.\n" {ordinal = 4 : i64} with {
        cap.require #cap.prim<reason.analysis, 3> {evidence = "Debug the failing tests, then find the root cause of each failure; finally fix it.", rule = "analysis.root-cause", line = 20 : i64}
        cap.gap #cap.prim<reason.analysis, 3> weak {available = 1 : i64}
      }
      skill.step "5. Open the dashboard with Playwright, click the Export button and wait for the download.\n" {ordinal = 5 : i64} with {
        cap.require #cap.prim<tool.browser, 2> {evidence = "Open the dashboard with Playwright, click the Export button and wait for the download.", rule = "browser.interact", line = 21 : i64}
        cap.gap #cap.prim<tool.browser, 2> missing {available = 0 : i64}
        cap.require #cap.prim<gen.code.python, 3> {evidence = "Open the dashboard with Playwright, click the Export button and wait for the download.", rule = "python.package-named", line = 21 : i64}
        cap.gap #cap.prim<gen.code.python, 3> weak {available = 1 : i64}
      }
    }
  }
}

// CHECK:      cap.require #cap.prim<follow.constraint, 2> {{{.*}}original = #cap.prim<follow.constraint, 3>}
// CHECK-NEXT: cap.gap #cap.prim<follow.constraint, 3> weak {available = 2 : i64}
// CHECK-NEXT: cap.compensated #cap.prim<follow.constraint, 3> "restate-constraints" {to = [#cap.prim<follow.constraint, 2>], evidence = "1 binding rule; {{.*}}", added = "These rules deliberately override usual habits: {{.*}} The rules: NEVER edit the input files.", rule = "compensate", reason = "catalog guidance follow.constraint L3->L2"}
// CHECK:      skill.text "These rules deliberately override usual habits: {{.*}}\n\n"
// CHECK-NEXT: skill.constraint never "NEVER edit the input files.
// CHECK:      skill.code "python"
// CHECK-NEXT: skill.text "   This code is bundled as `skills/report/scripts/report_step_1.py`: run `python3 skills/report/scripts/report_step_1.py` instead of typing or rewriting it.\n\n"
// CHECK-NEXT: cap.require #cap.prim<tool.exec, 1> {{{.*}}original = #cap.prim<gen.code.python, 2>}
// CHECK-NEXT: cap.gap #cap.prim<gen.code.python, 2> weak {available = 1 : i64}
// CHECK-NEXT: cap.offloaded #cap.prim<gen.code.python, 2> lang python {to = [#cap.prim<tool.exec, 1>], evidence = "import csv with open(\"sales.csv\") {{.*}}", added = "This code is bundled as {{.*}}", rule = "offload", reason = "the python block parses, {{.*}}", script = "scripts/report_step_1.py", body = "import csv\nwith open(\"sales.csv\") as f:\n    print(sum(1 for _ in csv.reader(f)))\n", params = 0 : i64, run = "python3 skills/report/scripts/report_step_1.py"}
// CHECK-NOT:  cap.require #cap.prim<tool.file.write, 1> {{{.*}}original = #cap.prim<gen.code.python, 2>}
// CHECK:      skill.step "2. Extract the amounts with awk: {{.*}}\n   For `awk -F, '{print $3}' sales.csv | sort -n > amounts.txt`: avoid sed, awk and xargs here: {{.*}}\n   Run each command from the skill's folder {{.*}}\n"
// CHECK:      cap.compensated #cap.prim<gen.code.shell, 3> "degradation-guidance" {to = [#cap.prim<gen.code.shell, 2>]
// CHECK:      cap.compensated #cap.prim<tool.exec, 2> "degradation-guidance" {to = [#cap.prim<tool.exec, 1>]
// CHECK:      cap.require #cap.prim<gen.code.sql, 2> {{{.*}}original = #cap.prim<gen.code.python, 3>}
// CHECK-NEXT: cap.gap #cap.prim<gen.code.python, 3> weak {available = 1 : i64}
// CHECK-NEXT: cap.substituted #cap.prim<gen.code.python, 3> "tabular-query" {to = [#cap.prim<gen.code.sql, 2>], evidence = {{.*}}, added = "For `by_region.csv`: do this with SQL instead: {{.*}}", rule = "substitute", reason = "the source is a tabular-query (pandas); {{.*}}", path = "sql", from = "pandas"}
// CHECK:      skill.step "4. Debug the failing tests, then find the root cause of each failure; finally fix it.\n\n   Do this as separate steps, finishing each before starting the next:\n   - Debug the failing tests.\n   - Find the root cause of each failure.\n   - Fix it.\n"
// CHECK:      cap.decomposed #cap.prim<reason.analysis, 3> {to = [#cap.prim<reason.analysis, 1>], evidence = {{.*}}, added = "Do this as separate steps{{.*}}", rule = "decompose", reason = "the step bundles 3 actions", parts = 3 : i64}
// CHECK:      cap.require #cap.prim<tool.browser, 2> {{{.*}}unresolved}
// CHECK-NEXT: cap.gap #cap.prim<tool.browser, 2> missing {available = 0 : i64}
// CHECK-NEXT: cap.unresolved #cap.prim<tool.browser, 2> {diagnostic = "bare-agent/tiny has tool.browser at L0 but this needs L2 (forms, clicks, dynamic content); tried {{.*}}substitute: no catalog path avoids tool.browser L2 within the profile{{.*}}"}
// CHECK:      cap.compensated #cap.prim<gen.code.python, 3> "degradation-guidance" {to = [#cap.prim<gen.code.python, 1>]

// MD:      ---
// MD-NEXT: name: report
// MD:      # Sales report
// MD-EMPTY:
// MD-NEXT: These rules deliberately override usual habits
// MD-EMPTY:
// MD-NEXT: NEVER edit the input files.
// MD:         ```python
// MD-NEXT:    import csv
// MD:         ```
// MD-EMPTY:
// MD-NEXT:    This code is bundled as `skills/report/scripts/report_step_1.py`
// MD-EMPTY:
// MD-NEXT: 2. Extract the amounts with awk
// MD-NEXT:    For `awk -F, '{print $3}' sales.csv | sort -n > amounts.txt`: avoid sed, awk and xargs here
// MD-NEXT:    Run each command from the skill's folder
// MD-NEXT: 3. Group the sales by region with pandas and write `by_region.csv`.
// MD-NEXT:    For `by_region.csv`: do this with SQL instead
// MD-NEXT: 4. Debug the failing tests, then find the root cause of each failure; finally fix it.
// MD-EMPTY:
// MD-NEXT:    Do this as separate steps, finishing each before starting the next:
// MD-NEXT:    - Debug the failing tests.
// MD-NEXT:    - Find the root cause of each failure.
// MD-NEXT:    - Fix it.
// MD-NEXT: 5. Open the dashboard with Playwright

// The budget (0% of the paper's) allows no added text: every gap stays unresolved, SKILL.md unchanged.
// BUDGET-NOT:  skill.text
// BUDGET:      cap.unresolved #cap.prim<follow.constraint, 3> {diagnostic = "{{.*}}the added-text budget (0 lines{{.*}}) is spent{{.*}}"}
// BUDGET-NOT:  cap.compensated
// BUDGET-NOT:  cap.substituted
// BUDGET:      skill.skill @pptx

// The growth cap (max-growth-percent=10 by default): this 630-character skill may gain
// 63 characters, less than any note, so the gaps stay unresolved and say why; the
// Figure 6 path fix edits the step's own text and still applies.
// GROWTH-NOT:  skill.text
// GROWTH:      cap.unresolved #cap.prim<gen.code.python, 2> {diagnostic = "{{.*}}offload: the added-text budget (42 lines and 63 characters) is spent{{.*}}"}
// GROWTH-NOT:  cap.compensated
// GROWTH:      skill.skill @pptx
// GROWTH:      cap.compensated #cap.prim<tool.exec, 2> "skill-relative-paths"

// ONLY-NOT:  cap.offloaded
// ONLY:      cap.compensated #cap.prim<gen.code.python, 2>
// ONLY:      cap.substituted #cap.prim<gen.code.python, 3> "tabular-query"
// ONLY:      cap.unresolved #cap.prim<reason.analysis, 3> {diagnostic = "{{.*}}tried compensate: a 2-level gap; substitute: {{.*}}"}
// ONLY-NOT:  cap.decomposed

// BADSTRAT: error: compile-capabilities: unknown strategy 'telepathy' (choose from offload, skill-paths, decompose, compensate, substitute, compensate-chained, unresolved)

// -----

// A requirement above the profile with no gap (analyze-gaps was skipped) breaks the legality check.
builtin.module {
  skill.skill @s attributes {metadata = {}, source = "s"} {
    cap.profile {model = "m", harness = "h", source = "test", date = "2026-05-01", capabilities = [#cap.prim<tool.exec, 1>]}
    cap.require #cap.prim<tool.exec, 3> {evidence = "a && b", rule = "exec.command-l3"}
  }
}
// LEGAL:  error: after 'compile-capabilities': illegal IR: requirement tool.exec L3 is above h/m (L1) and not marked unresolved

// -----

// The paper's Figure 6 fix on bare-agent/qwen3.5-9b (tool.exec L0): the bundled
// script's relative path is written out from the working directory in the step's own
// text; the demand drops to L1, still above L0, so the record is partial and the
// requirement stays unresolved.
// RUN: skill-opt %s --split-input-file --verify-diagnostics -p compile-capabilities | filecheck %s --check-prefix=FIG6
builtin.module {
  skill.skill @pptx attributes {metadata = {name = "pptx"}, source = "pptx/SKILL.md"} {
    cap.profile {model = "qwen3.5-9b", harness = "bare-agent", source = "filecheck test", date = "2026-04-08", capabilities = [#cap.prim<tool.exec, 0>]}
    skill.section "PPTX" attributes {level = 1 : i64} {
      skill.step "1. Render thumbnails with `python scripts/thumbnail.py deck.pptx`.\n" {ordinal = 1 : i64} with {
        cap.require #cap.prim<tool.exec, 2> {evidence = "python scripts/thumbnail.py deck.pptx", rule = "exec.inline-l2", line = 7 : i64}
        cap.gap #cap.prim<tool.exec, 2> missing {available = 0 : i64}
      }
    }
    skill.ref script "scripts/thumbnail.py" {bytes = 10 : i64, mentioned}
  }
}
// FIG6:      skill.step "1. Render thumbnails with `python skills/pptx/scripts/thumbnail.py deck.pptx`.\n"
// FIG6-NEXT: cap.require #cap.prim<tool.exec, 1> {{{.*}}original = #cap.prim<tool.exec, 2>, unresolved}
// FIG6-NEXT: cap.gap #cap.prim<tool.exec, 2> missing {available = 0 : i64}
// FIG6-NEXT: cap.compensated #cap.prim<tool.exec, 2> "skill-relative-paths" {to = [#cap.prim<tool.exec, 1>], evidence = "python scripts/thumbnail.py deck.pptx", added = "(paths) scripts/thumbnail.py -> skills/pptx/scripts/thumbnail.py", rule = "skill-paths", reason = "the step calls the bundled `scripts/thumbnail.py` relative to the skill folder", partial}
