"""`skill-profile run / show / compare` end to end on a simulated model (two primitives,
real sandboxed runs, a few seconds), and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from skillir.tools.skill_profile import main

PRIMS = "reason.arithmetic,tool.exec"


def test_run_show_compare_on_a_simulated_model(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    code = main(["--profiles-dir", str(store), "run", "--model", "sim/qwen3.5-9b",
                 "--primitives", PRIMS, "--jobs", "2", "--seed", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "[simulated]" in out and "SIMULATED" in err
    assert "primitives decided" in err  # the progress bar
    folder = store / "bare-agent" / "simulated-qwen3.5-9b"
    data = json.loads((folder / "latest.json").read_text())
    assert data["model"] == "simulated-qwen3.5-9b"
    assert data["skillir"]["source"].startswith("SIMULATED") and data["skillir"]["synthetic"]
    assert data["profiler"]["simulated"] is True and data["profiler"]["modelId"] == "sim/qwen3.5-9b"
    assert set(data["capabilities"]) == set(PRIMS.split(","))
    # qwen3.5-9b's published vector: reason.arithmetic L3, tool.exec L0
    assert data["capabilities"]["reason.arithmetic"] in ("L2", "L3")
    assert data["capabilities"]["tool.exec"] in ("L0", "L1")
    assert data["profiler"]["runs"] > 0 and data["profiler"]["tokens"]["input"] > 0
    assert data["profiler"]["modelTimeMs"] > 0 and data["profiler"]["date"]
    assert (folder / "heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(folder.glob("v_*.json"))
    assert len(list((folder / "profiler" / "instances").glob("*/*.json"))) == data["profiler"]["runs"]

    code = main(["--profiles-dir", str(store), "show", "bare-agent/simulated-qwen3.5-9b"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "SIMULATED" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("gen.code.sql"))
    assert "?" in line and "unknown" in line
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("tool.exec"))
    assert "/" in line  # measured pass counts

    code = main(["--profiles-dir", str(store), "show", "bare-agent/qwen3.5-9b"])
    out, _ = capsys.readouterr()
    assert code == 0 and "imp pass" in out  # a published vector: imported levels

    png = tmp_path / "cmp.png"
    code = main(["--profiles-dir", str(store), "compare", "bare-agent/qwen3.5-9b",
                 "bare-agent/simulated-qwen3.5-9b", "--png", str(png)])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "[simulated] bare-agent/simulated-qwen3.5-9b" in out
    assert "primitives at the same level" in out
    assert png.read_bytes()[:4] == b"\x89PNG"
    code = main(["--profiles-dir", str(store), "compare", "bare-agent/qwen3.5-9b",
                 "bare-agent/simulated-qwen3.5-9b", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rows["b_simulated"] is True and len(rows["rows"]) == 26


def test_run_errors_are_one_line(tmp_path: Path, capsys) -> None:
    store = ["--profiles-dir", str(tmp_path)]
    assert main([*store, "run", "--model", "sim/qwen3.5-9b", "--budget", "lots"]) == 2
    err = capsys.readouterr().err
    assert "bad --budget" in err and len(err.strip().splitlines()) == 1
    assert main([*store, "run", "--model", "sim/qwen3.5-9b", "--primitives", "tool.nope"]) == 2
    assert "unknown primitive" in capsys.readouterr().err
    assert main([*store, "run", "--model", "sim/qwen3.5-9b", "--resume",
                 "--primitives", "tool.exec"]) == 2
    assert "nothing to resume" in capsys.readouterr().err
    assert main([*store, "run", "--model", "sim/qwen3.5-9b", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err
