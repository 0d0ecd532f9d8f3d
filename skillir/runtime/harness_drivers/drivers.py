"""One driver per real harness CLI: where the skill goes, the config that points the harness
at the model gateway, the command line, and the parser of its transcript.

A driver is a small class; the runner (`skillir.runtime.harness_drivers.runner`) does the
rest the same way for all five:

    driver = get_driver("codex")
    driver.place_skill(bundle, ws, home)            # where the harness discovers it
    driver.write_config(ws, home, base_url, model)  # its config file(s), inside `home`
    env = driver.env(ws, home, base_url, model)     # HOME/XDG_*/CODEX_HOME/... inside `home`
    argv = driver.command(exe, prompt, ws, home, model, max_turns, timeout_s)
    turns = driver.parse(driver.transcript(ws, home, stdout_text))

`home` is the run's own folder for the harness (HOME, XDG_*, CODEX_HOME, HERMES_HOME, its
config, stdout and stderr), outside the workspace; the workspace and that home are the only
writable places of a run. Every harness runs with stdin from /dev/null.

`parse` returns `Turn`s (one per model call: its text, its tool calls, the results of those
calls and the usage the harness recorded), which the runner turns into the same trace
events (`model_call`, `tool_call`) and run record as the bare-agent loop.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError

FAKE_KEY = "sk-skillir-gateway"
"""The API key every harness is given: the gateway ignores it; no real key ever enters a run."""
REQUEST_TIMEOUT_S = 1800
"""How long a harness waits for one model answer (the local CPU model needs minutes)."""


@dataclass
class ToolRun:
    """One tool call as the harness ran it."""

    id: str
    name: str
    arguments: dict[str, Any]
    output: str = ""
    is_error: bool = False


@dataclass
class Turn:
    """One model call as seen in the harness's transcript."""

    text: str = ""
    tools: list[ToolRun] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    usage_available: bool = False
    run_totals: bool = False
    """The usage is the whole run's (Codex's `turn.completed`, Hermes's session), not this call's."""


def _json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL text (other lines, e.g. log noise, are skipped)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


def _args(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            val = json.loads(raw)
        except json.JSONDecodeError:
            return {"raw": raw}
        return val if isinstance(val, dict) else {"value": val}
    return {} if raw is None else {"value": raw}


def _text_of(content: Any) -> str:
    """Text of a content field that may be a string or a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, dict):
                parts.append(str(block.get("text") or block.get("content") or ""))
            else:
                parts.append(str(block))
        return "".join(parts)
    return "" if content is None else json.dumps(content)


DENIED_REASON = ("the compiled skill guards this command (confirm first) and a headless run "
                 "has nobody to confirm it")


class HarnessDriver(ABC):
    """The hooks every harness fills in (`command` and `parse` are required). `wire`: the API the harness speaks to the gateway."""

    name: str = ""
    wire: str = ""
    skill_root: str = ""
    """Where skills are discovered, relative to the workspace ("" = see `skill_dir`)."""
    denied: tuple[str, ...] = ()
    """Commands the compiled skill guards (`lower-security-guards`: confirm first). A
    headless run has nobody to confirm, and the drivers run the CLIs with their bypass
    flags, so each driver turns these into its harness's own deny rule where it has one
    (`enforces_denials`); the runner sets them from the skill's compile report."""
    enforces_denials: bool = False
    api_key: str = FAKE_KEY
    """The key the harness sends: the gateway's placeholder, or a remote API's own key when
    the harness calls that API directly (`skillir.runtime.harness_drivers.runner`)."""

    def skill_dir(self, ws: Path, home: Path, name: str) -> Path:
        return ws / self.skill_root / name

    def place_skill(self, bundle: Any, ws: Path, home: Path) -> Path:
        """Copy the skill (SKILL.md and its bundled files) to where the harness finds it."""
        dest = self.skill_dir(ws, home, bundle.name)
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "SKILL.md").write_text(bundle.content, encoding="utf-8")
        for rel in bundle.files:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(bundle.folder / rel, target)
            if (bundle.folder / rel).stat().st_mode & 0o111:
                target.chmod(0o755)
        return dest

    def write_config(self, ws: Path, home: Path, base_url: str, model: str, *,
                     max_turns: int, timeout_s: float) -> None:
        """Write the harness's config files (inside `home`) pointing at `base_url`; a
        harness configured only through its environment and flags writes none."""
        return None

    def env(self, ws: Path, home: Path, base_url: str, model: str) -> dict[str, str]:
        return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local/share"),
                "XDG_STATE_HOME": str(home / ".local/state"),
                "XDG_CACHE_HOME": str(home / ".cache"), "TMPDIR": str(home / "tmp"),
                "NO_COLOR": "1", "CI": "1"}

    @abstractmethod
    def command(self, exe: Path, prompt: str, ws: Path, home: Path, model: str, *,
                max_turns: int, timeout_s: float) -> list[str]:
        """The harness's headless command line for one prompt."""

    def after_run(self, exe: Path, ws: Path, home: Path) -> list[str] | None:
        """A command to run after the harness (to export its transcript), or None."""
        return None

    def transcript(self, ws: Path, home: Path, stdout: str) -> str:
        """The transcript text (JSONL): stdout unless the harness keeps it elsewhere."""
        return stdout

    @abstractmethod
    def parse(self, transcript: str) -> list[Turn]:
        """The harness's transcript as our turns (tool calls, outputs, tokens)."""


