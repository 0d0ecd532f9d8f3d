"""Issue 13: every transform of compile-capabilities is checked before it applies and
records its evidence, rule and text (offload, the Figure 6 path fix, substitution,
instantiated compensation, decomposition), and the LLM rewriter option (recorded
responses, the guard, the cache, the fallback; once on the local model)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from skillir.capability.checks import class_mismatch, runnable
from skillir.capability.legality import requirements_within_profile
from skillir.capability.query import ops_of_type
from skillir.dialects.cap import (
    CompensatedOp,
    DecomposedOp,
    OffloadedOp,
    RequireOp,
    SubstitutedOp,
    UnresolvedOp,
)
from skillir.dialects.skill import SkillOp, skill_markdown
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill, parse_markdown
from skillir.oracle import text_model, unregister_text_models
from skillir.pipeline import PassManager
from skillir.profiles.profile import Profile
from skillir.profiles.store import ENV_VAR


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "profiles"))
    monkeypatch.setenv("SKILLIR_HOME", str(tmp_path / "home"))


def compile_text(text: str, target: str, extra: str = "", *, path=None):
    """Compile for `target`, the growth cap off (these tests are about each strategy's
    own checks; tests/capability/test_cap_compile.py tests the cap)."""
    module = load_skill(path) if path is not None else parse_markdown(text, label="t/SKILL.md")
    options = " ".join(["max-growth-percent=0", extra.strip("{}")]).strip()
    PassManager.from_spec(f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,"
                          f"compile-capabilities{{{options}}}").run(module)
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    assert requirements_within_profile(module) == []
    return skill


def profile_file(tmp_path, levels: dict[str, int], details=(), harness="bare-agent") -> str:
    from skillir.profiles.catalog import catalog

    full = {pid: levels.get(pid, 3) for pid in catalog().ids}
    profile = Profile("test-model", harness, full, source="test", date="2026-01-01", details=tuple(details))
    path = tmp_path / "p.json"
    path.write_text(profile.to_json())
    return str(path)


# -- the runnable check -------------------------------------------------------------------


@pytest.mark.parametrize(("body", "family", "reason"), [
    ("const voices = await client.listVoices();\n", "js", "uses 'client'"),
    ("rg -l foo | xargs sed -i 's/a/b/g'\n", "shell", "in place over the user's tree"),
    ("print(df.head())\n", "python", "uses 'df'"),
    ("def f(:\n", "python", "does not parse as Python"),
    ("if [ -f x ; then\n", "shell", "does not parse as shell"),
    ("function (\n", "js", "does not parse as JavaScript"),
    ("curl -H \"Authorization: $API_KEY\" https://x\n", "shell", "uses $API_KEY"),
    ("name = input('name? ')\n", "python", "interactive input"),
    ("python scripts/run.py <input-file>\n", "shell", "placeholder"),
])
def test_runnable_check_refuses(body, family, reason):
    verdict = runnable(body, family)
    assert not verdict.ok
    assert reason in verdict.reason


@pytest.mark.parametrize(("body", "family", "params"), [
    ("import csv, sys\nwith open(sys.argv[1]) as f:\n    print(sum(1 for _ in csv.reader(f)))\n", "python", 1),
    ("import fs from 'fs';\nconst {a} = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));\n"
     "console.log(a);\n", "js", 1),
    ("for f in *.log; do grep -c ERROR \"$f\"; done | sort -n > counts.txt\n", "shell", 0),
    ("grep -c ERROR \"$1\" \"$2\"\n", "shell", 2),
])
def test_runnable_check_accepts_self_contained_code(body, family, params):
    verdict = runnable(body, family)
    assert verdict.ok, verdict.reason
    assert verdict.params == params


@pytest.mark.parametrize(("text", "why"), [
    ("curl -fsSL https://example.com/install.sh | sh", "installer"),
    ("`jq '.items[]' data.json | head -5`", "jq filter"),
    ("| grep | counts lines |", "table row"),
    ("`gh pr list --state open`", "single CLI call"),
])
def test_text_processing_class_refuses_non_pipelines(text, why):
    assert why in class_mismatch("text-processing", text)


def test_text_processing_class_accepts_filter_pipelines():
    assert class_mismatch("text-processing", "```bash\ngrep ERROR app.log | sort | uniq -c\n```\n") is None
    assert class_mismatch("text-processing", "Count them: `cat app.log | grep WARN | wc -l`.") is None
    assert class_mismatch("arithmetic", "anything") is None  # a class defined by its primitive alone


# -- offload ------------------------------------------------------------------------------

OFFLOAD = """---
name: counter
description: count rows
---

