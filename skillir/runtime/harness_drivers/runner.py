"""Run a real harness CLI on a task: the same contract as the bare-agent loop
(`skillir.runtime.agent.run_agent`): trace events in, an `AgentResult` out.

    result = run_harness("codex", provider, prompt, sandbox, skill=bundle, trace=trace,
                         config=agent_cfg, run_dir=run_dir)

What happens:

1. the skill is placed where the harness discovers it (`driver.place_skill`), the harness's
   config is written into its own home (a fresh folder outside the workspace, so the
   workspace holds only the task's files) pointing at the gateway;
2. the model gateway (`skillir.runtime.gateway.Gateway`) starts on 127.0.0.1 and on a unix
   socket in a folder beside the home (bound read-only into the sandbox), in front of
   `provider` (a simulated provider is wrapped so its tool roles map to the harness's own
   tools);
3. the harness runs in the sandbox (bubblewrap: network unshared, the gateway reachable only
   through the in-sandbox bridge, the CLI's install folder read-only, the workspace and the
   harness's home the only writable places), stdin from /dev/null, stdout (its JSONL events)
   and stderr into the harness home, cut at the task's time limit plus the harness's start-up
   allowance (`harness_limits`: a JS/Rust runtime's address space and process count, and no
   workspace disk bounds, which would hide the harness's writes until it exits);
4. its transcript is parsed into `model_call`/`tool_call` trace events (`merge_with_gateway`:
   one model call per request the gateway answered, each tool call with the output the
   harness recorded); token usage is the harness's own where it reports it, else the
   gateway's; model latency is the gateway's; a `harness_run` event has the exit code,
   duration, request counts and the harness's own token totals.

The raw transcript, the harness's stderr and the gateway's request log are kept in the run
folder (`harness-transcript.jsonl`, `harness-stderr.log`, `gateway.jsonl`).

A remote API the harness speaks (`Provider.direct_access`: Anthropic Messages for Claude
Code, the Responses API for Codex, chat.completions for the others) is called directly
(`route="auto"`, the default): no gateway starts, the harness gets the API's URL, model and
key (its home is then private to it), the sandbox shares the host's network, and turns and
tokens come from its transcript alone. `route="gateway"` (`skill-run --via-gateway`) always
puts the gateway in between.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError
from skillir.runtime.agent import AgentConfig, AgentResult
from skillir.runtime.harness_drivers.clis import cli_path_dirs, require_cli, spec
from skillir.runtime.harness_drivers.drivers import HarnessDriver, ToolRun, Turn, get_driver
from skillir.runtime.providers.base import DirectAccess, Message, Provider, ToolCall, Usage
from skillir.runtime.sandbox import Limits, Sandbox
from skillir.runtime.trace import TraceWriter

SOCKET_NAME = "gateway.sock"
ROUTES = ("auto", "gateway")
"""How a harness reaches a remote API: "auto" (directly when it speaks that API) or always
through the gateway."""
STARTUP_ALLOWANCE_S = {"openclaw": 90.0, "hermes": 60.0, "opencode": 60.0}
"""Seconds a harness may take to start on top of the task's own time limit."""
DEFAULT_ALLOWANCE_S = 30.0
MAX_TRANSCRIPT_BYTES = 64 << 20


