"""benchmarks/crawl_from_mirrors.py (the census benchmark's crawl, made from local git
mirrors): every SKILL.md folder of every mirror's HEAD is written with its subtree and
listed, files outside skills are not, and a blob the mirror lacks is skipped, not fatal."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

from corpus_paths import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _module():
    spec = importlib.util.spec_from_file_location("crawl_from_mirrors", ROOT / "benchmarks" / "crawl_from_mirrors.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclass looks its module up while it is made)
    spec.loader.exec_module(module)
    return module


def _git(*args: str, cwd) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def _mirror(root, name: str, files: dict[str, str]):
    """A bare mirror <root>/<name>/repo of a one-commit repository holding `files`."""
    work = root / "work" / name
    work.mkdir(parents=True)
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text)
    _git("init", "-q", cwd=work)
    _git("add", ".", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "skills", cwd=work)
    bare = root / "mirrors" / name / "repo"
    bare.parent.mkdir(parents=True)
    _git("clone", "-q", "--bare", str(work), str(bare), cwd=root)
    return bare


def test_every_skill_folder_is_written_and_listed(tmp_path):
    _mirror(tmp_path, "a+skills", {
        "README.md": "not a skill\n",
        "skills/pdf/SKILL.md": "---\nname: pdf\n---\n",
        "skills/pdf/scripts/fill.py": "import pypdf\n",
        "skills/pdf/inner/SKILL.md": "---\nname: inner\n---\n",
    })
    _mirror(tmp_path, "b+one", {"SKILL.md": "---\nname: one\n---\n"})
    out = tmp_path / "crawl"
    assert _module().main(["--mirrors", str(tmp_path / "mirrors"), "--out", str(out)]) == 0
    listed = (out / "skills.txt").read_text().split()
    assert listed == [str(out / "a+skills/skills/pdf"), str(out / "a+skills/skills/pdf/inner"), str(out / "b+one")]
    assert (out / "a+skills/skills/pdf/scripts/fill.py").read_text() == "import pypdf\n"
    assert not (out / "a+skills/README.md").exists()  # outside every skill


def test_a_blob_the_mirror_lacks_is_skipped(tmp_path):
    bare = _mirror(tmp_path, "c+big", {"big/SKILL.md": "---\nname: big\n---\n", "big/data.json": "{}\n"})
    blob = _git("rev-parse", "HEAD:big/data.json", cwd=bare)
    _git("repack", "-a", "-d", "-q", cwd=bare)
    for pack in (bare / "objects" / "pack").glob("*.pack"):  # rewrite the pack without that blob
        kept = _git("rev-list", "--objects", "--all", cwd=bare).split("\n")
        objects = "\n".join(line.split()[0] for line in kept if not line.startswith(blob)) + "\n"
        subprocess.run(["git", "pack-objects", "-q", str(bare / "objects" / "pack" / "new")], cwd=bare,
                       input=objects, text=True, check=True, capture_output=True)
        pack.unlink()
        pack.with_suffix(".idx").unlink()
    module = _module()
    counts = module.Counts()
    folders = module.extract_repo(bare, tmp_path / "out", counts)
    assert folders == [tmp_path / "out" / "big"]
    assert (counts.skills, counts.files, counts.missing) == (1, 1, 1)
    assert (tmp_path / "out" / "big" / "SKILL.md").is_file() and not (tmp_path / "out" / "big" / "data.json").exists()


def test_a_missing_mirror_folder_is_a_one_line_error(tmp_path, capsys):
    assert _module().main(["--mirrors", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "is not a folder of mirrors" in capsys.readouterr().err
