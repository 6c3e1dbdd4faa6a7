"""DeepResolve: feature-map gradient ascent to visualise feature importance, feature
interactions and feature sharing in genomic deep neural networks
(Liu, Zeng & Gifford, BMC Bioinformatics 20:401, 2019).

>>> import deepresolve
>>> res = deepresolve.resolve(model, layer="pool", example_input=x[:1])  # doctest: +SKIP
>>> from deepresolve.layers import split_sequential                     # or a head by hand
>>> body, head = split_sequential(model, "pool")                        # doctest: +SKIP
>>> res = deepresolve.resolve(head, feature_shape=(32, 24), n_init=10)  # doctest: +SKIP
>>> res.ofiv, res.nonadditive, deepresolve.class_similarity(res.ofiv)  # doctest: +SKIP
"""

from deepresolve.ascent import resolve
from deepresolve.resolution import Resolution
from deepresolve.similarity import class_difference, class_similarity

__all__ = ["resolve", "Resolution", "class_similarity", "class_difference"]
__version__ = "0.1.0"
