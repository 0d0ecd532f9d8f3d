"""Token counts: the same numbers as the tokenizer, from the user cache when a text was
counted before (no tokenizer load), and validation verdicts asked once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillir.emit import tokens, validate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path / "cache"))
    tokens._MEMO.clear()
    validate._MEMO.clear()
    yield
    tokens._MEMO.clear()
    validate._MEMO.clear()


def test_a_cached_count_equals_the_tokenizer_and_skips_it(monkeypatch):
    text = "Merge the PDF files of `input/` into merged.pdf <|endoftext|>\n" * 3
    first = tokens.count_tokens(text, "qwen3.5-9b")
    assert first.encoding == "qwen3" and first.exact
    assert first.tokens == tokens._encoder("qwen3").count(text)
    tokens._MEMO.clear()

    def no_tokenizer(encoding):
        raise AssertionError("the tokenizer must not load for a cached text")

    monkeypatch.setattr(tokens, "_encoder", no_tokenizer)
    assert tokens.count_tokens(text, "qwen3.5-9b") == first
    with pytest.raises(AssertionError, match="must not load"):
        tokens.count_tokens(text + "new", "qwen3.5-9b")


def test_validation_verdict_is_shared_by_name_and_front_matter(tmp_path, monkeypatch):
    src = tmp_path / "merge-pdfs"
    shutil.copytree(ROOT / "examples" / "skills" / "merge-pdfs", src)
    assert validate.validate_skill_folder(src) == []
    calls = []
    monkeypatch.setattr(validate, "_run_validator", lambda folder: calls.append(folder) or ["x"])
    out = tmp_path / "out" / "merge-pdfs"  # the emitted copy: same name, same front matter
    out.mkdir(parents=True)
    text = (src / "SKILL.md").read_text()
    (out / "SKILL.md").write_text(text + "\nA compiled body differs.\n")
    assert validate.validate_skill_folder(out) == [] and calls == []
    renamed = tmp_path / "other-name"
    shutil.copytree(src, renamed)
    assert validate.validate_skill_folder(renamed) == ["x"] and calls == [renamed]  # the name matters
    (src / "SKILL.md").write_text(text.replace("license: Apache-2.0", "version: 2"))
    assert validate.validate_skill_folder(src) == ["x"] and len(calls) == 2  # the front matter matters
