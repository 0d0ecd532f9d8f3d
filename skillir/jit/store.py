"""The JIT store: what the runtime learnt about one skill on one (model, harness), next to
the profile store.

    <root>/<harness>/<model>/<skill-name>-<skill-hash12>/
        state.json        candidates and their counters (skillir.jit/1)
        hints.json        the scheduler's effective concurrency for the skill
        program.mlir      the skill's harness program with a harness.script per promoted
                          candidate (`skillir.jit.rewrite`; rebuilt when promotions change)
        profiles/         a profile store holding the copy recompilation updates (never the
                          shipped profile)
        optimize/<stamp>/ one folder per `skill-jit optimize`: every round's variant, scores,
                          decision and diff

`<root>` is `$SKILLIR_JIT`, else the folder beside the profile store (`~/.skillir/jit` next
to `~/.skillir/profiles`). Writes are atomic; updates of one entry are serialised by a lock
file created with O_EXCL; a state file that is not a regular file, too large, not JSON or not
of this schema is skipped with a warning (a hostile file never takes the others down).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError

ENV_VAR = "SKILLIR_JIT"
STATE = "state.json"
HINTS = "hints.json"
SCHEMA = "skillir.jit/1"
MAX_STATE_BYTES = 4 << 20
LOCK_STALE_S = 60.0

log = logging.getLogger("skillir.jit")


def default_root() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from skillir.profiles.store import default_root as profiles_root

    return profiles_root().parent / "jit"


@dataclass
class Entry:
    """One (skill, model, harness) entry."""

    folder: Path
    skill: str
    skill_hash: str
    model: str
    harness: str
    candidates: list[Any] = field(default_factory=list)
    """`skillir.jit.candidates.Candidate`s."""
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "skill": self.skill, "skill_hash": self.skill_hash,
                "model": self.model, "harness": self.harness,
                "candidates": [c.to_json() for c in self.candidates]}

    def summary(self) -> dict[str, Any]:
        states = [c.state for c in self.candidates]
        return {"skill": self.skill, "skill_hash": self.skill_hash[:12], "model": self.model,
                "harness": self.harness, "candidates": len(states),
                "promoted": states.count("promoted"), "demoted": states.count("demoted"),
                "path": str(self.folder)}


class JitStore:
    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root).expanduser() if root is not None else default_root()

    def folder(self, skill: str, skill_hash: str, model: str, harness: str) -> Path:
        from skillir.profiles.profile import check_component, safe_model
        from skillir.safepaths import safe_component

        name = safe_component(skill, what="skill name")
        return (self.root / check_component(harness, "harness name") /
                check_component(safe_model(model), "model name") / f"{name}-{skill_hash[:12]}")

    def load(self, skill: str, skill_hash: str, model: str, harness: str) -> Entry:
        folder = self.folder(skill, skill_hash, model, harness)
        entry = Entry(folder, skill, skill_hash, model, harness)
        path = folder / STATE
        if path.exists() or path.is_symlink():
            try:
                _fill(entry, read_state(path))
            except SkillIRError as exc:
                entry.warnings.append(f"ignored {path}: {exc}")
                log.warning("jit: ignored %s: %s", path, exc)
        return entry

    def save(self, entry: Entry) -> Path:
        from skillir.atomic import write_text_atomic

        path = entry.folder / STATE
        try:
            write_text_atomic(path, json.dumps(entry.to_json(), indent=1, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise SkillIRError(f"cannot write the JIT state ({exc.strerror})", path=str(path),
                               hint=f"choose a writable folder with {ENV_VAR}") from None
        return path

    @contextlib.contextmanager
    def locked(self, skill: str, skill_hash: str, model: str, harness: str) -> Iterator[Entry]:
        """Load, let the caller change, save: with the entry's lock file held (O_EXCL)."""
        folder = self.folder(skill, skill_hash, model, harness)
        folder.mkdir(parents=True, exist_ok=True)
        lock = folder / "state.lock"
        deadline = time.monotonic() + 30.0
        while True:
            try:
                os.close(os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
                break
            except FileExistsError:
                with contextlib.suppress(OSError):
                    if time.time() - lock.stat().st_mtime > LOCK_STALE_S:
                        lock.unlink()
                        continue
                if time.monotonic() > deadline:
                    raise SkillIRError("the JIT entry is locked by another run", path=str(lock),
                                       hint="wait for it, or delete the lock file if no run is "
                                            "going") from None
                time.sleep(0.02)
        try:
            entry = self.load(skill, skill_hash, model, harness)
            yield entry
            self.save(entry)
        finally:
            with contextlib.suppress(OSError):
                lock.unlink()

    def entries(self, warnings: list[str] | None = None) -> list[Entry]:
        """Every stored entry; unreadable ones are skipped (their reason in `warnings`)."""
        out: list[Entry] = []
        if not self.root.is_dir():
            return out
        for path in sorted(self.root.glob(f"*/*/*/{STATE}")):
            try:
                data = read_state(path)
                entry = Entry(path.parent, str(data["skill"]), str(data["skill_hash"]),
                              str(data["model"]), str(data["harness"]))
                _fill(entry, data)
                out.append(entry)
            except (SkillIRError, KeyError, TypeError, ValueError) as exc:
                if warnings is not None:
                    warnings.append(f"skipped {path}: {exc}")
        return out

    def find(self, selector: str, warnings: list[str] | None = None) -> list[Entry]:
        """Entries whose skill name, hash prefix or folder matches `selector`."""
        return [e for e in self.entries(warnings)
                if selector in (e.skill, e.folder.name) or e.skill_hash.startswith(selector)]

    # -- hints of the scheduler ------------------------------------------------------------
    def hint(self, skill: str, skill_hash: str, model: str, harness: str) -> dict[str, Any]:
        path = self.folder(skill, skill_hash, model, harness) / HINTS
        try:
            return _load_json(path, "scheduler hint")
        except SkillIRError:
            return {}

    def save_hint(self, skill: str, skill_hash: str, model: str, harness: str,
                  hint: dict[str, Any]) -> Path:
        from skillir.atomic import write_text_atomic

        path = self.folder(skill, skill_hash, model, harness) / HINTS
        write_text_atomic(path, json.dumps(hint, indent=1) + "\n")
        return path


def _load_json(path: Path, what: str) -> dict[str, Any]:
    from skillir.datafiles import check_nesting, parse_json
    from skillir.untrusted import read_text_file

    text = read_text_file(path, limit=MAX_STATE_BYTES, what=what)
    check_nesting(text, source=str(path))
    data = parse_json(text, source=str(path))
    if not isinstance(data, dict):
        raise SkillIRError(f"the {what} is not a JSON object", path=str(path))
    return data


def read_state(path: Path) -> dict[str, Any]:
    """A state file, bounded and checked (a one-line SkillIRError otherwise)."""
    data = _load_json(path, "JIT state")
    if data.get("schema") != SCHEMA:
        raise SkillIRError(f"not a JIT state (schema {data.get('schema')!r}, expected {SCHEMA})",
                           path=str(path), hint="delete it with skill-jit clear")
    if not isinstance(data.get("candidates"), list):
        raise SkillIRError("JIT state has no candidate list", path=str(path))
    return data


def _fill(entry: Entry, data: dict[str, Any]) -> None:
    from skillir.jit.candidates import Candidate

    for raw in data["candidates"]:
        try:
            entry.candidates.append(Candidate.from_json(raw))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            entry.warnings.append(f"skipped a malformed candidate ({type(exc).__name__}: {exc})")


def skill_key(bundle: Any) -> tuple[str, str]:
    """(name, sha256) of a `SkillBundle` (the content that runs)."""
    return bundle.name, bundle.sha256
