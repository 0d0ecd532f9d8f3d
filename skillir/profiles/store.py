"""Where profiles live, and how a compile target finds its profile.

Two sources, user profiles first:

- the user store, `<root>/<harness>/<model>/latest.json` with a
  `v_<YYYYMMDDTHHMMSSZ>.json` snapshot per save (SkVM's layout; '/' in a model name
  becomes '--'). `<root>` is, in order: the `root` argument (a `--profiles-dir`
  flag), the `SKILLIR_PROFILES` environment variable, `~/.skillir/profiles`.
  Writes are atomic; a corrupt file is a one-line error naming it.
- the reference profiles shipped in the package (`skillir/data/profiles/<harness>/
  <model>.json`): the published SkVM vectors and a few synthetic ones. They need no
  user store.

```python
from skillir.profiles.store import resolve_target
found = resolve_target("claude-code/opus-4.6")
found.profile.target   # 'bare-agent/opus-4.6'
found.warning          # "no profile for claude-code/opus-4.6; using bare-agent/opus-4.6 ..."
```
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from skillir.datafiles import load_data
from skillir.errors import SkillIRError
from skillir.profiles.profile import (
    Profile,
    check_component,
    model_key,
    read_profile,
    safe_model,
)

ENV_VAR = "SKILLIR_PROFILES"
LATEST = "latest.json"
FALLBACK_HARNESS_ORDER = ("bare-agent", "openclaw", "opencode", "claude-code", "codex", "hermes")
"""When a model has no profile for the harness asked for, the first of these that
has one stands in (then any other, alphabetically)."""

log = logging.getLogger("skillir.capability")


def default_root() -> Path:
    """The user store root: $SKILLIR_PROFILES, else ~/.skillir/profiles."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    home = os.path.expanduser("~")  # what Path.home() reads, made into one Path below
    if home.startswith("~"):
        return Path.home() / ".skillir" / "profiles"  # pathlib's own error: no home
    return Path(home, ".skillir", "profiles")


@dataclass(frozen=True)
class ProfileInfo:
    """One listed profile: its target, what it is and where it lives."""

    harness: str
    model: str
    kind: str
    """'user', 'reference' or 'synthetic'."""
    profile: Profile
    location: str

    @property
    def target(self) -> str:
        return f"{self.harness}/{self.model}"


class ProfileStore:
    """The user's profile folder (created on first save; reading never needs it)."""

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root).expanduser() if root is not None else default_root()

    def folder(self, harness: str, model: str) -> Path:
        return self.root / check_component(harness, "harness name") / safe_model(model)

    def load(self, harness: str, model: str) -> Profile | None:
        """The latest profile of (harness, model), or None when there is none."""
        if not _may_be_file(os.path.join(self.root, check_component(harness, "harness name"),
                                         safe_model(model), LATEST)):
            return None
        path = self.folder(harness, model) / LATEST
        if not path.is_file():
            return None
        return read_profile(path)

    def save(self, profile: Profile, *, timestamp: float | None = None) -> Path:
        """Write a `v_<timestamp>.json` snapshot and replace `latest.json`, both
        atomically. Returns the snapshot path."""
        from skillir.atomic import write_text_atomic

        check_component(profile.harness, "harness name")
        folder = self.folder(profile.harness, profile.model)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(timestamp))
        text = profile.to_json()
        try:
            snapshot = _reserve_snapshot(folder, stamp)
            write_text_atomic(snapshot, text)
            write_text_atomic(folder / LATEST, text)
        except OSError as exc:
            raise SkillIRError(f"cannot write the profile ({exc.strerror})", path=str(folder),
                               hint=f"choose a writable folder with --profiles-dir or {ENV_VAR}") from None
        return snapshot

    def snapshots(self, harness: str, model: str) -> list[Path]:
        folder = self.folder(harness, model)
        return sorted(folder.glob("v_*.json")) if folder.is_dir() else []

    def entries(self) -> Iterator[tuple[str, Path]]:
        """(harness, latest.json path) of every stored profile."""
        if not self.root.is_dir():
            return
        for harness_dir in sorted(self.root.iterdir()):
            if not harness_dir.is_dir():
                continue
            for model_dir in sorted(harness_dir.iterdir()):
                latest = model_dir / LATEST
                if latest.is_file():
                    yield harness_dir.name, latest

    def profiles(self, errors: list[SkillIRError] | None = None) -> list[Profile]:
        """Every stored profile. A corrupt file raises, unless `errors` is given:
        then it is skipped and its error appended there."""
        out: list[Profile] = []
        for _, path in self.entries():
            try:
                out.append(read_profile(path))
            except SkillIRError as exc:
                if errors is None:
                    raise
                errors.append(exc)
            except (RecursionError, ValueError, OSError) as exc:  # a hostile file never takes the rest down
                error = SkillIRError(f"unreadable profile ({type(exc).__name__})", path=str(path),
                                     hint="delete or re-import it")
                if errors is None:
                    raise error from None
                errors.append(error)
        return out


