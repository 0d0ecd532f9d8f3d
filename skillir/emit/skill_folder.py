"""Write a lowered skill (`harness.program`) as the folder its harness loads.

Layout of the output folder OUT (the harness's own layout, relative to its root):

    OUT/<where the harness discovers skills>/<name>/SKILL.md    the compiled skill
                                                 .../<bundled files, copied>
                                                 .../env-setup.sh   (when there are dependencies)
                                                 .../workflow-dag.md (when there is parallelism)
    OUT/compile-report.json                      what the compiler did, token counts, validation
    OUT/<harness config files>                   only when a kept feature needs them turned on

The caller (skill-opt) gives a temporary folder and renames it into place.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import orjson
from xdsl.dialects.builtin import ModuleOp

from skillir.dialects.harness import ProgramOp, PromptOp, ScriptOp, SetupOp
from skillir.dialects.skill import RefOp, SkillOp, folder_name, region_ops, skill_markdown
from skillir.emit.outlined import outlined_files
from skillir.emit.program_walk import ProgramWalk
from skillir.emit.report import collect_report, summary_counts, workflow_of, workflow_view
from skillir.emit.validate import validate_skill_folder
from skillir.errors import SkillIRError
from skillir.frontend.bundle import MAX_SKILL_MD_BYTES, bundled_path_allowed
from skillir.safepaths import OutputDir, contained, safe_parts
from skillir.tokens import count_tokens
from skillir.untrusted import read_text_file
from skillir.version import __version__
from skillir.xdsl_compat.opclass import ops_of

Extras = Callable[[ProgramOp, dict[str, Any], Path, ProgramWalk], dict[str, str]]
"""A harness backend's extra files: (program, report, out, the program's walk) -> {relative
path: content}."""


def programs(module: ModuleOp) -> list[ProgramOp]:
    found = [op for op in module.body.block.ops if isinstance(op, ProgramOp)]
    if not found:
        raise SkillIRError(
            "nothing to emit for a harness: the module has no harness.program",
            hint="compile with --target=HARNESS/MODEL, or run lower-to-harness first",
        )
    return found


def program_skill(program: ProgramOp) -> SkillOp:
    for op in region_ops(program.body):
        if isinstance(op, PromptOp) and op.kind.data == "skill":
            for inner in region_ops(op.body):
                if isinstance(inner, SkillOp):
                    return inner
    raise SkillIRError(f"harness program '{program.sym_name.data}' holds no skill prompt")


_REPORT_JSON = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS
"""compile-report.json: indented by two spaces, one newline at the end."""


def emit_program(program: ProgramOp, out: Path, harness: str, extras: Extras | None = None,
                 *, validate: bool = True) -> dict[str, Any]:
    """Write one program's files under `out`; returns the compile report written.
    With `validate`, the input and output skill folders go through skills-ref."""
    with OutputDir(out) as folder:  # every file through folder descriptors, no symlink followed
        return _emit_program(program, out, folder, harness, extras, validate)


def _emit_program(program: ProgramOp, out: Path, folder: OutputDir, harness: str, extras: Extras | None,
                  validate: bool) -> dict[str, Any]:
    from skillir.harnesses import load_harness

    if program.harness.data != harness:
        raise SkillIRError(
            f"the IR was lowered for '{program.harness.data}', not '{harness}'",
            hint=f"emit with -t {program.harness.data}, or lower with lower-to-harness{{harness={harness}}}",
        )
    features = load_harness(harness)
    skill = program_skill(program)
    program_ops = region_ops(program.body)
    prompt = next(op for op in program_ops if isinstance(op, PromptOp))
    folder_of_skill = folder_name(skill)  # emitted paths come from validated names
    md_parts = safe_parts(prompt.path.data if prompt.path is not None
                          else f"skills/{folder_of_skill}/SKILL.md", what="skill")
    rel_skill_md = "/".join(md_parts)
    skill_rel = "/".join(md_parts[:-1]) or "."  # the skill's folder, relative to `out`
    skill_dir = folder.makedirs(skill_rel)
    walk = ProgramWalk(program, skill)  # the program and the skill walked once for every reader below
    written: list[str] = []

    def write(rel: str, text: str, mode: int = 0o644) -> None:
        folder.put(rel, text.encode("utf-8"), mode=mode)  # refuses paths leaving `out`
        written.append(rel)

    compiled = skill_markdown(skill)
    write(rel_skill_md, compiled)
    for rel, text in outlined_files(skill, walk).items():  # material outline-references moved
        write(_path_text(skill_rel, rel), text)

    source_md = Path(skill.source.data)
    source_dir = source_md.parent
    source_is_file = source_md.is_file()
    missing_bundle = []
    # bundled files come only from a real SKILL.md's folder, by paths its listing allows
    from_skill = source_md.name.lower() == "skill.md" and source_is_file
    for ref in ops_of(region_ops(skill.body), RefOp):
        rel_ref = "/".join(safe_parts(ref.path.data))
        if (not from_skill or not bundled_path_allowed(rel_ref)
                or folder.copy_file(source_dir, rel_ref, f"{skill_rel}/{rel_ref}") is None):
            missing_bundle.append(ref.path.data)
            continue
        written.append(_path_text(skill_rel, ref.path.data))

    for script in ops_of(program_ops, ScriptOp):
        if script.body is not None:  # code compile-capabilities offloaded: written beside SKILL.md
            write(_path_text(skill_rel, "/".join(safe_parts(script.path.data))), script.body.data, 0o755)

    setup = next(iter(ops_of(program_ops, SetupOp)), None)
    if setup is not None and setup.script is not None:
        write(_path_text(skill_rel, setup.path.data), setup.script.data, 0o755)
    report = collect_report(program, skill, walk)  # computed from the program's record ops
    workflow = workflow_of(skill)
    if workflow is not None and report["parallel_groups"]:
        from skillir.concurrency.render import render_view_mermaid

        view = workflow_view(workflow, skill.sym_name.data)
        write(_path_text(skill_rel, "workflow-dag.md"), render_view_mermaid(view))

    model = program.model.data
    original_text = _source_text(source_md) if source_is_file else None
    compiled_count = count_tokens(compiled, model)
    tokens: dict[str, Any] = {
        "encoding": compiled_count.encoding,
        "exact": compiled_count.exact,
        "compiled": compiled_count.tokens,
        "original": None,
        "delta": None,
    }
    if original_text is not None:
        tokens["original"] = count_tokens_cached(original_text, model)
        tokens["delta"] = tokens["compiled"] - tokens["original"]
    input_problems = output_problems = None
    if validate:  # the SKILL.md texts just read and written give the verdict's key
        if source_is_file:
            input_problems = validate_skill_folder(
                source_dir, skill_md=original_text if source_md.name == "SKILL.md" else None)
        output_problems = validate_skill_folder(skill_dir, skill_md=_written_skill_md(folder, rel_skill_md, compiled))
    for rel, text in (extras(program, report, out, walk) if extras else {}).items():
        write(_path_text(rel), text)

    full_report = {
        "skillir": __version__,
        "target": f"{harness}/{model}",
        "harness": harness,
        "model": model,
        "skill": skill.sym_name.data,
        "source": str(source_md),
        "skill_dir": skill_rel,
        "install": _install_note(features, skill.sym_name.data, skill_rel),
        "summary": summary_counts(report),
        **{k: v for k, v in report.items() if k != "skill"},
        "env_setup": None if setup is None else {
            "path": _path_text(skill_rel, setup.path.data),
            "requires": [a.data for a in setup.requires.data],
            "run": features.env_setup.get("how") if features.env_setup else None,
            "on_failure": "the skill still runs; the script's output is added to the model's context",
        },
        "tokens": tokens,
        "validation": {
            "validator": "skills-ref",
            "input_valid": None if input_problems is None else not input_problems,
            "input_problems": input_problems,
            "output_valid": None if output_problems is None else not output_problems,
            "output_problems": output_problems,
        },
        "bundle_missing": missing_bundle,
        "files": sorted(written + ["compile-report.json"]),
    }
    # orjson: the text `json.dumps(indent=2, ensure_ascii=False)` gives (floats in
    # exponent form aside: 1e-7, not 1e-07), ten times quicker than its pure-Python
    # indenting encoder
    folder.put("compile-report.json", orjson.dumps(full_report, option=_REPORT_JSON))
    written.append("compile-report.json")
    return full_report


def _path_text(*pieces: str) -> str:
    """`str(PurePosixPath(*pieces))`, the spelling of a relative path the report lists:
    pieces that are already plain (no empty or `.` component, not absolute) are joined
    as they are, anything else goes through pathlib (which drops those components)."""
    text = "/".join(pieces)
    if text and text[0] != "/" and text[-1] != "/" and "//" not in text and "/./" not in f"/{text}/":
        return text
    return str(PurePosixPath(*pieces))


def _written_skill_md(folder: OutputDir, rel_skill_md: str | Path, compiled: str) -> str | None:
    """`compiled` when it is surely what the emitted SKILL.md holds: the file is named
    exactly SKILL.md and no other file written so far, in any folder, is named so up to
    case and Unicode normalisation (on a case-insensitive filesystem it could have
    replaced it). Else None: the validator's key reads the file back."""
    if os.fspath(rel_skill_md).rsplit("/", 1)[-1] != "SKILL.md":
        return None
    same = sum(unicodedata.normalize("NFD", parts[-1]).casefold() == "skill.md" for parts in folder.created)
    return compiled if same == 1 else None


