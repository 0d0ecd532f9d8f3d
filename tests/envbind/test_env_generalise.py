"""Dependency rules that describe language, not particular skills (issue 12): code in
strings and heredocs, jq/awk/sed programs, shell functions and prose words never
become packages; MCP servers and services become `service` dependencies with a check."""

from __future__ import annotations

from pathlib import Path

from skillir.deps.commands import bind_commands
from skillir.envbind.extract import extract_skill
from skillir.frontend.skill_md import load_skill, parse_markdown


def labels(md: str) -> set[str]:
    return extract_skill(parse_markdown(md).body.block.first_op).labels()


def deps(md: str) -> dict:
    return {d.label(): d for d in extract_skill(parse_markdown(md).body.block.first_op).dependencies}


FM = "---\nname: t\ndescription: test skill\n---\n\n# T\n\n"


def test_code_in_strings_and_heredocs_is_read_for_imports_only():
    md = FM + ("```bash\ncurl -s https://api.x/items | python3 -c \"\nimport sys, json\nimport yaml\n"
               "for item in json.load(sys.stdin):\n    print(item['name'])\n\"\n"
               "python3 - <<'PY'\nimport pandas as pd\nprint(pd.__version__)\nPY\n"
               "node - <<'JS'\nconst axios = require('axios');\nJS\n"
               "cat > notes.txt <<EOF\nmonday tonight sunday\nEOF\n```\n")
    assert labels(md) == {"system:curl", "pip:pyyaml", "pip:pandas", "npm:axios", "system:node"}


def test_a_heredoc_fed_to_an_interpreter_by_path_or_env_is_read_as_its_language():
    md = FM + ("```bash\n/usr/bin/env bash << 'PREFLIGHT_EOF'\ngh repo view --json nameWithOwner\n"
               "BRANCH=$(git rev-parse --abbrev-ref HEAD)\nPREFLIGHT_EOF\n"
               "/usr/bin/env python3 - <<'PY'\nimport yaml\nPY\n"
               "/bin/cat > notes.txt <<EOF\nmake sure tonight\nEOF\n```\n")
    assert labels(md) == {"system:gh", "service:github", "system:git", "pip:pyyaml"}


def test_jq_awk_sed_programs_and_functions_are_never_commands():
    md = FM + ("```bash\nsummarize() {\n  jq -r '.items[]\n    | select(.n | tonumber > 3)\n    | contains(\"x\")' \"$1\"\n}\n"
               "summarize data.json | awk '{\n  total += $2\n} END { print total }'\nsed -e 's/a/b/' f.txt\n```\n\n"
               "Then call it again:\n\n```bash\nsummarize other.json\nalias ll='ls -la'\nll\n```\n")
    assert labels(md) == {"system:jq"}


def test_functions_from_a_bundled_library_are_local(tmp_path: Path):
    folder = tmp_path / "lib-skill"
    (folder / "scripts").mkdir(parents=True)
    (folder / "scripts" / "lib.sh").write_text("say() { echo \"$@\"; }\nstate_get() { cat state; }\n")
    (folder / "scripts" / "run.sh").write_text(". ./lib.sh\nsay hi\nstate_get\nffmpeg -i a b\n")
    (folder / "SKILL.md").write_text(FM + "Run `scripts/run.sh`.\n\n```bash\nbash scripts/run.sh\nsay done\n```\n")
    assert extract_skill(load_skill(folder).body.block.first_op).labels() == {"system:ffmpeg"}


def test_prose_words_need_install_or_usage_phrasing():
    md = FM + ("Every monday and tonight, check the calendar.\n\n"
               "Get the diff with `git diff main...HEAD`, then run the tests (`npm test` / `cargo test` / `pytest`).\n"
               "Do not run `npx tsx` directly. The `scripts/x.py` helper writes `out.json`.\n")
    assert labels(md) == {"system:git"}
    sentence = "---\nname: t\ndescription: d\nrequires: a GitHub account and the gh CLI every monday\n---\n\n# T\n"
    assert labels(sentence) == {"system:gh", "service:github"}


