"""What a benchmark database says: tables, figures and a static HTML report.

    rows = ResultsDB("bench.sqlite").rows()
    groups = aggregate(rows)                    # per (model, harness, condition)
    print(markdown_tables(rows))
    write_html(rows, Path("report/"))           # report/index.html + report/*.png

Completion is the pass rate (`score >= 0.5`) over runs whose status is `ok` (SkVM's rule:
runs that timed out, crashed or were tainted are counted apart, not as failures).
A regression is a (task, model, harness) where a skill condition's mean score is below the
no-skill baseline's. Anything from a simulated model says so in every cell, axis label and
caption: its numbers are not measurements of a real model.
"""

from __future__ import annotations

import base64
import html
import io
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIM = "simulated"


@dataclass
class Group:
    model: str
    harness: str
    condition: str
    simulated: bool
    runs: int
    ok: int
    completion: float | None
    mean_score: float | None
    tokens_in: float | None
    tokens_out: float | None
    wall_s: float | None
    model_s: float | None
    regressions: int = 0

    def key(self) -> tuple[str, str, str]:
        return (self.model, self.harness, self.condition)


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def regressions(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], list[str]]:
    """Per (model, harness, condition): the tasks where it scores below no-skill."""
    scores: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for r in rows:
        if r["status"] == "ok" and r["score"] is not None:
            scores[(r["task_id"] or r["task"], r["model"], r["harness"], r["condition"])].append(
                r["score"])
    out: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for (task, model, harness, cond), values in sorted(scores.items()):
        base = scores.get((task, model, harness, "no-skill"))
        if cond != "no-skill" and base and statistics.fmean(values) < statistics.fmean(base):
            out[(model, harness, cond)].append(task)
    return out


def aggregate(rows: list[dict[str, Any]]) -> list[Group]:
    buckets: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        buckets[(r["model"], r["harness"], r["condition"])].append(r)
    regs = regressions(rows)
    groups = []
    for (model, harness, cond), rs in sorted(buckets.items()):
        ok = [r for r in rs if r["status"] == "ok" and r["score"] is not None]
        groups.append(Group(
            model=model, harness=harness, condition=cond,
            simulated=any(r["simulated"] for r in rs), runs=len(rs), ok=len(ok),
            completion=_mean([float(bool(r["passed"])) for r in ok]),
            mean_score=_mean([r["score"] for r in ok]),
            tokens_in=_mean([r["tokens_in"] for r in ok if r["tokens_in"] is not None]),
            tokens_out=_mean([r["tokens_out"] for r in ok if r["tokens_out"] is not None]),
            wall_s=_median([r["wall_s"] for r in ok if r["wall_s"] is not None]),
            model_s=_median([r["model_s"] for r in ok if r["model_s"] is not None]),
            regressions=len(regs.get((model, harness, cond), []))))
    return groups


COLUMNS = ("model", "harness", "condition", "runs", "ok runs", "completion", "mean score",
           "tokens in", "tokens out", "wall s (median)", "model s (median)",
           "regressions vs no-skill")


def _cells(g: Group) -> list[str]:
    def num(v: float | None, fmt: str) -> str:
        if v is None:
            return "–"
        text = format(v, fmt)
        return f"{text} ({SIM})" if g.simulated else text

    model = f"{g.model} ({SIM})" if g.simulated else g.model
    return [model, g.harness, g.condition, str(g.runs), str(g.ok), num(g.completion, ".0%"),
            num(g.mean_score, ".3f"), num(g.tokens_in, ".0f"), num(g.tokens_out, ".0f"),
            num(g.wall_s, ".2f"), num(g.model_s, ".2f"),
            f"{g.regressions} ({SIM})" if g.simulated else str(g.regressions)]


def caption(rows: list[dict[str, Any]]) -> str:
    sim = sum(1 for r in rows if r["simulated"])
    if not rows:
        return "no runs recorded"
    if sim == len(rows):
        return (f"{len(rows)} runs, all with SIMULATED models: these numbers come from the "
                "simulator, not from real models")
    if sim:
        return (f"{len(rows)} runs, {sim} of them with SIMULATED models (marked "
                f"'{SIM}'): only the unmarked rows are measurements of real models")
    return f"{len(rows)} runs with real models"


