"""Harbor verifier of sales-summary (absolute paths as inside its Docker image)."""

import json
import os

import pytest

OUTPUT = "/root/output/summary.json"
EXPECTED = json.load(open("/tests/expected.json"))


def load():
    with open(OUTPUT) as fh:
        return json.load(fh)


def test_output_exists():
    """output/summary.json exists and is JSON."""
    assert os.path.exists(OUTPUT)
    load()


def test_total():
    """The total revenue is the sum over all rows, rounded to 2 decimals."""
    assert load()["total"] == pytest.approx(EXPECTED["total"], abs=0.005)


@pytest.mark.parametrize("region", ["north", "south", "east"])
def test_region_revenue(region):
    """Each region's revenue is units x unit_price summed over its rows."""
    assert load()["by_region"][region] == pytest.approx(EXPECTED["by_region"][region], abs=0.005)


class TestTopRegion:
    """The region with the highest revenue."""

    def test_top_region(self):
        assert load()["top_region"] == EXPECTED["top_region"]

    def test_no_extra_regions(self):
        """by_region names exactly the regions of the ledger."""
        assert sorted(load()["by_region"]) == sorted(EXPECTED["by_region"])