def test_mcp_servers_become_service_dependencies_with_a_check():
    md = ("---\nname: t\ndescription: Uses the Linear MCP server to file issues.\nrequires:\n  mcp: [github]\n"
          "allowed-tools: [mcp__notion__search, Read]\nmcpServers:\n  sentry: {url: https://mcp.sentry.dev}\n---\n\n"
          "# T\n\nThis skill requires the `paper-search` MCP server. Create MCP servers in TypeScript.\n\n"
          "```bash\nclaude mcp add --transport http arxiv https://x/mcp\ncodex mcp login arxiv\n```\n\n"
          '```json\n{"mcpServers": {"bgpt": {"command": "npx", "args": ["-y", "mcp-remote", "https://x/sse"]}}}\n```\n')
    found = deps(md)
    mcp = {k for k in found if k.startswith("service:mcp:")}
    assert mcp == {"service:mcp:linear", "service:mcp:github", "service:mcp:notion", "service:mcp:sentry",
                   "service:mcp:paper-search", "service:mcp:arxiv", "service:mcp:bgpt"}
    assert found["service:mcp:github"].check == "mcp_has github" and found["service:mcp:github"].install == ""
    assert "npm:@anthropic-ai/claude-code" not in found and "npm:@openai/codex" not in found
    openclaw = ('---\nname: t\ndescription: d\nmetadata: {"clawdbot": {"requires": {"bins": ["curl"], '
                '"mcp": ["slack"], "anyBins": ["gog", "gcal"], "optionalEnv": ["X_API_KEY"], '
                '"tools": ["web_search", "browser"]}}}\n---\n\n# T\n')
    found = deps(openclaw)
    assert set(found) == {"system:curl", "service:mcp:slack", "system:gog", "system:gcal", "service:X_API_KEY"}
    assert found["system:gog"].optional and found["service:X_API_KEY"].optional and not found["system:curl"].optional


def test_a_verb_or_participle_before_mcp_is_not_the_server():
    """"Verify Rube MCP is available" names the server rube (not "verify-rube");
    "Existing MCP server" and "a named MCP" name none."""
    md = ("---\nname: t\ndescription: d\n---\n\n# T\n\n- Verify Rube MCP is available first.\n"
          "- Existing MCP server in the repo: connect to it.\n- Each named MCP tool is listed.\n")
    assert {k for k in deps(md) if k.startswith("service:mcp:")} == {"service:mcp:rube"}


def test_a_server_the_skill_leverages_or_works_with_is_a_dependency():
    """"Leverages AWS MCP tools", "Works with Playwright MCP" say the skill uses the
    server, as "uses" does; the verb is not part of its name."""
    md = ("---\nname: t\ndescription: d\n---\n\n# T\n\nLeverages AWS MCP tools for answers.\n\n"
          "Works with Playwright MCP (preferred) or a browser.\n\nThe Sentry MCP server is documented elsewhere.\n\n"
          "Adds Parallel AI MCP integration, used for research.\n")
    assert {k for k in deps(md) if k.startswith("service:mcp:")} == {"service:mcp:aws", "service:mcp:playwright",
                                                                     "service:mcp:parallel-ai"}


def test_a_compatibility_list_of_agents_names_where_the_skill_runs_not_tools():
    """`compatibility: claude-code, cursor, codex, opencode` lists the agents the skill
    works in; "Requires the codex CLI" still names a tool."""
    agents = "---\nname: t\ndescription: d\ncompatibility: claude-code, cursor, codex, opencode\n---\n\n# T\n"
    assert not {k for k in deps(agents) if "codex" in k}
    tool = "---\nname: t\ndescription: d\ncompatibility: Requires the codex CLI\n---\n\n# T\n"
    assert "npm:@openai/codex" in deps(tool)


def test_a_question_about_mcp_tools_names_no_server():
    """"Are MCP tools deferred?" asks about MCP tools in general: "Are" is no server."""
    md = "---\nname: t\ndescription: d\n---\n\n# T\n\n- Check: Are MCP tools using stubs? Use them.\n"
    assert not {k for k in deps(md) if k.startswith("service:mcp:")}


def test_a_known_command_run_through_npx_or_exec_is_its_package():
    """`npx tsc`, `pnpm exec tsc`: tsc is the command of the typescript package."""
    md = "---\nname: t\ndescription: d\n---\n\n# T\n\n```bash\npnpm exec tsc --noEmit\nnpx tsc -p .\n```\n"
    found = {k for k in deps(md) if k.startswith("npm:")}
    assert found == {"npm:typescript"}