class CodexDriver(HarnessDriver):
    """`codex exec --json`: JSONL events (`item.started`/`item.completed` with
    `command_execution`, `agent_message`, ... items; `turn.completed` with usage)."""

    name = "codex"
    wire = "openai-responses"
    skill_root = ".agents/skills"
    enforces_denials = True

    def env(self, ws, home, base_url, model):
        return {**super().env(ws, home, base_url, model), "CODEX_HOME": str(home / ".codex"),
                "SKILLIR_GATEWAY_KEY": self.api_key, "RUST_LOG": "error"}

    def write_config(self, ws, home, base_url, model, *, max_turns, timeout_s):
        codex_home = home / ".codex"
        codex_home.mkdir(parents=True, exist_ok=True)
        (codex_home / "config.toml").write_text(
            f'model = {json.dumps(model)}\n'
            'model_provider = "local"\n'
            'approval_policy = "never"\n'
            'sandbox_mode = "danger-full-access"\n'
            'check_for_update_on_startup = false\n'
            '[analytics]\n'
            'enabled = false\n'
            '[otel]\n'
            'exporter = "none"\n'
            'metrics_exporter = "none"\n'
            'trace_exporter = "none"\n'
            '[features]\n'
            'plugins = false\n'
            'remote_plugin = false\n'
            '[model_providers.local]\n'
            'name = "skillir-gateway"\n'
            f'base_url = {json.dumps(base_url + "/v1")}\n'
            'env_key = "SKILLIR_GATEWAY_KEY"\n'
            'wire_api = "responses"\n'
            'request_max_retries = 0\n'
            'stream_max_retries = 0\n'
            f'stream_idle_timeout_ms = {int(REQUEST_TIMEOUT_S * 1000)}\n'
            f'[projects.{json.dumps(str(ws))}]\n'
            'trust_level = "trusted"\n', encoding="utf-8")
        if self.denied:  # Codex's exec policy: a forbidden prefix is refused, never run
            rules = codex_home / "rules"
            rules.mkdir(exist_ok=True)
            (rules / "default.rules").write_text("".join(
                f"prefix_rule(pattern = {json.dumps([c])}, decision = \"forbidden\", "
                f"justification = {json.dumps(DENIED_REASON)})\n" for c in self.denied),
                encoding="utf-8")

    def command(self, exe, prompt, ws, home, model, *, max_turns, timeout_s):
        return [str(exe), "exec", "--json", "--skip-git-repo-check", "-C", str(ws),
                "-o", str(home / "last-message.txt"), prompt]

    def parse(self, transcript):
        turns: list[Turn] = []
        cur = Turn()
        for ev in _json_lines(transcript):
            kind = ev.get("type", "")
            item = ev.get("item") or {}
            itype = item.get("type") or item.get("item_type")
            if kind == "item.completed" and itype in ("agent_message", "assistant_message"):
                cur.text += str(item.get("text") or "")
            elif kind == "item.completed" and itype == "command_execution":
                cur.tools.append(ToolRun(
                    id=str(item.get("id", "")), name="shell",
                    arguments={"command": item.get("command", "")},
                    output=str(item.get("aggregated_output") or ""),
                    is_error=item.get("exit_code") not in (0, None)
                    or item.get("status") == "failed"))
            elif kind == "item.completed" and itype in ("file_change", "mcp_tool_call",
                                                        "web_search", "todo_list"):
                cur.tools.append(ToolRun(id=str(item.get("id", "")), name=str(itype),
                                         arguments={k: v for k, v in item.items()
                                                    if k not in ("id", "type")},
                                         is_error=item.get("status") == "failed"))
            elif kind == "turn.completed":
                usage = ev.get("usage") or {}
                cur.input_tokens += int(usage.get("input_tokens") or 0)
                cur.cache_read_tokens += int(usage.get("cached_input_tokens") or 0)
                cur.output_tokens += int(usage.get("output_tokens") or 0)
                cur.usage_available = bool(usage)
                cur.run_totals = True
                turns.append(cur)
                cur = Turn()
            elif kind in ("turn.failed", "error"):
                msg = (ev.get("error") or {}).get("message") if isinstance(
                    ev.get("error"), dict) else ev.get("message")
                cur.text += f"[codex error: {msg}]"
        if cur.text or cur.tools:
            turns.append(cur)
        return turns


