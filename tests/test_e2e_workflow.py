"""The end-to-end run of config/test.yaml as a user sees it: the HTML report, and a
restart after an interruption redoes only what is missing."""

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
    for fig in ("fig2", "fig2_diagnosis", "fig3", "fig4a", "fig4b", "figS1", "fig5", "figS5",
                "fig6", "fig7", "fig8", "fig9"):  # fmt: skip
        assert f"{fig}.png" in html, f"{fig} missing from the report"
    assert "Table 1" in html or "table1" in html


def test_restart_redoes_only_what_is_missing(e2e):
    """An interrupted run leaves no output of the killed job (writes are atomic); the next
    run plans that job alone and brings the output back."""
    target = e2e / "figures" / "fig4b.png"
    saved = target.read_bytes()
    target.unlink()
    assert planned_jobs(*_config(e2e)) == {"synthetic_fig4": 1, "all": 1}
    snakemake("--cores", "1", "--nolock", *_config(e2e))
    assert target.exists() and target.stat().st_size > 0.5 * len(saved)
    assert planned_jobs(*_config(e2e)) == {}
