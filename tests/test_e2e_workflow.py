"""The end-to-end run of config/test.yaml as a user sees it: the HTML report, and a
restart after an interruption redoes only what is missing."""

import os

import pytest

from tests.workflow import planned_jobs, snakemake

pytestmark = pytest.mark.slow


def _config(results):
    return (
        "--configfile", "config/test.yaml",
        "--config", f"results={results}", f"logs={results.parent / 'logs'}",
    )  # fmt: skip


def test_finished_run_has_nothing_left_to_do(e2e):
    assert planned_jobs(*_config(e2e)) == {}


def test_html_report_holds_every_figure_with_its_caption(e2e):
    report = e2e.parent / "report.html"
    snakemake("--nolock", *_config(e2e), "--report", str(report))
    html = report.read_text()
    for fig in ("fig2", "fig3", "fig4a", "fig4b", "figS1", "fig5", "figS5",
                "fig6", "fig7", "fig8", "fig9"):  # fmt: skip
        assert f"{fig}.png" in html, f"{fig} missing from the report"
    assert "Table 1" in html or "table1" in html


def test_restart_redoes_only_the_missing_step_and_its_dependents(e2e):
    target = e2e / "synthetic" / "dataset2" / "resolution.npz"
    saved, stat = target.read_bytes(), target.stat()
    target.unlink()
    try:
        jobs = planned_jobs(*_config(e2e))
    finally:
        target.write_bytes(saved)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert jobs, "deleting an intermediate output must plan its rule again"
    assert not any("train" in rule or "simulate" in rule for rule in jobs), jobs
    assert not any(rule.startswith(("tfpanel", "deepsea")) for rule in jobs), jobs
