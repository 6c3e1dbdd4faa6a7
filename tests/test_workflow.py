"""The workflow as users run it: lint, config validation, dry runs of both configs."""

import re

import pytest

from tests.workflow import dry_run, planned_jobs, snakemake


def test_lint_is_clean():
    out = snakemake("--lint")
    assert "Congratulations, your workflow is in a good condition" in out.stdout + out.stderr


@pytest.mark.parametrize(
    "override, message",
    [
        ("bogus_key=1", "'bogus_key' was unexpected"),
        ("device=gpu", "'gpu' is not one of"),
        # one ascent for every analysis: a section sets only its batch size
        ("deepsea={ascent: {l2: x}}", "'l2' was unexpected"),
        ("ascent={preset: adam}", "'adam' is not one of ['authors', 'library']"),
    ],
)
def test_bad_config_is_rejected_naming_the_key(override, message):
    out = snakemake("-n", "--nolock", "--config", override, check=False)
    assert out.returncode != 0
    assert message in out.stdout + out.stderr


FINAL_OUTPUTS = [
    *(
        f"figures/{f}.png"
        for f in (
            "fig2",
            "fig2_diagnosis",
            "fig3",
            "fig4a",
            "fig4b",
            "figS1",
            "fig5",
            "figS5",
            "fig6",
            "fig7",
            "fig8",
            "fig9",
        )
    ),  # fmt: skip
    *(
        f"tables/{t}.tsv"
        for t in (
            "synthetic_auc",
            "synthetic_filters",
            "synthetic_xor_robustness",
            "table1",
            "table1_rank_tests",
            "tfpanel_auc",
            "tfpanel_motif_map",
            "fig6_channel_motifs",
            "deepsea_similarity_recovery",
            "deepsea_auc",
        )
    ),  # fmt: skip
]


def test_default_dry_run_plans_every_figure_and_table():
    out = snakemake("-n", "--nolock", "--config", "results=/nonexistent/r", "logs=/nonexistent/l")
    text = out.stdout + out.stderr
    for path in FINAL_OUTPUTS:
        assert f"/nonexistent/r/{path}" in text, f"{path} not planned"
    jobs = planned_jobs("--config", "results=/nonexistent/r", "logs=/nonexistent/l")
    # the one download: janggu's wheel from PyPI (sha256-checked), into the results' folder
    fetches = {rule for rule in jobs if "download" in rule or "fetch" in rule}
    assert fetches == {"tfpanel_fetch_janggu"}, jobs
    assert "/nonexistent/r/downloads/janggu/janggu-0.10.2-py2.py3-none-any.whl" in text
    assert not any(rule.startswith("authors") for rule in jobs), jobs  # not selected


def test_paper_yaml_without_meme_stops_before_any_job_naming_the_fix(monkeypatch):
    """paper.yaml asks for MEME's tomtom (Pearson distance); without it the run must not
    fall back to memelite's Euclidean distance but stop at once, saying what to do."""
    from tests.workflow import REPO

    monkeypatch.setenv("DEEPRESOLVE_TOMTOM", str(REPO / "no" / "tomtom"))  # binary missing
    out = snakemake("-n", "--nolock", "--configfile", "config/paper.yaml", check=False)
    text = out.stdout + out.stderr
    assert out.returncode != 0 and "Job stats" not in text
    assert "MEME's tomtom is required by tfpanel.tomtom.backend" in text
    assert "make tomtom" in text and "deepsea.channel_motifs.backend" in text


def test_paper_dry_run_builds_the_papers_data_for_the_422_experiments():
    """config/paper.yaml: the paper's construction (ENCODE peaks + hg19 + FIMO -> windows)
    for every one of the 422 experiments, feeding the retrained panel and the authors'
    models' sequence-dependent outputs; Zeng et al.'s sets are not downloaded."""
    jobs, text = dry_run("--configfile", "config/paper.yaml", "--config", "results=/nonexistent/r")
    assert jobs["tfpanel_encode_peaks"] == 422 and jobs["tfpanel_encode_windows"] == 422
    for rule in ("tfpanel_encode_md5sums", "tfpanel_genome_md5sums", "tfpanel_genome_download",
                 "tfpanel_genome", "tfpanel_encode_table", "tfpanel_train"):  # fmt: skip
        assert jobs.get(rule) == 1, rule
    assert "tfpanel_download" not in jobs and "tfpanel_zeng_table" not in jobs
    assert jobs["deepsea_fetch_model"] == 1 and jobs["deepsea_fetch_data"] == 1
    assert jobs["deepsea_download"] == 2  # the model tarball and the training bundle
    assert "tfpanel_simulate" not in jobs and "deepsea_simulate" not in jobs
    # The authors' own models beside the retrained panel, on the same (shared) data.
    for rule in ("authors_download", "authors_resolve", "authors_baselines", "authors_fig5",
                 "authors_rank_tests", "authors_table1", "tfpanel_resolve"):  # fmt: skip
        assert jobs.get(rule) == 1, rule
    assert "/nonexistent/r/downloads/genome/hg19.bgzf.fa.gz" in text  # not in the source tree
    assert (
        "/nonexistent/r/tfpanel/data/encode_fimo/wgEncodeAwgTfbsBroadDnd41CtcfUniPk/train.data"
        in text
    )


