"""Run a SkillsBench task's reference solution (`solution/solve.sh`) outside its Docker image.

The importer copies this file into the task's `REFERENCE/` folder, beside the solution as
shipped, the task's skills (`skills/<name>/`) and `skill-places.txt` (where the Dockerfile
puts the skills, relative to the workspace). `REFERENCE/run.sh` runs it from the workspace
root; it uses the standard library only, since it runs with the task's own interpreter.

What the image gives the solution and this gives it here:

- the image's `/root/`, `/app/` and `/workspace/` are the workspace: those paths in the
  solution's text files become the workspace's absolute path (absolute, so a `cd` in the
  solution keeps working, and inside quoted heredocs too, since the text is rewritten before
  bash reads it); `/solution/` becomes the rewritten copy of this folder (made in a temporary
  folder, so `REFERENCE/` itself stays as shipped and may be read-only);
- the skills are where the Dockerfile copied them (`.claude/skills/<name>/`, `skills/<name>/`
  ...): placed there for the run when missing and removed afterwards, so graders see only
  what the solution wrote.

    python3 harbor_reference.py REFERENCE_DIR WORKSPACE
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IMAGE = re.compile(r"(?<![\w.:/~-])/(?:root|app|workspace)(?![\w.-])")
SOLUTION = re.compile(r"(?<![\w.:/~-])/solution(?![\w.-])")
PLACES = "skill-places.txt"
SKIP = {"run.sh", Path(__file__).name}


def rewrite(folder: Path, workspace: str) -> None:
    """The image's paths in every text file under `folder`, in place."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new = SOLUTION.sub(lambda m: str(folder), IMAGE.sub(lambda m: workspace, text))
        if new != text:
            path.write_text(new, encoding="utf-8")


def place_skills(ref: Path, workspace: Path) -> list[Path]:
    """Copy `ref/skills/<name>/` (`ref`: the rewritten copy) to each place the Dockerfile puts skills, where missing;
    returns what was created (outermost folders), for removal afterwards."""
    places = ref / PLACES
    skills = sorted(p for p in (ref / "skills").glob("*") if p.is_dir()) \
        if (ref / "skills").is_dir() else []
    created: list[Path] = []
    if not places.is_file():
        return created
    for line in places.read_text(encoding="utf-8").splitlines():
        rel = line.strip().strip("/")
        if not rel or rel.startswith("..") or "/../" in f"/{rel}/":
            continue
        base = workspace / rel
        top = workspace / Path(rel).parts[0]
        new_top = not top.exists()
        for skill in skills:
            target = base / skill.name
            if target.exists():
                continue
            shutil.copytree(skill, target)
            if not new_top:
                created.append(target)
        if new_top and top.exists():
            created.append(top)
    return created


def main(argv: list[str]) -> int:
    ref, workspace = Path(argv[1]).resolve(), Path(argv[2]).resolve()
    run = Path(tempfile.mkdtemp(prefix="harbor-ref-"))
    placed: list[Path] = []
    try:
        shutil.copytree(ref, run, dirs_exist_ok=True,
                        ignore=lambda d, names: [n for n in names if n in SKIP and d == str(ref)])
        rewrite(run, str(workspace))
        placed = place_skills(run, workspace)
        return subprocess.run(["bash", str(run / "solve.sh")], cwd=workspace,
                              check=False).returncode
    finally:
        for path in placed:
            shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(run, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
