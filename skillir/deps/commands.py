"""Check and install commands: one shell line each, calling small helper functions
that `PRELUDE` defines. The emitted env-setup.sh and the presence probe run the very
same lines, so what the probe reports is what the script will find.

    pip      check  py_has pypdf pypdf             install  pip_install pypdf
    npm      check  npm_has local resend           install  npm_install local resend
    system   check  has_cmd pdftotext && ...       install  sys_install --apt poppler-utils --brew poppler
    service  check  has_env KAGI_API_KEY           install  (none: a service is not installed)
             check  mcp_has github                 (an MCP server: `mcp:github`)
             check  has_cmd pg_isready && ...      (a known service: env_rules.json `services`)
"""

from __future__ import annotations

import shlex

from skillir.deps.model import Dependency
from skillir.deps.tables import rules, tool_table

MCP_PREFIX = "mcp:"
"""Service dependencies named `mcp:SERVER` are MCP servers the agent must have configured."""


def mcp_name(raw: str) -> str:
    """An MCP server's name as a dependency name: lower case, blanks as dashes."""
    return "-".join(raw.strip().strip("`'\"").lower().split())

PRELUDE = r"""PY="${PYTHON:-python3}"
has_cmd() { command -v "$1" >/dev/null 2>&1; }
has_env() { [ -n "${!1:-}" ]; }
dpkg_has() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
py_has() {
  "$PY" - "$@" >/dev/null 2>&1 <<'SKILLIR_PY'
import sys
from importlib import metadata, util
dist, modules = sys.argv[1], sys.argv[2:]
try:
    metadata.distribution(dist)
    sys.exit(0)
except metadata.PackageNotFoundError:
    pass
def found(name):
    try:
        return util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
sys.exit(0 if modules and all(found(m) for m in modules) else 1)
SKILLIR_PY
}
mcp_has() {  # mcp_has SERVER: configured for one of the agents whose config files we know
  local f
  for f in .mcp.json .cursor/mcp.json .vscode/mcp.json opencode.json "$HOME/.claude.json" "$HOME/.cursor/mcp.json" \
           "$HOME/.codex/config.toml" "$HOME/.config/opencode/opencode.json" "$HOME/.gemini/settings.json"; do
    [ -f "$f" ] && grep -qiE "\"$1\"[[:space:]]*:|\\[mcp_servers\\.\"?$1\"?\\]" "$f" && return 0
  done
  return 1
}
NPM_ROOT_G=""
npm_has() {  # npm_has global|local PACKAGE: its package.json where node would find it
  if [ "$1" = global ]; then
    has_cmd npm || return 1
    [ -n "$NPM_ROOT_G" ] || NPM_ROOT_G="$(npm root -g 2>/dev/null)" || return 1
    [ -f "$NPM_ROOT_G/$2/package.json" ]
  else
    local dir="$PWD"
    while :; do
      [ -f "$dir/node_modules/$2/package.json" ] && return 0
      [ "$dir" = / ] && return 1
      dir="$(dirname "$dir")"
    done
  fi
}
"""
"""Shell functions the check commands use (bash; `has_env` uses indirect expansion)."""


def q(word: str) -> str:
    return shlex.quote(word)


def check_command(dep: Dependency) -> str:
    if dep.kind == "pip":
        return " ".join(["py_has", q(dep.name), *(q(m) for m in dep.modules)])
    if dep.kind == "npm":
        scope = dep.scope or "global"
        check = f"npm_has {scope} {q(dep.name)}"
        if scope == "global" and dep.bins:
            return " || ".join([" && ".join(f"has_cmd {q(b)}" for b in dep.bins), check])
        return check
    if dep.kind == "service":
        if dep.name.startswith(MCP_PREFIX):
            return f"mcp_has {q(dep.name[len(MCP_PREFIX):])}"
        service = rules().services.get(dep.name)
        return service.check if service is not None else f"has_env {q(dep.name)}"
    bins = list(dep.bins)
    if not bins:
        tool = tool_table().tools.get(dep.name)
        if tool is not None:
            return f"has_cmd {q(tool.bins[0])}"  # the tool's main command
        if dep.apt:
            return " && ".join(f"dpkg_has {q(p)}" for p in dep.apt.split())
        return f"has_cmd {q(dep.name)}"
    return " && ".join(f"has_cmd {q(b)}" for b in bins)


def install_command(dep: Dependency) -> str:
    """The line that installs `dep`, or "" when nothing here can (a service, a tool
    with no known package)."""
    if dep.kind == "pip":
        return f"pip_install {q(dep.spec or dep.name)}"
    if dep.kind == "npm":
        return f"npm_install {dep.scope or 'global'} {q(dep.name)}"
    if dep.kind == "service":
        return ""
    parts = []
    if dep.apt:
        parts.append(f"--apt {q(dep.apt)}")
    if dep.brew:
        parts.append(f"--brew {q(dep.brew)}")
    if dep.pip:
        parts.append(f"--pip {q(dep.pip)}")
    if dep.npm:
        parts.append(f"--npm {q(dep.npm)}")
    return "sys_install " + " ".join(parts) if parts else ""


def human_install(dep: Dependency) -> str:
    """The install as a person would type it (for messages)."""
    if dep.kind == "pip":
        return f"python3 -m pip install {dep.spec or dep.name}"
    if dep.kind == "npm":
        return f"npm install {'-g ' if (dep.scope or 'global') == 'global' else ''}{dep.name}"
    ways = []
    if dep.apt:
        ways.append(f"apt-get install {dep.apt}")
    if dep.brew:
        ways.append(f"brew install {dep.brew}")
    if dep.pip:
        ways.append(f"python3 -m pip install {dep.pip}")
    if dep.npm:
        ways.append(f"npm install -g {dep.npm}")
    return " or ".join(ways) or manual_hint(dep)


def manual_hint(dep: Dependency) -> str:
    """What a person can do when the script cannot install `dep`."""
    if dep.kind == "service":
        if dep.name.startswith(MCP_PREFIX):
            return (f"configure the '{dep.name[len(MCP_PREFIX):]}' MCP server in your agent "
                    "(.mcp.json, ~/.claude.json, ~/.codex/config.toml ...) before the skill runs")
        service = rules().services.get(dep.name)
        if service is not None:
            return f"start {service.note or dep.name} before the skill runs"
        return f"set {dep.name} in the environment before the skill runs"
    if dep.platform:
        return f"{dep.name} exists only on {dep.platform}"
    tool = tool_table().tools.get(dep.name)
    if tool is not None and tool.note:
        return f"install {dep.name} by hand ({tool.note})"
    return f"install {dep.name} by hand (no apt or brew package is known for it)"


def bind_commands(dep: Dependency) -> Dependency:
    dep.check = check_command(dep)
    dep.install = install_command(dep)
    return dep
