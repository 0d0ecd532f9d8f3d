"""The ecosystem census (the paper's §2/§3 study) over any folder of skills: what kinds of
skills there are, what they demand of a model, what they need installed, what parallelism
and what security findings they hold.

    for record in census_records(skill_dirs, jobs=2):    # streaming, any order
        ...
    summary = summarize(records)

Per skill (one JSON line in the output, `census-record/1`): its id (path relative to the
root), `type` (tool-reference | procedural | generative, by the rule below), whether it has
explicit procedural structure and code-like fragments, its `requirements` (primitive ->
highest level inferred), `dependencies` by manager (pip, npm, system, service), parallel
groups by kind (dlp, ilp, tlp), security findings by family and severity, or `error` (the
one-line reason the skill could not be read: it is counted, never fatal). A verbatim copy of
a skill analysed before (`skillir.study.copies`) has that skill's record, its own `id`, and
`copy_of` naming the other.

The analyses are the compiler's own (lint-security, infer-capabilities, bind-env without the
presence probe, extract-concurrency, for bare-agent), so the census measures exactly what a
compile would see. `type` is a rule over that structure, stated here because the paper's own
classification method is not published: *procedural* when the skill has at least
`PROCEDURAL_STEPS` ordered steps and they outnumber its reference blocks; *tool-reference*
when most of its body is code, commands or tables about a tool (at least
`REFERENCE_BLOCKS` code blocks, or more code blocks than steps); *generative* otherwise
(guidance for producing text or media). The thresholds are data in
`skillir/data/census.json`.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from skillir.datafiles import load_data

SCHEMA = "census-record/1"
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M)
"""A markdown table's header rule (`|---|---|`): a text block holding one is a table."""


def _text(attr: Any) -> str:
    value = getattr(attr, "data", attr)
    return str(getattr(value, "value", value))


def _rules() -> dict[str, Any]:
    return load_data("census.json")


def skill_type(steps: int, code_blocks: int, tables: int) -> str:
    r = _rules()
    reference = code_blocks + tables
    if steps >= r["procedural_steps"] and steps > reference:
        return "procedural"
    if code_blocks >= r["reference_blocks"] or (code_blocks > 0 and reference > steps):
        return "tool-reference"
    return "generative"


def census_passes(target: Any = None, *, probe: bool = False) -> tuple:
    """The analyses the census reads, and nothing it does not (no gap closing, no
    lowering): lint-security, infer-capabilities, bind-profile (the target the later
    passes read; default bare-agent and census.json's profile), bind-env (without the
    probe unless asked), extract-concurrency. `skill-batch --analyses-only` runs the same."""
    from skillir.passes.bind_env import BindEnvPass
    from skillir.passes.bind_profile import BindProfilePass
    from skillir.passes.extract_concurrency import ExtractConcurrencyPass
    from skillir.passes.infer_capabilities import InferCapabilitiesPass
    from skillir.passes.lint_security import LintSecurityPass
    from skillir.target import Target

    target = target if target is not None else Target("bare-agent", _rules()["profile"])
    return (LintSecurityPass(), InferCapabilitiesPass(), BindProfilePass(target=str(target)),
            BindEnvPass(probe=probe, setup=False), ExtractConcurrencyPass())


@cache
def _census_manager() -> Any:
    """One pass manager for every skill a process censuses (its passes and its context
    are made once: ~0.1 ms a skill)."""
    from skillir.pipeline import PassManager

    return PassManager(census_passes(), verify_each=False)


def census_record(skill_dir: Path, root: Path) -> dict[str, Any]:
    """Analyse one skill; never raises for a bad skill (the record says `error`)."""
    from skillir.errors import SkillIRError, one_line
    from skillir.frontend.skill_md import load_skill

    rid = os.path.relpath(skill_dir, root)
    try:
        module = load_skill(skill_dir)
        _census_manager().run(module)
    except SkillIRError as exc:
        return {"schema": SCHEMA, "id": rid, "error": one_line(exc)}
    except (RecursionError, MemoryError, UnicodeError, OSError, ValueError) as exc:
        return {"schema": SCHEMA, "id": rid, "error": f"{type(exc).__name__}: {one_line(exc)}"}
    return census_fields(module, rid, skill_dir.name)


