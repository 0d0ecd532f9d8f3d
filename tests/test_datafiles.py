"""The one data loader (skillir.datafiles): every packaged data file matches its JSON
Schema, every schema rejects a broken example with the file and the JSON path, and user
JSON files are bounded before any work (regular file, size, nesting)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from skillir import datafiles
from skillir.datafiles import (
    check_nesting,
    json_path,
    load_data,
    load_json_file,
    packaged_files,
    schema,
    schema_for,
    validate,
)
from skillir.errors import SkillIRError
from skillir.limits import MAX_NESTING

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "skillir" / "data" / "schemas"
USER_KINDS = {"config", "profile", "bench_plan"}
"""Schemas of files users hand us (profiles are also shipped)."""


def _one_line_error(info: pytest.ExceptionInfo[SkillIRError]) -> str:
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text


# ---------------------------------------------------------------------------------------
# packaged data


def test_every_packaged_file_is_listed_and_has_a_schema():
    files = packaged_files()
    assert len(files) >= 23  # 15 tables + 8 reference profiles
    assert "primitives.json" in files and "profiles/synthetic/weak.json" in files
    assert not any(f.startswith("schemas/") for f in files)
    kinds = {schema_for(f) for f in files}
    on_disk = {p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.schema.json")}
    assert kinds <= on_disk, f"data files without a schema: {sorted(kinds - on_disk)}"
    assert on_disk - kinds == USER_KINDS - kinds, "a schema no data kind uses"


@pytest.mark.parametrize("name", packaged_files())
def test_packaged_file_matches_its_schema(name):
    data = load_data(name)
    validate(data, schema_for(name), source=f"skillir/data/{name}")
    assert isinstance(data, dict) and data


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.json")), ids=lambda p: p.name)
def test_schemas_are_draft_2020_12_and_say_what_they_describe(path):
    from jsonschema import Draft202012Validator

    raw = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(raw)
    assert raw["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert raw["title"] and raw["description"] and raw["x-fix"]
    assert schema(path.name.removesuffix(".schema.json")) == raw


def test_load_data_parses_once_per_process():
    assert load_data("tokenizers.json") is load_data("tokenizers.json")
    assert schema_for("profiles/bare-agent/qwen3.5-9b.json") == "profile"
    assert schema_for("primitives.json") == "primitives"


def test_packaged_data_is_not_validated_at_run_time():
    """Loading every table must not import jsonschema (~70 ms): the tests above check them."""
    probe = ("import sys\n"
             "from skillir.profiles.store import reference_profiles\n"
             "from skillir.deps.tables import python_table, tool_table, rules\n"
             "from skillir.runtime.simmodel import sim_params\n"
             "reference_profiles(); python_table(); tool_table(); rules(); sim_params()\n"
             "print('jsonschema' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != datafiles.CHECK_ENV}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_check_env_validates_packaged_data(monkeypatch):
    monkeypatch.setenv(datafiles.CHECK_ENV, "1")
    load_data.cache_clear()
    try:
        assert load_data("simulation.json")["version"] == 1
    finally:
        load_data.cache_clear()


# ---------------------------------------------------------------------------------------
# each schema rejects a broken example, naming the file and the JSON path


def _set(path: list, value):
    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        if value is _DELETE:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return mutate


_DELETE = object()

BROKEN = [
    ("primitives.json", _set(["primitives", 3, "levels", "2"], 5), "$.primitives[3].levels['2']",
     "must be a string"),
    ("primitives.json", _set(["primitives", 0, "id"], "Gen"), "$.primitives[0].id", "bad primitive id"),
    ("capability_rules.json", _set(["shell_commands", 2], ""), "$.shell_commands[2]", "must not be empty"),
    ("census.json", _set(["procedural_steps"], 0), "$.procedural_steps", "must be at least 1"),
    ("concurrency.json", _set(["cost", "turn_ms"], -1), "$.cost.turn_ms", "must be at least 0"),
    ("concurrency.json", _set(["cost", "command_ms", 0], ["build", 5]), "$.cost.command_ms[0]",
     "[category, milliseconds, regex]"),
    ("env_rules.json", _set(["services", "github", "check"], "a\nb"), "$.services.github.check",
     "one-line 'check'"),
    ("gateway_roles.json", _set(["tools", "exec"], []), "$.tools.exec",
     "non-empty list of distinct tool or argument names"),
    ("harnesses.json", _set(["harnesses", "codex", "tools", 0, "confidence"], "maybe"),
     "$.harnesses.codex.tools[0].confidence", "expected one of documented, paper, assumed"),
    ("jit.json", _set(["solidify", "promote_after"], 0), "$.solidify.promote_after",
     "must be at least 1"),
    ("languages.json", _set(["extensions", "python", 0], "p y"), "$.extensions.python[0]", "does not match"),
    ("local_models.json", _set(["smollm2", "n_ctx"], "big"), "$.smollm2.n_ctx", "must be a whole number"),
    ("learned_requirements.json", _set(["primitives", "reason.logic", "level"], 4),
     "$.primitives['reason.logic'].level", "a level is 1, 2 or 3"),
    ("harness_clis.json", _set(["codex", "version"], "latest"), "$.codex.version",
     "pin an exact version such as 1.2.3, not 'latest'"),
    ("outline.json", _set(["section_words"], "reference"), "$.section_words", "must be a list of non-empty strings"),
    ("profiles/synthetic/weak.json", _set(["capabilities", "tool.exec"], "L7"),
     "$.capabilities['tool.exec']", "expected L0..L3"),
    ("python_distributions.json", _set(["implies", "pydub"], ["ffmpeg"]), "$.implies.pydub[0]",
     "'kind:name' string"),
    ("security_rules.json", _set(["rules", 1, "severity"], "fatal"), "$.rules[1].severity", "expected one of"),
    ("simulation.json", _set(["success", "gap_factor"], 1.5), "$.success.gap_factor", "in (0, 1]"),
    ("simulation.json", _set(["failure_modes", "default", "wrong_name"], _DELETE),
     "$.failure_modes.default", "a weight for each of"),
    ("skillsbench_rules.json", _set(["services", 0, "in"], ["everywhere"]), "$.services[0].in[0]",
     "expected one of instruction"),
    ("wrappers.json", _set(["wrappers", "sudo", "positional"], "one"), "$.wrappers.sudo.positional", "must be"),
    ("system_tools.json", _set(["tools", "bat", "aptt"], "bat"), "$.tools.bat.aptt", "unexpected key"),
    ("tokenizers.json", _set(["models", 0, "exact"], "yes"), "$.models[0].exact", "must be true or false"),
    ("vocabulary.json", _set(["write_verbs"], _DELETE), "$", "has no 'write_verbs'"),
    ("chinese.json", _set(["constraint_keywords", "anywhere", "必须"], "shall"), "$.constraint_keywords.anywhere['必须']",
     "must be a constraint kind"),
]


@pytest.mark.parametrize(("name", "mutate", "where", "what"), BROKEN,
                         ids=[f"{b[0]}:{b[2]}" for b in BROKEN])
def test_schema_rejects_a_broken_example(name, mutate, where, what):
    data = copy.deepcopy(load_data(name))
    mutate(data)
    label = f"skillir/data/{name}"
    with pytest.raises(SkillIRError) as info:
        validate(data, schema_for(name), source=label)
    text = _one_line_error(info)
    assert text.startswith(f"{label}: error: {where}: "), text
    assert what in text
    assert text.endswith(")")  # how to fix, from the schema's x-fix


def test_every_data_kind_has_a_broken_example():
    kinds = {schema_for(name) for name, *_ in BROKEN}
    assert kinds == {schema_for(f) for f in packaged_files()}


def test_config_schema_rejects_a_bad_route(tmp_path, monkeypatch):
    from skillir.runtime.config import load_config

    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"providers": {"vllm": {"kind": "openai", "timeout": "soon"}}}))
    with pytest.raises(SkillIRError) as info:
        load_config(cfg)
    text = _one_line_error(info)
    assert text.startswith(f"{cfg}: error: $.providers.vllm.timeout: timeout must be a positive number")
    assert "SKILLIR_CONFIG" in text
    cfg.write_text(json.dumps({"providers": []}))
    with pytest.raises(SkillIRError, match=r"\$\.providers: 'providers' must map route names"):
        load_config(cfg)
    cfg.write_text(json.dumps({"providers": {"vllm": {"base_url": "http://gpu:8000/v1"}}}))
    assert load_config(cfg).route("vllm").base_url == "http://gpu:8000/v1"


def test_json_path_rendering():
    assert json_path([]) == "$"
    assert json_path(["primitives", 3, "levels", "L2"]) == "$.primitives[3].levels.L2"
    assert json_path(["capabilities", "tool.exec"]) == "$.capabilities['tool.exec']"


# ---------------------------------------------------------------------------------------
# cross-field rules stay in Python, in the same error style


def test_cross_field_rules_name_the_json_path():
    from skillir.profiles.catalog import parse_catalog
    from skillir.runtime.simmodel import parse_params

    raw = copy.deepcopy(load_data("primitives.json"))
    raw["primitives"][4]["compensation"] = "magic"
    with pytest.raises(SkillIRError) as info:
        parse_catalog(raw)
    assert "$.primitives[4].compensation: " in _one_line_error(info)
    sim = copy.deepcopy(load_data("simulation.json"))
    sim["latency"]["default_class"] = "warp"
    with pytest.raises(SkillIRError) as info:
        parse_params(sim)
    assert "$.latency.default_class: must name one of the classes" in _one_line_error(info)
    sim = copy.deepcopy(load_data("simulation.json"))
    sim["failure_modes"]["default"] = {"wrong_name": 0, "partial_output": 0, "malformed_format": 0}
    with pytest.raises(SkillIRError, match=r"\$\.failure_modes\.default: must not be all zero"):
        parse_params(sim)


# ---------------------------------------------------------------------------------------
# user files: one-line errors, bounded before any work


def _profile(**changes) -> dict:
    data = copy.deepcopy(load_data("profiles/synthetic/weak.json"))
    data.update(changes)
    return data


def test_user_profile_with_a_wrong_type(tmp_path):
    from skillir.profiles.profile import read_profile

    path = tmp_path / "tcp.json"
    path.write_text(json.dumps(_profile(capabilities={"tool.exec": True})))
    with pytest.raises(SkillIRError) as info:
        read_profile(path)
    text = _one_line_error(info)
    assert text.startswith(f"{path}: error: $.capabilities['tool.exec']: capability level True, expected L0..L3")
    path.write_text(json.dumps(_profile(skillir={"synthetic": "yes"})))
    with pytest.raises(SkillIRError) as info:
        read_profile(path)
    assert f"{path}: error: $.skillir.synthetic: must be true or false, not a string" in _one_line_error(info)
    path.write_text(json.dumps(_profile(model="qwen-x")))
    assert read_profile(path).model == "qwen-x"


def test_user_profile_too_deep(tmp_path):
    from skillir.profiles.profile import read_profile

    path = tmp_path / "deep.json"
    path.write_text('{"model": "m", "harness": "h", "capabilities": {}, "details": '
                    + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SkillIRError) as info:
        read_profile(path)
    text = _one_line_error(info)
    assert text.startswith(f"{path}: error: JSON nested 100001 levels deep, over the limit of {MAX_NESTING}")
    # nesting exactly at the limit is fine, and brackets inside strings do not count
    check_nesting("[" * MAX_NESTING + "]" * MAX_NESTING, source="x")
    check_nesting('{"a": "' + "[" * 500 + '\\""}', source="x")


def test_user_profile_that_is_a_fifo(tmp_path):
    from skillir.profiles.profile import read_profile

    fifo = tmp_path / "tcp.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read():
        try:
            read_profile(fifo)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert isinstance(outcome[0], SkillIRError)
    assert str(outcome[0]) == (f"{fifo}: error: the profile file is a FIFO, not a regular file "
                               "(give a regular profile file)")


def test_user_file_too_big(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(datafiles.MAX_JSON_BYTES + 1)
    with pytest.raises(SkillIRError) as info:
        load_json_file(big, schema="profile", what="profile file")
    assert _one_line_error(info) == (f"{big}: error: the profile file is "
                                     f"{datafiles.MAX_JSON_BYTES + 1} bytes, over the "
                                     f"{datafiles.MAX_JSON_BYTES} byte limit")


def test_user_file_broken_json_and_devices(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "model": oops\n}')
    with pytest.raises(SkillIRError) as info:
        load_json_file(bad, schema="profile")
    assert _one_line_error(info).startswith(f"{bad}:2: error: not valid JSON: Expecting value")
    with pytest.raises(SkillIRError, match="a character device, not a regular file"):
        load_json_file("/dev/zero", schema="profile")
    with pytest.raises(SkillIRError, match="is a folder, not a regular file"):
        load_json_file(tmp_path, schema="profile")
    assert load_json_file(_write(tmp_path / "ok.json", _profile()), schema="profile")["model"]


def _write(path: Path, data) -> Path:
    path.write_text(json.dumps(data))
    return path
