"""TOMTOM backends: seconds per query motif by query width, MEME binary (the authors'
Pearson / incomplete-scores settings, and Euclidean / complete scores) vs memelite, against
JASPAR2014 (205 motifs) and JASPAR2016 (519) CORE vertebrates; and how closely memelite's
p-values follow MEME's Euclidean ones on JASPAR motifs used as queries.

    PYTHONPATH=$PWD python benchmarks/tomtom_backends.py [--queries 4] [--threads 1]

Writes benchmarks/tomtom_backends.tsv. Run by hand; not part of the test suite. Needs the
MEME tomtom binary (``bash envs/build_tomtom.sh``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.io import write_tsv
from deepresolve.motifs.jaspar import MotifSet, load_jaspar
from deepresolve.motifs.pwm import filter_pwms
from deepresolve.motifs.tomtom import find_tomtom, tomtom

SETTINGS = {
    "meme pearson incomplete": dict(backend="meme"),
    "meme ed complete": dict(backend="meme", dist="ed", incomplete_scores=False),
    "memelite ed complete": dict(backend="memelite"),
}


def timings(n_queries: int, threads: int) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for release in ("JASPAR2014", "JASPAR2016"):
        targets = load_jaspar(release)
        tomtom(MotifSet.from_arrays([targets.pwms[0]]), targets, backend="memelite")  # compile
        for width in (8, 12, 16, 20, 25):
            queries = MotifSet.from_arrays(filter_pwms(rng.normal(size=(n_queries, 4, width))))
            for name, kw in SETTINGS.items():
                start = time.perf_counter()
                tomtom(queries, targets, threads=threads, **kw)
                per_query = (time.perf_counter() - start) / n_queries
                rows.append(dict(release=release, width=width, setting=name, s_per_query=per_query))
                print(rows[-1], flush=True)
    return rows


def agreement(n_queries: int) -> dict:
    """memelite vs MEME ``-dist ed`` (complete scores, no pseudocount): JASPAR2016 motifs
    as queries against JASPAR2014."""
    rng = np.random.default_rng(1)
    j16 = load_jaspar("JASPAR2016")
    queries = j16.subset(list(rng.choice(j16.ids, size=n_queries, replace=False)))
    targets = load_jaspar("JASPAR2014")
    lite = tomtom(queries, targets, backend="memelite")
    meme = tomtom(queries, targets, backend="meme", dist="ed", incomplete_scores=False)
    m = lite.merge(meme, on=["query", "target"], suffixes=("_lite", "_meme"))
    lp = np.log10(np.maximum(m["pvalue_lite"], 1e-300))
    mp = np.log10(np.maximum(m["pvalue_meme"], 1e-300))
    best = m.sort_values("pvalue_lite").drop_duplicates("query")
    best_meme = m.sort_values("pvalue_meme").drop_duplicates("query")
    lite_best = best.set_index("query")["target"].sort_index()
    same_best = (lite_best == best_meme.set_index("query")["target"].sort_index()).mean()
    strong = m[m["pvalue_meme"] < 1e-3]
    moderate = (m["pvalue_meme"] > 1e-8).to_numpy()
    return dict(
        release="JASPAR2014",
        width=-1,
        setting=f"agreement on {n_queries} JASPAR2016 queries",
        s_per_query=np.nan,
        log10p_pearson_r=float(np.corrcoef(lp, mp)[0, 1]),
        # MEME prints p-values as floats: below ~1e-45 they read 0, so compare p > 1e-8 too
        log10p_pearson_r_p_gt_1e8=float(np.corrcoef(lp[moderate], mp[moderate])[0, 1]),
        median_abs_log10p_diff=float(np.median(np.abs(lp - mp))),
        same_best_target=float(same_best),
        same_offset_when_p_lt_1e3=float((strong["offset_lite"] == strong["offset_meme"]).mean()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if find_tomtom() is None:
        raise SystemExit("no MEME tomtom binary: run `bash envs/build_tomtom.sh` first")
    rows = timings(args.queries, args.threads)
    rows.append(agreement(40))
    print(rows[-1])
    write_tsv(Path(__file__).with_name("tomtom_backends.tsv"), pd.DataFrame(rows))


if __name__ == "__main__":
    main()