def census_fields(module: Any, rid: str, name: str) -> dict[str, Any]:
    """The census record of a module the census passes have run on."""
    from skillir.dialects import cap, conc, env, sec, skill
    from skillir.xdsl_compat.walk import walk_ops

    steps = code = tables = 0
    requirements: dict[str, int] = {}
    deps: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    for op in walk_ops(module):
        kind = type(op)  # exact types: the op classes' ABC isinstance costs more than the rest
        if kind is skill.StepOp:
            steps += 1
        elif kind is skill.CodeOp:
            code += 1
        elif kind is skill.TextOp:
            if _TABLE_RULE.search(op.text.data):
                tables += 1
        elif kind is skill.SkillOp:
            name = op.skill_name or name
        elif kind is cap.RequireOp:
            requirements[op.prim_id] = max(requirements.get(op.prim_id, 0), op.level)
        elif kind is env.RequireOp:
            deps[_text(op.kind)] += 1
        elif kind is conc.ParallelOp:
            groups[_text(op.kind)] += 1
        elif kind is sec.FindingOp:
            findings[_text(op.family)] += 1
            severities[_text(op.severity)] += 1
    return {"schema": SCHEMA, "id": rid, "name": name,
            "type": skill_type(steps, code, tables), "steps": steps, "code_blocks": code,
            "procedural": steps >= _rules()["procedural_steps"], "code_like": code > 0,
            "requirements": dict(sorted(requirements.items())), "dependencies": dict(deps),
            "parallel": dict(groups), "security": dict(findings),
            "severity": dict(severities)}


def group_records(skills: list[Path], root: Path, *, reuse: bool = True) -> list[dict[str, Any]]:
    """The records of a group of possible copies (`copies.candidate_groups`): a skill
    whose folder, name and relevant sibling names match one analysed before it gets
    that one's record with its own id and `copy_of` naming it (`reuse=False`: each is
    analysed)."""
    if not reuse or len(skills) == 1:
        return [census_record(s, root) for s in skills]
    from skillir.study.copies import KnownSkills

    known = KnownSkills()
    out = []
    for skill in skills:
        key, earlier = known.match(skill)
        if earlier is not None:
            record = {**earlier, "id": os.path.relpath(skill, root), "copy_of": earlier["id"]}
        else:
            record = census_record(skill, root)
            if "error" not in record:  # (an error may be where the skill lies: never reused)
                known.add(key, record)
        out.append(record)
    return out


def _worker(args: tuple[list[str], str, bool]) -> list[dict[str, Any]]:
    import logging

    logging.disable(logging.WARNING)
    return group_records([Path(s) for s in args[0]], Path(args[1]), reuse=args[2])


def census_records(skills: Iterable[Path], root: Path, *, jobs: int = 1,
                   engine: str = "local", chunksize: int = 16,
                   reuse_copies: bool = True) -> Iterator[dict[str, Any]]:
    """Records as they are ready (not in input order when jobs > 1). Possible copies
    (same folder name and SKILL.md size) go to one worker together, which analyses each
    distinct one once (`group_records`; `reuse_copies=False` analyses every skill)."""
    from skillir.study.copies import candidate_groups

    groups = candidate_groups(skills) if reuse_copies else [[s] for s in skills]
    work = [([str(s) for s in group], str(root), reuse_copies) for group in groups]
    if engine == "ray":
        yield from _ray_records(work, jobs)
        return
    if jobs <= 1:
        for item in work:
            yield from _worker(item)
        return
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")  # never fork a threaded parent
    # the fork server imports SkillIR and runs the census once (census_warm), then forks
    # every worker from there: the workers start with the passes' tables built
    ctx.set_forkserver_preload(["skillir.study.census_warm"])
    with ctx.Pool(jobs, maxtasksperchild=2000) as pool:
        for records in pool.imap_unordered(_worker, work, chunksize=chunksize):
            yield from records


