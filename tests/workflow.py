"""Running Snakemake from tests: a subprocess in the repository root, so the tests
exercise exactly what a user types."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def snakemake(*args: str, check: bool = True, timeout: int = 1800) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}"
        )
    return proc


def planned_jobs(*args: str) -> dict[str, int]:
    """Rule -> job count of a dry run (``snakemake -n``'s job stats table)."""
    return dry_run(*args)[0]


def dry_run(*args: str) -> tuple[dict[str, int], str]:
    """A dry run's rule -> job count (:func:`planned_jobs`) and its whole output."""
    out = snakemake("-n", "--nolock", *args)
    text = out.stdout + out.stderr
    if "Nothing to be done" in text:
        return {}, text
    table = text[text.index("Job stats:") :].split("\n\n")[0]
    jobs = {
        m[1]: int(m[2]) for m in re.finditer(r"^(\w+)\s+(\d+)\s*$", table, re.M) if m[1] != "total"
    }
    return jobs, text


def planned_resources(*args: str) -> dict[str, dict]:
    """Rule -> threads and resources of its jobs in a dry run (the last job of each rule);
    numeric resources as numbers (``gpu``, ``mem_mb``, ...)."""
    out = snakemake("-n", "--nolock", *args)
    planned = {}
    for block in re.split(r"\n(?=rule \w+:\n)", out.stdout + out.stderr):
        if not (m := re.match(r"rule (\w+):\n", block)):
            continue
        threads = re.search(r"^\s+threads: (\d+)$", block, re.M)
        resources = re.search(r"^\s+resources: (.*)$", block, re.M)
        job = {"threads": int(threads[1]) if threads else 1}
        for item in resources[1].split(", ") if resources else []:
            key, value = item.split("=", 1)
            job[key] = int(value) if value.isdigit() else value
        planned[m[1]] = job
    return planned