def _source_text(source_md: Path) -> str | None:
    """The source SKILL.md's text for token counts (the caller has checked that it is a
    file); None when it is not a readable regular file within the SKILL.md size limit
    (the IR's `source` is not trusted)."""
    try:
        return read_text_file(source_md, limit=MAX_SKILL_MD_BYTES, what="source SKILL.md")
    except SkillIRError:
        return None


@lru_cache(maxsize=256)
def count_tokens_cached(text: str, model: str) -> int:
    """Token count of a source SKILL.md; the same skill is compiled for many targets."""
    return count_tokens(text, model).tokens


def _install_note(features, name: str, skill_dir: str) -> str:
    where = [d.replace("<name>", name) for d in (*features.skills.project_dirs, *features.skills.user_dirs)]
    return f"copy {skill_dir}/ to one of: {', '.join(where)}" if where else f"load {skill_dir}/SKILL.md"


def emit_harness(module: ModuleOp, out: Path, harness: str, extras: Extras | None = None,
                 options: dict | None = None) -> list[dict[str, Any]]:
    """Write every program of the module (several skills share OUT). Options:
    `validate` (default true) runs skills-ref on the input and output folders."""
    validate = bool((options or {}).get("validate", True))
    reports = []
    found = programs(module)
    for program in found:
        target = out if len(found) == 1 else contained(out, folder_name(program_skill(program)))
        reports.append(emit_program(program, target, harness, extras, validate=validate))
    return reports
