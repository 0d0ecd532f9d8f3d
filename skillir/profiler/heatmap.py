"""Heatmaps of profiles (matplotlib, Agg): one row per primitive, one column per level.

A measured level is coloured by its pass rate and labelled `passed/runs`; an implied level
(decided without runs of its own) is grey and labelled `pass`/`fail` in italics; an unknown
primitive is white, labelled `?`; a level that only an imported profile gives (no
per-level results) is labelled `imp`. A simulated profile says SIMULATED in its title.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError


def level_cells(profile: Any, prim: str) -> list[tuple[str, float | None, str]]:
    """(kind, pass rate or None, label) for L1..L3 of one primitive: kind is measured,
    implied, unknown or imported."""
    detail = next((d for d in profile.details if d.get("primitiveId") == prim), None)
    results = {r.get("level"): r for r in (detail or {}).get("levelResults") or []}
    if not profile.measured(prim) and (detail is None or detail.get("status") == "unknown"):
        cells = []
        for lv in (1, 2, 3):
            r = results.get(f"L{lv}") or {}
            if r.get("totalCount"):
                cells.append(("unknown", r.get("passRate"),
                              f"{r.get('passCount')}/{r.get('totalCount')}?"))
            else:
                cells.append(("unknown", None, "?"))
        return cells
    out = []
    level = profile.level(prim)
    for lv in (1, 2, 3):
        r = results.get(f"L{lv}")
        if r is None or "status" not in r:
            out.append(("imported", 1.0 if lv <= level else 0.0,
                        "imp " + ("pass" if lv <= level else "fail")))
        elif r.get("status") == "measured" and r.get("totalCount"):
            out.append(("measured", r.get("passRate"), f"{r['passCount']}/{r['totalCount']}"))
        else:
            out.append(("implied", None, "pass" if r.get("passed") else "fail"))
    return out


def _draw(ax: Any, profile: Any, prims: list[str], title: str, names: bool = True) -> Any:
    import numpy as np
    from matplotlib.patches import Rectangle

    grid = np.full((len(prims), 3), np.nan)
    im = None
    for i, prim in enumerate(prims):
        for j, (kind, rate, label) in enumerate(level_cells(profile, prim)):
            if kind in ("measured", "imported") and rate is not None:
                grid[i, j] = rate
            colour = {"implied": "#d9d9d9", "unknown": "#ffffff"}.get(kind)
            if colour:
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, color=colour, zorder=0))
            ax.text(j, i, label, ha="center", va="center", fontsize=6,
                    style="italic" if kind in ("implied", "imported") else "normal")
    im = ax.imshow(grid, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(3), ["L1", "L2", "L3"])
    labels = [(f"{p}  " if names else "")
              + f"[{'L' + str(profile.level(p)) if profile.measured(p) else '?'}]" for p in prims]
    ax.set_yticks(range(len(prims)), labels, fontsize=6)
    ax.set_title(title, fontsize=8)
    return im


def _title(profile: Any) -> str:
    sim = bool((profile.extra.get("profiler") or {}).get("simulated")) or profile.synthetic
    return ("SIMULATED  " if sim else "") + f"{profile.target}\n{profile.date or 'undated'}"


def render(profiles: list[Any], path: str | Path) -> Path:
    """Write one heatmap per profile, side by side, to `path` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skillir.profiles.catalog import catalog

    prims = list(catalog().ids)
    fig, axes = plt.subplots(1, len(profiles), figsize=(1.2 + 3.0 * len(profiles), 7.5),
                             squeeze=False)
    im = None
    for i, (ax, prof) in enumerate(zip(axes[0], profiles, strict=True)):
        im = _draw(ax, prof, prims, _title(prof), names=i == 0)
    if im is not None:
        fig.colorbar(im, ax=list(axes[0]), shrink=0.5, label="pass rate")
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp.png")
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
        tmp.replace(out)
    except OSError as exc:
        raise SkillIRError(f"cannot write the heatmap ({exc.strerror})", path=str(out)) from None
    finally:
        plt.close(fig)
    return out
