"""Figure 3 and the ecosystem numbers of §2: skill types, explicit procedural structure,
code-like fragments, over the skills at hand, by skill-census. MEASURED (rule-based census of
real public skills: the shared corpus, plus the labelled development set when present).

Paper: 118,270 crawled skills; of 15,063 with more than 100 downloads, tool-reference 52%,
procedural 28%, generative 20%; 76% have explicit procedural structure, 75% embed code-like
fragments; 89% of skills.sh skills have fewer than 86 downloads.
"""

from __future__ import annotations

from pathlib import Path

from common import PAPER, ROOT, parser, record, save_figure


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    from skillir.study.census import census_records, find_skills, summarize

    roots = [ROOT.parent / "shared" / "corpus", ROOT / "benchmarks" / "devset" / "skills"]
    skills: list[tuple[Path, Path]] = []
    for root in roots:
        if root.is_dir():
            found = find_skills(root)
            skills += [(s, root) for s in (found[:12] if args.quick else found)]
    records = []
    for root in {r for _, r in skills}:
        mine = [s for s, r in skills if r == root]
        records += list(census_records(mine, root, jobs=args.jobs))
    summary = summarize(records)
    types = {k: v["share"] for k, v in summary["types"].items()}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.2, 3.2))
    kinds = ["tool-reference", "procedural", "generative"]
    ax.bar([x - 0.2 for x in range(3)], [100 * types.get(k, 0) for k in kinds], 0.4,
           label=f"this census ({summary['analysed']} skills, measured)")
    ax.bar([x + 0.2 for x in range(3)], [100 * PAPER["types"][k] for k in kinds], 0.4,
           label="paper (15,063 popular skills)")
    ax.set_xticks(range(3), kinds)
    ax.set_ylabel("% of skills")
    ax.legend(fontsize=7)
    ax.set_title("Skill types", fontsize=9)
    fig.tight_layout()
    path = save_figure(fig, args.out, "fig03_ecosystem")
    numbers = {"skills": summary["skills"], "types": types,
               "procedural_share": summary["procedural_share"],
               "code_like_share": summary["code_like_share"],
               "security_share": summary["security"]["share"]}
    close = (abs(summary["procedural_share"] - PAPER["procedural_share"]) <= 0.1
             and abs(summary["code_like_share"] - PAPER["code_like_share"]) <= 0.1)
    text = (f"Measured by skill-census over {summary['analysed']} real public skills (the shared "
            f"corpus and, when recreated, the development set; not the paper's 118,270-skill "
            f"crawl, which needs the network). Explicit procedural structure "
            f"{summary['procedural_share']:.0%} (paper 76%), code-like fragments "
            f"{summary['code_like_share']:.0%} (paper 75%). Types: "
            + ", ".join(f"{k} {v:.0%}" for k, v in types.items())
            + " (paper 52% / 28% / 20%): our type rule (skillir/study/census.py) is stated in "
            "data because the paper's is not published, and our skills are curated collections "
            "rather than the download-ranked crawl. The download distribution (89% of skills.sh "
            "under 86 downloads) is not reproduced: it needs the registries' download counts.")
    record(args.out, "fig03", figure="Figure 3 / §2 ecosystem", kind="measured",
           status="partly matched" if close else "differed", text=text, numbers=numbers,
           files=[path])


if __name__ == "__main__":
    main()
