"""deepresolve.paper.workflow.setup: what every workflow script relies on."""

import logging
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from deepresolve.paper.seeds import seed
from deepresolve.paper.workflow import setup


def _job(tmp_path, threads=3, seed=5):
    return SimpleNamespace(
        log=[str(tmp_path / "job.log")], threads=threads, rule="demo",
        config={"seed": seed, "device": "cpu"},
    )  # fmt: skip


def test_setup_honours_threads_seeds_and_logs_to_the_job_log(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    before = torch.get_num_threads()
    try:
        device = setup(_job(tmp_path), "synthetic_fig2")
        assert device == torch.device("cpu")
        assert torch.get_num_threads() == 3
        first = (np.random.rand(), torch.rand(1).item())  # noqa: NPY002 - global RNG on purpose
        print("hello from the job")
        setup(_job(tmp_path), "synthetic_fig2")
        again = (np.random.rand(), torch.rand(1).item())  # noqa: NPY002
        assert first == again  # same config seed + offset -> same random stream
        setup(_job(tmp_path), "synthetic_fig3")
        assert (np.random.rand(), torch.rand(1).item()) != first  # noqa: NPY002
        logging.getLogger("deepresolve").info("a log line")
        sys.stdout.flush()
    finally:
        torch.set_num_threads(before)
        logging.basicConfig(stream=sys.__stderr__, force=True)
    text = (tmp_path / "job.log").read_text()
    assert "rule demo: 3 threads on cpu" in text and "a log line" in text


def test_setup_takes_the_seed_of_the_jobs_rule_from_the_registry(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", sys.stdout)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    before = torch.get_num_threads()
    job = _job(tmp_path)
    try:
        job.rule = "synthetic_fig2"
        setup(job)
        by_rule = torch.rand(1).item()
        torch.manual_seed(seed(5, "synthetic_fig2"))
        assert torch.rand(1).item() == by_rule
        job.rule = "not_a_registered_rule"
        with pytest.raises(KeyError, match="deepresolve/paper/seeds.py"):
            setup(job)
        with pytest.raises(ValueError, match="defined once"):
            setup(job, seed_offset=7)  # offsets live in the registry only
    finally:
        torch.set_num_threads(before)
        logging.basicConfig(stream=sys.__stderr__, force=True)