def test_the_language_an_mcp_server_is_written_in_or_a_blank_is_not_a_server():
    """"Build a TypeScript MCP server", "the Akka Java SDK MCP endpoint", "For MCP Tools:",
    "Good MCP surfaces" and "the {project-name} MCP server" name no server to connect to;
    "Use the Linear MCP server" still does."""
    md = ("---\nname: t\ndescription: d\n---\n\n# T\n\n- You must build a TypeScript MCP server first.\n"
          "- Use the Akka Java SDK MCP endpoint; it is required.\n- **For MCP Tools:** call them directly.\n"
          "- Good MCP surfaces must let agents inspect goals.\n- Connect to the {project-name} MCP server.\n"
          "- Use the Linear MCP server to file issues.\n")
    assert {k for k in deps(md) if k.startswith("service:mcp:")} == {"service:mcp:linear"}


def test_services_and_hosted_accounts_have_checks():
    md = FM + ("## Requirements\n\nRequires a running PostgreSQL database and Redis.\n\n"
               "```bash\ngh pr list --json number\n```\n")
    found = deps(md)
    assert {"service:postgresql", "service:redis", "service:github", "system:gh"} <= set(found)
    assert found["service:postgresql"].check.startswith("has_cmd pg_isready")
    assert "gh/hosts.yml" in found["service:github"].check
    dep = bind_commands(found["service:redis"])
    assert dep.install == "" and "redis-cli ping" in dep.check


def test_a_credential_a_known_service_checks_for_is_that_service():
    """`GH_TOKEN` is the GitHub login (github's check reads it), not a service of its
    own; a credential no known service reads stays named by its variable."""
    found = deps(FM + "Set `GH_TOKEN` for private repositories and `KAGI_API_KEY` for search.\n\n"
                      "```bash\nexport GH_TOKEN=...\nexport KAGI_API_KEY=...\n```\n")
    assert "service:github" in found and "service:GH_TOKEN" not in found
    assert "gh/hosts.yml" in found["service:github"].check
    assert "service:KAGI_API_KEY" in found


def test_platform_tools_project_scripts_and_help_pointers_are_never_required():
    md = FM + ("```bash\nsecurity find-identity -v\nnpm test path/to/x.test.ts\n```\n\n"
               "For more help, install the helper skill with `npx skills add acme/helper`.\n")
    found = deps(md)
    assert set(found) == {"system:security", "system:node", "npm:skills"}
    assert all(d.optional for d in found.values())


def test_the_skills_own_tests_are_not_its_dependencies(tmp_path: Path):
    folder = tmp_path / "tested-skill"
    (folder / "scripts" / "tests").mkdir(parents=True)
    (folder / "scripts" / "qr.py").write_text("import qrcode\n")
    (folder / "scripts" / "tests" / "test_qr.py").write_text("import pytest\nimport hypothesis\n")
    (folder / "scripts" / "tests" / "conftest.py").write_text("import pytest\n")
    (folder / "SKILL.md").write_text(FM + "Run `python scripts/qr.py`.\n")
    extraction = extract_skill(load_skill(folder).body.block.first_op, folder)
    assert extraction.labels() == {"pip:qrcode"}
    assert any("own tests" in n.message for n in extraction.notes)


def test_a_requirements_block_headed_dev_or_testing_is_for_developing_the_skill(tmp_path: Path):
    folder = tmp_path / "styled-skill"
    (folder / "scripts").mkdir(parents=True)
    (folder / "scripts" / "requirements.txt").write_text(
        "# Runtime\nrequests>=2\n\n# Testing dependencies (dev)\npytest>=8.0.0\npytest-cov>=4.1.0\n"
        "\n# Rendering\npillow\n")
    (folder / "scripts" / "gen.py").write_text("import requests\n")
    (folder / "SKILL.md").write_text(FM + "Run `pip install -r scripts/requirements.txt` then `python scripts/gen.py`.\n")
    extraction = extract_skill(load_skill(folder).body.block.first_op, folder)
    assert {"pip:requests", "pip:pillow"} <= extraction.labels()
    assert not {"pip:pytest", "pip:pytest-cov"} & extraction.labels()
    assert any("for developing the skill" in n.message and "Testing dependencies" in n.message
               for n in extraction.notes)


