"""Backends: what each target loads, emitted from IR. One file per target; registered
lazily by name (`-t NAME` in skill-opt).

A stream backend is `emit(module, out: IO[str])` and writes one text (markdown,
env-setup.sh). A folder backend (the harness backends) is `emit_dir(module, folder,
options)` and fills a folder; skill-opt writes it to a temporary folder and renames it
into place.
"""

from collections.abc import Callable
from typing import IO, Any

from xdsl.dialects.builtin import ModuleOp

Emitter = Callable[[ModuleOp, IO[str]], None]

_STREAM_BACKENDS: dict[str, tuple[str, str]] = {
    "markdown": ("skillir.backends.markdown", "emit"),
    "env-setup": ("skillir.backends.env_setup", "emit"),
}
"""Name -> (module, function). Backends whose module is not there (yet) are not offered."""

_FOLDER_BACKENDS: dict[str, tuple[str, str]] = {
    "bare-agent": ("skillir.backends.bare_agent", "emit_dir"),
    "claude-code": ("skillir.backends.claude_code", "emit_dir"),
    "codex": ("skillir.backends.codex", "emit_dir"),
    "opencode": ("skillir.backends.opencode", "emit_dir"),
    "openclaw": ("skillir.backends.openclaw", "emit_dir"),
    "hermes": ("skillir.backends.hermes", "emit_dir"),
}


def _available(table: dict[str, tuple[str, str]]) -> dict[str, Callable[[], Any]]:
    import importlib
    import importlib.util

    def loader(module: str, attr: str) -> Callable[[], Any]:
        return lambda: getattr(importlib.import_module(module), attr)

    return {
        name: loader(module, attr)
        for name, (module, attr) in table.items()
        if importlib.util.find_spec(module) is not None
    }


def get_all_backends() -> dict[str, Callable[[], Emitter]]:
    """Every stream backend by name, each imported only when asked for."""
    return _available(_STREAM_BACKENDS)


def get_folder_backends() -> dict[str, Callable[[], Any]]:
    """Every folder (harness) backend by name."""
    return _available(_FOLDER_BACKENDS)
