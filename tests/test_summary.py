"""The run summary (README results section) and the findings page, on small tables."""

import json

import pandas as pd
import pytest

from deepresolve.paper.reference import NOT_COMPARABLE, PaperValue, findings_frame
from deepresolve.paper.summary import END, START, main, markdown, replace_block

PAPER = PaperValue(0.985, "0.985", "the resulting test AUC was 0.985", "Section X")


def _results(tmp_path, measured="0.981"):
    results = tmp_path / "results"
    (results / "tables").mkdir(parents=True)
    run = {"configfiles": ["config/config.yaml"], "seed": 3, "device": "auto",
           "analyses": ["synthetic"], "commit": "abc123", "config": {}}  # fmt: skip
    (results / "run.json").write_text(json.dumps(run))
    table = findings_frame(
        [("test AUC >= 0.98", measured, PAPER, True),
         ("panel AUC | real data", "0.9", PAPER, NOT_COMPARABLE)], dataset="I",
    )  # fmt: skip
    table.to_csv(results / "tables" / "synthetic_findings.tsv", sep="\t", index=False)
    # a findings table another engineer adds later, with only the old columns
    pd.DataFrame(
        {"finding": ["new claim"], "measured": ["7 of 9"], "paper": ["9 of 9"], "holds": [False]}
    ).to_csv(results / "tables" / "zeta_findings.tsv", sep="\t", index=False)
    row = {"file": "x/resolution.npz", "kind": "resolution", "device": "cpu",
           "device_name": "x86_64", "precision": "float32", "torch": "2.13.0",
           "trained_by": "", "tomtom_backend": "", "tomtom_distance": ""}  # fmt: skip
    prov = pd.DataFrame([row])
    prov.to_csv(results / "tables" / "run_provenance.tsv", sep="\t", index=False)
    return results


def test_summary_prints_the_runs_tables_with_stamp_and_verdicts(tmp_path, capsys):
    results = _results(tmp_path)
    assert main([str(results)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Run of `config/config.yaml` with seed 3") and "`abc123`" in text
    assert "| I: test AUC >= 0.98 | 0.981 | 0.985 (Section X) | holds |" in text
    assert r"panel AUC \| real data" in text and "not comparable" in text
    assert "| new claim | 7 of 9 | 9 of 9 | **does not hold** |" in text  # generic
    assert text.index("**synthetic**") < text.index("**zeta**")
    assert "cpu (x86_64), float32, torch 2.13.0" in text


def test_update_and_check_the_readme_block(tmp_path):
    results = _results(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n\n{START}\nstale 0.5\n{END}\n\nafter\n")
    assert main([str(results), "--check", str(readme)]) == 1
    assert main([str(results), "--update", str(readme)]) == 0
    text = readme.read_text()
    assert "stale" not in text and text.endswith(f"{END}\n\nafter\n") and "0.981" in text
    assert main([str(results), "--check", str(readme)]) == 0
    results2 = _results(tmp_path / "other", measured="0.990")
    assert main([str(results2), "--check", str(readme)]) == 1  # another run's numbers


def test_errors_name_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="run.json"):
        main([str(tmp_path)])
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers here", "x")


def test_markdown_escapes_pipes():
    table = findings_frame([("a | b", "1 | 2", "p", True)])
    md = markdown({"configfiles": [], "seed": 0, "device": "cpu", "analyses": ["a"],
                   "commit": "c"}, {"a": table.astype(str)})  # fmt: skip
    assert r"a \| b" in md and r"1 \| 2" in md
