"""Dependency extraction: the readers (Python, shell, JavaScript, prose, front matter),
resolution against the tables, the test skills with real bundled scripts, and bad
input that must never stop extraction."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillir.deps.collect import Collector
from skillir.deps.js_deps import JsReader, mcp_config_hits, package_of
from skillir.deps.prose_deps import ProseReader
from skillir.deps.python_deps import PythonReader
from skillir.deps.shell_deps import ShellReader, pip_spec_name
from skillir.deps.tables import python_table, tool_table
from skillir.envbind.extract import ExtractOptions, extract_skill
from skillir.frontend.skill_md import load_skill, parse_markdown
from skillir.readers.languages import family as language_family

SKILLS = Path(__file__).resolve().parents[1] / "data" / "env_skills"


def labels_of(markdown: str, **options) -> set[str]:
    module = parse_markdown(markdown)
    skill = module.body.block.first_op
    return extract_skill(skill, None, ExtractOptions(**options)).labels()


def resolve(hits) -> set[str]:
    collector = Collector()
    collector.add_all(hits, "SKILL.md", 1)
    return collector.finish(50).labels()


def skill_labels(name: str) -> set[str]:
    return extract_skill(load_skill(SKILLS / name).body.block.first_op).labels()


# ---------------------------------------------------------------------------- tables


def test_tables_load_and_know_the_classic_mappings():
    table = python_table()
    for module, dist in [("PIL", "pillow"), ("cv2", "opencv-python"), ("yaml", "pyyaml"),
                         ("docx", "python-docx"), ("pptx", "python-pptx"), ("fitz", "pymupdf"),
                         ("sklearn", "scikit-learn"), ("bs4", "beautifulsoup4"),
                         ("google.cloud.storage", "google-cloud-storage"), ("attr", "attrs")]:
        assert table.distribution(module) == dist
    assert table.distribution("google.cloud.storage.blob") == "google-cloud-storage"
    assert table.distribution("Some_Unknown.mod") == "some-unknown"
    assert len(table.modules) >= 400
    assert table.is_stdlib("os.path") and table.is_stdlib("tomllib") and not table.is_stdlib("numpy")
    tools = tool_table()
    assert tools.by_bin["pdftotext"].name == "poppler-utils"
    assert tools.by_bin["convert"].apt == "imagemagick"
    assert tools.by_apt["tesseract-ocr"].name == "tesseract"
    assert "ls" in tools.baseline and "python3" in tools.baseline
    assert language_family("py") == "python"


# ---------------------------------------------------------------------------- python


def test_python_imports_with_ast():
    hits, parsed = PythonReader().read(
        "import os, sys\nimport numpy as np\nfrom PIL import Image\nfrom . import sibling\n"
        "from skimage.io import imread\nimport google.cloud.storage\n"
    )
    assert parsed
    assert [(h.name, h.line) for h in hits] == [
        ("os", 1), ("sys", 1), ("numpy", 2), ("PIL", 3), ("skimage.io", 5), ("google.cloud.storage", 6)]
    assert resolve(hits) == {"pip:numpy", "pip:pillow", "pip:scikit-image", "pip:google-cloud-storage"}


def test_python_guarded_import_is_optional_and_calls_give_commands_and_credentials():
    code = (
        "import subprocess, os, shutil\n"
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"
        "subprocess.run(['ffmpeg', '-i', 'in.mp4'])\n"
        "os.system('pdftotext a.pdf - | grep x')\n"
        "key = os.environ['ACME_API_KEY']\n"
        "tok = os.getenv('GITHUB_TOKEN', '')\n"
        "home = os.environ['HOME']\n"
        "shutil.which('qpdf')\n"
    )
    hits, parsed = PythonReader().read(code)
    assert parsed
    by_name = {h.name: h for h in hits}
    assert by_name["ujson"].optional and not by_name["subprocess"].optional
    assert by_name["ffmpeg"].kind == "command" and by_name["ffmpeg"].line == 6
    assert by_name["pdftotext"].line == 7
    assert by_name["ACME_API_KEY"].kind == "env" and not by_name["ACME_API_KEY"].optional
    assert by_name["GITHUB_TOKEN"].optional  # has a default
    assert "HOME" not in by_name
    collector = Collector()
    collector.add_all(hits, "x.py", 1)
    result = collector.finish(50)
    deps = {d.label(): d for d in result.dependencies}
    assert deps["pip:ujson"].optional
    assert set(deps) == {"pip:ujson", "system:ffmpeg", "system:poppler-utils", "system:qpdf",
                         "service:ACME_API_KEY", "service:github"}


def test_python_regex_fallback_doctest_and_notebook_escapes():
    reader = PythonReader()
    hits, parsed = reader.read("import lxml.etree\nprint 'py2'\nfrom bs4 import Soup\nx = (\n")
    assert not parsed and "line" in reader.last_error
    assert {h.name for h in hits} == {"lxml.etree", "bs4"}
    hits, parsed = reader.read(">>> from obspy import read\n>>> st = read()\n3 Trace(s) in Stream:\n")
    assert parsed and [h.name for h in hits] == ["obspy"]
    hits, _ = reader.read("!pip install -q seaborn\n%pip install tqdm\nimport seaborn\n")
    assert resolve(hits) == {"pip:seaborn", "pip:tqdm"}
    hits, _ = reader.read("import x  # Requires: pip install pytesseract pdf2image\n")
    assert {(h.kind, h.name, h.via) for h in hits if h.kind == "pip"} == {
        ("pip", "pytesseract", "comment"), ("pip", "pdf2image", "comment")}


# ---------------------------------------------------------------------------- shell


def test_shell_commands_resolve_to_tools_and_packages():
    code = """
