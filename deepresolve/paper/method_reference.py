"""What the paper reports about the method itself (its Discussion of the gradient ascent's
settings): the one place these numbers are typed, like each analysis' ``reference``."""

from deepresolve.paper.reference import PaperValue

_DISCUSSION = "Discussion"

LAMBDA_RANGE = PaperValue(
    (0.3, 2.8),
    "lambda 0.3 to 2.8: channel ranking barely changes",
    "We experimented with different L2 coefficients λ ranging from 0.3 to 2.8 and observed "
    "that λ does not substantially affect the ranking of channels in general",
    _DISCUSSION,
)
