"""Caption templates: the paper's values from the reference modules, the run's from its
tables, nothing typed; a template that asks for something missing fails naming it."""

import re
from pathlib import Path

import pytest
import yaml

from deepresolve.paper.captions import RunTables, render_caption, render_captions, rst_escape
from deepresolve.paper.reference import findings_frame
from deepresolve.paper.tfpanel import reference as tfref

REPORT = Path(__file__).resolve().parents[1] / "resources" / "report"


def _run(tmp_path, measured="12 of 24 channels"):
    rows = [("Fig 6: channels match", measured, "218", False),
            ("Fig 9: groups_recovered", "1/6 (c-Fos/JunD)", "6/6", True)]  # fmt: skip
    table = findings_frame(rows)
    path = tmp_path / "deepsea_findings.tsv"
    table.to_csv(path, sep="\t", index=False)
    auc = tmp_path / "deepsea_auc.tsv"
    auc.write_text("class\tauc\nA|x\t0.91\nB|y\t0.97\n")
    return RunTables.from_files([path, auc])


def test_caption_renders_paper_values_and_the_runs_rows(tmp_path):
    run = _run(tmp_path)
    text = render_caption(
        'Paper: {{ paper.tfpanel.AUC }}. This run:\n\n{{ run.findings("deepsea", "Fig 9") }}\n'
        '{{ run.describe("deepsea_auc", "auc", "class") }}; {{ config["seed"] }}',
        run, {"seed": 4},
    )  # fmt: skip
    assert f"Paper: {tfref.AUC.shown}." in text
    assert r"- Fig 9: groups\_recovered: 1/6 (c-Fos/JunD) (*holds*)" in text
    assert "Fig 6" not in text  # only the rows asked for
    assert "mean 0.940, median 0.940, lowest 0.910 (A\\|x); 4" in text
    other = render_caption('{{ run.findings("deepsea", "Fig 6") }}', _run(tmp_path, "3 of 24"),
                           {})  # fmt: skip
    assert "3 of 24" in other and "12 of 24" not in other


def test_missing_values_fail_naming_the_template(tmp_path):
    run = _run(tmp_path)
    template = tmp_path / "broken.rst"
    template.write_text("{{ paper.tfpanel.NO_SUCH_VALUE }}")
    with pytest.raises(ValueError, match="broken.rst"):
        render_captions({"broken": template}, {"broken": tmp_path / "out.rst"}, run, {})
    assert not (tmp_path / "out.rst").exists()
    with pytest.raises(KeyError, match="did not write"):
        render_caption('{{ run.findings("synthetic") }}', run, {})
    with pytest.raises(ValueError, match="no row"):
        render_caption('{{ run.findings("deepsea", "Fig 42") }}', run, {})


def test_templates_type_no_run_numbers():
    """No caption template carries a run's numbers ("seed 0" paragraphs of one earlier
    run): every "This run" statement is filled from the tables."""
    for template in sorted(REPORT.glob("*.rst")):
        text = template.read_text()
        assert "seed 0" not in text and "Default configuration, seed" not in text, template.name


def test_rst_escape():
    assert rst_escape("a_b *c* `d` |e|") == r"a\_b \*c\* \`d\` \|e\|"


def test_the_configured_ascent_in_words(tmp_path):
    """Captions name the ascent from the config block, not from typed numbers."""
    run = RunTables({})
    authors = {"ascent": {"preset": "authors", "n_init": 10, "sensitivity": [{"name": "x"}]}}
    assert render_caption("{{ ascent }}", run, authors) == (
        "preset authors: plain gradient ascent from U(0, 1) starts, lambda 2.8, "
        "step size 0.005, 10 starts"
    )
    tuned = {"ascent": {"preset": "library", "l2": 0.3}}
    assert render_caption("{{ ascent }}", run, tuned) == (
        "preset library: Adam from N(0, 1) starts, lambda 0.3, step size 0.1"
    )
    quote = render_caption("{{ paper.method.LAMBDA_RANGE.where }}", run, authors)
    assert quote == "Discussion"


def test_templates_read_only_keys_the_config_has():
    """Every ``config["a"]["b"]`` a template reads exists in the default configuration (a
    key that moved, like the one top-level ``ascent`` block, fails here, not in a run)."""
    config = yaml.safe_load((REPORT.parents[1] / "config" / "config.yaml").read_text())
    chain = re.compile(r'config((?:\["[A-Za-z0-9_]+"\])+)')
    checked = 0
    for template in sorted(REPORT.glob("*.rst")):
        for match in chain.finditer(template.read_text()):
            node = config
            for key in re.findall(r'"([A-Za-z0-9_]+)"', match.group(1)):
                assert isinstance(node, dict) and key in node, f"{template.name}: {match.group(0)}"
                node = node[key]
            checked += 1
    assert checked > 5
