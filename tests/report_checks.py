"""Checks that a run's report says what its tables say: the rendered captions and the
findings page against the run's own tables (used at seed 0 by the end-to-end tests and at
a second seed by tests/test_e2e_workflow.py)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

from deepresolve.paper.captions import paper_values
from deepresolve.paper.reference import values_of

REPO = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
# a findings row in a caption: "- finding: measured (*verdict*)"
BULLET = re.compile(r"^- .*: .* \(\*[^*]+\*\)$")


def numbers(text: str) -> set[float]:
    """Every number written in ``text``, as floats (``1,688`` -> 1688)."""
    return {float(n) for n in NUMBER.findall(text.replace(",", ""))}


def _unescape_rst(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def run_tables(results: Path) -> dict[str, pd.DataFrame]:
    return {
        p.name.removesuffix(".tsv"): pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False)
        for p in sorted((results / "tables").glob("*.tsv"))
    }


def run_numbers(results: Path) -> set[float]:
    """Every number the run's tables (and its config) hold, and each numeric column's mean
    and median, as written or rounded as the captions print them."""
    found = set()
    for table in run_tables(results).values():
        for value in table.to_numpy().ravel():
            found |= numbers(str(value))
        for column in table.columns:  # RunTables.describe: a column's mean and median
            values = pd.to_numeric(table[column], errors="coerce").dropna()
            if len(values):
                found |= {float(values.mean()), float(values.median())}
    found |= numbers(json.dumps(json.loads((results / "run.json").read_text())["config"]))
    rounded = set()
    for x in found:
        rounded |= {round(x, d) for d in range(4)}
    return found | rounded


def paper_numbers() -> set[float]:
    found = set()
    for module in vars(paper_values()).values():
        for value in values_of(vars(module)).values():
            found |= numbers(value.shown) | numbers(value.quote) | numbers(value.where)
    return found


def check_captions(results: Path) -> int:
    """Every rendered caption: its findings bullets are rows of the run's findings tables
    (same measurement, same verdict), and every number it states is in its template's own
    text, in the run's tables or config, or among the paper's quoted values. Returns the
    number of captions that state run numbers (findings bullets or table summaries)."""
    captions = sorted((results / "report" / "captions").glob("*.rst"))
    assert captions, f"no rendered captions under {results}/report/captions"
    tables = run_tables(results)
    rows = {
        f"- {r['dataset'] + ': ' if r.get('dataset') else ''}{r['finding']}: {r['measured']} "
        f"(*{r['verdict']}*)"
        for name, table in tables.items()
        if name.endswith("_findings")
        for r in table.to_dict("records")
    }
    allowed = run_numbers(results) | paper_numbers()
    with_run_numbers = 0
    for caption in captions:
        text = caption.read_text()
        assert "{{" not in text and "{%" not in text, caption
        template = (REPO / "resources" / "report" / caption.name).read_text()
        bullets = [_unescape_rst(line) for line in text.splitlines() if BULLET.match(line)]
        for line in bullets:
            assert line in rows, f"{caption.name}: {line!r} is in no findings table of the run"
        stray = {n for n in numbers(text) - numbers(template) if n not in allowed}
        assert not stray, f"{caption.name} states numbers no table of the run holds: {stray}"
        with_run_numbers += bool(bullets) or "This run:" in text
    return with_run_numbers


def check_findings_page(results: Path) -> None:
    """The findings page shows every row of every findings table: measurement, verdict."""
    page = html.unescape((results / "report" / "findings.html").read_text())
    run = json.loads((results / "run.json").read_text())
    assert f"seed {run['seed']}" in page and run["commit"] in page
    for name, table in run_tables(results).items():
        if not name.endswith("_findings"):
            continue
        assert f"{name}.tsv" in page
        for row in table.to_dict("records"):
            assert row["measured"] in page, f"{name}: {row['measured']!r} not on the page"
            assert row["verdict"] in page
    provenance = run_tables(results)["run_provenance"]
    for row in provenance.to_dict("records"):
        assert row["file"] in page