def test_a_skill_about_migrating_data_keeps_its_commands_a_tool_comparison_does_not():
    """'Migration' is a section about moving from one tool to another only when it says
    from what ("## Migrating from pip"); a skill whose work is a migration ("### Label
    Migration Flow") needs the commands it runs."""
    work = FM + "## Label Migration Flow\n\n1. List the labels:\n\n```bash\ngh label list -R o/r\n```\n"
    assert "system:gh" in deps(work)
    compare = FM + "## Migrating from pip\n\n```bash\npip-compile requirements.in\n```\n"
    assert "system:pip-compile" not in deps(compare) and "pip:pip-tools" not in deps(compare)


def test_tools_said_to_be_in_the_container_are_needed():
    md = FM + "Four engines are already in this container: `pandoc`, `ffmpeg` and ImageMagick's `convert`.\n"
    assert {"system:pandoc", "system:ffmpeg"} <= set(deps(md))


def test_a_block_a_sentence_introduces_as_optional_is_optional(tmp_path: Path):
    body = ("Render the preview:\n\n```bash\npandoc a.md -o a.pdf\n```\n\n"
            "Optionally, make a GIF of it:\n\n```bash\nffmpeg -i a.mp4 a.gif\n```\n\n"
            "Or use ImageMagick:\n\n```bash\nconvert a.png a.jpg\n```\n\n"
            "If you encounter errors in this skill, report them:\n\n```bash\nnpx --yes submit-feedback@latest \"x\"\n```\n\n"
            "Scrape the pages with automatic fallback:\n\n```bash\ntesseract page.png out\n```\n")
    skill = tmp_path / "s"
    skill.mkdir()
    (skill / "SKILL.md").write_text(FM + body)
    found = {d.label(): d.optional for d in extract_skill(load_skill(skill).body.block.first_op, skill).dependencies}
    assert found["system:pandoc"] is False
    assert found["system:ffmpeg"] is True and found["system:imagemagick"] is True
    assert found["npm:submit-feedback"] is True
    assert found["system:tesseract"] is False  # a cue inside the sentence describes the code


def test_an_applications_own_secret_is_no_service():
    block = ("```javascript\nconst user = jwt.verify(token, process.env.JWT_SECRET);\n"
             "await page.fill('#pw', process.env.TEST_PASSWORD);\n"
             "const client = new Stripe(process.env.STRIPE_SECRET_KEY);\n```\n")
    found = set(deps(FM + block))
    assert not {d for d in found if "JWT" in d or "TEST" in d}
    assert any(d.startswith("service:") and "STRIPE" in d.upper() for d in found)


def test_imports_under_a_counter_example_comment_are_not_needed():
    block = ("```python\nimport httpx\n\n# ❌ WRONG: importing an outside library\nimport requests\n```\n\n"
             "```python\n# Check for bad channels first\nimport numpy\n```\n")
    found = set(deps(FM + block))
    assert "pip:requests" not in found
    assert {"pip:httpx", "pip:numpy"} <= found  # before the example; a cue inside a sentence marks nothing


def test_commands_under_a_counter_example_comment_are_not_needed():
    """The shell reader marks a region the way the Python reader does: from a comment
    that opens with a cue, not from a cue inside a comment's sentence ("a wrong -s
    collapses counts" explains the command after it)."""
    block = ("```bash\n# ❌ WRONG: a browser for a download\nchromium --headless --dump-dom https://x\n\n"
             "# ✅ CORRECT: fetch it\ncurl -sO https://x/a.mp4\n\n"
             "# Sampling: a wrong -ar silently resamples, so give it\nffmpeg -i a.mp4 -ar 44100 b.mp3\n```\n")
    found = set(deps(FM + block))
    assert "system:chromium" not in found
    assert {"system:curl", "system:ffmpeg"} <= found


