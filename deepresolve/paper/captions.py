"""Report captions that state this run's numbers: Jinja templates rendered from the run's
own tables.

Each caption template (``resources/report/<name>.rst``) says what the figure or table shows
and what the paper reports; the paper's values come from the analyses' ``reference``
modules (``{{ paper.tfpanel.AUC }}`` prints its shown form, ``.quote`` and ``.where`` the
words and the place), this run's from its tables through ``run``:

- ``{{ run.findings("deepsea", "Fig. 9") }}``: an RST bullet list of the rows of
  ``tables/deepsea_findings.tsv`` whose finding or ``where`` mentions any of the words, each
  with this run's measurement and the verdict;
- ``{{ run.describe("deepsea_auc", "auc", "class") }}``: mean, median and lowest value of a
  column of a table;
- ``run.table(name)``: the table itself (a DataFrame), for anything else;
  ``run.has(name)`` whether this run wrote it (``{% if run.has("deepsea_findings") %}``).

``config`` is the run's configuration. The workflow's ``report_captions`` rule renders every
caption of the report after the tables exist, so no number in a caption is typed by hand.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from deepresolve.io import atomic_path
from deepresolve.presets import describe_ascent

__all__ = ["RunTables", "rst_escape", "paper_values", "render_caption", "render_captions"]

_RST_SPECIAL = re.compile(r"([\\*`|_])")


def rst_escape(text: str) -> str:
    """``text`` with RST's inline-markup characters escaped (shown literally)."""
    return _RST_SPECIAL.sub(r"\\\1", str(text))


def paper_values() -> SimpleNamespace:
    """``paper.<analysis>.<NAME>``: the reference modules of the three analyses, and
    ``paper.method`` (what the paper says about the method's settings)."""
    from deepresolve.paper import method_reference as method
    from deepresolve.paper.deepsea import reference as deepsea
    from deepresolve.paper.synthetic import reference as synthetic
    from deepresolve.paper.tfpanel import reference as tfpanel

    return SimpleNamespace(synthetic=synthetic, tfpanel=tfpanel, deepsea=deepsea, method=method)


class RunTables:
    """This run's tables by name (``tables/<name>.tsv``), for caption templates."""

    def __init__(self, paths: Mapping[str, str | os.PathLike]):
        self.paths = {name: Path(p) for name, p in paths.items()}
        self._cache: dict[str, pd.DataFrame] = {}

    @classmethod
    def from_files(cls, files: list[str | os.PathLike]) -> RunTables:
        return cls({Path(f).name.removesuffix(".tsv"): f for f in files if str(f).endswith(".tsv")})

    def has(self, name: str) -> bool:
        """Did this run write ``tables/<name>.tsv`` (e.g. findings only some configs have)?"""
        return name in self.paths

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.paths:
            raise KeyError(f"the caption needs table {name!r}, which this run did not write")
        if name not in self._cache:
            self._cache[name] = pd.read_csv(
                self.paths[name], sep="\t", dtype=str, keep_default_na=False
            )
        return self._cache[name]

    def findings(self, analysis: str, *words: str) -> str:
        """RST bullet list of ``<analysis>_findings.tsv``'s rows mentioning any of
        ``words`` (all rows without words): finding, this run's measurement, verdict."""
        table = self.table(f"{analysis}_findings")
        keep = np.ones(len(table), dtype=bool)
        if words:
            text = (table["finding"] + " " + table.get("where", "")).str.lower()
            keep = np.any([text.str.contains(w.lower(), regex=False) for w in words], axis=0)
        rows = table[keep]
        if not len(rows):
            raise ValueError(f"{analysis}_findings has no row about {words}")
        lines = []
        for r in rows.to_dict("records"):
            label = f"{r['dataset']}: {r['finding']}" if r.get("dataset") else r["finding"]
            lines.append(
                f"- {rst_escape(label)}: {rst_escape(r['measured'])} (*{rst_escape(r['verdict'])}*)"
            )
        return "\n".join(lines)

    def describe(self, name: str, column: str, label: str | None = None) -> str:
        """``mean m, median q, lowest v (label)`` of a numeric column of a table."""
        table = self.table(name)
        values = pd.to_numeric(table[column], errors="coerce")
        low = int(values.idxmin())
        text = f"mean {values.mean():.3f}, median {values.median():.3f}, lowest {values[low]:.3f}"
        if label is not None:
            text += f" ({rst_escape(table.loc[low, label])})"
        return text


def render_caption(template: str, run: RunTables, config: Mapping[str, Any]) -> str:
    """One caption: ``template`` (Jinja, RST) with ``paper``, ``run``, ``config`` and
    ``ascent`` (the configured ascent in words, :func:`deepresolve.presets.describe_ascent`)."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    ascent = describe_ascent(config["ascent"]) if "ascent" in config else ""
    text = env.from_string(template).render(
        paper=paper_values(), run=run, config=config, ascent=ascent
    )
    if "{{" in text or "{%" in text or "{#" in text:
        raise ValueError("a rendered caption holds Jinja markup (Snakemake would render it again)")
    return text


def render_captions(
    templates: Mapping[str, str | os.PathLike],
    outputs: Mapping[str, str | os.PathLike],
    run: RunTables,
    config: Mapping[str, Any],
) -> None:
    """Render each ``templates[name]`` to ``outputs[name]`` (atomically); the error names
    the template that failed."""
    for name, path in templates.items():
        try:
            text = render_caption(Path(path).read_text(), run, config)
        except Exception as err:
            raise ValueError(f"caption template {path}: {err}") from err
        with atomic_path(outputs[name]) as tmp:
            Path(tmp).write_text(text)
