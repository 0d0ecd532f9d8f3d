"""Drawing a module's workflow DAGs (its `conc.graph` ops): mermaid in markdown, or PNG.

```python
from skillir.concurrency.render import render_mermaid, render_png
text = render_mermaid(module)          # markdown with one ```mermaid block per skill
render_png(module, "dag.png")          # matplotlib (Agg, headless) + networkx layout
```

Both read only the IR, so they work on a module parsed from `.mlir` as well as on one
the pass just built. Tasks are boxes (`id. label`, cost), edges carry the artifact that
flows (plain arrows for document order), groups are framed by kind (DLP, ILP, TLP, with
TLP branches framed inside), groups the harness runs one after another are dashed, and
the critical path is drawn thick and red.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.atomic import write_bytes_atomic
from skillir.concurrency.build import GraphView, read_graph
from skillir.dialects.conc import GraphOp
from skillir.dialects.skill import SkillOp
from skillir.errors import SkillIRError

_KIND_TITLE = {"dlp": "DLP", "ilp": "ILP", "tlp": "TLP"}
_KIND_COLOR = {"dlp": "#2a9d8f", "ilp": "#e9c46a", "tlp": "#8ab6d6"}
_CRITICAL = "#d62828"


def graphs_of(module: ModuleOp) -> list[GraphView]:
    """Every `conc.graph` of the module's skills, read into views (document order)."""
    views = []
    for op in module.ops:
        if isinstance(op, SkillOp):
            block = op.body.blocks.first
            for inner in block.ops if block is not None else ():
                if isinstance(inner, GraphOp):
                    views.append(read_graph(inner))
    if not views:
        raise SkillIRError("the module has no workflow graph (no conc.graph op)",
                           hint="run the extract-concurrency pass first, e.g. -p extract-concurrency")
    return views


def sequential_chain(view: GraphView) -> list[tuple[int, int]]:
    """Edges the harness adds by running a group's members one after another."""
    edges = []
    for group in view.groups:
        if group.status == "parallel" or group.kind == "dlp":
            continue
        units = group.branches if group.kind == "tlp" else [[m] for m in group.members]
        edges += [(units[k][-1], units[k + 1][0]) for k in range(len(units) - 1)]
    return edges


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.1f} s"


def _escape(text: str) -> str:
    return (text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("|", "#124;").replace("`", "'"))


# ---------------------------------------------------------------------------
# mermaid


def render_mermaid(module: ModuleOp) -> str:
    """A markdown document: per skill, a mermaid flowchart of its DAG, its parallel
    groups and the critical path with the speedup bound."""
    parts = []
    for view in graphs_of(module):
        parts.append(_mermaid_section(view))
    return "\n".join(parts)


def render_view_mermaid(view: GraphView) -> str:
    """The markdown section of one workflow view (what `render_mermaid` writes per skill;
    emission calls it with the view of a lowered program's `harness.workflow`)."""
    return _mermaid_section(view)


