"""What the paper reports on synthetic datasets I and II: the one place these numbers are
typed (findings, captions and the run summary read them from here)."""

from deepresolve.paper.reference import PaperValue

_I = "Synthetic datasets: Recovering important features and combinatorial interactions"
_II = "Synthetic datasets: Recovering class relationships"

DATASET1_AUC = PaperValue(
    0.985,
    "0.985",
    "20% of the data were held out as a test set and the resulting test AUC was 0.985",
    _I,
)
DATASET1_COMPONENTS = PaperValue(
    3,
    "3",
    "The optimal number of Gaussian mixture components of the IL score is 3",
    f"{_I}; Additional file 1: Figure S1",
)
DATASET1_XOR = PaperValue(
    None,
    "non-additive, opposite signs",
    "the FIVs correctly unveil the non-additive XOR interaction between GCTCAT and CGCTTG "
    "as the corresponding filters tend to have opposite signs all the time",
    f"{_I}; Fig. 2",
)
DATASET1_NONADDITIVE = PaperValue(
    None,
    "non-additive",
    "the top filters predicted to be non-additive capture CGCTTG and GCTCAT",
    f"{_I}; Fig. 2",
)
DATASET1_AND = PaperValue(
    None,
    "additive",
    "The top filters predicted to be additive characterize CAGGTC",
    f"{_I}; Fig. 2",
)
DATASET1_INPUT_ATTRIBUTIONS = PaperValue(
    None,
    "same sign for all three patterns on a negative example",
    "when a negative example is used as input, all three methods assign scores with the "
    "same signs to all three patterns, making the XOR logic indistinguishable from AND logic",
    f"{_I}; Fig. 3",
)
DATASET2_AUC = PaperValue(
    (0.968, 0.967, 0.979, 0.994),
    "0.968, 0.967, 0.979, 0.994",
    "The test AUC is 0.968, 0.967, 0.979, 0.994 for class 1 to 4",
    _II,
)
DATASET2_COMPONENTS = PaperValue(
    (1, 1, 1, 1),
    "one for every class",
    "the optimal number of Gaussian mixture components of the IL score for all of the "
    "classes is one",
    f"{_II}; Additional file 1: Figure S1",
)
DATASET2_SIMILARITY = PaperValue(
    None,
    "classes 1+2, 1+3, 2+3 most similar under DeepResolve only",
    "The non-negative OFIV correlation matrix successfully assigned higher similarity score "
    "to class 1+2, class 1+3 and class 2+3, while the other methods failed to do so",
    f"{_II}; Fig. 4b",
)