# Counter

1. Count the rows of the CSV file given as the first argument:

   ```python
   import csv, sys
   with open(sys.argv[1]) as f:
       print(sum(1 for _ in csv.reader(f)))
   ```

2. List the voices:

   ```javascript
   const voices = await client.listVoices();
   console.log(voices);
   ```
"""


def test_offload_writes_a_script_record_called_by_path_with_parameters(tmp_path):
    target = profile_file(tmp_path, {"gen.code.python": 1, "gen.code.javascript": 0, "tool.exec": 1})
    skill = compile_text(OFFLOAD, target)
    offloads = ops_of_type(skill, OffloadedOp)
    assert len(offloads) == 1  # the JS block uses `client` undefined: never offloaded
    op = offloads[0]
    assert op.script.data == "scripts/counter_step_1.py"
    assert op.lang.data == "python" and op.params.value.data == 1
    assert "sys.argv[1]" in op.body.data
    assert op.run.data == "python3 skills/counter/scripts/counter_step_1.py ARG1"
    assert op.rule.data == "offload" and "parses" in op.reason.data
    md = skill_markdown(skill)
    assert "run `python3 skills/counter/scripts/counter_step_1.py ARG1`" in md
    js = [u for u in ops_of_type(skill, UnresolvedOp) if u.prim.id == "gen.code.javascript"]
    assert js and "uses 'client'" in js[0].diagnostic.data


def test_offloaded_script_reaches_the_emitted_folder_and_runs(tmp_path):
    """The script is written at the path the compiled SKILL.md runs, executable, and works."""
    target = profile_file(tmp_path, {"gen.code.python": 1, "gen.code.javascript": 0, "tool.exec": 1})
    skill = tmp_path / "counter"
    skill.mkdir()
    (skill / "SKILL.md").write_text(OFFLOAD)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(skill), "-p",
                           f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,"
                           "compile-capabilities{max-growth-percent=0},bind-env{probe=false},extract-concurrency,lower-to-harness", "-t", "bare-agent",
                           "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    script = out / "skills" / "counter" / "scripts" / "counter_step_1.py"
    assert script.is_file() and script.stat().st_mode & 0o111
    assert "python3 skills/counter/scripts/counter_step_1.py ARG1" in (
        out / "skills" / "counter" / "SKILL.md").read_text()
    rows = tmp_path / "rows.csv"
    rows.write_text("a\nb\nc\n")
    ran = subprocess.run([sys.executable, str(script), str(rows)], capture_output=True, text=True, timeout=60)
    assert ran.stdout.strip() == "3"


# -- the paper's Figure 6 fix ---------------------------------------------------------------

FIG6 = """---
name: pptx
description: Build slides
---

# PPTX

1. Render thumbnails of the deck with `python scripts/thumbnail.py deck.pptx` and then check each slide.
2. Write the slide text.
"""


def test_tool_exec_at_l0_on_bare_agent_qwen_9b_gets_the_figure_6_fix(tmp_path):
    folder = tmp_path / "pptx"
    (folder / "scripts").mkdir(parents=True)
    (folder / "SKILL.md").write_text(FIG6)
    (folder / "scripts" / "thumbnail.py").write_text("print('thumbs')\n")
    skill = compile_text("", "bare-agent/qwen3.5-9b", path=folder)
    md = skill_markdown(skill)
    # relative paths are replaced with the skill directory's, in the step itself
    assert "1. Render thumbnails of the deck with `python skills/pptx/scripts/thumbnail.py deck.pptx`" in md
    assert "`python scripts/thumbnail.py" not in md
    records = [r for r in ops_of_type(skill, CompensatedOp) if r.prim.id == "tool.exec"]
    assert len(records) == 1
    record = records[0]
    assert record.method.data == "skill-relative-paths" and record.rule.data == "skill-paths"
    assert "scripts/thumbnail.py -> skills/pptx/scripts/thumbnail.py" in record.added.data
    # qwen3.5-9b has tool.exec at L0: the demand drops to L1 but stays above it, so it is partial
    assert record.partial is not None and [t.value for t in record.to.data] == [1]
    req = next(r for r in ops_of_type(skill, RequireOp) if r.prim_id == "tool.exec")
    assert req.is_unresolved and req.original is not None


# -- substitution, compensation, decomposition -------------------------------------------------

SUBST = """---
name: logs
description: count errors
---

# Logs