def _may_be_file(name: str) -> bool:
    """False when `Path(name).is_file()` is False because nothing is there (it is asked
    on every compile, and usually there is no user profile): one stat of the joined
    string, as pathlib's joins cost more than the stat. The kernel resolves the name as
    it resolves pathlib's normalised one (its components hold no '/'). Any other error
    answers True: pathlib then decides, and raises what it raises."""
    try:
        return stat.S_ISREG(os.stat(name).st_mode)
    except (FileNotFoundError, NotADirectoryError):  # errors pathlib reads as "no file"
        return False
    except (OSError, ValueError):
        return True


def _reserve_snapshot(folder: Path, stamp: str) -> Path:
    """A snapshot name nobody else holds: created exclusively (O_EXCL), so concurrent
    saves within the same second each get their own `v_<stamp>[_N].json`."""
    folder.mkdir(parents=True, exist_ok=True)
    for counter in range(1, 100_000):
        path = folder / (f"v_{stamp}.json" if counter == 1 else f"v_{stamp}_{counter}.json")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        return path
    raise SkillIRError("too many snapshots in one second", path=str(folder))


@cache
def reference_profiles() -> tuple[Profile, ...]:
    """The profiles shipped with SkillIR (published vectors and synthetic ones)."""
    base = resources.files("skillir.data").joinpath("profiles")
    out: list[Profile] = []
    for harness_dir in sorted(base.iterdir(), key=lambda p: p.name):
        if not harness_dir.is_dir():
            continue
        for item in sorted(harness_dir.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".json"):
                name = f"profiles/{harness_dir.name}/{item.name}"
                out.append(Profile.from_checked(load_data(name), path=f"skillir/data/{name}"))
    return tuple(out)


def recorded_profile(path: str) -> Profile:
    """The profile a bound `cap.profile`'s `path` names: a shipped one (recorded as
    `skillir/data/profiles/...`) from the package, wherever the compiler runs; any
    other path from its file."""
    if path.startswith("skillir/data/profiles/"):
        for profile in reference_profiles():
            if profile.path == path:
                return profile
    return read_profile(path)


def list_profiles(store: ProfileStore | None = None,
                  errors: list[SkillIRError] | None = None) -> list[ProfileInfo]:
    """Every profile a target can resolve to: the user's, then the shipped ones
    that no user profile of the same target replaces. Corrupt user files are
    skipped into `errors` when it is given (else they raise)."""
    return [info for _, info in _keyed_profiles(store or ProfileStore(), errors)]


def _keyed_profiles(store: ProfileStore,
                    errors: list[SkillIRError] | None) -> list[tuple[tuple[str, str], ProfileInfo]]:
    """`list_profiles`, each with its (harness, model key)."""
    keyed: list[tuple[tuple[str, str], ProfileInfo]] = []
    seen: set[tuple[str, str]] = set()
    for profile in store.profiles(errors):
        key = (profile.harness, model_key(profile.model))
        seen.add(key)
        keyed.append((key, ProfileInfo(profile.harness, profile.model, "user", profile, profile.path or "")))
    keyed.extend(item for item in _reference_infos() if item[0] not in seen)
    return keyed


