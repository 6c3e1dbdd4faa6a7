"""Baselines DeepResolve is compared with (paper Fig 3 and Table 1).

* Intermediate-layer attributions on a ``head`` (feature maps ``(N, K, W)`` -> logits
  ``(N, C)``): :func:`layer_saliency`, :func:`layer_gradient_x_input`,
  :func:`layer_deeplift`; :func:`channel_importance` turns them into a per-filter score.
* Input-level attributions on a ``model`` (one-hot ``(N, 4, L)`` -> logits):
  :func:`input_saliency`, :func:`input_gradient_x_input`, :func:`input_deeplift`.
* Enhanced DeepMotif: :func:`enhanced_deepmotif`, :func:`most_informative_window`,
  :func:`deepmotif_pwms`.
"""

from deepresolve.baselines.deeplift import (
    DEEPLIFT_RULES,
    adaptive_maxpool1d_rule,
    global_max_rule,
    input_deeplift,
    layer_deeplift,
    shuffle_references,
    summation_error,
)
from deepresolve.baselines.deepmotif import (
    DeepMotifResult,
    class_score_fn,
    deepmotif_pwms,
    enhanced_deepmotif,
    information_content,
    most_informative_window,
)
from deepresolve.baselines.importance import channel_importance
from deepresolve.baselines.saliency import (
    input_gradient_x_input,
    input_saliency,
    layer_gradient_x_input,
    layer_saliency,
)

__all__ = [
    "DEEPLIFT_RULES",
    "DeepMotifResult",
    "adaptive_maxpool1d_rule",
    "channel_importance",
    "class_score_fn",
    "deepmotif_pwms",
    "enhanced_deepmotif",
    "global_max_rule",
    "information_content",
    "input_deeplift",
    "input_gradient_x_input",
    "input_saliency",
    "layer_deeplift",
    "layer_gradient_x_input",
    "layer_saliency",
    "most_informative_window",
    "shuffle_references",
    "summation_error",
]
