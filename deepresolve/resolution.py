"""The result of a DeepResolve run: arrays plus the parameters that produced them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from deepresolve.io import load_npz, save_npz

_ARRAYS = (
    "fims", "fivs", "scores", "weights", "il", "n_components", "bic",
    "nonadditive", "ofiv", "classes", "converged", "n_steps",
)  # fmt: skip


@dataclass
class Resolution:
    """DeepResolve output for ``C`` classes, ``T`` random starts, ``K`` channels of width ``W``.

    fims (C, T, K, W)   feature importance maps (the ascent's best iterate per start);
                        ``None`` when the run was asked not to keep them
    fivs (C, T, K)      feature importance vectors: spatial mean of each FIM
    scores (C, T)       class logit at each FIM
    weights (C, T)      trial weights derived from the scores
    il (C, K)           inconsistency level: weighted variance of FIVs over trials
    n_components (C,)   GMM components chosen by BIC on each class's IL values
    bic (C, M)          BIC of the 1..M component fits
    nonadditive (C, K)  channels outside the lowest-mean GMM component
    ofiv (C, K)         overall feature importance vector
    classes (C,)        indices of the head's outputs that were resolved
    converged (C, T)    whether each start stopped on the plateau criterion
    n_steps (C, T)      ascent steps taken by each start
    class_names (C,)    optional labels of the classes
    params              the settings of the run (JSON-serialisable)
    """

    fims: np.ndarray | None
    fivs: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    il: np.ndarray
    n_components: np.ndarray
    bic: np.ndarray
    nonadditive: np.ndarray
    ofiv: np.ndarray
    classes: np.ndarray
    converged: np.ndarray
    n_steps: np.ndarray
    class_names: np.ndarray | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def n_classes(self) -> int:
        return len(self.classes)

    @property
    def n_init(self) -> int:
        return self.fivs.shape[1]

    @property
    def n_channels(self) -> int:
        return self.fivs.shape[2]

    def labels(self) -> list[str]:
        """Class names if given, else the class indices as strings."""
        if self.class_names is not None:
            return [str(n) for n in self.class_names]
        return [str(c) for c in self.classes]

    def save(self, path: str | os.PathLike) -> None:
        """Write to one ``.npz`` file (atomically)."""
        arrays = {k: getattr(self, k) for k in _ARRAYS if getattr(self, k) is not None}
        if self.class_names is not None:
            arrays["class_names"] = np.asarray(self.class_names, dtype=str)
        arrays["params"] = np.array(json.dumps(self.params, sort_keys=True))
        save_npz(path, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Resolution:
        data = load_npz(path, [k for k in _ARRAYS if k != "fims"], "Resolution")
        kwargs = {f.name: data.get(f.name) for f in fields(cls) if f.name != "params"}
        kwargs["params"] = json.loads(str(data["params"])) if "params" in data else {}
        return cls(**kwargs)
