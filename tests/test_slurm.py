"""config/test.yaml on a real SLURM cluster through profiles/slurm (``make test-slurm``):
every rule ran as a SLURM job on the CPU partition with the CPUs it asked for, status came
from squeue on a cluster without accounting, and a job cancelled mid-run was resubmitted.
The outputs' contents are checked by the same ``tests/test_e2e_*.py`` tests as the local
run (their ``e2e`` fixture is this run under ``--slurm``). Skipped without ``--slurm``."""

import re
import subprocess

import pytest

from tests.slurm import (
    CANCEL_RULE,
    completion_records,
    config_args,
    logged_jobs,
    profile_partitions,
)
from tests.workflow import REPO, planned_jobs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(slurm_run):
    assert slurm_run.returncode == 0, slurm_run.output[-8000:]
    return slurm_run


def test_cluster_has_no_accounting_and_status_came_from_squeue(run):
    sacct = subprocess.run(["sacct"], capture_output=True, text=True)
    assert "accounting storage is disabled" in sacct.stdout + sacct.stderr
    assert "Falling back to 'sacct'" not in run.output


def test_every_planned_job_ran_as_a_slurm_job(run):
    """One SLURM job per planned job (the cancelled one twice) but the workflow's declared
    local rules (`all` and the cheap report jobs, which run on the submitting host), each
    with its per-job log, a completion record, and the run leaves nothing to do."""
    declared = set()
    for smk in [REPO / "Snakefile", *sorted((REPO / "rules").glob("*.smk"))]:
        for block in re.findall(r"^localrules:\n((?:[ \t]+\w+,?\n)+)", smk.read_text(), re.M):
            declared |= set(re.findall(r"\w+", block))
    local = set(re.findall(r"^localrule (\w+):", run.output, re.M))
    assert local - {"all"} and local <= declared | {"all"}, (local, declared)
    planned = {rule: n for rule, n in run.planned.items() if rule not in local}
    assert sum(planned.values()) >= 25, planned
    per_rule = {}
    for rule in (job["rule"] for job in run.submitted.values()):
        per_rule[rule] = per_rule.get(rule, 0) + 1
    assert per_rule == {**planned, CANCEL_RULE: planned[CANCEL_RULE] + 1}
    assert logged_jobs(run.slurm_logs) == {i: job["rule"] for i, job in run.submitted.items()}
    records = completion_records()
    assert set(run.submitted) <= set(records)
    states = {i: records[i]["JobState"] for i in run.submitted}
    assert states == {i: "CANCELLED" if i == run.cancelled else "COMPLETED" for i in states}
    assert planned_jobs(*config_args(run.results, run.logs)) == {}


def test_cpu_only_jobs_go_to_the_cpu_partition_with_their_threads(run):
    """`device=cpu`: no job asks for a GPU (the cluster has none and would refuse it), every
    job lands on the partition that partitions.yaml declares without GPUs, and gets as many
    CPUs as its rule has threads (capped at 2 by --max-threads)."""
    cpu_partitions = {name for name, p in profile_partitions().items() if not p.get("max_gpu")}
    records = completion_records()
    threads = {}
    for i, job in run.submitted.items():
        record = records[i]
        assert record["Partition"] in cpu_partitions, (job, record)
        assert "gpu" not in record["Tres"], (job, record)
        assert int(record["ProcCnt"]) == job["threads"], (job, record)
        threads[job["rule"]] = job["threads"]
    assert threads["deepsea_train"] == 2 and threads["synthetic_train"] == 1


def test_job_cancelled_mid_run_is_resubmitted_and_completes(run):
    assert run.cancelled, f"no {CANCEL_RULE} job was caught running to cancel"
    ids = sorted((i for i, job in run.submitted.items() if job["rule"] == CANCEL_RULE), key=int)
    assert ids[0] == run.cancelled and len(ids) == 2
    assert f"SLURM-job '{run.cancelled}' failed, SLURM status is: 'CANCELLED'" in run.output
    assert "Trying to restart job" in run.output
    records = completion_records()
    assert records[ids[1]]["JobState"] == "COMPLETED"
    # the resubmitted job wrote the rule's outputs; their content is checked by test_e2e_deepsea
    assert (run.results / "deepsea" / "model.pt").stat().st_size > 0