@cache
def _reference_infos() -> tuple[tuple[tuple[str, str], ProfileInfo], ...]:
    """(harness, model key) and listing of each shipped profile, made once as the
    profiles are read once (`reference_profiles`)."""
    out = []
    for profile in reference_profiles():
        kind = "synthetic" if profile.synthetic else "reference"
        info = ProfileInfo(profile.harness, profile.model, kind, profile, profile.path or "")
        out.append(((profile.harness, model_key(profile.model)), info))
    return tuple(out)


def split_target(target: str) -> tuple[str, str]:
    """'harness/model' -> (harness, model); the model may itself contain '/'."""
    harness, sep, model = target.strip().partition("/")
    if not sep or not harness or not model:
        raise SkillIRError(f"bad target '{target}'",
                           hint="write it as harness/model, e.g. bare-agent/qwen3.5-9b")
    return harness, model


def looks_like_path(target: str) -> bool:
    return target.endswith(".json") or target.startswith((".", "/", "~")) or os.sep + os.sep in target


@dataclass(frozen=True)
class Resolution:
    """The profile a target resolved to, and a warning when another harness's
    profile of the same model stands in."""

    requested: str
    profile: Profile
    warning: str | None = None

    @property
    def fallback(self) -> bool:
        return self.warning is not None


def resolve_target(target: str, *, store: ProfileStore | None = None,
                   warn: bool = False) -> Resolution:
    """Find the profile to compile `target` ('harness/model', or a profile file) for.

    Exact (harness, model) first, user store before shipped profiles; model names
    match ignoring provider prefixes and a 'claude-' prefix. When the harness has no
    profile of that model, the model's profile from another harness is used and
    `warning` says which. An unknown model is a SkillIRError listing the profiles
    there are. With `warn=True` the warning is also logged (logger
    'skillir.capability'; printed to stderr when logging is not configured).
    """
    if looks_like_path(target) or Path(target).is_file():
        profile = read_profile(Path(target).expanduser())
        return Resolution(target, profile)
    harness, model = split_target(target)
    store = store or ProfileStore()
    store.load(harness, model)  # the exact profile's own file must not be corrupt
    keyed = _keyed_profiles(store, errors=[])  # other corrupt files do not block this target
    key = model_key(model)
    same_model = [info for (_, info_key), info in keyed if info_key == key]
    exact = [i for i in same_model if i.harness == harness]
    if exact:
        return Resolution(target, exact[0].profile)
    if same_model:
        rank = {h: n for n, h in enumerate(FALLBACK_HARNESS_ORDER)}
        chosen = min(same_model, key=lambda i: (rank.get(i.harness, len(rank)), i.harness))
        others = sorted({i.harness for i in same_model})
        message = (
            f"no {harness} profile of {model}; using {chosen.target} ({chosen.kind}, "
            f"{chosen.profile.date or 'undated'}) instead. Profiles are per harness: profile "
            f"{harness} to replace it (available harnesses for this model: {', '.join(others)})"
        )
        if warn:
            log.warning("warning: %s", message)
        return Resolution(target, chosen.profile, message)
    available = ", ".join(info.target for _, info in keyed) or "none"
    raise SkillIRError(
        f"no capability profile for model '{model}' (target '{target}')",
        hint=f"available profiles: {available}; import one with 'skill-profile import FILE'",
    )


def load_profile(target: str, *, store: ProfileStore | None = None) -> Profile:
    """The profile of exactly `target` (or a profile file), with no fallback."""
    found = resolve_target(target, store=store)
    if found.fallback:
        raise SkillIRError(f"no profile for exactly '{target}'", hint=found.warning)
    return found.profile


def import_profile(path: str | os.PathLike[str], *, store: ProfileStore | None = None,
                   harness: str | None = None, model: str | None = None,
                   source: str | None = None) -> tuple[Profile, Path]:
    """Validate a SkVM profile file and save it in the user store (as latest and a
    snapshot). `harness`, `model` and `source` override the file's own values."""
    from dataclasses import replace

    profile = read_profile(path)
    changes: dict[str, object] = {}
    if harness:
        changes["harness"] = check_component(harness, "harness name")
    if model:
        changes["model"] = model
    changes["source"] = source or profile.source or f"imported from {Path(path).name}"
    profile = replace(profile, **changes)
    store = store or ProfileStore()
    snapshot = store.save(profile)
    return profile.with_path(str(snapshot.parent / LATEST)), snapshot
