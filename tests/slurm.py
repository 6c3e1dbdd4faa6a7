"""The end-to-end run of config/test.yaml on a SLURM cluster, through profiles/slurm, as
``make test-slurm`` does it: ``.ci/slurm_cluster.sh`` starts a one-node cluster without
accounting and sets SLURM_CONF, then ``pytest --slurm`` runs the workflow there once
(``slurm_run`` fixture, ``tests/conftest.py``). One job is cancelled mid-run (``scancel``)
so that the profile's ``retries`` must resubmit it."""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.workflow import REPO, planned_jobs, snakemake

# The job cancelled mid-run: single, and long enough (tens of seconds) to be caught running.
CANCEL_RULE = "deepsea_train"


@dataclass
class SlurmRun:
    """What one run through the profile left behind."""

    results: Path
    logs: Path
    slurm_logs: Path  # the executor's per-job logs: rule_<rule>/[<wildcards>/]<jobid>.log
    returncode: int
    output: str  # snakemake's stdout and stderr
    planned: dict[str, int]  # rule -> jobs, from a dry run before the run
    cancelled: str | None = None  # SLURM id of the job cancelled mid-run
    submitted: dict[str, dict] = field(default_factory=dict)  # SLURM id -> rule, threads


def config_args(results: Path, logs: Path) -> tuple[str, ...]:
    """config/test.yaml into ``results``/``logs``, with the profile's CPU-only switch."""
    return (
        "--configfile", "config/test.yaml",
        "--config", f"results={results}", f"logs={logs}", "device=cpu",
    )  # fmt: skip


def run_on_slurm(base: Path) -> SlurmRun:
    """Run config/test.yaml through profiles/slurm on the cluster SLURM_CONF names, cancelling
    the first job of CANCEL_RULE once its script is running."""
    results, logs, slurm_logs = base / "results", base / "logs", base / "slurm_logs"
    planned = planned_jobs(*config_args(results, logs))
    stop, cancelled = threading.Event(), {}
    watcher = threading.Thread(
        target=_cancel_when_running,
        args=(CANCEL_RULE, logs / CANCEL_RULE / "all.log", stop, cancelled),
        daemon=True,
    )
    watcher.start()
    try:
        proc = snakemake(
            "--workflow-profile", "profiles/slurm", "--nolock",
            *config_args(results, logs),
            # at most 2 threads per job, as in the local run (--cores 2); no accounting, so
            # no account either
            "--max-threads", "2", "--slurm-no-account",
            # keep every job's SLURM log (the plugin deletes successful ones) for the checks
            "--slurm-logdir", str(slurm_logs), "--slurm-keep-successful-logs",
            # first status check after 1 s, not 40: tiny jobs
            "--slurm-init-seconds-before-status-checks", "1",
            check=False,
        )  # fmt: skip
    finally:
        stop.set()
        watcher.join()
    output = proc.stdout + proc.stderr
    return SlurmRun(
        results=results,
        logs=logs,
        slurm_logs=slurm_logs,
        returncode=proc.returncode,
        output=output,
        planned=planned,
        cancelled=cancelled.get("id"),
        submitted=submitted_jobs(output),
    )


def _cancel_when_running(rule: str, rule_log: Path, stop: threading.Event, out: dict) -> None:
    """``scancel`` the first SLURM job of ``rule`` once its script has started (its log has
    the ``setup()`` line), then return."""
    while not stop.wait(0.5):
        running = _squeue("--states=RUNNING", "--format=%i|%k")
        ids = [i for i, comment in running if comment == f"rule_{rule}"]
        if ids and rule_log.exists() and "threads on" in rule_log.read_text():
            subprocess.run(["scancel", ids[0]], check=True)
            out["id"] = ids[0]
            return


def _squeue(*args: str) -> list[list[str]]:
    """squeue's rows, split at ``|``; none when it fails (the next poll asks again)."""
    out = subprocess.run(["squeue", "--noheader", *args], capture_output=True, text=True)
    return [line.split("|") for line in out.stdout.splitlines() if line.strip()]


def submitted_jobs(output: str) -> dict[str, dict]:
    """SLURM id -> {"rule", "threads"} of every submission in snakemake's output."""
    jobs, info = {}, {}
    for block in re.split(r"\n(?=rule \w+:\n|Job \d+ has been submitted)", output):
        if m := re.match(r"rule (\w+):\n", block):
            jobid = re.search(r"^\s+jobid: (\d+)$", block, re.M)[1]
            threads = re.search(r"^\s+threads: (\d+)$", block, re.M)
            info[jobid] = {"rule": m[1], "threads": int(threads[1]) if threads else 1}
        elif m := re.match(r"Job (\d+) has been submitted with SLURM jobid (\d+)", block):
            jobs[m[2]] = info[m[1]]
    return jobs


def logged_jobs(slurm_logs: Path) -> dict[str, str]:
    """SLURM id -> rule, from the executor's per-job log files."""
    return {
        log.stem: log.relative_to(slurm_logs).parts[0].removeprefix("rule_")
        for log in slurm_logs.rglob("*.log")
    }


def completion_records() -> dict[str, dict[str, str]]:
    """SLURM id -> fields of the cluster's job-completion record (JobCompType=jobcomp/filetxt:
    JobState, Partition, ProcCnt, Tres, ...), which needs no accounting database."""
    config = subprocess.run(
        ["scontrol", "show", "config"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(re.search(r"^JobCompLoc\s*=\s*(\S+)", config, re.M)[1])
    records = {}
    for line in path.read_text().splitlines():
        fields = dict(re.findall(r"(\w+)=(\S*)", line))
        records[fields["JobId"]] = fields
    return records


def profile_partitions() -> dict[str, dict]:
    """profiles/slurm/partitions.yaml's partitions: name -> limits."""
    import yaml

    return yaml.safe_load((REPO / "profiles/slurm/partitions.yaml").read_text())["partitions"]