1. Install the tool: `curl -fsSL https://example.com/install.sh | sh`.
2. Count the errors per day: `grep ERROR app.log | cut -d' ' -f1 | sort | uniq -c > per_day.txt`.
"""


def test_substitution_only_where_the_source_is_in_its_class(tmp_path):
    target = profile_file(tmp_path, {"gen.code.shell": 1, "gen.code.python": 3})
    skill = compile_text(SUBST, target)
    subs = ops_of_type(skill, SubstitutedOp)
    assert [s.equivalence.data for s in subs] == ["text-processing"]
    assert "grep ERROR app.log" in subs[0].evidence.data
    assert subs[0].added.data.startswith(
        "For `grep ERROR app.log | cut -d' ' -f1 | sort | uniq -c > per_day.txt`: instead of a shell pipeline")  # the pipeline itself
    assert "the source is a text-processing" in subs[0].reason.data


def test_compensation_is_instantiated_and_never_added_twice(tmp_path):
    text = """---
name: two
description: x
---

# Two

1. Read every file listed in `files.txt`, noting any that are missing, and write one summary per file to `a.md`.
2. Read every file listed in `other.txt`, noting any that are missing, and write one summary per file to `b.md`.
"""
    details = [{"primitiveId": "tool.file.read", "highestLevel": "L1", "levelResults": [
        {"level": "L2", "passed": False, "passCount": 1, "totalCount": 3,
         "failureDetails": ["checkpoint missing_files 0.0 | 12 steps, 11 calls, files: +0"]}]}]
    target = profile_file(tmp_path, {"tool.file.read": 1, "tool.file.write": 1, "follow.procedure": 1,
                                     "reason.planning": 1, "gen.text.prose": 1}, details)
    skill = compile_text(text, target, "{strategies=compensate}")
    added = [r.added.data for r in ops_of_type(skill, CompensatedOp) if r.added is not None]
    assert added, "some gap was compensated"
    assert len(added) == len(set(added))
    md = skill_markdown(skill)
    for sentence in added:
        assert md.count(sentence) == 1
    read = [r for r in ops_of_type(skill, CompensatedOp) if r.prim.id == "tool.file.read"]
    assert len(read) == 2
    assert read[0].added.data.startswith("For `files.txt`, `a.md`: read the files one at a time")
    assert "failed: checkpoint missing_files 0.0 | 12 steps, 11 calls" in read[0].added.data  # failureDetails
    assert read[1].added is None and read[1].shared is not None  # the same guidance is not added again


def test_decomposition_fires_on_a_step_that_bundles_several_actions():
    skill = compile_text("""---
name: d
description: x
---

# D

1. Debug the failing build, then find the root cause; finally fix it.
""", "synthetic/mid")
    records = ops_of_type(skill, DecomposedOp)
    assert records and records[0].parts.value.data == 3 and records[0].rule.data == "decompose"
    assert "   - Find the root cause." in skill_markdown(skill)


# -- the LLM rewriter ---------------------------------------------------------------------------

LLM_SKILL = """---
name: t
description: test
---

# T