def test_code_that_grades_ways_to_write_it_is_an_example_of_the_readers_code():
    """A block in SKILL.md with both a counter-example comment and an example-end one
    contrasts wrong and right code for the reader's project: none of its imports are the
    skill's (JavaScript and Python alike). Without the pair, only the lines under the
    counter-example go; and a bundled script that grades its own methods keeps them."""
    js = ("```typescript\n// ❌ Bad: imports the whole library\nimport _ from 'lodash';\n\n"
          "// ✅ Good: one function\nimport { groupBy } from 'lodash-es';\n```\n")
    py = ("```python\n# BAD: pickle for untrusted data\nimport pickle\n\n"
          "# GOOD: JSON\nimport orjson\n```\n")
    found = set(deps(FM + js + "\n" + py))
    assert not {"npm:lodash", "npm:lodash-es", "pip:orjson"} & found
    plain = "```typescript\nimport { z } from 'zod';\n\n// ❌ Bad: the whole library\nimport _ from 'lodash';\n```\n"
    found = set(deps(FM + plain))
    assert "npm:zod" in found and "npm:lodash" not in found


def test_a_bundled_script_that_grades_its_methods_keeps_its_imports(tmp_path: Path):
    (tmp_path / "SKILL.md").write_text(FM + "Run `python scripts/fit.py data.csv`.\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "fit.py").write_text(
        "from scipy import stats\n\n# CORRECT: a mixed model per patient\nfit = 1\n"
        "# WRONG: every cell a replicate\nbad = 2\n")
    skill = next(op for op in load_skill(tmp_path).ops if op.name == "skill.skill")
    assert "pip:scipy" in {d.label() for d in extract_skill(skill, tmp_path).dependencies}


def test_a_compatibility_sentence_names_tools_but_not_with_its_english():
    def compat(text: str) -> set:
        return set(deps(f"---\nname: t\ndescription: d\ncompatibility: '{text}'\n---\n\n# T\n"))
    assert "system:git" in compat("Requires Python 3.8+ and git. Run it from the project root.")
    assert "system:file" not in compat("All media must be public URLs; local file paths are not supported.")
    assert "system:file" in compat("jq, file, curl")  # a list of names: each one a tool


def test_a_tool_named_in_a_table_of_parameters_is_a_parameter():
    table = ("| {} | Required | Description |\n|---|---|---|\n| `file` | Yes | Path to the content file |\n"
             "| `--json` | No | JSON output |\n")
    assert "system:file" not in deps(FM + "**Parameters:**\n\n" + table.format("Parameter"))
    # a table of tools, with the same cue, still names what is needed
    assert "system:file" in deps(FM + table.format("Tool"))


def test_an_install_command_in_prose_or_a_comment_ends_where_english_goes_on():
    md = FM + ("Install it with `brew install gmp first` if the build fails.\n\n"
               "```bash\npip install -U ddgs\n# macOS: brew install gmp first, then retry\n```\n\n"
               "```python\n# pip install requests or use the bundled client\nimport json\n```\n")
    assert labels(md) == {"pip:ddgs", "system:gmp", "pip:requests"}
    # what follows `install` is English, not packages: a preposition, the command named as
    # a thing, a dash, the end of a sentence
    english = FM + ("Add `--require-hashes` to pip install commands; flag pip install without --ignore-scripts.\n\n"
                    "```python\n# OpenAI (pip install openai  — uses OPENAI_API_KEY env var)\nimport json\n```\n\n"
                    "```python\n# Well-known paths that pip/uv/apt install into.\nimport os\n```\n\n"
                    "Ubuntu users will need to run apt install libaio-dev. In general, read the report.\n")
    assert labels(english) == {"pip:openai", "system:libaio-dev"}


def test_a_short_code_span_does_not_pair_with_the_next_one():
    """`gh` (two characters) then `gh auth login`: the second span is read as the command
    it is, not lost to a span running from the first's closing backtick."""
    md = FM + "## Prerequisites\n\n- `gh` CLI authenticated (`gh auth login`)\n"
    assert labels(md) == {"system:gh", "service:github"}


def test_an_asset_skill_md_never_names_is_the_user_projects_material(tmp_path: Path):
    """Agent Skills layout: `assets/` holds what the skill hands out (templates, samples);
    what an unnamed asset imports is for the user's project, not for running the skill."""
    folder = tmp_path / "asset-skill"
    (folder / "assets" / "template").mkdir(parents=True)
    (folder / "scripts").mkdir()
    (folder / "assets" / "template" / "app.py").write_text("import fastapi\n")
    (folder / "assets" / "seed.py").write_text("import numpy\n")
    (folder / "scripts" / "run.py").write_text("import yaml\n")
    (folder / "SKILL.md").write_text(FM + "Run `python3 scripts/run.py`, then `python3 assets/seed.py`.\n")
    assert extract_skill(load_skill(folder).body.block.first_op).labels() == {"pip:pyyaml", "pip:numpy"}


