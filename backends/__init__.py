"""Backends: what each target loads, emitted from IR. One file per target; registered
lazily by name (`-t NAME` in skill-opt)."""

from collections.abc import Callable
from typing import IO

from xdsl.dialects.builtin import ModuleOp

Emitter = Callable[[ModuleOp, IO[str]], None]


def get_all_backends() -> dict[str, Callable[[], Emitter]]:
    """Every backend by name, each imported only when asked for."""

    def markdown() -> Emitter:
        from skillir.backends.markdown import emit

        return emit

    return {"markdown": markdown}
