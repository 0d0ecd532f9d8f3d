"""Backends: what each target loads, emitted from IR. One file per target; registered
lazily by name (`-t NAME` in skill-opt).

A stream backend is `emit(module, out: IO[str])` and writes one text (markdown,
env-setup.sh). A folder backend is an xdsl `Target`-style object with options
(`skillir.backends.harness_folder.HarnessFolderTarget`, one per harness, differing only
by the harness table's data) whose `emit_dir(module, folder)` fills a folder;
skill-opt writes it to a temporary folder and renames it into place. Registry entries
are small functions with a real import inside.
"""

from collections.abc import Callable
from typing import IO, Any

from xdsl.dialects.builtin import ModuleOp

Emitter = Callable[[ModuleOp, IO[str]], None]


def _markdown() -> Emitter:
    from skillir.backends.markdown import emit

    return emit


def _env_setup() -> Emitter:
    from skillir.backends.env_setup import emit

    return emit


_STREAM_BACKENDS: dict[str, Callable[[], Emitter]] = {"markdown": _markdown, "env-setup": _env_setup}


def _harness_folder(harness: str) -> Callable[[], Any]:
    def entry() -> Any:
        from skillir.backends.harness_folder import HarnessFolderTarget

        return HarnessFolderTarget(harness)

    return entry


def _folder_backends() -> dict[str, Callable[[], Any]]:
    """One entry per harness of the harness table: the same target class, its data differs."""
    from skillir.harnesses import harness_names

    return {name: _harness_folder(name) for name in harness_names()}


def get_all_backends() -> dict[str, Callable[[], Emitter]]:
    """Every stream backend by name, each imported only when asked for."""
    return dict(_STREAM_BACKENDS)


def get_folder_backends() -> dict[str, Callable[[], Any]]:
    """Every folder (harness) backend by name: each entry gives a `HarnessFolderTarget`
    (call it as `(module, folder, options)` or use `.emit_dir`)."""
    return _folder_backends()


def get_backend(harness: str) -> type:
    """The folder target class for `harness`, to build with options:
    `get_backend("codex")(validate=False).emit_dir(module, out)`."""
    import functools

    from skillir.backends.harness_folder import HarnessFolderTarget
    from skillir.harnesses import load_harness

    load_harness(harness)  # an unknown harness is a one-line error
    return functools.partial(HarnessFolderTarget, harness)