def _mermaid_section(view: GraphView) -> str:
    dag = view.dag
    lines = [f"# Workflow DAG: {view.skill}", ""]
    lines.append(
        f"Harness `{view.harness}`. Critical path {' → '.join(map(str, view.critical_path)) or '(empty)'}: "
        f"{_seconds(view.critical_cost)} of {_seconds(view.total_cost)} in total; ideal speedup "
        f"{view.ideal_speedup:.2f}× on this harness, {view.max_speedup:.2f}× with every group."
    )
    lines += ["", "```mermaid", "flowchart TD"]
    in_group: dict[int, int] = {}
    for index, group in enumerate(view.groups):
        for member in group.members:
            in_group.setdefault(member, index)  # outermost group first

    def node(task: int, indent: str) -> str:
        label = f"{task}. {dag.label.get(task, '')}"
        if len(label) > 48:
            label = label[:45].rstrip() + "..."
        return f'{indent}t{task}["{_escape(label)}<br/>{_seconds(dag.cost[task])}"]'

    emitted: set[int] = set()
    children: dict[int | None, list[int]] = {}
    for index, group in enumerate(view.groups):
        children.setdefault(group.nested_in, []).append(index)

    def emit_group(index: int, indent: str) -> None:
        group = view.groups[index]
        status = "parallel" if group.status == "parallel" else "sequential on this harness"
        title = f"{_KIND_TITLE[group.kind]} · {group.mechanism} · {status}"
        lines.append(f'{indent}subgraph g{index}["{_escape(title)}"]')
        nested = {m for child in children.get(index, []) for m in view.groups[child].members}
        for child in children.get(index, []):
            if group.kind != "tlp":
                emit_group(child, indent + "  ")
        if group.kind == "tlp":
            for b, branch in enumerate(group.branches):
                lines.append(f'{indent}  subgraph g{index}b{b}["branch {b + 1}"]')
                for task in branch:
                    owner = next((c for c in children.get(index, []) if task in view.groups[c].members), None)
                    if owner is not None and task in nested:
                        emit_group(owner, indent + "    ")
                    elif task not in emitted:
                        lines.append(node(task, indent + "    "))
                        emitted.add(task)
                lines.append(f"{indent}  end")
        else:
            for task in group.members:
                if task not in nested and task not in emitted:
                    lines.append(node(task, indent + "  "))
                    emitted.add(task)
        lines.append(f"{indent}end")
        if group.status != "parallel":
            lines.append(f"{indent}style g{index} stroke-dasharray: 5 5")

    for task in dag.nodes:
        if task in emitted:
            continue
        owner = in_group.get(task)
        if owner is None:
            lines.append(node(task, "  "))
            emitted.add(task)
            continue
        top = owner
        while view.groups[top].nested_in is not None:
            top = view.groups[top].nested_in
        emit_group(top, "  ")
    critical = set(zip(view.critical_path, view.critical_path[1:], strict=False))
    link = 0
    red_links = []
    for source, target, why in dag.edges():
        arrow = "-->" if why == "order" else f"-->|{_escape(why)}|"
        lines.append(f"  t{source} {arrow} t{target}")
        if (source, target) in critical:
            red_links.append(str(link))
        link += 1
    for source, target in sequential_chain(view):
        lines.append(f"  t{source} -.->|then, on {_escape(view.harness)}| t{target}")
        if (source, target) in critical:
            red_links.append(str(link))
        link += 1
    if view.critical_path:
        lines.append(f"  classDef critical stroke:{_CRITICAL},stroke-width:3px")
        lines.append("  class " + ",".join(f"t{t}" for t in view.critical_path) + " critical")
    if red_links:
        lines.append(f"  linkStyle {','.join(red_links)} stroke:{_CRITICAL},stroke-width:3px")
    lines += ["```", ""]
    if view.groups:
        lines.append("| group | kind | tasks | mechanism | status | why |")
        lines.append("|---|---|---|---|---|---|")
        for index, group in enumerate(view.groups):
            tasks = " ∥ ".join("→".join(map(str, b)) for b in group.branches) if group.kind == "tlp" \
                else ", ".join(map(str, group.members))
            if group.per_item:
                tasks += ", once per item"
            status = group.status if group.fallback is None else f"{group.status}: {group.fallback}"
            over = f" over `{group.over}`" if group.over else ""
            lines.append(f"| g{index} | {_KIND_TITLE[group.kind]}{over} | {tasks} | {group.mechanism} "
                         f"| {status.replace('|', '/')} | {group.reason.replace('|', '/')} |")
        lines.append("")
    else:
        lines += ["No parallel group: the steps run in document order.", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# png


def render_png(module: ModuleOp, path: str | os.PathLike[str]) -> None:
    """Draw every workflow DAG of the module into one PNG at `path` (written
    atomically). Headless: matplotlib's Agg canvas, no display needed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    views = graphs_of(module)
    heights = [max(2.5, 1.2 * _depth(v) + 1.5) for v in views]
    widths = [max(7.5, 2.6 * _width(v) + 1.0) for v in views]
    figure = Figure(figsize=(min(max(widths), 30.0), min(sum(heights), 60.0)), dpi=100)
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(len(views), 1, squeeze=False, height_ratios=heights)
    for view, axes in zip(views, axes_list[:, 0], strict=True):
        _draw(view, axes)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_bytes_atomic(Path(path), buffer.getvalue())


def _layers(view: GraphView) -> dict[int, int]:
    layer: dict[int, int] = {}
    for node in view.dag.nodes:
        preds = view.dag.deps.get(node, {})
        layer[node] = 1 + max((layer[p] for p in preds if p in layer), default=-1)
    return layer


def _depth(view: GraphView) -> int:
    layers = _layers(view)
    return max(layers.values(), default=0) + 1


def _width(view: GraphView) -> int:
    counts: dict[int, int] = {}
    for value in _layers(view).values():
        counts[value] = counts.get(value, 0) + 1
    return max(counts.values(), default=1)


def _draw(view: GraphView, axes) -> None:
    import networkx as nx
    from matplotlib.patches import FancyBboxPatch

    graph = view.dag.to_networkx()
    layers = _layers(view)
    axes.set_axis_off()
    axes.set_title(
        f"{view.skill} on {view.harness}\ncritical path {_seconds(view.critical_cost)} of "
        f"{_seconds(view.total_cost)}, ideal speedup {view.ideal_speedup:.2f}× "
        f"(all groups {view.max_speedup:.2f}×)", fontsize=9)
    if graph.number_of_nodes() == 0:
        axes.text(0.5, 0.5, "no steps", ha="center", va="center")
        return
    # layered, top-down: a task sits one layer below its deepest dependency
    position: dict[int, tuple[float, float]] = {}
    spread: dict[int, list[int]] = {}
    for node in sorted(graph.nodes):
        spread.setdefault(layers[node], []).append(node)
    for layer, nodes in spread.items():
        for k, node in enumerate(nodes):
            position[node] = (k - (len(nodes) - 1) / 2, -layer)
    for group in view.groups:
        xs = [position[m][0] for m in group.members if m in position]
        ys = [position[m][1] for m in group.members if m in position]
        if not xs:
            continue
        pad = 0.32 + (0.08 if group.nested_in is None else 0.0)
        box = FancyBboxPatch((min(xs) - pad, min(ys) - pad), max(xs) - min(xs) + 2 * pad,
                             max(ys) - min(ys) + 2 * pad, boxstyle="round,pad=0.02",
                             facecolor=_KIND_COLOR[group.kind], alpha=0.25,
                             edgecolor=_KIND_COLOR[group.kind],
                             linestyle="-" if group.status == "parallel" else "--", linewidth=1.5)
        axes.add_patch(box)
        note = _KIND_TITLE[group.kind] + ("" if group.status == "parallel" else " (sequential)")
        axes.text(min(xs) - pad, max(ys) + pad + 0.04, note, fontsize=8, color="#333333")
    critical = set(zip(view.critical_path, view.critical_path[1:], strict=False))
    plain = [(s, t) for s, t in graph.edges if (s, t) not in critical]
    hot = [(s, t) for s, t in graph.edges if (s, t) in critical]
    nx.draw_networkx_edges(graph, position, edgelist=plain, ax=axes, edge_color="#777777",
                           arrows=True, arrowsize=12, node_size=1800)
    chain = sequential_chain(view)
    if chain:
        nx.draw_networkx_edges(graph, position, edgelist=chain, ax=axes, edge_color=[
            _CRITICAL if e in critical else "#999999" for e in chain], style="dotted", width=1.5,
            arrows=True, arrowsize=10, node_size=1800, connectionstyle="arc3,rad=0.25")
    nx.draw_networkx_edges(graph, position, edgelist=hot, ax=axes, edge_color=_CRITICAL, width=2.5,
                           arrows=True, arrowsize=14, node_size=1800)
    colors = ["#ffd6d6" if n in set(view.critical_path) else "#ffffff" for n in graph.nodes]
    nx.draw_networkx_nodes(graph, position, ax=axes, node_color=colors, edgecolors="#333333",
                           node_size=1800, node_shape="s")
    labels = {}
    for node in graph.nodes:
        text = view.dag.label.get(node, "")
        text = text if len(text) <= 22 else text[:20] + "…"
        labels[node] = f"{node}\n{text}\n{_seconds(view.dag.cost[node])}"
    nx.draw_networkx_labels(graph, position, labels=labels, ax=axes, font_size=6)
    edge_labels = {(s, t): d["why"] for s, t, d in graph.edges(data=True) if d.get("why") not in ("order", None)}
    if edge_labels:
        nx.draw_networkx_edge_labels(graph, position, edge_labels=edge_labels, ax=axes, font_size=6)
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    axes.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    axes.set_ylim(min(ys) - 0.8, max(ys) + 0.8)


__all__ = ["graphs_of", "render_mermaid", "render_png", "render_view_mermaid"]
