"""Shared helpers of the report builder."""

import csv

import requests


def load_table(path):
    if path.startswith("http"):
        return requests.get(path, timeout=30).text.splitlines()
    with open(path, newline="") as handle:
        return list(csv.reader(handle))