sudo apt-get install -y tesseract-ocr poppler-utils
pip install 'markitdown[all]' requests==2.31 -r requirements.txt PACKAGE
pip install git+https://github.com/wayneweiqiang/GaMMA.git
npm install -g clawdhub @scope/tool@latest
npx -y bgpt-mcp --help
brew install --cask mactex
uv pip install networkx
uvx ruff check .
python3 -m coverage run test.py
timeout 30 xargs -n 1 ffprobe < files.txt
GIT_DIR=$(git rev-parse --git-dir) pdftotext a.pdf -
export ACME_API_KEY="your-key"
./scripts/run.sh && bash scripts/other.sh
for f in *.pdf; do qpdf --check "$f"; done
"""
    labels = resolve(ShellReader().read(code))
    assert labels == {
        "system:tesseract", "system:poppler-utils", "pip:markitdown", "pip:requests", "pip:gamma",
        "npm:clawdhub", "npm:@scope/tool", "npm:bgpt-mcp", "system:node", "pip:networkx", "pip:ruff",
        "system:uv", "pip:coverage", "system:ffmpeg", "system:git", "service:ACME_API_KEY", "system:qpdf",
    }


def test_project_commands_are_not_the_skills_environment():
    code = """
uv add requests pandas
poetry add django
if [ -f package.json ]; then npm install; fi
npm test / cargo test / pytest / go test ./...
uv run pytest -n auto
curl -LsSf https://astral.sh/uv/install.sh | sh
"""
    # (node only where a package.json says the project is a JavaScript one: optional)
    assert resolve(ShellReader().read(code)) == {"system:uv", "system:poetry"}


def test_an_npm_install_of_named_packages_installs_what_the_code_needs():
    """`npm install X` (or `yarn add X`) is how a package is installed for code to use:
    a local npm dependency; only `-g` makes it global. (`uv add`, `poetry add` have
    `pip install` beside them, so they stay project commands.)"""
    deps = ShellReader().read("npm install --save-dev jest\nyarn add @tailwindcss/vite\nnpm i -g clawdhub\n")
    scopes = {(h.kind, h.name) for h in deps}
    assert {("npm", "jest"), ("npm", "@tailwindcss/vite"), ("npm-global", "clawdhub")} <= scopes
    assert resolve(deps) >= {"npm:jest", "npm:@tailwindcss/vite", "npm:clawdhub", "system:node"}


def test_unknown_commands_need_a_line_of_their_own_or_two_sightings_and_never_http_or_prose():
    """An unknown command that opens a line of a runnable shell block is run there; seen
    once anywhere weaker (a block that only shows commands, after `||`, in a help
    listing, under a name no command has) it needs a second sighting."""
    assert resolve(ShellReader().read("frobnicate --all\n")) == {"system:frobnicate"}
    assert resolve(ShellReader().read("frobnicate --all\n", confidence=75)) == set()
    for weak in ("test -d out || frobnicate\n", "frobnicate   Use a browser to fetch content\n",
                 "frobnicate   Manage authentication (login, logout).\n", "qwerty\n",
                 "print_summary --all\n", "chrome.exe --headless\n", "from openai import OpenAI\n"):
        assert resolve(ShellReader().read(weak)) == set(), weak
    twice = resolve(ShellReader().read("frobnicate --all\nfrobnicate --none\n", confidence=75))
    assert twice == {"system:frobnicate"}
    noise = "GET /v1/items\nContent-Type: application/json\n{\"a\": 1}\n\"x\"[MeSH] AND y\nUsage: x\n"
    assert resolve(ShellReader().read(noise + noise)) == set()


def test_local_commands_and_functions_are_not_dependencies():
    reader = ShellReader(frozenset({"kagi-search"}))
    code = "greet() { echo hi; }\ngreet\ngreet\nkagi-search q\nkagi-search r\n"
    assert resolve(reader.read(code)) == set()


def test_optional_comment_blocks():
    code = "# Core\npip install requests\n\n# Optional (for Scholar)\npip install scholarly\n"
    hits = ShellReader().read(code)
    assert {h.name: h.optional for h in hits} == {"requests": False, "scholarly": True}
    fallback = "# Core\npip install requests\n\n# Fallback when the API is down\npip install scholarly\n"
    assert {h.name: h.optional for h in ShellReader().read(fallback)} == {"requests": False, "scholarly": True}


def test_a_comment_that_starts_an_alternative_makes_its_commands_optional_up_to_the_next_comment():
    code = ("# Install with conda\nconda install -c bioconda samtools\n"
            "# Or download the binary\ncurl -LO https://example.org/samtools.tar.bz2\n"
            "# Index the reference\nbwa index ref.fa\n"
            "wget https://example.org/ref.fa  # or fetch it with aria2c\n")
    hits = {h.name: h.optional for h in ShellReader().read(code)}
    assert hits["curl"] is True and hits["wget"] is True
    assert hits["samtools"] is False and hits["bwa"] is False  # before the alternative, and after its scope


def test_npx_flags_after_the_command_are_the_commands_own_and_arrays_are_no_credentials():
    exported = resolve(ShellReader().read("bunx expo export -p web\n"))
    assert "npm:expo" in exported and "npm:web" not in exported
    assert "npm:@mermaid-js/mermaid-cli" in resolve(ShellReader().read("npx -p @mermaid-js/mermaid-cli mmdc -i a\n"))
    hits = ShellReader().read("WRITTEN_SECRET=()\nexport OPENAI_API_KEY=sk-xxx\n")
    assert {(h.kind, h.name) for h in hits} == {("env", "OPENAI_API_KEY")}


def test_other_languages_assignments_and_comments_about_installs_are_not_commands():
    """`data = df.to_dict()` or `parallel = true` in a block tagged bash is another
    language's assignment; "# Check if this is a pip install command" talks about installs."""
    code = ("data = df.to_dict(orient='records')\nparallel = true\n"
            "# Check if this is a pip install command\n# pip install requests\n")
    assert resolve(ShellReader().read(code)) == {"pip:requests"}


