"""A skill as the runtime sees it: the SKILL.md text to inject, its bundled files to place in
the workspace, and (for a compiled skill, issue 6's output folder) its env-setup.sh and
compile-report.json.

Bundled files are copied to `skills/<name>/` in the workspace (SkVM's discover-mode layout), and
the system prompt tells the model where they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError
from skillir.frontend.bundle import list_bundle, locate
from skillir.frontend.frontmatter import split_front_matter

ENV_SETUP = "env-setup.sh"
COMPILE_REPORT = "compile-report.json"
MAX_BUNDLE_BYTES = 64 << 20


@dataclass(frozen=True)
class SkillBundle:
    """A skill ready to run: `kind` is "original" (`--skill`) or "compiled" (`--compiled`)."""

    kind: str
    folder: Path
    name: str
    description: str
    content: str
    sha256: str
    files: tuple[str, ...]
    env_setup: Path | None = None
    compile_report: dict[str, Any] | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def workspace_dir(self) -> str:
        """Where the bundle lands, relative to the workspace."""
        return f"skills/{self.name}"

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "path": str(self.folder), "name": self.name,
                               "sha256": self.sha256, "bytes": len(self.content.encode()),
                               "files": len(self.files),
                               "env_setup": str(self.env_setup) if self.env_setup else None}
        if self.compile_report is not None:
            out["compile_report"] = {k: self.compile_report[k]
                                     for k in ("target", "passes", "skill", "version")
                                     if k in self.compile_report}
        return out

    def install(self, workspace: Path) -> Path:
        """Copy the bundled files (not SKILL.md, env-setup.sh or compile-report.json) to
        `workspace/skills/<name>/`; returns that folder."""
        dest = workspace / self.workspace_dir
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "SKILL.md").write_text(self.content, encoding="utf-8")
        for rel in self.files:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.folder / rel, target, follow_symlinks=True)
            if os.access(self.folder / rel, os.X_OK):
                target.chmod(0o755)
        return dest


def _safe_name(raw: object, fallback: str) -> str:
    text = str(raw or "").strip() or fallback
    cleaned = "".join(c if c.isalnum() or c in "-_." else "-" for c in text).strip("-.")
    return cleaned or "skill"


def load_skill_bundle(path: str | os.PathLike[str], *, compiled: bool = False) -> SkillBundle:
    """Read a skill folder (or a compiled output folder) for the runtime.

    A folder written by `skill-opt --target=H/M -o OUT` keeps compile-report.json at
    its top and the skill in the harness's layout (`skill_dir` in the report); the
    skill folder there is what runs, with the report from the top."""
    top_report = Path(path) / COMPILE_REPORT
    if compiled and top_report.is_file() and not (Path(path) / "SKILL.md").is_file():
        try:
            skill_dir = json.loads(top_report.read_text(encoding="utf-8")).get("skill_dir")
        except (OSError, json.JSONDecodeError, AttributeError):
            skill_dir = None
        if not skill_dir:
            raise SkillIRError("compile-report.json names no skill_dir", path=str(top_report),
                               hint="recompile the skill with skill-opt --target=HARNESS/MODEL -o DIR")
        bundle = load_skill_bundle(Path(path) / skill_dir, compiled=False)
        report = json.loads(top_report.read_text(encoding="utf-8"))
        return SkillBundle(kind="compiled", folder=bundle.folder, name=bundle.name,
                           description=bundle.description, content=bundle.content, sha256=bundle.sha256,
                           files=bundle.files, env_setup=bundle.env_setup, compile_report=report,
                           warnings=bundle.warnings)
    source = locate(path)
    label = source.label
    warnings: list[tuple[int, str]] = []
    fm = split_front_matter(source.data, label)
    name = _safe_name(fm.data.get("name"), source.folder.resolve().name)
    description = str(fm.data.get("description") or "")
    content = source.data.decode("utf-8")
    bundled = list_bundle(source, warnings)
    total = sum(f.size for f in bundled)
    if total > MAX_BUNDLE_BYTES:
        raise SkillIRError(f"the skill's bundled files total {total} bytes (limit "
                           f"{MAX_BUNDLE_BYTES})", path=str(source.folder),
                           hint="remove large data files from the skill folder")
    skip = {ENV_SETUP, COMPILE_REPORT}
    files = tuple(f.path for f in bundled if f.path not in skip)
    env_setup = source.folder / ENV_SETUP
    report: dict[str, Any] | None = None
    report_path = source.folder / COMPILE_REPORT
    if report_path.is_file():
        try:
            loaded = json.loads(report_path.read_text(encoding="utf-8"))
            report = loaded if isinstance(loaded, dict) else {"value": loaded}
        except (OSError, json.JSONDecodeError) as exc:
            raise SkillIRError(f"compile-report.json is not valid JSON ({exc})",
                               path=str(report_path),
                               hint="recompile the skill with skill-opt") from None
    elif compiled:
        warnings.append((0, "compiled skill folder has no compile-report.json"))
    return SkillBundle(kind="compiled" if compiled else "original", folder=source.folder,
                       name=name, description=description, content=content,
                       sha256=hashlib.sha256(source.data).hexdigest(), files=files,
                       env_setup=env_setup if env_setup.is_file() else None,
                       compile_report=report, warnings=tuple(m for _, m in warnings))
