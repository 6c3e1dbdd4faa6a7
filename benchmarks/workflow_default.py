"""Wall time of the whole default workflow (config/config.yaml) on this machine, with
each rule's time and memory from Snakemake's per-job benchmark files.

    python benchmarks/workflow_default.py [--cores 2] [--out benchmarks/workflow_default.md]

Runs ``snakemake --cores N`` into a fresh results folder (nothing is reused),
then writes the table. Run by hand; not part of the test suite. The cores may be shared
with other work: the summed CPU seconds of the jobs and the machine's load average during
the run (sampled every 10 s) are reported beside the wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.io import write_text

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", default=str(Path(__file__).with_suffix(".md")))
    ap.add_argument("--keep", help="write results and logs here (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep) if args.keep else Path(tmp)
        if args.keep and base.exists() and any(base.iterdir()):
            raise ValueError(f"--keep {base}: folder is not empty")
        results, logs = base / "results", base / "logs"
        cmd = [sys.executable, "-m", "snakemake", "--cores", str(args.cores), "--nolock",
               "--config", f"results={results}", f"logs={logs}"]  # fmt: skip
        loads, done = [], threading.Event()

        def sample() -> None:
            while not done.wait(10):
                loads.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t = time.perf_counter()
        try:
            subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
        finally:
            done.set()
        wall = time.perf_counter() - t
        rows = []
        for f in sorted((results / "benchmarks").glob("*/*.tsv")):
            b = pd.read_csv(f, sep="\t").iloc[-1]
            rows.append((f.parent.name, f.stem, b["s"], b["cpu_time"], b["max_rss"]))
    jobs = pd.DataFrame(rows, columns=["rule", "job", "wall_s", "cpu_s", "max_rss_mb"])
    jobs = jobs.sort_values("wall_s", ascending=False)
    per_analysis = jobs.groupby(jobs["rule"].str.split("_").str[0])[["wall_s", "cpu_s"]].sum()
    text = f"""# The default workflow end to end

Command: `python benchmarks/workflow_default.py --cores {args.cores}` (that is,
`snakemake --cores {args.cores}` on `config/config.yaml` into an empty results folder).
Machine: {platform.machine()}, {os.cpu_count()} CPUs, no GPU.

**Wall time: {wall / 60:.1f} min** for {len(jobs)} jobs (target: under 20 min); the jobs'
CPU time {jobs["cpu_s"].sum() / 60:.1f} min in all. Load average during the run (1 min,
sampled every 10 s): mean {np.mean(loads or [np.nan]):.1f}, max {np.max(loads or [np.nan]):.1f}
({os.cpu_count()} CPUs: a higher load means other work shared them).

Summed job time per analysis (jobs run two at a time, so these add up to more than the wall
time):

{per_analysis.round(1).to_markdown()}

Every job (Snakemake's `benchmark:` files):

{jobs.round(1).to_markdown(index=False)}
"""
    write_text(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