def _described(description: str, body: str = "") -> dict:
    return deps(f"---\nname: t\ndescription: {description}\n---\n\n# T\n\n{body}")


def test_a_service_the_description_says_the_skill_works_with_is_an_optional_service():
    found = _described("Query Datadog logs and metrics. Use when investigating an incident.")
    assert set(found) == {"service:datadog"} and found["service:datadog"].optional
    assert "DD_API_KEY" in found["service:datadog"].check
    # two in one sentence are both the subject; three or more are a catalogue of choices
    assert set(_described("Debug the API and its PostgreSQL database or its Redis cache.")) == \
        {"service:postgresql", "service:redis"}
    assert not _described("Templates for Postgres, MySQL, MongoDB and Redis.")
    # the company, not the service
    assert not _described("Create a git branch following Sentry naming conventions.")
    assert not _described("Write posts for the Sentry engineering blog.")
    assert set(_described("Deploy from Railway's template marketplace.")) == {"service:railway"}


def test_a_described_service_reached_through_its_mcp_server_is_that_server():
    found = _described("Create a Notion doc of last year's work.",
                       "Use the Notion MCP server to create the page.\n")
    assert "service:mcp:notion" in found and "service:notion" not in found


def test_commands_an_allowed_tools_entry_lets_the_skill_run_are_needed():
    md = "---\nname: t\ndescription: test skill\nallowed-tools: Bash(gh issue:*), Bash(mkdir:*), Read\n---\n\n# T\n"
    assert labels(md) == {"system:gh", "service:github"}  # (gh works through a GitHub login)
    assert labels(md.replace("Bash(gh issue:*), ", "")) == set()


def test_two_ways_to_use_one_tool_are_not_alternatives_and_captured_commands_run():
    assert labels(FM + "Find the commit (`git log --follow` / `git blame` on the test).\n") == {"system:git"}
    assert labels(FM + "Use `npm test` / `cargo test` for the project.\n") == set()
    assert labels(FM + "1. Get the SHAs: `BASE_SHA=$(git rev-parse HEAD~1)`.\n") == {"system:git"}


def test_python_packages_listed_with_versions_or_under_a_dependencies_line_are_needed():
    assert labels(FM + "Tested with: ape 5.8+ (R), pandas 2.2+, numpy 1.26+, scipy 1.12+.\n") == \
        {"pip:pandas", "pip:numpy", "pip:scipy"}
    assert labels(FM + "- Dependencies: pandas, python-dateutil (for timezone handling)\n") == \
        {"pip:pandas", "pip:python-dateutil"}
    # one version alone is an aside; a package named in a sentence is no dependency
    assert labels(FM + "Compile your model (torch 2.0+) if you can.\n\nThe pandas docs explain it.\n") == set()


def test_tools_under_when_not_to_use_are_other_tools():
    section = "## When NOT to Use\n\n- Local commits and pushes: use `git push` directly.\n"
    assert labels(FM + section) == set()
    assert labels(FM + section.replace("When NOT to Use", "Publishing")) == {"system:git"}


def test_npm_create_and_init_run_the_create_package():
    """`npm create X` / `npm init X` (and yarn, pnpm, bun) run the package create-X
    (npm's rule, scopes included); a bare `npm init` or a template path runs none."""
    def block(command: str) -> set[str]:
        return labels(FM + f"```bash\n{command}\n```\n")
    assert "npm:create-vite" in block("npm create vite@latest my-app")
    assert "npm:create-playwright" in block("npm init playwright@latest")
    assert "npm:create-next-app" in block("pnpm create next-app")
    assert "npm:@editframe/create" in block("npm create @editframe")
    assert "npm:@scope/create-thing" in block("npm create @scope/thing@1.2")
    assert not {d for d in block("npm init -y") | block("bun create owner/template") if d.startswith("npm:")}


