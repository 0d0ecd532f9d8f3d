"""The xdsl workarounds (skillir.xdsl_compat) do what they say."""

from __future__ import annotations

import subprocess
import sys

from skillir.ir import parse_module, print_module


def test_utf8_string_with_escapes_stays_a_string():
    module = parse_module('builtin.module {\n  skill.skill @s attributes {metadata = {name = "s"}, '
                          'source = "né\\nx"} {\n  }\n}\n')
    assert 'source = "né\\nx"' in print_module(module)


def test_unterminated_string_is_a_prompt_error_not_a_hang():
    """xdsl's own regex backtracks exponentially here (24 characters took 6 s); the
    subprocess bound is generous: the point is that it ends, with one line."""
    text = 'builtin.module {\n  skill.skill @s attributes {source = "' + "a" * 4000 + "\\"
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", "-"], input=text,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "closing string literal" in done.stderr and done.stderr.count("\n") == 1
