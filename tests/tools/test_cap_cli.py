"""`skill-profile` (list, show, import, export) and skill-opt with the cap passes."""

from __future__ import annotations

import json

import pytest

from skillir.profiles.store import ENV_VAR
from skillir.tools import skill_opt, skill_profile


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "store"))
    return tmp_path / "store"


def run(capsys, *argv):
    code = skill_profile.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_and_json(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0 and "bare-agent/qwen3.5-9b" in out and "synthetic/weak" in out
    code, out, _ = run(capsys, "list", "--json")
    rows = json.loads(out)
    assert {"target", "kind", "source", "date"} <= set(rows[0])


def test_show_with_fallback_warning(capsys):
    code, out, err = run(capsys, "show", "claude-code/opus-4.6")
    assert code == 0
    assert "warning: no claude-code profile of opus-4.6; using bare-agent/opus-4.6" in err
    assert "gen.code.sql" in out and "L1" in out and "not measured" in out


def test_export_import_round_trip(capsys, tmp_path, isolated):
    out_file = tmp_path / "gpt.json"
    code, _, _ = run(capsys, "export", "bare-agent/gpt-5.4", "-o", str(out_file), "--skvm")
    assert code == 0
    data = json.loads(out_file.read_text())
    assert "skillir" not in data and data["capabilities"]["reason.arithmetic"] == "L1"
    code, out, _ = run(capsys, "import", str(out_file), "--harness", "opencode", "--source", "copied")
    assert code == 0 and "opencode/gpt-5.4" in out
    assert (isolated / "opencode" / "gpt-5.4" / "latest.json").is_file()
    code, out, _ = run(capsys, "show", "opencode/gpt-5.4", "--json")
    assert json.loads(out)["skillir"]["source"] == "copied"


@pytest.mark.parametrize(("argv", "message"), [
    (["show", "bare-agent/gpt-9000"], "no capability profile for model 'gpt-9000'"),
    (["show", "nonsense"], "bad target 'nonsense'"),
    (["import", "/nonexistent/p.json"], "no such profile file"),
])
def test_errors_are_one_line_exit_2(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err and err.count("\n") == 1


def test_corrupt_import_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    code, _, err = run(capsys, "import", str(bad))
    assert code == 2 and "not valid JSON" in err and str(bad) in err


CAP = "infer-capabilities,bind-profile{{target={}}},analyze-gaps,compile-capabilities"


def test_skill_opt_cap_pipeline(capsys):
    # (a 498-character skill: the default growth cap, 10%, leaves room for no note)
    code = skill_opt.main(["tests/filecheck/inputs/merge-pdfs", "-p",
                           CAP.format("synthetic/weak") + "{max-growth-percent=0}", "-q"])
    out = capsys.readouterr().out
    assert code == 0
    assert "cap.profile" in out and "cap.compensated" in out


def test_skill_opt_cap_stage_with_a_harness_target(capsys):
    code = skill_opt.main(["tests/filecheck/inputs/merge-pdfs", "--stage=cap", "--target=claude-code/opus-4.6"])
    captured = capsys.readouterr()
    assert code == 0 and 'harness = "bare-agent"' in captured.out
    assert "using bare-agent/opus-4.6" in captured.err or "fallback" in captured.out


def test_skill_opt_unknown_model_is_one_line(capsys):
    code = skill_opt.main(["tests/filecheck/inputs/merge-pdfs", "-p", CAP.format("bare-agent/zork"), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "no capability profile for model 'zork'" in err and err.count("\n") == 1


def test_skill_opt_quiet_silences_warnings(capsys, caplog):
    """-q: "do not print warnings" covers the logged ones too (a stand-in profile)."""
    argv = ["tests/filecheck/inputs/merge-pdfs", "--stage=cap", "--target=claude-code/opus-4.6"]
    with caplog.at_level("WARNING"):
        assert skill_opt.main(argv) == 0
    assert any("no claude-code profile" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING"):
        assert skill_opt.main([*argv, "-q"]) == 0
    assert not [r for r in caplog.records if r.name.startswith("skillir")]
    import logging

    assert logging.getLogger("skillir").level == logging.NOTSET  # restored after the run
    capsys.readouterr()