class ClaudeCodeDriver(HarnessDriver):
    """`claude -p --output-format stream-json --verbose`: one JSON object a line: `system`
    (init, with `skills`), `assistant` (a message with text/tool_use blocks and usage),
    `user` (tool_result blocks), `result` (final text, totals)."""

    name = "claude-code"
    wire = "anthropic"
    skill_root = ".claude/skills"
    enforces_denials = True

    def env(self, ws, home, base_url, model):
        return {**super().env(ws, home, base_url, model),
                "ANTHROPIC_BASE_URL": base_url, "ANTHROPIC_API_KEY": self.api_key,
                "ANTHROPIC_MODEL": model, "ANTHROPIC_DEFAULT_HAIKU_MODEL": model,
                "ANTHROPIC_DEFAULT_SONNET_MODEL": model, "ANTHROPIC_DEFAULT_OPUS_MODEL": model,
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_AUTOUPDATER": "1",
                "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1", "IS_SANDBOX": "1",
                "CLAUDE_CONFIG_DIR": str(home / ".claude"),
                "API_TIMEOUT_MS": str(int(REQUEST_TIMEOUT_S * 1000))}

    def command(self, exe, prompt, ws, home, model, *, max_turns, timeout_s):
        # --disallowedTools holds even with --dangerously-skip-permissions (checked with
        # the pinned CLI); the prompt goes after `--` so the list cannot swallow it
        deny = ["--disallowedTools", *(f"Bash({c}:*)" for c in self.denied)] if self.denied else []
        return [str(exe), "-p", "--output-format", "stream-json", "--verbose",
                "--dangerously-skip-permissions", "--max-turns", str(max_turns),
                "--model", model, *deny, "--", prompt]

    def parse(self, transcript):
        turns: list[Turn] = []
        by_id: dict[str, ToolRun] = {}
        last_msg_id = None
        last_result: ToolRun | None = None
        for ev in _json_lines(transcript):
            kind = ev.get("type")
            msg = ev.get("message") or {}
            if kind == "assistant":
                # one API message may arrive as several events (one per content block)
                if msg.get("id") != last_msg_id or not turns:
                    turns.append(Turn())
                    last_msg_id = msg.get("id")
                cur = turns[-1]
                for block in msg.get("content") or []:
                    if block.get("type") == "text":
                        cur.text += block.get("text", "")
                    elif block.get("type") == "tool_use":
                        run = ToolRun(id=str(block.get("id")), name=str(block.get("name")),
                                      arguments=_args(block.get("input")))
                        by_id[run.id] = run
                        cur.tools.append(run)
                usage = msg.get("usage") or {}
                if usage:
                    cur.input_tokens = int(usage.get("input_tokens") or 0)
                    cur.output_tokens = int(usage.get("output_tokens") or 0)
                    cur.cache_read_tokens = int(usage.get("cache_read_input_tokens") or 0)
                    cur.usage_available = True
            elif kind == "user":
                blocks = msg.get("content") if isinstance(msg.get("content"), list) else []
                for block in blocks:
                    if block.get("type") == "tool_result" and block.get("tool_use_id") in by_id:
                        last_result = by_id[block["tool_use_id"]]
                        last_result.output = _text_of(block.get("content"))
                        last_result.is_error = bool(block.get("is_error"))
                    elif (block.get("type") == "text" and ev.get("isSynthetic")
                          and last_result is not None):
                        # what the Skill tool injects: the body, as a message of its own
                        last_result.output += "\n" + str(block.get("text") or "")
        return turns


