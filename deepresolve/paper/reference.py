"""The paper's numbers, quoted: what each analysis' ``reference`` module holds, and the
findings table every analysis writes from them.

A :class:`PaperValue` is one thing the paper reports: its value, the form a table or a
caption shows, the paper's own words (verbatim, checked against the paper's text by
``tests/test_reference.py``) and where the paper says it. Each analysis keeps its values
in one module (``deepresolve.paper.<analysis>.reference``); findings, captions and the run
summary read them from there and nowhere else.

A findings table has one row per claim: ``finding`` (the claim and the criterion checked),
``measured`` (this run), ``paper`` and ``where`` (the paper's value and where it says it),
``holds`` and ``verdict``: ``"holds"``, ``"does not hold"`` or ``"not comparable"`` (this
run's data cannot test the claim, e.g. simulated experiments against the paper's real
ones; ``holds`` is then False).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = [
    "PaperValue",
    "NOT_COMPARABLE",
    "VERDICTS",
    "FINDING_COLUMNS",
    "findings_frame",
    "normalise_text",
]

NOT_COMPARABLE = "not comparable"
VERDICTS = ("holds", "does not hold", NOT_COMPARABLE)
FINDING_COLUMNS = ["finding", "measured", "paper", "where", "holds", "verdict"]


@dataclass(frozen=True)
class PaperValue:
    """One value the paper reports.

    value   the number(s) for checks (a float, an int, a tuple; ``None`` for a claim)
    shown   how tables and captions print it
    quote   the paper's words, verbatim (whitespace aside)
    where   section, figure or table of the paper that says it
    """

    value: Any
    shown: str
    quote: str
    where: str

    def __str__(self) -> str:
        return self.shown


def normalise_text(text: str) -> str:
    """Whitespace collapsed to single spaces, for comparing quotes with the paper."""
    return re.sub(r"\s+", " ", text).strip()


def findings_frame(rows: Iterable[tuple], **leading: str) -> pd.DataFrame:
    """A findings table from ``(finding, measured, paper, holds)`` rows.

    ``paper`` is a :class:`PaperValue` (its ``shown`` and ``where`` fill the ``paper`` and
    ``where`` columns) or plain text for checks the paper does not make (``where`` empty);
    ``holds`` is a bool, or :data:`NOT_COMPARABLE` when this run cannot test the claim.
    ``leading``: constant columns put first (e.g. ``dataset="I"``)."""
    records = []
    for finding, measured, paper, holds in rows:
        comparable = not (isinstance(holds, str) and holds == NOT_COMPARABLE)
        verdict = ("holds" if bool(holds) else "does not hold") if comparable else NOT_COMPARABLE
        records.append(
            {
                "finding": str(finding),
                "measured": str(measured),
                "paper": str(paper),
                "where": paper.where if isinstance(paper, PaperValue) else "",
                "holds": verdict == "holds",
                "verdict": verdict,
            }
        )
    frame = pd.DataFrame(records, columns=FINDING_COLUMNS)
    frame["holds"] = frame["holds"].astype(bool)
    for i, (name, value) in enumerate(leading.items()):
        frame.insert(i, name, value)
    return frame


def values_of(module_dict: Mapping[str, Any]) -> dict[str, PaperValue]:
    """The :class:`PaperValue` constants of a reference module (``vars(module)``)."""
    return {k: v for k, v in module_dict.items() if isinstance(v, PaperValue)}
