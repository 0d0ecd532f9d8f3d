#!/usr/bin/env python3
"""Make a crawl of public skills for the census benchmark from local git mirrors.

Every folder that holds a SKILL.md in the HEAD of every mirror under MIRRORS (the
layout the workspace's `fetch` tool makes: <MIRRORS>/<owner>+<name>/repo, a bare git
directory; a plain clone's .git works too) is written, with its whole subtree, to
<OUT>/<owner>+<name>/<path>, and the folders are listed one per line in <OUT>/skills.txt,
the file `SKILLIR_CENSUS_CRAWL` names for `benchmarks/test_bench_census.py`:

    python3 benchmarks/crawl_from_mirrors.py --mirrors /work/.mirror --out /tmp/crawl
    SKILLIR_CENSUS_CRAWL=/tmp/crawl/skills.txt make bench

A mirror may lack its largest blobs (`git archive` stops at the first one); those
files are skipped and counted, the rest of the skill is written. A crawl repeats
skills (forks, vendored copies, collections of collections), as the paper's crawl did.
The fetched files are never committed: this script is what recreates them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Counts:
    skills: int = 0
    files: int = 0
    missing: int = 0


def git_dir(repo: Path) -> Path | None:
    for cand in (repo / "repo", repo / ".git", repo):
        if (cand / "HEAD").is_file() and (cand / "objects").is_dir():
            return cand
    return None


def _blobs(gd: Path) -> list[tuple[str, str]]:
    """(path, object id) of every regular file of HEAD (symlinks left out)."""
    listing = subprocess.run(["git", "--git-dir", str(gd), "ls-tree", "-r", "-z", "--full-tree", "HEAD"],
                             capture_output=True, check=False).stdout
    out = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob" and mode != b"120000":
            out.append((path.decode("utf-8", "replace"), oid.decode()))
    return out


def _skill_roots(paths: list[str]) -> set[str]:
    """The folders ("" for the top) that hold a SKILL.md, each with a trailing slash."""
    return {path[: -len("SKILL.md")] for path in paths if path == "SKILL.md" or path.endswith("/SKILL.md")}


def _in_a_skill(path: str, roots: set[str]) -> bool:
    parts = path.split("/")
    return any("/".join(parts[:i]) + ("/" if i else "") in roots for i in range(len(parts)))


def extract_repo(gd: Path, dest: Path, counts: Counts) -> list[Path]:
    """Write the skill folders of one mirror's HEAD under `dest`; return the folders."""
    blobs = _blobs(gd)
    roots = _skill_roots([path for path, _ in blobs])
    if not roots:
        return []
    counts.skills += len(roots)
    wanted = [(path, oid) for path, oid in blobs if _in_a_skill(path, roots)]
    batch = subprocess.Popen(["git", "--git-dir", str(gd), "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    try:
        for path, oid in wanted:
            batch.stdin.write(oid.encode() + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline()
            if header.endswith(b" missing\n"):
                counts.missing += 1  # a blob the mirror does not hold
                continue
            data = batch.stdout.read(int(header.split()[2]))
            batch.stdout.read(1)  # the newline after the content
            target = dest / path
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                counts.files += 1
            except OSError:
                counts.missing += 1  # a path this file system refuses
    finally:
        batch.stdin.close()
        batch.wait()
        batch.stdout.close()
    return [dest / root.rstrip("/") if root else dest for root in sorted(roots)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"), help="folder of mirrors")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the crawl into")
    args = parser.parse_args(argv)
    if not args.mirrors.is_dir():
        print(f"crawl_from_mirrors: {args.mirrors} is not a folder of mirrors (--mirrors)", file=sys.stderr)
        return 2
    counts = Counts()
    folders: list[Path] = []
    for repo in sorted(p for p in args.mirrors.iterdir() if p.is_dir()):
        gd = git_dir(repo)
        if gd is not None:
            folders += extract_repo(gd, args.out / repo.name, counts)
    args.out.mkdir(parents=True, exist_ok=True)
    listing = args.out / "skills.txt"
    listing.write_text("".join(f"{folder}\n" for folder in folders))
    print(f"{counts.skills} skills, {counts.files} files written, {counts.missing} skipped; list in {listing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
