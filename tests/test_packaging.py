"""Every Python package in the source tree is found by pyproject.toml, so a normal
(non-editable) install ships it; package data files are declared."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_is_found():
    """pyproject finds packages with setuptools (include = skillir*): every folder of
    Python files must be a package, or a normal install would leave it out."""
    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set(find_packages(str(ROOT), include=config["packages"]["find"]["include"]))
    folders = {".".join(py.parent.relative_to(ROOT).parts)
               for py in (ROOT / "skillir").rglob("*.py") if "__pycache__" not in py.parts}
    assert {"skillir.passes", "skillir.backends", "skillir.profiles", "skillir.deps"} <= folders
    assert folders <= found, f"add an __init__.py to: {sorted(folders - found)}"


def test_data_files_are_declared():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["skillir"]
    files = [p for p in (ROOT / "skillir" / "data").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(files) >= 20 and any(p.parent.name == "schemas" for p in files)
    for path in files:
        rel = path.relative_to(ROOT / "skillir")
        assert any(rel.match(p) for p in patterns), f"declare {rel} in package-data"