class OpenCodeDriver(HarnessDriver):
    """`opencode run --format json`: JSONL events (`step_start`, `text`, `tool_use` with
    the tool's state, `step_finish` with tokens)."""

    name = "opencode"
    wire = "openai-chat"
    skill_root = ".opencode/skills"
    enforces_denials = True

    def env(self, ws, home, base_url, model):
        return {**super().env(ws, home, base_url, model),
                "OPENCODE_CONFIG": str(home / "opencode.json"),
                "OPENCODE_DISABLE_MODELS_FETCH": "1", "OPENCODE_DISABLE_AUTOUPDATE": "1",
                "OPENCODE_DISABLE_DEFAULT_PLUGINS": "1", "OPENCODE_DISABLE_LSP_DOWNLOAD": "1",
                "OPENCODE_DISABLE_SHARE": "1"}

    def write_config(self, ws, home, base_url, model, *, max_turns, timeout_s):
        home.mkdir(parents=True, exist_ok=True)
        config = {
            "$schema": "https://opencode.ai/config.json",
            "provider": {"local": {
                "npm": "@ai-sdk/openai-compatible", "name": "SkillIR gateway",
                "options": {"baseURL": base_url + "/v1", "apiKey": self.api_key,
                            "timeout": int(REQUEST_TIMEOUT_S * 1000)},
                "models": {model: {"name": model, "limit": {"context": 65536, "output": 4096}}},
            }},
            "model": f"local/{model}",
            "permission": {"*": "allow", **({"bash": {"*": "allow", **{
                f"{c} *": "deny" for c in self.denied}, **{c: "deny" for c in self.denied}}}
                if self.denied else {})},
            "agent": {"build": {"steps": max_turns}},
            "autoupdate": False, "share": "disabled",
        }
        (home / "opencode.json").write_text(json.dumps(config, indent=1), encoding="utf-8")

    def command(self, exe, prompt, ws, home, model, *, max_turns, timeout_s):
        return [str(exe), "run", "--format", "json", "--title", "skillir",
                "-m", f"local/{model}", prompt]

    def parse(self, transcript):
        turns: list[Turn] = []
        cur: Turn | None = None
        for ev in _json_lines(transcript):
            kind = ev.get("type")
            part = ev.get("part") or {}
            if kind == "step_start" or cur is None:
                cur = Turn()
                turns.append(cur)
            if kind == "text":
                cur.text += str(part.get("text") or "")
            elif kind == "tool_use":
                state = part.get("state") or {}
                cur.tools.append(ToolRun(
                    id=str(part.get("callID") or part.get("id") or ""),
                    name=str(part.get("tool") or ""), arguments=_args(state.get("input")),
                    output=str(state.get("output") or state.get("error") or ""),
                    is_error=state.get("status") == "error"))
            elif kind == "step_finish":
                tokens = part.get("tokens") or {}
                cur.input_tokens = int(tokens.get("input") or 0)
                cur.output_tokens = int(tokens.get("output") or 0)
                cur.cache_read_tokens = int((tokens.get("cache") or {}).get("read") or 0)
                cur.usage_available = bool(tokens)
        return [t for t in turns if t.text or t.tools or t.usage_available]


