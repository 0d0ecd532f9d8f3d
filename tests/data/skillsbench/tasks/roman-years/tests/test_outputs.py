"""Harbor verifier of roman-years: needs the task environment's `roman` package."""

import os

import roman

OUTPUT = "/root/output/roman.txt"


def years():
    return [int(line) for line in open("/root/data/years.txt") if line.strip()]


def test_output_exists():
    """output/roman.txt exists."""
    assert os.path.exists(OUTPUT)


def test_one_line_per_year():
    """One line per input year."""
    assert len(open(OUTPUT).read().split()) == len(years())


def test_numerals():
    """Each line is its year in Roman numerals, in input order."""
    assert open(OUTPUT).read().split() == [roman.toRoman(y) for y in years()]