def model_slug(name: str) -> str:
    """A model id every harness accepts after `local/` (no slash, no spaces)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "model"


def harness_limits(base: Limits, timeout_s: float) -> Limits:
    """The sandbox limits of a whole harness process: a JS/Rust runtime reserves far more
    address space than a tool command, runs many processes and takes longer."""
    # No workspace disk bounds: they put the workspace on a layer that is synced back only
    # when the command ends, and a harness is one command for the whole run, so the host
    # (a simulated model reading the workspace between turns) would not see its writes.
    more = {name: 0 for name in ("workspace_bytes", "workspace_files")
            if name in {f.name for f in fields(base)}}
    return replace(base, **more, command_timeout_s=timeout_s,
                   cpu_seconds=max(base.cpu_seconds, int(timeout_s) * 2 + 60),
                   memory_bytes=max(base.memory_bytes, 64 << 30),
                   max_processes=max(base.max_processes, 1024),
                   max_open_files=max(base.max_open_files, 8192),
                   tmpfs_bytes=max(base.tmpfs_bytes, 1 << 30),
                   output_kill_bytes=max(base.output_kill_bytes, MAX_TRANSCRIPT_BYTES))


def gateway_provider(provider: Provider, workspace: Path) -> Provider:
    """What stands behind the gateway: a simulated model acting through the bare-agent
    tools is wrapped so its calls map to the tools each harness offers (relative paths
    joined to `workspace` where a tool wants them absolute)."""
    from skillir.runtime.gateway import RoleMappedProvider, ScriptedModel

    if isinstance(provider, ScriptedModel | RoleMappedProvider):
        if provider.workspace is None:  # run_harness called without bench.run's start_run
            provider.workspace = str(workspace)
        return provider
    if provider.simulated:
        return RoleMappedProvider(provider, workspace=workspace)
    return provider


def guarded_commands(skill: Any) -> tuple[str, ...]:
    """The commands a compiled skill's guards ask to confirm (compile-report.json `guards`)."""
    report = getattr(skill, "compile_report", None) or {}
    confirmations = (report.get("guards") or {}).get("confirmations") or []
    return tuple(dict.fromkeys(str(c["command"]) for c in confirmations
                               if isinstance(c, dict) and c.get("command")))


def direct_route(provider: Provider, driver: HarnessDriver, route: str = "auto") -> DirectAccess | None:
    """The remote endpoint the harness calls itself: when `route` is "auto", the provider is
    a remote API (`Provider.direct_access`) and it serves the API the harness speaks;
    else None (the harness talks to the gateway)."""
    if route not in ROUTES:
        raise SkillIRError(f"unknown model route '{route}'", hint=f"choose one of {', '.join(ROUTES)}")
    if route != "auto":
        return None
    access = provider.direct_access()
    return access if access is not None and driver.wire in access.wires else None


