"""The grader of profiler instances: a list of checks on workspace files.

Self-contained on purpose (standard library only, no SkillIR import): its source is copied
into each instance's grade.py, which runs in the sandbox where SkillIR is not importable,
and the same functions grade in-process. A check is a dict with `kind`, `name` and its
arguments:

| kind | arguments | passes when |
| --- | --- | --- |
| exists | path | the file exists |
| text | path, expected, mode ("strip", "ci" or "lines") | stripped text (ci: any case, no final full stop; lines: its non-empty stripped lines) equals expected |
| number | path, value, tol | the stripped text is one number within tol of value |
| json | path, value, tol | the file parses as JSON equal to value (numbers within tol) |
| csv | path, rows | the CSV rows (cells stripped, blank lines dropped) equal rows |
| contains | path, items, ci | every item occurs in the text (case-insensitively with ci) |
| absent | path, items, ci | no item occurs |
| regex | path, pattern | re.search(pattern, text, MULTILINE) matches |
| size | path, min, max | byte size within [min, max] |
| words | path, min, max | word count within [min, max] |
| python | code | `check(ws)` defined by code returns (ok, reason) |

An instance passes when every check passes (SkVM: every checkpoint >= 0.5); grade.py reports
one record `all` (weight 1) and one record per check (weight 0) with its reason.
"""

import csv
import io
import json
import math
import os
import re

MAX_BYTES = 4 << 20


def _read(ws, path):
    full = os.path.join(ws, path)
    if not os.path.isfile(full):
        return None
    with open(full, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)
    return data[:MAX_BYTES].decode("utf-8", errors="replace")


def _same(a, b, tol):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isfinite(a) and abs(a - b) <= tol
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k], tol) for k in a)
    return a == b


def _number(text):
    t = text.strip()
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", t):
        return None
    return float(t)


def run_check(check, ws):
    """(ok, reason) of one check."""
    kind = check["kind"]
    if kind == "python":
        scope = {"os": os, "re": re, "json": json, "csv": csv, "io": io, "math": math,
                 "read": lambda p: _read(ws, p)}
        exec(check["code"], scope)  # noqa: S102 - the instance's own grading code
        ok, reason = scope["check"](ws)
        return bool(ok), str(reason)
    path = check["path"]
    text = _read(ws, path)
    if text is None:
        return False, f"{path} not found"
    if kind == "exists":
        return True, f"{path} exists"
    if kind == "text":
        if check.get("mode") == "lines":
            got = [ln.strip() for ln in text.splitlines() if ln.strip()]
            want = [ln.strip() for ln in check["expected"].splitlines() if ln.strip()]
        else:
            got, want = text.strip(), check["expected"].strip()
            if check.get("mode") == "ci":
                got, want = got.lower().rstrip("."), want.lower()
        return got == want, "matches" if got == want else f"got {str(got)[:80]!r}"
    if kind == "number":
        value = _number(text)
        if value is None:
            return False, f"{path} is not one number: {text.strip()[:60]!r}"
        ok = abs(value - check["value"]) <= check.get("tol", 1e-9)
        return ok, f"{value} vs {check['value']}"
    if kind == "json":
        try:
            value = json.loads(text)
        except ValueError as exc:
            return False, f"{path} is not JSON ({exc})"
        ok = _same(value, check["value"], check.get("tol", 1e-6))
        return ok, "equal" if ok else f"got {json.dumps(value)[:80]}"
    if kind == "csv":
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text)) if any(
            c.strip() for c in r)]
        ok = rows == check["rows"]
        return ok, "equal" if ok else f"got {rows[:3]}"
    if kind in ("contains", "absent"):
        hay = text.lower() if check.get("ci") else text
        items = [i.lower() if check.get("ci") else i for i in check["items"]]
        found = [i for i in items if i in hay]
        if kind == "contains":
            missing = [i for i in items if i not in hay]
            return not missing, "all present" if not missing else f"missing {missing[:3]}"
        return not found, "none present" if not found else f"found {found[:3]}"
    if kind == "regex":
        ok = re.search(check["pattern"], text, re.MULTILINE) is not None
        return ok, "matches" if ok else f"no match for /{check['pattern']}/"
    if kind == "size":
        n = len(text.encode("utf-8"))
        ok = check.get("min", 0) <= n <= check.get("max", MAX_BYTES)
        return ok, f"{n} bytes"
    if kind == "words":
        n = len(text.split())
        ok = check.get("min", 0) <= n <= check.get("max", 10**9)
        return ok, f"{n} words"
    return False, f"unknown check kind {kind}"


def grade_records(checks, ws):
    """python-grade records: `all` (weight 1) and each check (weight 0)."""
    records = []
    all_ok = True
    for i, check in enumerate(checks):
        try:
            ok, reason = run_check(check, ws)
        except Exception as exc:  # a broken answer file must not break grading
            ok, reason = False, f"{type(exc).__name__}: {exc}"
        all_ok = all_ok and ok
        records.append({"id": f"{i}-{check.get('name', check['kind'])}",
                        "score": 1.0 if ok else 0.0, "weight": 0.0,
                        "details": reason[:200]})
    return [{"id": "all", "score": 1.0 if all_ok else 0.0, "weight": 1.0,
             "details": "every check passed" if all_ok else "a check failed"}] + records
