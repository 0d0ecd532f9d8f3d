"""JavaScript and TypeScript as plain records: module specifiers it imports, files it
reads and writes through `fs`, environment variables, commands it runs.

    >>> code = read_js("import { Resend } from 'resend';\\nfs.writeFileSync('out.json', data);\\n")
    >>> [(s.specifier, s.line) for s in code.specifiers], code.writes()
    ([('resend', 1)], ['out.json'])

Covers `import ... from 'x'`, `import 'x'`, `import('x')`, `export ... from 'x'`,
`require('x')`, `require.resolve('x')`; `fs.readFileSync/writeFileSync/appendFile...`
(and their promise forms) with a literal path; `process.env.X`, `process.env["X"]`,
`Deno.env.get("X")`; `execSync("cmd")`/`exec`/`spawn("cmd", [...])` (their command text
is for `skillir.readers.shell`). A regex reader: never raises.
"""

from __future__ import annotations

import re
import shlex
from bisect import bisect_right
from dataclasses import dataclass, field

_SPECIFIERS = re.compile(
    r"""(?:\bimport\s+(?:type\s+)?[\w*{}\s,$]+?\s+from\s*|\bexport\s+(?:type\s+)?[\w*{}\s,$]+?\s+from\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\brequire\.resolve\s*\(\s*)(['"])([^'"\n]+)\1"""
)
_ENV = re.compile(r"""\bprocess\.env(?:\.([A-Z][A-Z0-9_]+)|\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\])|\bDeno\.env\.get\(\s*['"]([A-Z][A-Z0-9_]+)['"]""")
_FS = re.compile(
    r"""\b(?:fs|fsp|promises|fs\.promises)\.(readFile|readFileSync|createReadStream|writeFile|writeFileSync|"""
    r"""appendFile|appendFileSync|createWriteStream)\(\s*(['"`])([^'"`\n$]+)\2"""
)
_EXEC = re.compile(r"""\b(?:execSync|exec|execFileSync|execFile|spawnSync|spawn)\(\s*(['"`])([^'"`\n]+)\1(?:\s*,\s*\[([^\]\n]*)\])?""")
_ARRAY_STR = re.compile(r"""(['"])([^'"\n]*)\1""")


@dataclass(frozen=True, slots=True)
class Specifier:
    specifier: str
    line: int


@dataclass(frozen=True, slots=True)
class FsUse:
    path: str
    mode: str
    """`r` or `w`."""
    line: int


@dataclass(slots=True)
class JsCode:
    specifiers: list[Specifier] = field(default_factory=list)
    files: list[FsUse] = field(default_factory=list)
    env: list[tuple[str, int]] = field(default_factory=list)
    commands: list[tuple[str, int]] = field(default_factory=list)
    """(shell text, line) of commands the code runs."""

    def writes(self) -> list[str]:
        return list(dict.fromkeys(f.path for f in self.files if f.mode == "w"))

    def reads(self) -> list[str]:
        return list(dict.fromkeys(f.path for f in self.files if f.mode == "r"))


def read_js(code: str) -> JsCode:
    out = JsCode()
    if "\r" in code:
        code = code.replace("\r\n", "\n").replace("\r", "\n")
    if not any(word in code for word in ("import", "require", "process.env", "Deno", "fs", "exec", "spawn")):
        return out
    starts = [0] + [i + 1 for i, char in enumerate(code) if char == "\n"]

    def line_of(offset: int) -> int:
        return bisect_right(starts, offset)

    for match in _SPECIFIERS.finditer(code):
        out.specifiers.append(Specifier(match.group(2), line_of(match.start(2))))
    for match in _ENV.finditer(code):
        out.env.append((match.group(1) or match.group(2) or match.group(3), line_of(match.start())))
    for match in _FS.finditer(code):
        mode = "r" if "read" in match.group(1).lower() else "w"
        out.files.append(FsUse(match.group(3), mode, line_of(match.start())))
    for match in _EXEC.finditer(code):
        command = match.group(2)
        if match.group(3):
            command = " ".join([shlex.quote(command), *(shlex.quote(m.group(2)) for m in _ARRAY_STR.finditer(match.group(3)))])
        out.commands.append((command, line_of(match.start())))
    return out