def run_harness(harness: str, provider: Provider, prompt: str, sandbox: Sandbox, *,
                skill: Any = None, trace: TraceWriter | None = None,
                config: AgentConfig | None = None, run_dir: Path | None = None,
                driver: HarnessDriver | None = None, route: str = "auto") -> AgentResult:
    """Run `harness` on `prompt` in `sandbox.root` against `provider` (see the module doc).
    `route`: "auto" lets a harness call a remote API it speaks directly, "gateway" always
    puts the gateway between them."""
    config = config or AgentConfig()
    driver = driver or get_driver(harness)
    access = direct_route(provider, driver, route)
    exe = require_cli(harness)
    ws = sandbox.root
    start = time.monotonic()
    # The harness's home and the gateway's socket live outside the workspace, so the task's
    # files (what graders and a simulated model see) are only the task's: the home is bound
    # writable, the socket's folder read-only (connecting needs no write).
    base = Path(tempfile.mkdtemp(prefix="skillir-harness-"))
    try:
        base.chmod(0o755)
        home, sock_dir = base / "home", base / "gw"
        (home / "tmp").mkdir(parents=True)  # TMPDIR: the harness's own
        sock_dir.mkdir(mode=0o755)
        run_dir = Path(run_dir) if run_dir else base / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        if skill is not None:
            driver.place_skill(skill, ws, home)
            driver.denied = guarded_commands(skill)
        model = access.model if access is not None else model_slug(provider.name)
        timeout_s = config.timeout_s + STARTUP_ALLOWANCE_S.get(harness, DEFAULT_ALLOWANCE_S)
        return _run(harness, driver, exe, provider, prompt, sandbox, skill, trace, config,
                    run_dir, ws, home, model, timeout_s, sock_dir, start, access)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _run(harness: str, driver: HarnessDriver, exe: Path, provider: Provider, prompt: str,
         sandbox: Sandbox, skill: Any, trace: TraceWriter | None, config: AgentConfig,
         run_dir: Path, ws: Path, home: Path, model: str, timeout_s: float, sock_dir: Path,
         start: float, access: DirectAccess | None = None) -> AgentResult:
    # The network is on only when the skill's policy grants it, or when the harness calls
    # a remote API itself (then its tools have the network too: `--via-gateway` keeps it off)
    hs = Sandbox(ws, harness_limits(sandbox.limits, timeout_s), isolation=sandbox.isolation,
                 ro_binds=[*sandbox.ro_binds, spec(harness).folder, sock_dir],
                 rw_binds=[home], drop_privileges=sandbox.drop_privileges,
                 network=sandbox.network or access is not None)
    if hs.mode != "bwrap":
        # no isolation to begin with (the sandbox warned): the CLI's install folder under a
        # private home is not readable by the unprivileged sandbox user, so run as ourselves
        hs.as_user = False
    with _model_endpoint(provider, ws, run_dir, sock_dir / SOCKET_NAME, hs, access) as (gw, base_url, prefix):
        if access is not None:
            driver.api_key = access.api_key
        driver.write_config(ws, home, base_url, model, max_turns=config.max_steps,
                            timeout_s=config.timeout_s)
        hs.adopt()
        hs.adopt(home)
        if access is not None:
            home.chmod(0o700)  # its config holds a real API key
        env = {**sandbox.extra_env, **driver.env(ws, home, base_url, model)}
        env["PATH"] = os.pathsep.join([*cli_path_dirs(spec(harness)), *sandbox.path_prefix,
                                       "/usr/local/bin", "/usr/bin", "/bin"])
        argv = driver.command(exe, prompt, ws, home, model, max_turns=config.max_steps,
                              timeout_s=config.timeout_s)
        out, err = home / "stdout.jsonl", home / "stderr.log"
        # no `exec`: the shell keeps the sandbox's output pipe open until the harness ends
        # (the sandbox reads a closed pipe as the end of the command)
        command = (f"{shlex.join([*prefix, *argv])} </dev/null >{shlex.quote(str(out))} "
                   f"2>{shlex.quote(str(err))}")
        t_run = time.monotonic()
        result = hs.run(command, timeout=timeout_s, env=env)
        harness_s = time.monotonic() - t_run
        after = driver.after_run(exe, ws, home)
        if after is not None:
            hs.run(f"{shlex.join(after)} </dev/null >>{shlex.quote(str(err))} 2>&1",
                   timeout=60, env=env)
        requests = list(gw.requests) if gw is not None else []
    stdout = _read(out)
    stderr = _read(err)
    transcript = driver.transcript(ws, home, stdout)
    (run_dir / "harness-transcript.jsonl").write_text(transcript, encoding="utf-8")
    (run_dir / "harness-stderr.log").write_text(stderr, encoding="utf-8")
    own = driver.parse(transcript)
    turns = merge_with_gateway(own, _model_requests(requests))
    return _result(harness, driver, provider, prompt, turns, requests, result, stderr, trace,
                   start, harness_s, argv, out, own, access)


@contextlib.contextmanager
def _model_endpoint(provider: Provider, ws: Path, run_dir: Path, sock: Path, hs: Sandbox,
                    access: DirectAccess | None):
    """(gateway or None, the base URL the harness is given, the command prefix): the remote
    API itself, else the gateway (reached through the in-sandbox bridge under bubblewrap)."""
    if access is not None:
        yield None, access.root, []
        return
    from skillir.runtime.gateway import Gateway, bridge_base_url, bridge_command

    with Gateway(gateway_provider(provider, ws), host="127.0.0.1", port=0,
                 log_path=run_dir / "gateway.jsonl",
                 unix_socket=sock if hs.mode == "bwrap" else None) as gw:
        if hs.mode == "bwrap":
            with contextlib.suppress(OSError):
                os.chmod(sock, 0o666)  # the sandbox user connects to it
            yield gw, bridge_base_url(), bridge_command(sock)
        else:
            yield gw, gw.base_url, []


