"""Which provider answers behind the gateway for a `--model` id.

    gateway_provider("scripted/tests/data/scripts/gateway_hello.json")  # a script file
    gateway_provider("sim/qwen3.5-9b")    # the simulated model, acting with the harness's tools
    gateway_provider("local/smollm2")     # any other id: the runtime's own provider

`scripted/PATH` loads a script (`ScriptedModel.from_file`); `sim/...` (and any provider
whose tool calls use bare-agent names) is wrapped in `RoleMappedProvider`, so its
`read_file`/`write_file`/`list_directory`/`execute_command` calls become the tools each
harness offers. Both are labelled simulated.
"""

from __future__ import annotations

import os
from pathlib import Path

from skillir.errors import SkillIRError
from skillir.runtime.config import RuntimeConfig
from skillir.runtime.gateway.scripted import RoleMappedProvider, ScriptedModel
from skillir.runtime.providers import get_provider, parse_model_id
from skillir.runtime.providers.base import Provider

SCRIPTED = "scripted"


def gateway_provider(model_id: str, *, config: RuntimeConfig | None = None,
                     harness: str | None = None,
                     workspace: str | os.PathLike[str] | None = None) -> Provider:
    """The provider for `model_id` as the gateway needs it (see the module docstring)."""
    route, model = parse_model_id(model_id)
    if route == SCRIPTED:
        path = Path(model).expanduser()
        if not path.is_file():
            raise SkillIRError(f"script '{model}' not found",
                               hint="write scripted/PATH with PATH a JSON script file, e.g. "
                               "scripted/tests/data/scripts/gateway_hello.json")
        return ScriptedModel.from_file(path, harness=harness, workspace=workspace)
    provider = get_provider(model_id, config)
    if provider.simulated:
        return RoleMappedProvider(provider, workspace=workspace)
    return provider
