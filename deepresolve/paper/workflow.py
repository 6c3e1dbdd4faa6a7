"""Glue between a Snakemake job and the library, used by ``workflow_scripts/``:
log redirection, threads, seeds, device."""

from __future__ import annotations

import logging
import sys
from typing import Any

from deepresolve.paper.seeds import seed
from deepresolve.runtime import get_device, seed_everything, set_threads

log = logging.getLogger("deepresolve")


def setup(snakemake: Any, step: str | None = None, seed_offset: int | None = None):
    """Send stdout/stderr and logging to the job's log file, honour ``threads`` and
    seed everything from the step's seed in the registry (:mod:`deepresolve.paper.seeds`;
    ``step`` defaults to the job's rule). Returns the torch device."""
    if seed_offset is not None:
        raise ValueError(
            f"seed_offset={seed_offset}: seed offsets are defined once, in STEPS of "
            "deepresolve/paper/seeds.py, keyed by rule; call setup(snakemake)"
        )
    if snakemake.log:
        fh = open(snakemake.log[0], "w", buffering=1)  # noqa: SIM115 - lives for the job
        sys.stdout = sys.stderr = fh
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
        force=True,
    )
    set_threads(snakemake.threads)
    seed_everything(seed(snakemake.config["seed"], step or snakemake.rule))
    device = get_device(snakemake.config.get("device", "auto"))
    log.info("rule %s: %d threads on %s", snakemake.rule, snakemake.threads, device)
    return device
