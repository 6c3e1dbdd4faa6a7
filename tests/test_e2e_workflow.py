"""The end-to-end run of config/test.yaml as a user sees it: the HTML report, a deleted
output rebuilt alone, and a job killed while it writes its output: the rerun is clean and
complete."""

import io
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time

import numpy as np
import pandas as pd
import pytest

from tests.workflow import REPO, planned_jobs, snakemake

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
    # the captions are the ones rendered from this run's tables, and the findings page is in
    assert "findings.html" in html
    auc = (e2e / "report/captions/deepsea_auc.rst").read_text().strip().splitlines()[-1]
    assert auc.startswith("This run: mean ") and auc.replace("\\|", "|") in html


def test_deleted_output_is_rebuilt_alone(e2e):
    """A missing final output: the next run plans that job alone and brings it back."""
    target = e2e / "figures" / "fig4b.png"
    saved = target.read_bytes()
    target.unlink()
    assert planned_jobs(*_config(e2e)) == {"synthetic_fig4": 1, "all": 1}
    snakemake("--cores", "1", "--nolock", *_config(e2e))
    assert target.exists() and target.stat().st_size > 0.5 * len(saved)
    assert planned_jobs(*_config(e2e)) == {}


def _tarball(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_job_killed_while_writing_its_output_reruns_clean_and_complete(tmp_path):
    """A download job (deepsea_download, as for config/paper.yaml) is killed with SIGKILL,
    the whole Snakemake process group at once, while it has written part of its output:
    nothing is left at the output path, and a plain rerun of the same command completes it
    (all bytes, no leftovers of the killed job) with nothing left to do after."""
    payload = np.random.default_rng(0).integers(0, 256, 8 << 20, dtype=np.uint8).tobytes()
    archive = _tarball({"deepsea/deepsea.cpu": payload, "resources/predictor.names": b"a\nb\n"})
    source = tmp_path / "source.tar"
    os.mkfifo(source)  # the "server": sends half the archive, then stalls
    results, downloads = tmp_path / "results", tmp_path / "downloads"
    override = tmp_path / "override.yaml"
    override.write_text(
        f"results: {results}\nlogs: {tmp_path / 'logs'}\ndownloads: {downloads}\n"
        f"deepsea:\n  source: torch7\n  download:\n    model_url: file://{source}\n"
        "    model_hash: null\n    data_url: file:///nonexistent/bundle.tar.gz\n"
        "    data_hash: null\n"
    )
    output = downloads / "deepsea" / "source.tar"
    cmd = [sys.executable, "-m", "snakemake", str(output), "--cores", "1", "--nolock",
           "--configfile", "config/test.yaml", str(override)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def serve_half():
        try:
            with open(source, "wb") as fifo:  # blocks until the job opens the pipe
                fifo.write(archive[: len(archive) // 2])
                fifo.flush()
                stop.wait(600)
        except BrokenPipeError:
            pass  # the reader was killed

    stop = threading.Event()
    server = threading.Thread(target=serve_half, daemon=True)
    server.start()
    run = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        deadline, partial = time.time() + 300, []  # Snakemake starts in seconds to minutes
        while time.time() < deadline and not partial:
            partial = [p for p in output.parent.glob(f".{output.name}.*/**/*")
                       if p.is_file() and p.stat().st_size > 0]  # fmt: skip
            time.sleep(0.2)
        assert partial, "the job never started writing its output"
        os.killpg(run.pid, signal.SIGKILL)  # the job and Snakemake, mid-write
        run.wait(30)
    finally:
        stop.set()
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    assert not output.exists(), "the killed job left a half-written output"
    assert list(output.parent.glob(f".{output.name}.*"))  # its temporary folder stays
    source.unlink()
    source.write_bytes(archive)  # the server answers in full this time
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert output.read_bytes() == archive  # complete, and checked as a tarball by the rule
    assert not list(output.parent.glob(f".{output.name}.*")), "leftovers of the killed job"
    out = snakemake(str(output), "-n", "--nolock", "--configfile", "config/test.yaml",
                    str(override))  # fmt: skip
    assert "Nothing to be done" in out.stdout + out.stderr


def test_second_seed_report_agrees_with_its_own_tables(e2e, tmp_path):
    """A run with `--config seed=1` gives captions and a findings page that agree with its
    own tables, not with seed 0's (the full end-to-end run). To stay cheap the second seed
    runs the DeepSEA analysis alone (`analyses=[deepsea]`): its captions state the most run
    numbers (AUC, Figures 6-9, the recovery and motif tables), and it needs no other
    analysis' jobs."""
    from tests.report_checks import check_captions, check_findings_page

    results = tmp_path / "results"
    snakemake(
        "--cores", "2", "--nolock", "--configfile", "config/test.yaml", "--config",
        f"results={results}", f"logs={tmp_path / 'logs'}", "seed=1", "analyses=[deepsea]",
    )  # fmt: skip
    assert check_captions(results) >= 6
    check_findings_page(results)
    page = (results / "report/findings.html").read_text()
    assert "seed 1" in page and "synthetic_findings" not in page
    one = pd.read_csv(results / "tables/deepsea_findings.tsv", sep="\t", dtype=str)
    zero = pd.read_csv(e2e / "tables/deepsea_findings.tsv", sep="\t", dtype=str)
    assert list(one["finding"]) == list(zero["finding"])
    assert (one["measured"] != zero["measured"]).any()  # another seed, other numbers
    for name in ("fig7", "fig9", "deepsea_auc"):
        a = (results / f"report/captions/{name}.rst").read_text()
        b = (e2e / f"report/captions/{name}.rst").read_text()
        assert a != b, f"{name}'s caption is the same at seeds 0 and 1"