class OpenClawDriver(HarnessDriver):
    """`openclaw agent exec --json`: a summary envelope on stdout; the session transcript
    (`message` events with role user/assistant/toolResult, `toolCall` blocks) is kept in the
    agent's SQLite database in the state dir."""

    name = "openclaw"
    wire = "openai-chat"
    skill_root = "skills"

    def _state(self, home: Path) -> Path:
        return home / ".openclaw"

    def env(self, ws, home, base_url, model):
        return {**super().env(ws, home, base_url, model),
                "OPENCLAW_STATE_DIR": str(self._state(home)),
                "OPENCLAW_CONFIG_PATH": str(home / "openclaw.json"),
                "OPENCLAW_NO_UPDATE_CHECK": "1"}

    def write_config(self, ws, home, base_url, model, *, max_turns, timeout_s):
        self._state(home).mkdir(parents=True, exist_ok=True)
        config = {
            "models": {"providers": {"local": {
                "baseUrl": base_url + "/v1", "apiKey": self.api_key, "api": "openai-completions",
                "models": [{"id": model, "name": model, "contextWindow": 65536,
                            "maxTokens": 4096}]}}},
            "agents": {"defaults": {"model": {"primary": f"local/{model}"},
                                    "workspace": str(ws)}},
        }
        (home / "openclaw.json").write_text(json.dumps(config, indent=1), encoding="utf-8")

    def command(self, exe, prompt, ws, home, model, *, max_turns, timeout_s):
        return [str(exe), "agent", "exec", "--config", str(home / "openclaw.json"), "--json",
                "--cwd", str(ws), "--model", f"local/{model}", "--state-dir",
                str(self._state(home)), "--timeout", str(int(max(10, timeout_s))), prompt]

    def transcript(self, ws, home, stdout):
        """The session's events from the agent database (`transcript_events.event_json`,
        in order; events stored only zstd-compressed are skipped: no zstd in the stdlib)."""
        lines: list[str] = []
        for db in sorted(self._state(home).glob("agents/*/agent/*.sqlite")):
            try:
                with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
                    rows = con.execute("SELECT event_json FROM transcript_events "
                                       "WHERE event_json IS NOT NULL ORDER BY session_id, seq")
                    lines.extend(row[0] for row in rows)
            except sqlite3.Error:
                continue
        return "\n".join(lines)

    def parse(self, transcript):
        return _parse_chat_messages(_json_lines(transcript))


