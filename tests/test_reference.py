"""The paper's numbers, quoted: every value of the reference modules is the paper's own
words (checked against its text), and every number it shows is in that quote."""

import re

import pytest

from deepresolve.paper import method_reference as method
from deepresolve.paper.deepsea import reference as deepsea
from deepresolve.paper.reference import (
    NOT_COMPARABLE,
    PaperValue,
    findings_frame,
    normalise_text,
    values_of,
)
from deepresolve.paper.synthetic import reference as synthetic
from deepresolve.paper.tfpanel import reference as tfpanel
from tests.authors_mirror import shared_folder

MODULES = {"method": method, "synthetic": synthetic, "tfpanel": tfpanel, "deepsea": deepsea}
VALUES = [(m, k, v) for m, mod in MODULES.items() for k, v in values_of(vars(mod)).items()]
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


@pytest.fixture(scope="module")
def paper_text():
    folder = shared_folder("paper")
    if folder is None:
        pytest.skip("the paper's text (../shared/paper/) is not beside this checkout")
    texts = [p.read_text() for p in sorted(folder.glob("*.txt"))]
    return normalise_text(" ".join(texts))


@pytest.mark.parametrize("module, name, value", VALUES, ids=[f"{m}.{k}" for m, k, _ in VALUES])
def test_every_value_is_quoted_verbatim_from_the_paper(paper_text, module, name, value):
    assert normalise_text(value.quote) in paper_text, f"{module}.{name} misquotes the paper"
    # every number the tables and captions show is one the quote states
    quoted = {n.replace(",", "") for n in NUMBER.findall(value.quote)}
    shown = {n.replace(",", "") for n in NUMBER.findall(value.shown)}
    assert shown <= quoted, f"{module}.{name}: {shown - quoted} not in the quote"
    assert value.where


def test_synthetic_dataset_one_has_three_components():
    """The paper: 'The optimal number of Gaussian mixture components of the IL score is 3'."""
    assert synthetic.DATASET1_COMPONENTS.value == 3 and synthetic.DATASET1_COMPONENTS.shown == "3"


def test_findings_frame_verdicts():
    value = PaperValue(0.5, "0.5", "q", "Fig. 1")
    frame = findings_frame(
        [("a", "1", value, True), ("b", "2", "(not in the paper)", False),
         ("c", "3", value, NOT_COMPARABLE)],
        dataset="I",
    )  # fmt: skip
    assert list(frame.columns) == ["dataset", "finding", "measured", "paper", "where", "holds",
                                   "verdict"]  # fmt: skip
    assert frame["verdict"].tolist() == ["holds", "does not hold", "not comparable"]
    assert frame["holds"].tolist() == [True, False, False]
    assert frame["where"].tolist() == ["Fig. 1", "", "Fig. 1"]
