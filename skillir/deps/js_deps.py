"""Dependencies in JavaScript and TypeScript: `import ... from 'x'`, `import 'x'`,
`import('x')`, `export ... from 'x'`, `require('x')`, and credentials read from
`process.env`. Relative paths, URLs, `node:` and other built-in modules, path
aliases (`@/lib`, `~/x`, `#internal`) and `@types/*` are not packages to install.
Also MCP server configurations in JSON (`"command": "npx", "args": [...]`)."""

from __future__ import annotations

import json
import re
import shlex

from skillir.deps.hits import Hit, lf_only, trim
from skillir.deps.shell_deps import ShellReader, npm_name_ok
from skillir.deps.tables import rules

_SPECIFIERS = re.compile(
    r"""(?:\bimport\s+(?:type\s+)?[\w*{}\s,$]+?\s+from\s*|\bexport\s+(?:type\s+)?[\w*{}\s,$]+?\s+from\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\brequire\.resolve\s*\(\s*)(['"])([^'"\n]+)\1"""
)
_ENV = re.compile(r"""\bprocess\.env(?:\.([A-Z][A-Z0-9_]+)|\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\])|\bDeno\.env\.get\(\s*['"]([A-Z][A-Z0-9_]+)['"]""")


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
    def read(self, code: str, *, confidence: int = 90, optional: bool = False) -> list[Hit]:
        code = lf_only(code)
        hits: list[Hit] = []
        if "import" not in code and "require" not in code and "process.env" not in code and "Deno" not in code:
            return hits
        lines = code.split("\n")
        starts = [0]
        for index, char in enumerate(code):
            if char == "\n":
                starts.append(index + 1)

        def line_of(offset: int) -> int:
            lo, hi = 0, len(starts)
            while lo + 1 < hi:
                mid = (lo + hi) // 2
                if starts[mid] <= offset:
                    lo = mid
                else:
                    hi = mid
            return lo + 1

        credential = rules().credential
        placeholders = rules().credential_placeholders
        for match in _SPECIFIERS.finditer(code):
            package = package_of(match.group(2))
            if package is None:
                continue
            number = line_of(match.start(2))
            hits.append(Hit("npm", package, number, trim(lines[number - 1]), "import", confidence, optional))
        for match in _ENV.finditer(code):
            name = match.group(1) or match.group(2) or match.group(3)
            if credential.match(name) and name not in placeholders:
                number = line_of(match.start())
                hits.append(Hit("env", name, number, trim(lines[number - 1]), "import", min(confidence, 85),
                                optional))
        return hits


def mcp_config_hits(text: str, shell: ShellReader, *, confidence: int = 80) -> list[Hit]:
    """Servers an MCP configuration starts (`{"mcpServers": {"x": {"command": "npx",
    "args": ["-y", "pkg"]}}}`): the packages and tools those commands need."""
    if "command" not in text:
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
                walk(value, in_servers or key in ("mcpServers", "servers", "mcp", "context_servers"))
        elif isinstance(node, list):
            for item in node:
                walk(item, in_servers)

    walk(data, False)
    return hits
