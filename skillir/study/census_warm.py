"""Imported by the census's fork server (`census_records` with jobs > 1 starts it with
this module preloaded): the census path runs once here, on the bundled warm-up skill, so
every worker forks with the passes' rule tables, parsers and compiled regexes already
built instead of building them itself (about a second of work per worker, as much as
some eighty skills). Importing a module is the only hook a fork server offers
(`multiprocessing.set_forkserver_preload`)."""

from __future__ import annotations

import gc
import logging

from skillir.study.census import warm_up

logging.disable(logging.WARNING)  # as in every worker (census._worker): no warm-up news
try:
    warm_up()
except Exception:  # noqa: BLE001, S110 - a failed warm-up only leaves the workers to warm up themselves
    pass
gc.collect()
gc.freeze()  # what the warm-up built is never garbage: the workers' collections pass it over
