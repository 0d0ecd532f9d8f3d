"""The workspace's disk bounds (skillir.runtime.workspace_disk) in both forms: an overlay
whose upper layer is a limited tmpfs (carried back onto the folder afterwards) and a limited
tmpfs holding a copy of the folder; whatever a command does to the tree inside comes out
the same on the host folder."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from skillir.runtime import workspace_disk

ENFORCED, WHY = workspace_disk.disk_status()
pytestmark = pytest.mark.skipif(not ENFORCED, reason=f"no limited mounts here: {WHY}")

SCRIPT = """
set -e
rm gone.txt
rm -r tree/drop
rm -r replaced && mkdir replaced && echo fresh > replaced/new.txt
rm tree/keep/old.txt
echo changed > tree/keep/edit.txt
mkdir -p made/deep && echo deep > made/deep/f.txt
ln -s tree/keep/edit.txt link
rm file2dir && mkdir file2dir
rm -r dir2file && echo now-a-file > dir2file
chmod 600 tree/keep/edit.txt
"""


def _tree(root: Path) -> None:
    for rel, text in {"gone.txt": "x", "tree/drop/a.txt": "a", "tree/keep/old.txt": "o",
                      "tree/keep/edit.txt": "e", "replaced/old.txt": "r", "file2dir": "f",
                      "dir2file/inner.txt": "i", "untouched.txt": "u"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _listing(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "->" + os.readlink(path)
        elif path.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = path.read_text()
    return out


@pytest.mark.parametrize("form", ["overlay", "copy"])
def test_a_command_s_changes_come_out_exactly(tmp_path, monkeypatch, form):
    if form == "copy":
        monkeypatch.setattr(workspace_disk, "_mount_overlay", lambda *a: None)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ws = tmp_path / "ws"
    ws.mkdir()
    _tree(ws)
    with workspace_disk.limited_disk(str(ws), max_bytes=8 << 20, max_files=200) as used:
        mounts = Path("/proc/self/mountinfo").read_text()
        assert str(ws) in mounts and workspace_disk.SOURCE.decode() in mounts
        assert (form == "overlay") == any(scratch.iterdir())
        subprocess.run(["sh", "-c", SCRIPT], cwd=ws, check=True)
        nbytes, files = used()
        assert 0 < files <= 200 and 0 < nbytes <= 8 << 20
    assert str(ws) not in Path("/proc/self/mountinfo").read_text()
    assert _listing(ws) == {
        "dir2file": "now-a-file\n", "file2dir": "dir", "link": "->tree/keep/edit.txt",
        "made": "dir", "made/deep": "dir", "made/deep/f.txt": "deep\n", "replaced": "dir",
        "replaced/new.txt": "fresh\n", "tree": "dir", "tree/keep": "dir",
        "tree/keep/edit.txt": "changed\n", "untouched.txt": "u"}
    assert (ws / "tree/keep/edit.txt").stat().st_mode & 0o777 == 0o600
    assert list(scratch.iterdir()) == []  # the overlay's upper layer is gone too


def test_limits_hold_and_a_full_workspace_can_still_be_cleaned(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    with workspace_disk.limited_disk(str(ws), max_bytes=4 << 20, max_files=50):
        big = subprocess.run(["sh", "-c", "head -c 10M /dev/zero > big"], cwd=ws,
                             capture_output=True, text=True)
        many = subprocess.run(["sh", "-c", "for i in $(seq 100); do touch f$i || exit 7; done"],
                              cwd=ws, capture_output=True, text=True)
    assert "No space left on device" in big.stderr and many.returncode == 7
    assert (ws / "big").stat().st_size <= 4 << 20 and len(os.listdir(ws)) <= 50
    with workspace_disk.limited_disk(str(ws), max_bytes=4 << 20, max_files=50):  # full now
        subprocess.run(["sh", "-c", "rm -f big f*"], cwd=ws, check=True)
    assert os.listdir(ws) == []


def test_sharing_and_nesting_use_one_mount(tmp_path):
    ws = tmp_path / "ws"
    (ws / "inner").mkdir(parents=True)
    with workspace_disk.limited_disk(str(ws), max_bytes=1 << 20, max_files=20):
        with workspace_disk.limited_disk(str(ws / "inner"), max_bytes=1 << 20, max_files=20):
            with workspace_disk.limited_disk(str(ws), max_bytes=1 << 20, max_files=20):
                (ws / "inner" / "x").write_text("x")
                assert Path("/proc/self/mountinfo").read_text().count(str(ws) + " ") == 1
    assert (ws / "inner" / "x").read_text() == "x"
    assert str(ws) not in Path("/proc/self/mountinfo").read_text()
