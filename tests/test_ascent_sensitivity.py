"""Named ascent presets, the config's one ascent block, and the ascent-sensitivity table's
shared parts (rows, verdict changes across ascents)."""

import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import deepresolve
from deepresolve.paper.ascent_sensitivity import (
    COLUMNS,
    SEPARATOR,
    dependence_row,
    ofiv_agreement,
    outcome_row,
    outcome_table,
    sensitivity_table,
    verdict_changes,
)
from deepresolve.presets import (
    ASCENT_PRESETS,
    PRESET_KEYS,
    ascent_preset,
    ascent_settings,
    configured_block,
)
from deepresolve.resolution import Resolution

REPO = Path(__file__).resolve().parents[1]


def test_library_preset_is_resolves_own_defaults():
    defaults = inspect.signature(deepresolve.resolve).parameters
    assert ASCENT_PRESETS["library"] == {k: defaults[k].default for k in PRESET_KEYS}
    for preset in ASCENT_PRESETS.values():
        assert set(preset) == set(PRESET_KEYS)


def test_settings_block_overrides_its_preset_and_rejects_unknown_keys():
    assert ascent_preset("authors") == dict(optimizer="plain", init="uniform", l2=2.8, lr=0.005,
                                            steps=None, patience=None, n_halvings=None)  # fmt: skip
    got = ascent_settings({"preset": "authors", "l2": 0.3, "n_init": 4, "batch_size": None})
    assert got == {**ascent_preset("authors"), "l2": 0.3, "n_init": 4, "batch_size": None}
    with pytest.raises(KeyError, match="unknown ascent preset 'adam'"):
        ascent_settings({"preset": "adam"})
    with pytest.raises(ValueError, match=r"unknown keys \['lambda'\]"):
        ascent_settings({"preset": "authors", "lambda": 2.8})
    with pytest.raises(ValueError, match="'preset' is required"):
        ascent_settings({"l2": 2.8})


def test_every_analysis_of_the_default_config_runs_the_authors_preset():
    """One ascent block: no section sets a method key, only its batch size."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    assert ascent_settings(configured_block(config["ascent"])) == {
        **ascent_preset("authors"), "n_init": 10, "batch_size": None, "precision": "float32",
        "compact": True,
    }  # fmt: skip
    for name in ("config", "paper", "authors", "test"):
        cfg = yaml.safe_load((REPO / "config" / f"{name}.yaml").read_text())
        for section in ("synthetic", "tfpanel", "deepsea", "authors"):
            assert set(cfg.get(section, {}).get("ascent", {})) <= {"batch_size"}, (name, section)
    variants = {v["name"]: v for v in config["ascent"]["sensitivity"]}
    assert variants == {
        "library": {"name": "library", "preset": "library"},
        "authors_l2_0.3": {"name": "authors_l2_0.3", "preset": "authors", "l2": 0.3},
        "authors_l2_1": {"name": "authors_l2_1", "preset": "authors", "l2": 1.0},
    }


def _resolution(n_components, nonadditive, ofiv, params=None):
    c, k = np.asarray(ofiv).shape
    return Resolution(
        fims=None, fivs=np.zeros((c, 2, k)), scores=np.zeros((c, 2)), weights=np.ones((c, 2)),
        il=np.zeros((c, k)), n_components=np.asarray(n_components), bic=np.zeros((c, 3)),
        nonadditive=np.asarray(nonadditive, dtype=bool), ofiv=np.asarray(ofiv, dtype=float),
        classes=np.arange(c), converged=np.ones((c, 2), dtype=bool), n_steps=np.ones((c, 2)),
        params=params or dict(optimizer="plain", init="uniform", l2=2.8, lr=0.005, steps=10000,
                              n_init=2, row_steps=40),
    )  # fmt: skip


def test_outcome_row_counts_components_flags_and_findings():
    ref = _resolution(
        [1, 1, 2], [[0, 0, 0], [0, 0, 0], [1, 0, 1]], [[1, 2, 3], [3, 2, 1], [0, 1, 2]]
    )
    other = _resolution(
        [3, 1, 2], [[1, 1, 0], [0, 0, 0], [1, 0, 0]], [[1, 2, 3], [1, 2, 3], [0, 1, 2]]
    )
    findings = pd.DataFrame({"finding": ["a; x", "b", "c"], "holds": [True, False, False]})
    row = outcome_row("DeepSEA", "library", other, ref, findings, groups_recovered="2/6")
    assert list(row) == COLUMNS
    assert (row["gmm_1"], row["gmm_2"], row["gmm_3"], row["flagged_channels"]) == (1, 1, 1, 3)
    assert row["ofiv_spearman_vs_configured"] == pytest.approx(1.0)  # median of 1, -1, 1
    assert row["findings_held"] == "1/3" and row["findings_failed"] == f"b{SEPARATOR}c"
    assert row["settings"] == "plain, U(0,1), lambda 2.8, lr 0.005, <= 10000 steps, T = 2"
    assert row["groups_recovered"] == "2/6" and row["row_steps"] == 40
    with pytest.raises(ValueError, match="unknown columns"):
        outcome_row("DeepSEA", "x", other, ref, groups="2/6")
    assert np.isnan(ofiv_agreement(np.ones((2, 3)), np.ones((2, 3))))  # constant rows only


def _rows(analysis, failed_by_ascent):
    ref = _resolution([1], [[0, 0]], [[1, 2]])
    rows = []
    for name, failed in failed_by_ascent.items():
        holds = [f not in failed for f in ("f1", "f2", "f3")]
        findings = pd.DataFrame({"finding": ["f1", "f2", "f3"], "holds": holds})
        rows.append(outcome_row(analysis, name, ref, ref, findings))
    return outcome_table(rows)


def test_verdict_changes_name_each_flipped_finding():
    same = _rows("TF panel", {"authors (configured)": {"f2"}, "library": {"f2"}})
    measured, ok = verdict_changes(same, "TF panel")
    assert ok and "the same verdicts under every ascent" in measured
    finding, measured_row, _, holds = dependence_row(same, "TF panel", "replicates aside")
    assert holds and measured_row == measured and finding.endswith("; replicates aside)")
    differ = _rows("DeepSEA", {"authors (configured)": {"f2"}, "library": {"f1"}, "l2": {"f2"}})
    measured, ok = verdict_changes(differ, "DeepSEA")
    assert not ok
    assert "library (2/3 hold): fails 'f1', holds 'f2'" in measured and "l2 (" not in measured
    with pytest.raises(ValueError, match="no ascent outcomes for 'synthetic I'"):
        verdict_changes(differ, "synthetic I")


def test_sensitivity_table_orders_analyses_and_checks_columns():
    table = sensitivity_table([_rows("DeepSEA", {"a": set()}), _rows("synthetic I", {"a": set()})])
    assert table["analysis"].tolist() == ["synthetic I", "DeepSEA"]
    with pytest.raises(ValueError, match="unknown analyses"):
        sensitivity_table([_rows("tfpanel", {"a": set()})])
    with pytest.raises(ValueError, match="with columns"):
        sensitivity_table([pd.DataFrame({"analysis": ["DeepSEA"]})])