def test_option_listings_commit_subjects_and_calls_run_no_command():
    code = ("--format json|text   Output format\nfeat(auth): add OAuth2 support\nfix(api)!: change it\n"
            'print("done")\ncurl -s https://x \\\n  -H "a: b" | jq .\n')
    assert {h.name for h in ShellReader().read(code) if h.kind == "command"} == {"curl", "jq"}


def test_counter_examples_are_skipped():
    code = "# ❌ BAD: document every flag\nfrobtool --a\nfrobtool --b\n\n# ✅ GOOD: use jq\njq . x.json\n"
    assert resolve(ShellReader().read(code)) == {"system:jq"}


def test_pip_spec_names():
    assert pip_spec_name("markitdown[pdf, docx]") == "markitdown"
    assert pip_spec_name("'django>=4.0,<5.0'") == "django"
    assert pip_spec_name("git+https://github.com/u/Repo.git@v1") == "Repo"
    assert pip_spec_name("git+https://x/y.git#egg=thing") == "thing"
    for bad in ("./local", ".", "PACKAGE", "package1", "your-package", "https://x/y.whl", "<pkg>"):
        assert pip_spec_name(bad) is None, bad


# ---------------------------------------------------------------------------- javascript, json, prose


def test_javascript_imports():
    code = (
        "import fs from 'node:fs';\nimport path from 'path';\nimport { Resend } from 'resend';\n"
        "import {\n  a,\n  b,\n} from '@scope/lib/sub';\nconst x = require('lodash/fp');\n"
        "import './styles.css';\nimport Btn from '@/components/Button';\nconst k = process.env.RESEND_API_KEY;\n"
        "await import('chalk');\nimport type { T } from '@types/node';\n"
    )
    hits = JsReader().read(code)
    assert [(h.kind, h.name, h.line) for h in hits] == [
        ("npm", "resend", 3), ("npm", "@scope/lib", 7), ("npm", "lodash", 8), ("npm", "chalk", 12),
        ("env", "RESEND_API_KEY", 11)]
    assert package_of("npm:left-pad@1.3.0") == "left-pad"
    assert package_of("jsr:@std/path") is None


