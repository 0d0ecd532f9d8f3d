"""Dependencies in JavaScript and TypeScript: `import ... from 'x'`, `import 'x'`,
`import('x')`, `export ... from 'x'`, `require('x')`, and credentials read from
`process.env`. Relative paths, URLs, `node:` and other built-in modules, path
aliases (`@/lib`, `~/x`, `#internal`) and `@types/*` are not packages to install.
Also MCP server configurations in JSON (`"command": "npx", "args": [...]`)."""

from __future__ import annotations

import json
import shlex

from skillir.deps.commands import MCP_PREFIX, mcp_name
from skillir.deps.counter_examples import NONE, counter_examples
from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.shell_deps import ShellReader, npm_name_ok
from skillir.deps.tables import rules
from skillir.readers.js import read_js


def package_of(specifier: str) -> str | None:
    """The npm package a module specifier names, or None when it is not a package."""
    spec = specifier.strip()
    if spec.startswith("npm:"):
        spec = spec[4:]
    if not spec or spec.startswith((".", "/", "~", "#", "@/", "node:", "http:", "https:", "jsr:", "data:",
                                    "virtual:", "$", "bun:", "file:")):
        return None
    parts = spec.split("/")
    if spec.startswith("@"):
        if len(parts) < 2:
            return None
        name = "/".join(parts[:2])
    else:
        name = parts[0]
    name = name.split("@", 1)[0] if not name.startswith("@") else "@" + name[1:].split("@", 1)[0]
    table = rules()
    if name in table.node_builtins or name.startswith("@types/") or not npm_name_ok(name):
        return None
    return name


class JsReader:
    """Reads JavaScript/TypeScript into hits (the code is read by `skillir.readers.js`)."""

    def read(self, code: str, *, confidence: int = 90, optional: bool = False, shown: bool = False) -> list[Hit]:
        """Hits in `code`; `shown` as in `PythonReader.read`."""
        code = lf_only(code)
        facts = read_js(code)
        hits: list[Hit] = []
        if not facts.specifiers and not facts.env:
            return hits
        lines = code.split("\n")
        marked = counter_examples(code, lines, ("//", "/*", "*")) if facts.specifiers else NONE
        for spec in facts.specifiers:
            if marked.contrast and shown or spec.line in marked.lines:
                continue  # under `// ❌ Bad:`, or in code that grades ways to write it
            package = package_of(spec.specifier)
            if package is not None:
                hits.append(Hit("npm", package, spec.line, trim(lines[spec.line - 1]), "import", confidence, optional))
        credential = rules().credential
        placeholders = rules().credential_placeholders
        for name, number in facts.env:
            if credential.match(name) and name not in placeholders:
                hits.append(Hit("env", name, number, trim(lines[number - 1]), "import", min(confidence, 85), optional))
        return hits


def mcp_config_hits(text: str, shell: ShellReader, *, confidence: int = 80) -> list[Hit]:
    """Servers an MCP configuration starts (`{"mcpServers": {"x": {"command": "npx",
    "args": ["-y", "pkg"]}}}`): the packages and tools those commands need."""
    lowered = text.lower()
    if "command" not in text and "mcp" not in lowered:
        return []
    try:
        data = json.loads(text)
    except ValueError:
        return []
    hits: list[Hit] = []
    lines = text.split("\n")

    def walk(node: object, in_servers: bool) -> None:
        if isinstance(node, dict):
            command = node.get("command")
            args = node.get("args", [])
            if in_servers and isinstance(command, str) and isinstance(args, list):
                words = [command, *(a for a in args if isinstance(a, str))]
                line = next((i + 1 for i, ln in enumerate(lines) if f'"{command}"' in ln), 1)
                for hit in shell.read(" ".join(shlex.quote(w) for w in words), confidence=confidence):
                    hit.line, hit.text = line, trim(lines[line - 1]) if lines else ""
                    hits.append(hit)
            for key, value in node.items():
                servers = key in ("mcpServers", "servers", "mcp", "context_servers", "mcp_servers")
                named = servers and (key != "servers" or "mcp" in lowered)
                if named and isinstance(value, dict):
                    for server in value:
                        if isinstance(server, str) and server.strip():
                            line = next((i + 1 for i, ln in enumerate(lines) if f'"{server}"' in ln), 1)
                            hits.append(Hit("service", MCP_PREFIX + mcp_name(server), line,
                                            trim(lines[line - 1]) if lines else "", "shell-command", confidence))
                walk(value, in_servers or servers)
        elif isinstance(node, list):
            for item in node:
                walk(item, in_servers)

    walk(data, False)
    return hits
