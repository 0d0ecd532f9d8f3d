"""Shared fixtures: where the corpus is (see corpus_paths.py)."""

from __future__ import annotations

import os

import pytest

# commands the tests start run in their own process: no compile server is started or used
# (tests/tools/test_compile_server.py turns it on for itself)
os.environ["SKILLIR_SERVER"] = "0"

from corpus_paths import CORPUS, ROOT, corpus_id, corpus_skill_dirs  # noqa: F401

# tests/data holds test *data*: e.g. the SkillsBench tasks' tests/test_outputs.py run only
# through the importer's grader (tests/bench/test_skillsbench_import.py), never directly.
collect_ignore_glob = ["data/*"]


@pytest.fixture(scope="session")
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set SKILLIR_CORPUS)")
    return CORPUS


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: end-to-end runs on the real local model (llama.cpp server + SmolLM2)")


@pytest.fixture(scope="session")
def local_model(tmp_path_factory):
    """The project's local llama.cpp server, started once per session (skips if
    llama-cpp-python is not installed); yields {"base_url", "pid", "start_s", ...}."""
    from skillir.runtime.testing import local_model_session

    yield from local_model_session(tmp_path_factory.mktemp("local-model"))


@pytest.fixture
def scripted():
    """Recorded model answers through the runtime's provider adapter, as text-model kind
    'scripted' (`scripted/<any>`): `scripted(answer, ...)` installs them, an exception
    among them is raised in its turn; returns the provider (its `calls` show what was asked)."""
    from skillir.oracle import register_text_models, unregister_text_models
    from skillir.runtime.compiler_model import ProviderTextModel
    from skillir.runtime.testing import ScriptedProvider, turn

    def install(*answers):
        provider = ScriptedProvider([a if isinstance(a, BaseException) else turn(a) for a in answers])
        register_text_models("scripted", lambda _mid: ProviderTextModel(provider))
        return provider

    yield install
    unregister_text_models("scripted")
