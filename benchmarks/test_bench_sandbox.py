"""What a sandboxed command costs (medians): `true` with the workspace disk bounds enforced
(tmpfs mounted, filled and synced back around the command) and without them, for an
empty workspace and for one holding 1,000 files (4 MiB)."""

from __future__ import annotations

import pytest

from skillir.runtime.sandbox import Limits, Sandbox, bwrap_status

pytestmark = pytest.mark.skipif(not bwrap_status()[0], reason="bubblewrap is not usable here")


def _box(tmp_path, files: int, bounded: bool) -> Sandbox:
    ws = tmp_path / "ws"
    ws.mkdir()
    for i in range(files):
        (ws / f"f{i}.txt").write_bytes(b"x" * 4096)
    limits = Limits() if bounded else Limits(workspace_bytes=0, workspace_files=0)
    box = Sandbox(ws, limits, isolation="bwrap")
    box.adopt()
    return box


@pytest.mark.parametrize("files", [0, 1000])
@pytest.mark.parametrize("bounded", [True, False], ids=["disk-bounds", "no-disk-bounds"])
def test_command_cost(benchmark, tmp_path, files, bounded):
    box = _box(tmp_path, files, bounded)
    assert box.disk_limits in (("enforced", "checked") if bounded else ("none",))
    benchmark.extra_info.update({"disk_limits": box.disk_limits, "files": files})
    res = benchmark.pedantic(box.run, args=("true",), rounds=15, iterations=1, warmup_rounds=1)
    assert res.exit_code == 0
