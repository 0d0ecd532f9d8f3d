"""papers/skillrt: every figure and table script runs (on a tiny simulated matrix), writes
its file, and REPRODUCTION.md says for each what matched and what is simulated."""

from __future__ import annotations

import json
import subprocess
import sys

from corpus_paths import ROOT

PAPERS = ROOT / "papers" / "skillrt"


def test_every_script_runs_and_reproduction_md_labels_each(tmp_path):
    proc = subprocess.run([sys.executable, str(PAPERS / "run_all.py"), "--quick", "--out",
                           str(tmp_path), "-j", "1"], capture_output=True, text=True,
                          timeout=1800, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    entries = [json.loads(f.read_text()) for f in sorted((tmp_path / "results").glob("*.json"))]
    names = {e["name"] for e in entries}
    assert names >= {"table1", "fig02", "fig03", "fig09", "fig10", "fig12", "fig13", "fig14",
                     "fig15", "fig16", "calibration"}
    kinds = {"simulated", "measured", "measured + simulated", "static"}
    statuses = {"matched", "partly matched", "differed", "not reproduced"}
    for e in entries:
        assert e["kind"] in kinds and e["status"] in statuses and e["text"], e["name"]
        for f in e["files"]:
            assert (tmp_path / f).is_file() or f.endswith("calibration.json"), f
    md = (tmp_path / "REPRODUCTION.md").read_text()
    assert md.count("\n## ") == len(entries)
    for e in entries:
        if e["kind"] == "simulated":
            section = md.split(e["figure"], 1)[1].split("\n## ", 1)[0]
            assert "(simulated)" in md.split(e["figure"], 1)[1].splitlines()[0]
            assert "imulat" in section  # the text itself says so
    fig10 = next(e for e in entries if e["name"] == "fig10")
    assert set(fig10["numbers"]["means"]["qwen3.5-9b"]) == {"no-skill", "original", "compiled",
                                                            "compiled-null"}
    calib = next(e for e in entries if e["name"] == "calibration")["numbers"]
    assert calib["best_fit"]["loss"] <= calib["shipped"]["loss"]
    assert calib["null_setting"]["stats"]["gain_pp"] <= calib["shipped"]["stats"]["gain_pp"]