def test_mcp_config_servers():
    text = '{"mcpServers": {"bgpt": {"command": "npx", "args": ["-y", "mcp-remote", "https://x/sse"]}}}'
    assert resolve(mcp_config_hits(text, ShellReader())) == {"npm:mcp-remote", "system:node", "service:mcp:bgpt"}
    assert mcp_config_hits('{"command": "npx", "args": ["x"]}', ShellReader()) == []


def test_prose_requirements():
    reader = ProseReader()
    text = ("**LibreOffice Required for Formula Recalculation**: assume it is installed.\n\n"
            "Docker builds are faster with caching.\n\n"
            "If `rapidfuzz` is available (pip install rapidfuzz), it is faster.\n\n"
            "Requires KAGI_API_KEY in the environment.\n")
    hits = reader.read(text)
    assert [(h.kind, h.name, h.line, h.optional) for h in hits] == [
        ("tool", "libreoffice", 1, False), ("pip", "rapidfuzz", 5, True), ("env", "KAGI_API_KEY", 7, False)]


def test_front_matter_fields():
    markdown = (
        "---\nname: n\ndescription: d\ncompatibility: Requires git and pandoc, Python 3.10+\n"
        "requires:\n  bins: [jq]\n  pip: [pandas>=2]\n  env: [ACME_TOKEN]\n"
        'metadata: {"clawdbot":{"requires":{"bins":["acme"]},"install":[{"kind":"node","package":"acme-cli","bins":["acme"]}]}}\n'
        "---\n\n# N\n\nText.\n"
    )
    assert labels_of(markdown) == {"system:git", "system:pandoc", "system:jq", "pip:pandas",
                                   "service:ACME_TOKEN", "npm:acme-cli", "system:node"}


# ---------------------------------------------------------------------------- resolution


def test_stdlib_local_placeholders_and_local_looking_modules():
    markdown = (
        "# S\n\nSee `helper.py`.\n\n```python\nimport json, pathlib, tomllib\nimport helper\n"
        "import foo\nfrom your_module import x\nimport core.gif_builder\nfrom pcap_utils import f\n"
        "from another_module import target_function\nimport my_pipeline_utils\nimport requests\n```\n"
    )
    assert labels_of(markdown) == {"pip:requests"}