def warm_up() -> None:
    """Run the census path once on the bundled warm-up skill (the compile server's,
    skillir/data/warmup_skill.md, with a script and a reference beside it), so that the
    passes' rule tables, parsers and compiled regexes are built in this process."""
    import tempfile
    from importlib.resources import files

    with tempfile.TemporaryDirectory(prefix="skillir-census-warmup-") as tmp:
        skill = Path(tmp) / "warmup-report"
        (skill / "scripts").mkdir(parents=True)
        (skill / "references").mkdir()
        text = files("skillir.data").joinpath("warmup_skill.md").read_text("utf-8")
        (skill / "SKILL.md").write_text(text, encoding="utf-8")
        (skill / "scripts" / "check.py").write_text("import sys\n\nprint(open(sys.argv[1]).read()[:80])\n")
        (skill / "references" / "format.md").write_text("# Format\n\nA title, a table of means, one chart.\n")
        census_record(skill, Path(tmp))


def _ray_records(work: list[tuple[list[str], str, bool]], jobs: int) -> Iterator[dict[str, Any]]:
    from skillir.errors import SkillIRError

    try:
        import ray
    except ImportError:
        raise SkillIRError("--engine ray needs Ray", hint="pip install 'skillir[ray]'") from None
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=max(1, jobs), include_dashboard=False, log_to_driver=False,
                 configure_logging=False, object_store_memory=80 * 1024 * 1024)
    try:
        @ray.remote(num_cpus=1)
        def batch(items: list[tuple[list[str], str, bool]]) -> list[dict[str, Any]]:
            return [record for item in items for record in _worker(item)]

        size = 64
        pending = [batch.remote(work[i:i + size]) for i in range(0, len(work), size)]
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            yield from ray.get(ready[0])
    finally:
        if started:
            ray.shutdown()


def find_skills(root: Path) -> list[Path]:
    """Every folder under `root` holding a SKILL.md (sorted; stable ids)."""
    return sorted({p.parent for p in root.rglob("SKILL.md") if p.is_file()})


def read_records(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a census file (a line cut short by a crash is skipped)."""
    out = []
    if not path.is_file():
        return out
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and rec.get("schema") == SCHEMA:
                out.append(rec)
    return out


def summarize(records: list[dict[str, Any]], *, distinct: bool = False) -> dict[str, Any]:
    """Shares and counts over the analysed records; `distinct`: each verbatim copy counted
    once (the records that reuse another's, `copy_of`, left out of every figure)."""
    if distinct:
        records = [r for r in records if "copy_of" not in r]
    ok = [r for r in records if "error" not in r]
    n = max(len(ok), 1)
    demand: Counter[str] = Counter()
    levels: dict[str, Counter[int]] = {}
    deps: Counter[str] = Counter()
    skills_with_deps: Counter[str] = Counter()
    par: Counter[str] = Counter()
    sec: Counter[str] = Counter()
    for r in ok:
        for prim, level in r["requirements"].items():
            demand[prim] += 1
            levels.setdefault(prim, Counter())[level] += 1
        for kind, count in r["dependencies"].items():
            deps[kind] += count
            skills_with_deps[kind] += 1
        for kind, count in r["parallel"].items():
            par[kind] += count
        for fam in r["security"]:
            sec[fam] += 1
    types = Counter(r["type"] for r in ok)
    return {
        "skills": len(records), "analysed": len(ok), "errors": len(records) - len(ok),
        "copies": sum(1 for r in ok if "copy_of" in r),
        "types": {k: {"count": v, "share": round(v / n, 4)} for k, v in types.most_common()},
        "procedural_share": round(sum(r["procedural"] for r in ok) / n, 4),
        "code_like_share": round(sum(r["code_like"] for r in ok) / n, 4),
        "demand": {p: {"skills": c, "share": round(c / n, 4),
                       "levels": {f"L{lv}": k for lv, k in sorted(levels[p].items())}}
                   for p, c in demand.most_common()},
        "dependencies": {k: {"total": deps[k], "skills": skills_with_deps[k]}
                         for k in sorted(deps)},
        "parallel": {"groups": dict(par), "skills_with_any":
                     sum(1 for r in ok if r["parallel"])},
        "security": {"skills_with_findings": sum(1 for r in ok if r["security"]),
                     "share": round(sum(1 for r in ok if r["security"]) / n, 4),
                     "by_family": dict(sec.most_common())},
    }