def markdown_tables(rows: list[dict[str, Any]]) -> str:
    groups = aggregate(rows)
    lines = [f"_{caption(rows)}_", "", "| " + " | ".join(COLUMNS) + " |",
             "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cells(g)) + " |" for g in groups]
    regs = regressions(rows)
    if regs:
        lines += ["", "Regressions (tasks scoring below no-skill):"]
        for (model, harness, cond), tasks in sorted(regs.items()):
            lines.append(f"- {model} / {harness} / {cond}: {', '.join(tasks)}")
    return "\n".join(lines) + "\n"


def completion_figure(rows: list[dict[str, Any]]) -> bytes | None:
    """A bar chart of completion per condition, grouped by (model, harness); PNG bytes."""
    groups = [g for g in aggregate(rows) if g.completion is not None]
    if not groups:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = sorted({g.condition for g in groups})
    targets = sorted({(g.model, g.harness) for g in groups})
    sim_any = any(g.simulated for g in groups)
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 * len(targets) + 2), 3.6), dpi=100)
    width = 0.8 / max(len(series), 1)
    by_key = {g.key(): g for g in groups}
    for i, cond in enumerate(series):
        values = [by_key[(m, h, cond)].completion if (m, h, cond) in by_key else 0.0
                  for m, h in targets]
        ax.bar([x + i * width for x in range(len(targets))], [100 * v for v in values],
               width, label=cond)
    labels = [f"{m}\n{h}" + (f"\n({SIM})" if any(by_key.get((m, h, c)) and
                                              by_key[(m, h, c)].simulated for c in series)
                             else "") for m, h in targets]
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(targets))], labels,
                  fontsize=8)
    ax.set_ylabel("completion, % of ok runs" + (f" ({SIM})" if sim_any else ""))
    ax.set_ylim(0, 100)
    ax.set_title("Task completion by condition" + (" — SIMULATED models" if sim_any else ""),
                 fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def html_report(rows: list[dict[str, Any]], title: str = "SkillIR benchmark") -> str:
    """One self-contained HTML page (figures inlined), readable offline in any browser."""
    groups = aggregate(rows)
    esc = html.escape
    head = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
    body = "\n".join(
        "<tr" + (' class="simulated"' if g.simulated else "") + ">"
        + "".join(f"<td>{esc(c)}</td>" for c in _cells(g)) + "</tr>" for g in groups)
    figure = completion_figure(rows)
    img = ""
    if figure:
        data = base64.b64encode(figure).decode()
        img = (f'<figure><img id="completion" alt="completion by condition" '
               f'src="data:image/png;base64,{data}"><figcaption>{esc(caption(rows))}'
               "</figcaption></figure>")
    regs = regressions(rows)
    reg_html = "".join(
        f"<li>{esc(m)} / {esc(h)} / {esc(c)}: {esc(', '.join(t))}</li>"
        for (m, h, c), t in sorted(regs.items()))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px}}tr.simulated td{{background:#fff6e0}}
</style></head><body>
<h1>{esc(title)}</h1>
<p id="caption">{esc(caption(rows))}</p>
<table id="groups"><caption>{esc(caption(rows))}</caption><thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody></table>
{img}
<h2>Regressions vs no-skill</h2><ul id="regressions">{reg_html or "<li>none</li>"}</ul>
<script>
// Set by the browser: what it rendered (a headless-browser test reads these back).
document.body.dataset.rows = document.querySelectorAll("#groups tbody tr").length;
window.addEventListener("load", () => {{
  const img = document.getElementById("completion");
  document.body.dataset.figureWidth = img ? img.naturalWidth : 0;
}});
</script>
</body></html>
"""


def write_report(rows: list[dict[str, Any]], out: Path, title: str = "SkillIR benchmark"
                 ) -> dict[str, Path]:
    """report.md, completion.png and index.html in `out` (each written atomically)."""
    from skillir.atomic import write_bytes_atomic, write_text_atomic

    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / "report.md", "html": out / "index.html"}
    write_text_atomic(paths["markdown"], f"# {title}\n\n" + markdown_tables(rows))
    write_text_atomic(paths["html"], html_report(rows, title))
    figure = completion_figure(rows)
    if figure:
        write_bytes_atomic(out / "completion.png", figure)
        paths["figure"] = out / "completion.png"
    return paths