def test_example_sections_are_discounted():
    markdown = ("# Tool\n\n## Comparison with other tools\n\n```bash\npoetry add requests\n"
                "pip install pandas numpy\n```\n\n## Use\n\n```bash\npip install polars\n```\n")
    assert labels_of(markdown) == {"pip:polars"}
    assert labels_of(markdown, min_confidence=0) >= {"pip:pandas", "pip:numpy", "pip:polars"}


def test_evidence_is_kept_and_deduplicated():
    markdown = ("# S\n\n```python\nimport numpy as np\n```\n\n```python\nimport numpy\n"
                "from numpy import array\n```\n\n```bash\npip install numpy\n```\n")
    skill = parse_markdown(markdown).body.block.first_op
    [dep] = extract_skill(skill).dependencies
    assert dep.label() == "pip:numpy"
    assert [(e.where(), e.via) for e in dep.evidence] == [
        ("SKILL.md:4", "import"), ("SKILL.md:8", "import"), ("SKILL.md:9", "import"),
        ("SKILL.md:13", "shell-command")]
    assert dep.confidence == 100 and dep.source == "import"
    assert dep.check == "py_has numpy numpy" and dep.install == "pip_install numpy"


# ---------------------------------------------------------------------------- test skills (real scripts)


EXPECTED = {
    "report-builder": {
        "pip:pandas", "pip:matplotlib", "pip:pyyaml", "pip:pillow", "pip:ujson", "pip:requests",
        "pip:python-docx", "pip:lxml", "npm:puppeteer", "system:jq", "system:qpdf", "system:poppler-utils",
        "system:imagemagick", "system:ffmpeg", "system:node", "service:openai",
    },
    "toml-writer": {"pip:tomli-w", "system:git"},
    "openclaw-notes": {"npm:@acme/notes-cli", "system:node", "system:jq", "system:rg", "service:NOTES_API_TOKEN"},
    "plain-advice": set(),
}
"""Written from reading each test skill, before running the extractor on it."""


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_test_skills(name):
    assert skill_labels(name) == EXPECTED[name]


def test_report_builder_details():
    result = extract_skill(load_skill(SKILLS / "report-builder").body.block.first_op)
    deps = {d.label(): d for d in result.dependencies}
    assert deps["pip:ujson"].optional and not deps["pip:pyyaml"].optional
    assert [e.where() for e in deps["pip:pillow"].evidence] == ["scripts/build.py:11"]
    assert deps["pip:python-docx"].source == "manifest" and deps["pip:python-docx"].spec == "python-docx>=1.1"
    assert deps["npm:puppeteer"].scope == "local"
    assert deps["system:imagemagick"].bins == ("magick",)
    assert deps["service:openai"].install == ""
    assert [(n.file, n.kind) for n in result.notes] == [("scripts/broken.py", "fallback")]
    assert not any("helpers" in d.name for d in result.dependencies)


def test_scripts_option_reads_only_skill_md():
    skill = load_skill(SKILLS / "report-builder").body.block.first_op
    labels = extract_skill(skill, options=ExtractOptions(scripts=False)).labels()
    # (SKILL.md itself names the key: "The build script needs `OPENAI_API_KEY` for the summaries.")
    assert labels == {"pip:pandas", "pip:matplotlib", "system:jq", "system:poppler-utils", "service:openai"}


# ---------------------------------------------------------------------------- bad input


@pytest.fixture
def bad_skill(tmp_path: Path) -> Path:
    folder = tmp_path / "bad"
    shutil.copytree(SKILLS / "toml-writer", folder)
    scripts = folder / "scripts"
    scripts.mkdir()
    (scripts / "blob.py").write_bytes(b"import numpy\n\x00\x01\x02binary")
    (scripts / "latin.py").write_bytes("import scipy  # caf\xe9\n".encode("latin-1"))
    (scripts / "huge.py").write_text("import torch\n" + "x = 1\n" * 200_000)
    (scripts / "deep.py").write_text("import sympy\n" + "(" * 5000 + ")" * 5000 + "\n")
    (scripts / "weird.sh").write_text("'unbalanced \"quote\nhttpie-like $(( 1 + \n}}}{{{\n")
    (scripts / "empty.js").write_text("")
    (folder / "package.json").write_text("{not json")
    return folder