def _read(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_TRANSCRIPT_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _model_requests(requests: list[Any]) -> list[Any]:
    """The gateway requests the provider answered (model calls, not probes or errors)."""
    return [r for r in requests if getattr(r, "wire", "probe") != "probe"
            and getattr(r, "response", None) is not None]


NOT_RUN = "(the harness did not run this call: its transcript has no run of it; e.g. its own policy refused it)"


def merge_with_gateway(turns: list[Turn], model_reqs: list[Any]) -> list[Turn]:
    """One `Turn` per model call the gateway answered (its text, tool calls and usage: exact
    where a harness's transcript merges or splits calls), each tool call with the output the
    harness's transcript recorded, matched by call id, else by arguments among the calls
    that come next (parallel calls finish in any order), else in order. Without gateway
    requests (a model the harness called directly) the transcript's own turns stand."""
    if not model_reqs:
        return turns
    pending = [t for turn in turns for t in turn.tools]  # not yet matched, transcript order
    by_id = {t.id: t for t in pending}
    merged: list[Turn] = []
    # token counts: the harness's own, per call, where its turns line up with the calls
    aligned = len(turns) == len(model_reqs)
    later = [c for req in model_reqs for c in req.response.tool_calls]  # calls not yet merged
    for k, req in enumerate(model_reqs):
        resp = req.response
        own = turns[k] if (aligned and turns[k].usage_available
                           and not turns[k].run_totals) else None
        u = resp.usage
        out = Turn(text=resp.text,
                   input_tokens=own.input_tokens if own else u.input_tokens,
                   output_tokens=own.output_tokens if own else u.output_tokens,
                   cache_read_tokens=own.cache_read_tokens if own else u.cache_read_tokens,
                   usage_available=own is not None or u.available)
        for call in resp.tool_calls:
            later.remove(call)
            found = by_id.get(call.id)
            if found is None or not any(found is r for r in pending):
                # ids differ (Codex): this turn's calls come next in the transcript, but
                # parallel calls finish in any order, so match by their arguments first;
                # else the next run, unless it is plainly a later call's (this call was
                # then never run: the harness refused it)
                window = pending[:len(resp.tool_calls)]
                found = next((r for r in window if _same_call(call.arguments, r.arguments)),
                             None)
                if found is None and window and not any(
                        _same_call(other.arguments, window[0].arguments) for other in later):
                    found = window[0]
            if found is not None:
                pending = [r for r in pending if r is not found]
            out.tools.append(ToolRun(id=call.id, name=call.name, arguments=call.arguments,
                                     output=found.output if found else NOT_RUN,
                                     is_error=found.is_error if found else True))
        merged.append(out)
    return merged


def _unwrap_shell(command: str) -> str | None:
    """`/usr/bin/bash -lc "<cmd>"` (however the harness quoted it) -> `<cmd>`."""
    if "-lc" not in command and "-c" not in command:
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    return words[-1] if len(words) >= 3 and words[-2] in ("-lc", "-c") else None


def _same_call(model_args: dict[str, Any], run_args: dict[str, Any]) -> bool:
    """Whether a transcript's tool run is the model's call: every string argument the model
    gave (a command, a path) appears in what the harness recorded (Codex records `cmd` as
    `bash -lc '<cmd>'`)."""
    recorded = json.dumps(run_args, ensure_ascii=False)
    unwrapped = [_unwrap_shell(v) for v in run_args.values() if isinstance(v, str)]

    def seen(value: str) -> bool:  # as given, or inside the harness's `bash -lc "..."`
        return json.dumps(value, ensure_ascii=False)[1:-1] in recorded or value in unwrapped

    values = [v for v in model_args.values() if isinstance(v, str) and len(v) > 1]
    return bool(values) and all(seen(v) for v in values)


def _result(harness: str, driver: HarnessDriver, provider: Provider, prompt: str,
            turns: list[Turn], requests: list[Any], result: Any, stderr: str,
            trace: TraceWriter | None, start: float, harness_s: float, argv: list[str],
            out: Path, own: list[Turn], access: DirectAccess | None = None) -> AgentResult:
    model_reqs = _model_requests(requests)
    t0 = trace.t0 if trace is not None else start
    sim = bool(provider.simulated)

    def record(kind: str, **fields: Any) -> None:
        if trace is not None:
            trace.event(kind, **fields)

    record("harness_run", harness=harness, wire=driver.wire, argv=argv,
           model_route="direct" if access is not None else "gateway",
           endpoint=access.root if access is not None else "gateway",
           exit_code=result.exit_code, killed=result.killed, duration_s=round(harness_s, 4),
           model_requests=len(model_reqs), requests=len(requests),
           stderr_tail=stderr[-2000:], transcript_events=transcript_count(out),
           guarded_commands=list(driver.denied),
           guards=("denied by the harness" if driver.enforces_denials else
                   "not enforced: this harness has no deny rule (SKILL.md asks only)")
           if driver.denied else "none",
           harness_turns=len(own), harness_tool_calls=sum(len(t.tools) for t in own),
           harness_tokens={"input": sum(t.input_tokens for t in own),
                           "output": sum(t.output_tokens for t in own),
                           "reported": any(t.usage_available for t in own)})
    messages = [Message("user", prompt)]
    usage = Usage()
    model_time = 0.0
    n_calls = tool_errors = usage_missing = 0
    final_text = ""
    wall_t0 = time.time() - (time.monotonic() - t0)
    for step, turn in enumerate(turns, 1):
        req = model_reqs[step - 1] if step - 1 < len(model_reqs) else None
        resp = req.response if req is not None else None
        latency = float(resp.latency_s) if resp is not None else 0.0
        u = Usage(turn.input_tokens, turn.output_tokens, turn.cache_read_tokens,
                  available=turn.usage_available)
        usage = usage + u
        usage_missing += not u.available
        model_time += latency
        calls = tuple(ToolCall(id=t.id, name=t.name, arguments=t.arguments) for t in turn.tools)
        t_call = (req.started - wall_t0) if req is not None else time.monotonic() - t0
        record("model_call", step=step, t=round(t_call, 4),
               latency_s=round(latency, 4), input_tokens=u.input_tokens,
               output_tokens=u.output_tokens, cache_read_tokens=u.cache_read_tokens,
               cache_write_tokens=0, usage_available=u.available,
               stop_reason="tool_use" if calls else "end_turn", text=turn.text,
               tool_calls=[c.to_json() for c in calls], attempts=1, retries=[],
               simulated=sim, model=provider.name, harness=harness)
        messages.append(Message("assistant", turn.text, tool_calls=calls))
        final_text = turn.text or final_text
        for t in turn.tools:
            n_calls += 1
            tool_errors += t.is_error
            record("tool_call", step=step, id=t.id, name=t.name, arguments=t.arguments,
                   is_error=t.is_error, result_chars=len(t.output), duration_s=0.0,
                   started=None, result_preview=t.output[:500], meta={"harness": harness})
            messages.append(Message("tool", t.output, tool_call_id=t.id, name=t.name,
                                    is_error=t.is_error))
    if not usage.available and any(t.usage_available for t in own):
        # (Hermes: its session's totals; OpenCode/Claude/OpenClaw count per call)
        # per call unknown, but the harness reported its totals (Codex: one per exec)
        usage = Usage(sum(t.input_tokens for t in own), sum(t.output_tokens for t in own),
                      sum(t.cache_read_tokens for t in own))
    if result.killed == "timeout":
        status, stop_reason, error = "timeout", "timeout", None
    elif result.exit_code == 0:
        status, stop_reason, error = "ok", "end_turn", None
    else:
        tail = " ".join(stderr.strip().splitlines()[-3:])[-300:]
        status, stop_reason = "crashed", "error"
        error = f"{harness} exited with {result.exit_code}: {tail or 'no output on stderr'}"
    record("agent_end", status=status, stop_reason=stop_reason, steps=len(turns), error=error)
    return AgentResult(status=status, stop_reason=stop_reason, final_text=final_text,
                       steps=len(turns), tool_calls=n_calls, usage=usage,
                       model_time_s=model_time, tool_time_s=0.0,
                       wall_time_s=time.monotonic() - start, messages=messages, error=error,
                       tool_errors=tool_errors, usage_missing_calls=usage_missing,
                       extra={"harness_exit": result.exit_code, "harness_s": harness_s,
                              "model_requests": len(model_reqs)})


def transcript_count(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for _ in fh)
    except OSError:
        return 0