def test_zeng_sets_stay_a_second_source(tmp_path):
    extra = tmp_path / "zeng.yaml"
    extra.write_text(
        "analyses: [tfpanel, authors]\n"
        "tfpanel: {sources: [zeng], max_experiments: 3}\nauthors: {sequences: zeng}\n"
    )
    jobs = planned_jobs("--configfile", "config/authors.yaml", str(extra))
    assert jobs["tfpanel_download"] == 422 + 3  # the authors' 422 train.data, 3 test.data
    assert jobs["tfpanel_zeng_table"] == 1 and jobs["authors_baselines"] == 1
    assert "tfpanel_encode_windows" not in jobs
    extra.write_text("tfpanel: {sources: [zeng, encode_fimo]}\n")
    both = snakemake("-n", "--nolock", "--configfile", str(extra), check=False)
    assert both.returncode != 0
    assert "encode_fimo and zeng name the same experiments" in both.stdout + both.stderr


def test_real_yaml_plans_the_real_sequence_checks_and_needs_real_sequences():
    jobs = planned_jobs("--configfile", "config/real.yaml", "--config",
                        "real_sequences=file:///nonexistent/real-chipseq")  # fmt: skip
    assert set(jobs) == {
        "all", "real_fetch", "real_models", "real_sets", "real_authors_auc", "real_retrain",
        "real_top_filters", "real_tables", "run_provenance", "report_captions", "report_findings",
    }  # fmt: skip
    out = snakemake("-n", "--nolock", "--configfile", "config/real.yaml", check=False)
    assert out.returncode != 0
    assert "the real analysis needs real_sequences" in out.stdout + out.stderr
    bad = snakemake("-n", "--nolock", "--configfile", "config/real.yaml", "--config",
                    "real_sequences=/no/scheme", check=False)  # fmt: skip
    assert bad.returncode != 0 and "does not match" in bad.stdout + bad.stderr


def test_slurm_profile_sends_gpu_rules_to_a_gpu_partition_and_device_cpu_to_cpus():
    """The plugin's partition choice from profiles/slurm/partitions.yaml: every rule that
    declares `gpu=GPUS` requests one GPU and fits only a GPU partition; with `device=cpu`
    (CPU-only clusters) no job requests a GPU and every job goes to a CPU partition."""
    import logging
    from types import SimpleNamespace

    import yaml
    from snakemake_executor_plugin_slurm.partitions import get_best_partition, read_partition_file

    from tests.workflow import REPO, planned_resources

    profile = yaml.safe_load((REPO / "profiles/slurm/config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert profile["slurm-status-command"] == "squeue"  # works without accounting
    rules = set(snakemake("--list-rules", "--nolock").stdout.split())
    assert set(profile["set-resources"]) <= rules
    assert set(profile["set-threads"]) <= rules
    assert not any("slurm_partition" in r for r in profile["set-resources"].values())
    partitions = read_partition_file(REPO / "profiles/slurm" / profile["slurm-partition-config"])
    gpu_partitions = {p.name for p in partitions if p.limits.max_gpu > 0}
    assert gpu_partitions and len(gpu_partitions) < len(partitions)
    gpu_rules = {
        m[1]
        for smk in (REPO / "rules").glob("*.smk")
        for m in re.finditer(r"^\s*rule (\w+):(.*?)(?=^\s*rule |\Z)", smk.read_text(), re.S | re.M)
        if "gpu=GPUS" in m[2]
    }  # fmt: skip
    assert {"synthetic_train", "tfpanel_resolve", "deepsea_channel_ascent"} <= gpu_rules
    log = logging.getLogger("test")
    planned_gpu_rules = set()
    # test.yaml plans the three analyses; paper.yaml adds the authors' models, sequence-
    # dependent rules included; real.yaml the real-sequence checks.
    runs = [("config/test.yaml",), ("config/paper.yaml",),
            ("config/real.yaml", "real_sequences=file:///nonexistent/real-chipseq")]  # fmt: skip
    for configfile, *extra in runs:
        for device in ("auto", "cpu"):
            jobs = planned_resources(
                "--workflow-profile", "profiles/slurm",
                "--configfile", configfile, "--config", f"device={device}", *extra,
            )  # fmt: skip
            expected = gpu_rules & set(jobs) if device == "auto" else set()
            planned_gpu_rules |= gpu_rules & set(jobs)
            assert {rule for rule, job in jobs.items() if job.get("gpu")} == expected, device
            for rule, job in jobs.items():
                if rule == "all":
                    continue
                fake = SimpleNamespace(name=rule, threads=job["threads"], resources=job)
                partition = get_best_partition(partitions, fake, log)
                assert (partition in gpu_partitions) == (rule in expected), (device, rule)
    assert planned_gpu_rules == gpu_rules


def test_authors_yaml_plans_the_authors_analysis_only():
    jobs = planned_jobs("--configfile", "config/authors.yaml")
    assert set(jobs) == {
        "all", "authors_download", "authors_panel", "authors_resolve", "authors_calibration",
        "authors_deepmotif", "authors_tomtom", "authors_table1", "authors_figS1", "authors_figS5",
        "run_provenance", "report_captions", "report_findings",
    }  # fmt: skip