def test_bad_input_never_stops_extraction(bad_skill: Path):
    result = extract_skill(load_skill(bad_skill).body.block.first_op)
    assert result.labels() == {"pip:tomli-w", "system:git", "pip:sympy"}
    notes = {(n.file, n.kind): n.message for n in result.notes}
    assert "binary" in notes[("scripts/blob.py", "skipped")]
    assert "not UTF-8" in notes[("scripts/latin.py", "skipped")]
    assert "byte limit" in notes[("scripts/huge.py", "skipped")]
    assert "does not parse" in notes[("scripts/deep.py", "fallback")]
    assert "not valid JSON" in notes[("package.json", "skipped")]


def test_missing_folder_is_a_note():
    markdown = "---\nname: s\n---\n\n# S\n\n```python\nimport numpy\n```\n"
    from skillir.frontend.bundle import BundledFile
    from skillir.frontend.skill_md import build_module

    module, _ = build_module(markdown.encode(), label="/nonexistent/s/SKILL.md", folder_name="s",
                             bundle=[BundledFile("scripts/run.py", 10, "script")])
    result = extract_skill(module.body.block.first_op)
    assert result.labels() == {"pip:numpy"}
    assert [(n.file, n.kind) for n in result.notes] == [("scripts/run.py", "skipped")]


def test_extraction_is_deterministic():
    skill = load_skill(SKILLS / "report-builder").body.block.first_op
    first = extract_skill(skill)
    second = extract_skill(skill)
    assert [(d.label(), d.evidence, d.check, d.install) for d in first.dependencies] == [
        (d.label(), d.evidence, d.check, d.install) for d in second.dependencies]


def test_other_skills_are_skills_not_packages(tmp_path):
    """A skill installed next to this one (`requires: configuring`, `from flowing import
    graph`) or named as a skill ("via the `remembering` skill") is not a pip package;
    a sibling skill named after a real module (`atheris`) does not hide that module."""
    for name in ("flowing", "configuring", "atheris", "main"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "SKILL.md").write_text(f"---\nname: {name}\ndescription: x\n---\n# {name}\n")
    (tmp_path / "main" / "SKILL.md").write_text(
        "---\nname: main\ndescription: x\nmetadata:\n  requires: configuring\n---\n# Main\n\n"
        "Persist notes via the `remembering` skill.\n\n```python\nfrom flowing import graph\n"
        "from remembering.scripts import recall\nimport atheris\nimport requests\n```\n")
    labels = extract_skill(load_skill(tmp_path / "main").body.block.first_op, tmp_path / "main").labels()
    pips = {label for label in labels if label.startswith("pip:")}
    assert pips == {"pip:atheris", "pip:requests"}
    (tmp_path / "inspecting-skills").mkdir()
    (tmp_path / "inspecting-skills" / "SKILL.md").write_text(
        "---\nname: inspecting-skills\ndescription: x\n---\n# I\n\n```python\nfrom inspecting_skills import index\n```\n")
    own = extract_skill(load_skill(tmp_path / "inspecting-skills").body.block.first_op, tmp_path / "inspecting-skills")
    assert not {label for label in own.labels() if label.startswith("pip:")}  # the skill's own package


def test_a_sibling_skills_name_is_local_but_the_skills_own_command_is_not(tmp_path):
    """Skills next to this one are its own commands (`flowing run`), worked out once per
    folder; the skill's own name stays the real tool it is about (a skill named `jq`)."""
    for name in ("jq", "flowing"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "SKILL.md").write_text(f"---\nname: {name}\ndescription: x\n---\n# {name}\n")
    (tmp_path / "jq" / "SKILL.md").write_text(
        "---\nname: jq\ndescription: x\n---\n# jq\n\n```bash\njq '.items[]' data.json\nflowing run --all\n```\n")
    labels = extract_skill(load_skill(tmp_path / "jq").body.block.first_op, tmp_path / "jq").labels()
    assert "system:jq" in labels
    assert not any("flowing" in label for label in labels)