def test_a_tool_the_text_calls_a_cli_is_needed_known_or_not():
    assert "system:uip" in labels(FM + "Every command goes through the `uip` CLI.\n")
    assert "system:coolify" in labels(FM + "Deploy with the Coolify CLI (`coolify`) first.\n")
    assert "system:gh" in labels(FM + "Open the pull request with the `gh` command-line tool.\n")
    # an unknown word is no command unless the text says it is a CLI
    assert labels(FM + "Every command goes through `uip` here.\n") == set()
    assert labels(FM + "Do not use the `uip` CLI for this.\n") == set()
    # optional unless the sentence says it is required
    assert deps(FM + "One convenient way is the `ant` CLI.\n")["system:ant"].optional
    assert not deps(FM + "This skill requires the `ant` CLI.\n")["system:ant"].optional


def test_a_front_matter_list_of_python_packages_makes_its_unknown_names_packages():
    """`dependencies: [torch>=2.9, transformers, apex, monarch]` lists Python packages:
    `apex` and `monarch`, which no table knows, are packages like their neighbours, not
    commands; a list of commands keeps an unknown name a command."""
    packages = "---\nname: t\ndescription: d\ndependencies: [torch>=2.9.0, transformers, apex, monarch]\n---\n\n# T\n"
    assert labels(packages) == {"pip:torch", "pip:transformers", "pip:apex", "pip:monarch"}
    commands = "---\nname: t\ndescription: d\ndependencies: [git, jq, frobnicate]\n---\n\n# T\n"
    assert labels(commands) == {"system:git", "system:jq", "system:frobnicate"}


def test_a_negation_stops_at_a_new_clause():
    """"If `gh` is not installed, try running `git remote -v`": the negation is about gh."""
    assert "system:git" in labels(FM + "1. If `gh` is not installed, try running `git remote -v` to find the URL.\n")
    assert labels(FM + "1. Do not run `git push` here.\n") == set()


def test_a_known_tool_the_text_runs_by_name_is_needed_where_used():
    found = deps(FM + "1. Check the script with `bash -n`; run `shellcheck` if available.\n"
                      "2. Inspect the output using `jq` to find the fields.\n")
    assert {"system:shellcheck", "system:jq"} <= set(found)
    assert all(found[k].optional for k in ("system:shellcheck", "system:jq"))  # (nothing says it is needed)
    assert labels(FM + "| Task | Use `security` | Use `security-review` |\n|---|---|---|\n| a | b | c |\n") == set()
    assert labels(FM + "Parse the lines with `R` status.\n") == set()


def test_the_environment_manager_itself_is_a_dependency():
    md = FM + "```bash\nconda create -n forge python=3.12\nconda activate forge\n```\n"
    assert labels(md) == {"system:conda"}


def test_cloud_clis_are_system_tools():
    md = FM + "```bash\naws s3 ls\naz group list\n```\n"
    assert {"system:awscli", "system:az"} <= labels(md)
    assert not {"pip:awscli", "pip:azure-cli"} & labels(md)


def test_a_bundled_lock_file_names_no_command(tmp_path):
    """`scripts/uv.lock` beside `scripts/collect.py` does not make `uv run` the skill's own command."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "collect.py").write_text("import json\n")
    (tmp_path / "scripts" / "uv.lock").write_text("version = 1\n")
    (tmp_path / "SKILL.md").write_text(FM + "1. Collect:\n\n   ```sh\n   uv run scripts/collect.py --json out.json\n   ```\n")
    assert "system:uv" in extract_skill(load_skill(tmp_path).body.block.first_op, tmp_path).labels()


def test_a_credential_quoted_alone_is_the_account_it_unlocks():
    md = FM + ("| Provider | Key | Where |\n|---|---|---|\n| DeepSeek | `DEEPSEEK_API_KEY` | platform.deepseek.com |\n"
               "| Kling | `KLING_ACCESS_KEY` | klingai.com |\n\nPass the ticket as `TICKET_KEY=JNS-1`.\n")
    found = deps(md)
    assert {k for k in found if k.startswith("service:")} == {"service:DEEPSEEK_API_KEY", "service:KLING_ACCESS_KEY"}
    assert all(d.optional for d in found.values())  # (nothing says which one is needed)