class HermesDriver(HarnessDriver):
    """`hermes -z PROMPT --yolo`; the transcript is exported afterwards with `hermes
    sessions export --format jsonl` (OpenAI-style messages with tool_calls)."""

    name = "hermes"
    wire = "openai-chat"

    def skill_dir(self, ws, home, name):
        return home / ".hermes" / "skills" / name

    def env(self, ws, home, base_url, model):
        return {**super().env(ws, home, base_url, model), "HERMES_HOME": str(home / ".hermes"),
                "OPENAI_API_KEY": self.api_key, "OPENAI_BASE_URL": base_url + "/v1"}

    def write_config(self, ws, home, base_url, model, *, max_turns, timeout_s):
        hh = home / ".hermes"
        hh.mkdir(parents=True, exist_ok=True)
        (hh / "config.yaml").write_text(
            "model:\n"
            f"  default: {json.dumps(model)}\n"
            "  provider: custom\n"
            f"  base_url: {json.dumps(base_url + '/v1')}\n"
            f"  api_key: {json.dumps(self.api_key)}\n"
            "  api_mode: chat_completions\n"
            "  context_length: 65536\n"
            "  max_tokens: 4096\n"
            "agent:\n"
            f"  max_turns: {int(max_turns)}\n"
            "terminal:\n"
            f"  cwd: {json.dumps(str(ws))}\n", encoding="utf-8")

    def command(self, exe, prompt, ws, home, model, *, max_turns, timeout_s):
        return [str(exe), "-z", prompt, "--yolo", "--usage-file", str(home / "usage.json")]

    def after_run(self, exe, ws, home):
        return [str(exe), "sessions", "export", "--format", "jsonl", "--yes",
                str(home / "session.jsonl")]

    def transcript(self, ws, home, stdout):
        path = home / "session.jsonl"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def parse(self, transcript):
        events = _json_lines(transcript)
        messages: list[dict[str, Any]] = []
        totals = [0, 0, 0]
        for ev in events:  # a session export: one session a line, its messages inside
            if isinstance(ev.get("messages"), list):
                messages.extend(m for m in ev["messages"] if isinstance(m, dict))
                for k, key in enumerate(("input_tokens", "output_tokens", "cache_read_tokens")):
                    totals[k] += int(ev.get(key) or 0)
            elif "role" in ev:
                messages.append(ev)
        turns = _parse_chat_messages(messages)
        if turns and any(totals) and not any(t.usage_available for t in turns):
            last = turns[-1]  # the session's totals, carried by its last turn
            last.input_tokens, last.output_tokens, last.cache_read_tokens = totals
            last.usage_available = last.run_totals = True
        return turns


def _parse_chat_messages(events: list[dict[str, Any]]) -> list[Turn]:
    """OpenAI/pi-style messages (`{"role": "assistant", "content", "tool_calls"}`, `{"role":
    "tool"|"toolResult", ...}`), optionally wrapped as `{"type": "message", "message": {...}}`."""
    turns: list[Turn] = []
    by_id: dict[str, ToolRun] = {}
    for ev in events:
        msg = ev.get("message") if isinstance(ev.get("message"), dict) else ev
        role = msg.get("role")
        if role == "assistant":
            cur = Turn()
            content = msg.get("content")
            blocks = content if isinstance(content, list) else []
            if isinstance(content, str):
                cur.text = content
            for block in blocks:
                if not isinstance(block, dict):
                    continue
                btype = block.get("type")
                if btype == "text":
                    cur.text += str(block.get("text") or "")
                elif btype in ("toolCall", "tool_use", "tool_call"):
                    run = ToolRun(id=str(block.get("id")), name=str(block.get("name")),
                                  arguments=_args(block.get("arguments", block.get("input"))))
                    by_id[run.id] = run
                    cur.tools.append(run)
            for call in msg.get("tool_calls") or []:
                fn = call.get("function") or {}
                run = ToolRun(id=str(call.get("id")), name=str(fn.get("name")),
                              arguments=_args(fn.get("arguments")))
                by_id[run.id] = run
                cur.tools.append(run)
            usage = msg.get("usage") or {}
            if usage:
                cur.input_tokens = int(usage.get("input") or usage.get("prompt_tokens")
                                       or usage.get("input_tokens") or 0)
                cur.output_tokens = int(usage.get("output") or usage.get("completion_tokens")
                                        or usage.get("output_tokens") or 0)
                cur.usage_available = True
            turns.append(cur)
        elif role in ("tool", "toolResult"):
            call_id = str(msg.get("tool_call_id") or msg.get("toolCallId") or "")
            if call_id in by_id:
                by_id[call_id].output = _text_of(msg.get("content"))
                by_id[call_id].is_error = bool(msg.get("isError") or msg.get("is_error"))
    return turns


DRIVERS: dict[str, type[HarnessDriver]] = {
    d.name: d for d in (CodexDriver, ClaudeCodeDriver, OpenCodeDriver, OpenClawDriver,
                        HermesDriver)}


def get_driver(harness: str) -> HarnessDriver:
    if harness not in DRIVERS:
        raise SkillIRError(f"no driver for harness {harness!r}",
                           hint=f"choose one of bare-agent, {', '.join(sorted(DRIVERS))}")
    return DRIVERS[harness]()
