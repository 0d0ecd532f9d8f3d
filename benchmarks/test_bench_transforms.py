"""Issue 13 over the 127 corpus skills x the four reference profiles: transforms by kind,
0 offloads of code that fails the runnable check, 0 substitutions outside their class,
0 repeated insertions, and the SKILL.md token change (median, p95). The numbers go to
benchmarks/results/transforms.json (label "after"; `transforms_eval.py --label before`
run on the previous commit gives the comparison).

    .venv/bin/pytest benchmarks/test_bench_transforms.py -s
"""

from __future__ import annotations

import json

from conftest import corpus_id, corpus_skill_dirs
from transforms_eval import evaluate, materialize

from skillir.atomic import write_text_atomic


def test_transforms_are_checked_and_never_repeated(benchmark, tmp_path):
    dirs = corpus_skill_dirs()
    if not dirs:
        import pytest

        pytest.skip("shared corpus not found")
    staged = materialize(dirs, tmp_path)
    result = benchmark.pedantic(evaluate, args=(staged,), kwargs={"names": [corpus_id(d) for d in dirs]},
                                rounds=1, iterations=1)
    print(json.dumps({k: v for k, v in result.items() if k != "examples"}, indent=2))
    assert result["compiles"] == 4 * len(dirs)
    assert result["failures"] == 0, result["examples"]["failures"]
    assert result["runnable_check"]
    assert result["offloads_failing_runnable_check"] == 0, result["examples"]["runnable_problems"]
    assert result["substitutions_outside_class"] == 0, result["examples"]["class_problems"]
    assert result["repeated_insertions"] == 0, result["examples"]["repeated"]
    assert result["transforms"].get("decomposed", 0) > 0
    assert result["transforms"].get("compensated:skill-relative-paths", 0) > 0  # the Figure 6 fix
    assert result["token_change_pct"]["p95"] <= 10.0
    from pathlib import Path

    out = Path(__file__).parent / "results" / "transforms.json"
    data = json.loads(out.read_text()) if out.is_file() else {}
    data["after"] = result
    write_text_atomic(out, json.dumps(data, indent=2) + "\n")
