"""Benchmark results in SQLite: one row per run, each written in its own transaction.

    db = ResultsDB("bench.sqlite")
    db.record(cell, record)            # atomic: a crash loses at most the runs in flight
    db.done_keys()                      # what --resume skips
    db.rows()                           # everything, for the report

The database is the embedded default: a file, WAL-journalled so a reader (the report, a
second `skill-bench status`) never blocks the writer. Only the process that runs the plan
writes (the engines return records to it), so there is one writer by construction. A cell
counts as done when its run finished with any status other than `crashed` or `error` (a
crash of the harness or provider, or a cell that could not be set up, is retried on
`--resume`); simulated runs carry `simulated = 1`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError
from skillir.study.plan import Cell

SCHEMA_VERSION = 1
RETRIED_STATUSES = ("crashed", "error")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  key TEXT PRIMARY KEY,
  plan TEXT NOT NULL,
  task TEXT NOT NULL,
  task_id TEXT,
  model TEXT NOT NULL,
  harness TEXT NOT NULL,
  condition TEXT NOT NULL,
  condition_kind TEXT NOT NULL,
  seed INTEGER,
  status TEXT NOT NULL,
  score REAL,
  passed INTEGER,
  simulated INTEGER NOT NULL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  wall_s REAL,
  model_s REAL,
  run_dir TEXT,
  finished_at TEXT,
  record TEXT NOT NULL
);
"""


class ResultsDB:
    """The results of one or more plans (rows are keyed by cell, so plans can share a file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_file():
            raise SkillIRError("the results database is not a regular file", path=str(path),
                               hint="give a file path, e.g. bench.sqlite")
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(_DDL)
            version = self.conn.execute(
                "SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise SkillIRError(f"cannot open the results database: {exc}", path=str(path),
                               hint="give a new file, or a database skill-bench wrote") from None
        if version is None:
            self.conn.execute("INSERT INTO meta VALUES ('schema_version', ?)",
                              (str(SCHEMA_VERSION),))
        elif int(version[0]) != SCHEMA_VERSION:
            raise SkillIRError(f"results database has schema {version[0]}, this SkillIR "
                               f"writes {SCHEMA_VERSION}", path=str(path),
                               hint="use a new file for this plan")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ResultsDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, cell: Cell, record: dict[str, Any], *, plan: str) -> None:
        """Store one finished run (replacing an earlier try of the same cell)."""
        tokens = record.get("tokens") or {}
        row = (cell.key, plan, cell.task, record.get("task_id"), cell.model, cell.harness,
               cell.condition.name, cell.condition.kind, cell.seed,
               str(record.get("status") or "crashed"), record.get("score"),
               None if record.get("passed") is None else int(bool(record["passed"])),
               int(bool(record.get("simulated"))), tokens.get("input"), tokens.get("output"),
               record.get("wall_time_s"), record.get("model_time_s"), record.get("run_dir"),
               record.get("finished_at"), json.dumps(record, default=str))
        with self.conn:  # one transaction per run
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "INSERT OR REPLACE INTO runs VALUES (" + ",".join("?" * len(row)) + ")", row)

    def done_keys(self) -> set[str]:
        marks = ",".join("?" * len(RETRIED_STATUSES))
        cur = self.conn.execute(f"SELECT key FROM runs WHERE status NOT IN ({marks})",
                                RETRIED_STATUSES)
        return {k for (k,) in cur}

    def rows(self, plan: str | None = None) -> list[dict[str, Any]]:
        cur = self.conn.execute("SELECT * FROM runs" + (" WHERE plan = ?" if plan else "")
                                + " ORDER BY task, model, harness, condition, seed",
                                (plan,) if plan else ())
        names = [d[0] for d in cur.description]
        out = []
        for values in cur:
            row = dict(zip(names, values, strict=True))
            row["record"] = json.loads(row["record"])
            out.append(row)
        return out

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
