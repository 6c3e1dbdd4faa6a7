"""What the paper reports on DeepSEA (Figures 6-9, S1): the one place these numbers are
typed (findings, captions and the run summary read them from here)."""

from deepresolve.paper.reference import PaperValue

_DS = (
    "Experimental datasets: Identifying sequence feature sharing and class correlations in DeepSEA"
)

N_CLASSES = PaperValue(
    919,
    "919",
    "trained on whole genome data to predict 919 different features",
    _DS,
)
N_CHANNELS = PaperValue(
    480,
    "480",
    "Visualization of sequence features captured by the 480 channels in 2nd convolutional layer",
    "Fig. 6 legend",
)
CHANNEL_MOTIFS = PaperValue(
    (218, 200, 0.005),
    "218 channels match 200 JASPAR motifs at q < 0.005",
    "We discovered 218 channels that capture sequence features that match with 200 known "
    "JASPAR motifs with Q-value smaller than 0.005",
    f"{_DS}; Fig. 6",
)
ONE_COMPONENT = PaperValue(
    (917, 919),
    "all but 2 classes",
    "where only 2 of the experiments have potentially non-additive channels. This indicates "
    "that the majority of the classes in DeepSEA employ additive logic",
    f"{_DS}; Additional file 1: Figure S1",
)
FIG7 = PaperValue(
    None,
    "similarity where labels and last-layer weights are not correlated",
    "revealed strong correlation between pairs of TFs/histone marks/DNase hypersensitivity "
    "that do not necessarily co-appear within 200 bp or having strong last layer weight "
    "correlation, but are functionally relevant",
    f"{_DS}; Fig. 7",
)
FIG8_CUTS = PaperValue(
    (0.85, 0.15),
    "strong positive > 0.52 (85% quantile), strong negative < 0 (15% quantile)",
    "larger than 0.52, 85% quantile of all correlations) and negative similarity (smaller "
    "than 0, 15% quantile of all correlations",
    f"{_DS}; Fig. 8",
)
FIG8 = PaperValue(
    None,
    "activating marks left, repressive marks right",
    "most of them are well-known transcriptional repressors and repressive marks",
    f"{_DS}; Fig. 8",
)
FIG9_GROUPS = PaperValue(
    6,
    "every group linked",
    "We found many of the clusters consist of TFs that are known to be interacting",
    f"{_DS}; Fig. 9",
)
FIG9_LABELS_MISS = PaperValue(
    ("c-Fos/JunD", "KAP1/ZNF263"),
    "c-Fos/JunD, KAP1/ZNF263 missed",
    "it can sometimes miss some pairs (e.g. c-Fos and JunD, KAP1 and ZNF263) while "
    "DeepResolve captures these pairs even when data from different cell types are used",
    f"{_DS}; Fig. 9",
)
