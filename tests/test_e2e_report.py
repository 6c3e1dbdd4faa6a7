"""End-to-end: the run's record, provenance, rendered captions and findings page say what
the run's own tables say (config/test.yaml; locally and through SLURM)."""

import json

import pandas as pd
import pytest

from deepresolve.paper.summary import from_results
from tests.report_checks import NUMBER, check_captions, check_findings_page, run_numbers

pytestmark = pytest.mark.slow


def test_run_record_names_config_seed_and_commit(e2e):
    run = json.loads((e2e / "run.json").read_text())
    assert run["configfiles"] == ["config/config.yaml", "config/test.yaml"]
    assert run["seed"] == 0
    assert run["config"]["results"] == str(e2e) and run["commit"]


def test_provenance_records_device_precision_and_tomtom(e2e):
    prov = pd.read_csv(e2e / "tables/run_provenance.tsv", sep="\t", dtype=str,
                       keep_default_na=False)  # fmt: skip
    resolutions = prov[prov["kind"] == "resolution"]
    assert len(resolutions) == 4  # synthetic I, II, the panel, DeepSEA
    assert set(resolutions["device"]) == {"cpu"} and set(resolutions["precision"]) == {"float32"}
    assert (resolutions["device_name"] != "").all() and (resolutions["torch"] != "").all()
    models = prov[prov["kind"] == "model"]
    assert len(models) == 4 and set(models["device"]) == {"cpu"}
    tomtom = prov[prov["kind"] == "TOMTOM table"]
    assert set(tomtom["file"]) == {"tables/tfpanel_motif_map.tsv", "tables/table1.tsv",
                                   "tables/table1_rank_tests.tsv",
                                   "tables/fig6_channel_motifs.tsv"}  # fmt: skip
    assert set(tomtom["tomtom_backend"]) == {"memelite"} and set(tomtom["tomtom_distance"]) == {
        "ed"
    }


def test_captions_and_findings_page_agree_with_the_runs_tables(e2e):
    # the captions that state run numbers: DeepSEA AUC, class motifs, similarity recovery,
    # Figures 6-9 (at least)
    assert check_captions(e2e) >= 7
    check_findings_page(e2e)
    fig9 = (e2e / "report/captions/fig9.rst").read_text()
    assert "seed 0" not in fig9 and "This run" in fig9


def test_summary_prints_only_numbers_of_the_runs_tables(e2e):
    """`python -m deepresolve.paper.summary` on this run: every number it prints (after the
    stamp line: seed, commit) is in one of the run's tables."""
    text = from_results(e2e)
    stamp, body = text.split("\n", 1)
    assert "seed 0" in stamp and "`config/test.yaml`" in stamp
    allowed = run_numbers(e2e)
    printed = {float(n) for n in NUMBER.findall(body.replace(",", ""))}
    assert printed and not printed - allowed, sorted(printed - allowed)[:10]
    for name in ("synthetic", "tfpanel", "deepsea"):
        assert f"`tables/{name}_findings.tsv`" in body
