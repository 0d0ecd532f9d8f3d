"""The null setting of the simulated model (`sim-null/...`): the compiler's records give no
benefit, so no conclusion about compiling is built into the simulator."""

from __future__ import annotations

import dataclasses

import pytest

from skillir.runtime.providers import get_provider
from skillir.runtime.providers.sim import resolve_sim_profile
from skillir.runtime.simmodel import Need, Record, null_params, phi, sim_params


@pytest.mark.parametrize("record", [
    Record("compensated", (("gen.code.shell", 1),)), Record("decomposed", (("gen.code.shell", 1),)),
    Record("substituted", (("gen.code.python", 1),)),
    Record("offloaded", (("tool.exec", 1), ("tool.file.write", 1)))])
def test_under_the_null_setting_every_record_scores_as_an_open_gap(record):
    weak = resolve_sim_profile("synthetic-weak").profile
    need = Need("gen.code.shell", 3, "compiled-skill", 2, None)
    opened = phi(need, weak, sim_params()).phi
    helped = phi(dataclasses.replace(need, record=record), weak, sim_params())
    null = phi(dataclasses.replace(need, record=record), weak, null_params())
    assert helped.phi > opened or helped.solid  # the shipped setting rewards the record
    assert null.phi == pytest.approx(opened) and not null.solid


def test_sim_null_route_builds_a_simulated_provider_with_null_params():
    provider = get_provider("sim-null/qwen3.5-9b")
    try:
        assert provider.simulated and provider.name == "sim-null/qwen3.5-9b"
        assert provider.params.records_help is False
        assert provider.params.to_json()["records_help"] is False
        assert get_provider("sim/qwen3.5-9b").params.records_help is True
    finally:
        provider.close()
