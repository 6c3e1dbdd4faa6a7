"""What the paper reports on its 422 TF ChIP-seq models (Table 1, Figures 5, S1, S5): the
one place these numbers are typed (findings, captions and the run summary read them)."""

from deepresolve.paper.reference import PaperValue

_TF = "Experimental datasets: Identifying key motifs in models of TF binding"
_ART = "Potential artifacts in minor cases"

N_EXPERIMENTS = PaperValue(
    422,
    "422",
    "We applied DeepResolve to convolutional neural networks trained on 422 Transcription "
    "Factor ChIP-Seq experiments",
    _TF,
)
AUC = PaperValue(
    (0.937, 0.035),
    "0.937 +- 0.035",
    "The mean of the AUC for these 422 experiments is 0.937 and the standard deviation is 0.035",
    _TF,
)
ONE_COMPONENT = PaperValue(
    (420, 422),
    "420/422",
    "420 of the 422 experiments contain only additively contributing features",
    f"{_TF}; Additional file 1: Figure S1",
)
TOP5_P05 = PaperValue(
    (422, 422),
    "422/422",
    "our method successfully proposes known matching motifs as top 5 features in all of the "
    "422 experiments with TOMTOM p-value less than 0.5",
    f"{_TF}; Table 1",
)
TOP5_P005 = PaperValue(
    (421, 422),
    "421/422",
    "in 421 out of 422 experiments with p-value less than 0.05",
    f"{_TF}; Table 1",
)
DEEPMOTIF_FOLD = PaperValue(
    3,
    "outperforms it about 3-fold",
    "which outperforms enhanced DeepMotif by 3-fold",
    f"{_TF}; Table 1",
)
# "outperforms": strictly more hits, at each of the named k, at TOMTOM p < 0.5
OUTPERFORMS_SALIENCY = PaperValue(
    (1, 3, 5),
    "outperforms at top-1, top-3 and top-5",
    "Our method also outperforms saliency map and its variation in top-1, top-3, top-5 accuracy",
    f"{_TF}; Table 1",
)
OUTPERFORMS_DEEPLIFT = PaperValue(
    (3, 5),
    "outperforms at top-3 and top-5, p < 0.5",
    "outperforms deepLIFT in top-3, top-5 accuracy with TOMTOM p-value less than 0.5",
    f"{_TF}; Table 1",
)
THRESHOLD = PaperValue(
    0.5,
    "p < 0.5",
    "with TOMTOM p-value less than 0.5",
    f"{_TF}; Table 1",
)
RANK_TESTS = PaperValue(
    1e-6,
    "better than saliency and its variation (p < 0.000001, both tests); comparable to DeepLIFT",
    "Our method is significantly better (p<0.000001) then the saliency map method and its "
    "variation on both tests and is comparable to DeepLIFT",
    f"{_TF}; Table 1",
)
FIG5 = PaperValue(
    None,
    "top group: most active on positives, least on negatives, most significant matches",
    "the top ranking group (right most) has highest activation in positive examples and "
    "lowest activation in negative examples, and has the most significant motif matching "
    "p-values",
    f"{_TF}; Fig. 5",
)
FIG5_GROUP_SIZE = PaperValue(
    1688,
    "1,688",
    "group them into four groups by the ranks of ONIV score, each containing 1688 filters",
    "Fig. 5 legend",
)
FIGS5_INFORMATION = PaperValue(
    None,
    "positive > negative",
    "networks tend to learn more information from positively weighted evidence than "
    "negatively weighted evidence",
    "Discussion of the ONIV's positive bias; Additional file 1: Figure S5",
)
ARTIFACTS = PaperValue(
    (67, 1688),
    "67/1688 (< 4%)",
    "Among 1688 filters in the top 25% group, only 67 (less than 4%) of them belong to this type",
    f"{_ART}; Additional file 1: Figure S5C",
)
ARTIFACTS_BASELINES = PaperValue(
    (12, 35),
    "DeepLIFT 12, saliency 35",
    "12 in DeepLIFT and 35 in saliency map",
    f"{_ART}; Additional file 1: Figure S5C",
)
