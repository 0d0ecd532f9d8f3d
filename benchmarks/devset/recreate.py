#!/usr/bin/env python3
"""Recreate the development-set skill folders from local git mirrors.

labels.json names, for every skill, a public repository, a commit and the
folder of the skill inside it. This script copies each folder out of a local
mirror of that repository into benchmarks/devset/skills/<id>/ (ignored by git:
the fetched skills are never committed).

Mirror layout (the one the workspace's `fetch` tool produces):
    <mirror-root>/<owner>+<name>/repo        a bare git directory
A plain clone (<mirror-root>/<owner>+<name>/.git) or a bare directory directly at
<mirror-root>/<owner>+<name> also works. Repositories that are not present, or
that lack the labelled commit, are skipped with a message.

Usage:
    python3 benchmarks/devset/recreate.py [--mirror /work/.mirror] [--out DIR] [--only ID ...]

Exit status 0 when every present skill was written (skips are not failures);
1 when a present mirror failed to yield a labelled skill.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def git_dir(mirror: Path, repo: str) -> Path | None:
    base = mirror / repo.replace("/", "+")
    for cand in (base / "repo", base / ".git", base):
        if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
            return cand
    return None


def has_commit(gd: Path, commit: str) -> bool:
    r = subprocess.run(["git", "--git-dir", str(gd), "cat-file", "-e", f"{commit}^{{commit}}"],
                       capture_output=True)
    return r.returncode == 0


def extract(gd: Path, commit: str, path: str, dest: Path) -> int:
    """Write the tree <commit>:<path> to dest; return the number of files."""
    path = path.strip("/")
    r = subprocess.run(["git", "--git-dir", str(gd), "archive", "--format=tar", commit, path],
                       capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode(errors="replace").strip() or "git archive failed")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    prefix = path + "/"
    count = 0
    with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tar:
        for member in tar.getmembers():
            if not member.name.startswith(prefix):
                continue
            rel = member.name[len(prefix):]
            if not rel or rel.startswith("/") or ".." in Path(rel).parts:
                continue
            target = dest / rel
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                data = tar.extractfile(member)
                target.write_bytes(data.read() if data else b"")
                if member.mode & 0o111:
                    target.chmod(0o755)
                count += 1
            # symlinks and other entries are skipped on purpose
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirror", default="/work/.mirror", help="root holding <owner>+<name>/repo git dirs")
    ap.add_argument("--labels", default=str(HERE / "labels.json"))
    ap.add_argument("--out", default=str(HERE / "skills"))
    ap.add_argument("--only", nargs="*", help="recreate only these skill ids")
    args = ap.parse_args(argv)

    labels = json.loads(Path(args.labels).read_text(encoding="utf-8"))
    mirror, out = Path(args.mirror), Path(args.out)
    done = skipped = failed = 0
    missing_repos: set[str] = set()
    for skill in labels["skills"]:
        sid = skill["id"]
        if args.only and sid not in args.only:
            continue
        gd = git_dir(mirror, skill["repo"])
        if gd is None:
            if skill["repo"] not in missing_repos:
                print(f"skip: {skill['repo']} is not under {mirror}", file=sys.stderr)
                missing_repos.add(skill["repo"])
            skipped += 1
            continue
        if not has_commit(gd, skill["commit"]):
            print(f"skip: {sid}: commit {skill['commit'][:12]} not in {gd}", file=sys.stderr)
            skipped += 1
            continue
        try:
            n = extract(gd, skill["commit"], skill["path"], out / sid)
        except (RuntimeError, OSError, tarfile.TarError) as exc:
            print(f"error: {sid}: {exc}", file=sys.stderr)
            failed += 1
            continue
        if not (out / sid / "SKILL.md").is_file():
            print(f"error: {sid}: no SKILL.md at {skill['path']}", file=sys.stderr)
            failed += 1
            continue
        done += 1
        print(f"ok: {sid} ({n} files)")
    print(f"recreated {done} skill(s) under {out}; skipped {skipped}; failed {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
