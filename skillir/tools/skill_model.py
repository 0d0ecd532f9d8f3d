"""skill-model: the project's local model server (llama.cpp + a GGUF from PyPI).

    skill-model start  [--model smollm2]   start (or reuse) a server; it keeps running
    skill-model status [--model smollm2]   pid, port, base URL, health
    skill-model health [--model smollm2]   exit 0 if it answers, 1 if not
    skill-model stop   [--model smollm2]   stop it

`skill-run --model local/smollm2` reuses a server started here; without one it starts a
private server for the run and stops it at exit. State: $SKILLIR_HOME/local-models/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skill-model",
                                description="Start, stop and check the local model server.")
    p.add_argument("action", choices=("start", "stop", "status", "health"))
    p.add_argument("--model", default="smollm2", help="local model name (default: smollm2)")
    p.add_argument("--state-dir", metavar="DIR",
                   help="where state and logs live (default: $SKILLIR_HOME/local-models)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for health")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def run(args: argparse.Namespace) -> int:
    from skillir.runtime.localserver import LocalServer, health

    server = LocalServer(args.model, state_dir=Path(args.state_dir) if args.state_dir else None)
    if args.action == "start":
        state, started = server.start_published(timeout=args.timeout)
        out = {**state.to_json(), "started": started}
        if args.json:
            print(json.dumps(out))
        else:
            verb = f"started in {state.start_s:.2f}s" if started else "already running"
            print(f"local/{args.model} {verb}: {state.base_url} (pid {state.pid}, log "
                  f"{state.log})")
        return 0
    if args.action == "stop":
        stopped = server.stop()
        print(json.dumps({"model": args.model, "stopped": stopped}) if args.json else
              (f"local/{args.model} stopped" if stopped else f"local/{args.model} was not "
               "running"))
        return 0
    status = server.status()
    if args.action == "health":
        ok = bool(status.get("running")) and health(status["base_url"])
        print(json.dumps({"model": args.model, "healthy": ok}) if args.json else
              f"local/{args.model} {'healthy' if ok else 'not running or not healthy'}")
        return 0 if ok else 1
    if args.json:
        print(json.dumps(status))
    elif status.get("running"):
        print(f"local/{args.model} running: {status['base_url']} pid {status['pid']} "
              f"({'healthy' if status.get('healthy') else 'NOT healthy'}), log {status['log']}")
    else:
        print(f"local/{args.model} not running")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from skillir.tools.cli import run_tool

    return run_tool("skill-model", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
