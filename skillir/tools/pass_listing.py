"""`skill-opt --list-passes`: every registered pass, its one-line description and its
options (name, type, default, and the option's docstring when it has one)."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap

from xdsl.passes import get_pass_option_infos


def _option_docs(cls: type) -> dict[str, str]:
    """Docstrings written under dataclass fields (`x: int = 1` then `\"\"\"...\"\"\"`)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}
    docs: dict[str, str] = {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    for node, following in zip(body, [*body[1:], None], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = following.value.value.strip().splitlines()[0]
    return docs


def describe_passes() -> str:
    from skillir.passes import get_all_passes

    lines = ["Available passes:"]
    for name, load in sorted(get_all_passes().items()):
        cls = load()
        doc = (inspect.getdoc(cls) or "").strip().splitlines()
        lines.append(f"  {name}  -  {doc[0] if doc else ''}")
        docs = _option_docs(cls)
        fields = {f.name for f in dataclasses.fields(cls)}
        for info in get_pass_option_infos(cls):
            if info.name not in fields:
                continue
            default = f" = {info.default_value}" if info.default_value is not None else ""
            spelled = info.name.replace("_", "-")
            note = f"  {docs[info.name]}" if info.name in docs else ""
            lines.append(f"      {spelled}: {info.expected_type}{default}{note}")
    return "\n".join(lines) + "\n"