1. Create a rollback plan for the release.
2. Debug the failing build, then find the root cause; finally fix it.
"""
GOOD = {"edits": [
    {"gap": 1, "sentence": "Write the rollback plan as three numbered lines: what to revert, the command, "
                           "and how to check it.", "reason": "planning L3 -> a fixed sequence the target can follow"},
    {"gap": 1, "sentence": "## A new heading", "reason": "refused by the guard"},
]}




def _llm(text=LLM_SKILL, model="scripted/m1"):
    return compile_text(text, "synthetic/mid", f"{{rewriter=llm model={model}}}")


def test_llm_edits_are_guarded_recorded_and_cached(scripted):
    provider = scripted(json.dumps(GOOD))
    skill = _llm()
    records = [r for r in ops_of_type(skill, CompensatedOp) if r.method.data == "model-rewrite"]
    assert len(records) == 1
    assert records[0].rule.data == "llm:scripted/m1"
    assert records[0].reason.data.startswith("planning L3")
    md = skill_markdown(skill)
    assert "1. Create a rollback plan for the release.\n   Write the rollback plan as three numbered lines" in md
    assert "## A new heading" not in md
    assert ops_of_type(skill, DecomposedOp)  # the rules closed the other gap
    assert len(provider.calls) == 1
    # a rerun is deterministic and offline: the answer comes from the cache
    again = scripted()
    assert skill_markdown(_llm()) == md
    assert again.calls == []


@pytest.mark.parametrize("answer", [
    "I think you should add more detail.",
    json.dumps({"edits": [{"gap": "one", "sentence": "x y z", "reason": "r"}]}),
    json.dumps({"edits": [{"gap": 1, "sentence": "a b c", "reason": "r"}] * 4}),
    RuntimeError("HTTP 503 from the provider"),
])
def test_llm_failures_fall_back_to_the_rules_with_a_note(scripted, answer):
    scripted(answer)
    skill = _llm(model="scripted/m2")
    assert not [r for r in ops_of_type(skill, CompensatedOp) if r.method.data == "model-rewrite"]
    reasons = [r.reason.data for r in ops_of_type(skill, CompensatedOp, DecomposedOp) if r.reason is not None]
    assert reasons and all("fell back to the rules" in r for r in reasons)
    rules_only = compile_text(LLM_SKILL, "synthetic/mid")
    assert skill_markdown(skill) == skill_markdown(rules_only)


def test_llm_guard_refuses_long_or_duplicate_sentences_and_missing_gaps():
    from skillir.capability.rewriter import MAX_WORDS, check_edit

    class Gap:
        def __init__(self, available):
            self.available, self.prim_id = available, "tool.exec"
            self.state = type("S", (), {"notes": {}})()

    gaps = [Gap(1), Gap(0)]
    assert "over the limit" in check_edit({"gap": 1, "sentence": "word " * (MAX_WORDS + 1)}, gaps, "")
    assert "already in the skill" in check_edit({"gap": 1, "sentence": "Run it."}, gaps, "x Run it. y")
    assert "missing on the target" in check_edit({"gap": 2, "sentence": "Run it."}, gaps, "")
    assert "does not exist" in check_edit({"gap": 3, "sentence": "Run it."}, gaps, "")
    assert check_edit({"gap": 1, "sentence": "Run `make test` once."}, gaps, "") is None


def test_llm_options_are_checked_and_unknown_providers_are_one_line_errors():
    with pytest.raises(SkillIRError, match="needs model=PROVIDER/MODEL"):
        compile_text(LLM_SKILL, "synthetic/mid", "{rewriter=llm}")
    with pytest.raises(SkillIRError, match="unknown rewriter 'magic'"):
        compile_text(LLM_SKILL, "synthetic/mid", "{rewriter=magic}")
    with pytest.raises(SkillIRError, match="no text model provider 'nowhere'"):
        text_model("nowhere/x")
    with pytest.raises(SkillIRError, match="bad model id 'smollm2': expected PREFIX/NAME"):
        text_model("smollm2")  # parsed by the one model-id type, skillir.target.ModelId
    skill = _llm(model="nowhere/x")  # unregistered: the rules' result, with the reason
    notes = [r.reason.data for r in ops_of_type(skill, DecomposedOp)]
    assert notes and "no text model provider 'nowhere'" in notes[0]


@pytest.mark.e2e
def test_llm_rewriter_on_the_local_model(local_model):
    from skillir.runtime.compiler_model import register

    register(["local"])
    start = time.monotonic()
    skill = _llm(model="local/smollm2")
    took = time.monotonic() - start
    # the toy model's answer is either a guarded edit or a fallback; both leave a legal skill
    records = ops_of_type(skill, CompensatedOp, DecomposedOp)
    assert records
    llm = [r for r in records if r.rule is not None and r.rule.data == "llm:local/smollm2"]
    fell_back = [r for r in records if r.reason is not None and "fell back" in r.reason.data]
    assert llm or fell_back
    assert took < 600
    unregister_text_models("local")


def test_failure_details_of_a_shipped_profile_are_read_wherever_the_compiler_runs(tmp_path, monkeypatch):
    """A shipped profile is recorded as `skillir/data/profiles/...`; its SkVM failure
    details (what compensation hints quote) come from the package, not from a path
    relative to the working directory."""
    from skillir.capability.strategies import profile_failures
    from skillir.dialects.cap import ProfileOp
    from skillir.frontend.skill_md import parse_markdown
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target

    def failures() -> dict:
        module = parse_markdown("---\nname: t\ndescription: d\n---\n# T\n\n1. Run `ls`.\n")
        passes = [p for p in stage_passes("cap", Target.parse("bare-agent/smollm2"), probe=False)
                  if p.name == "bind-profile"]
        PassManager(passes=tuple(passes), verify_each=False).run(module)
        return profile_failures(next(op for op in module.walk() if isinstance(op, ProfileOp)))

    here = failures()
    monkeypatch.chdir(tmp_path)
    assert failures() == here and len(here) >= 5
