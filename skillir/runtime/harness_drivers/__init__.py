"""Drivers for the real harness CLIs (OpenCode, Codex, Claude Code, OpenClaw, Hermes):
installation (`clis`), and one small driver class per harness (`drivers`) that places a
compiled skill where the harness discovers it, writes its config pointing at the model
gateway, runs it headless in the sandbox and parses its transcript into trace events."""
