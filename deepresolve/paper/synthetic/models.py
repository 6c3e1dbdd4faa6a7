"""The CNNs of the paper's synthetic experiments (Figures 2-4), returning logits.

Both have one convolutional layer (32 filters of width 8, no padding, ReLU) and one
fully connected hidden layer (64 ReLU units). Dataset I's model max-pools the
convolution output locally (window and stride 4) and has 1 output; dataset II's model
(the paper mentions no pooling) feeds the convolution output straight to the FC layer
and has 4 sigmoid outputs. DeepResolve analyses the layer between convolution and FC
layer: :data:`RESOLVE_LAYER` (``"pool"``, or ``"conv_relu"`` without pooling).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from deepresolve.io import save_torch
from deepresolve.training import (
    History,
    TrainConfig,
    auc_per_class,
    fit,
    predict_logits,
    train_val_split,
)


def synthetic_cnn(
    length: int = 100,
    n_outputs: int = 1,
    n_filters: int = 32,
    filter_width: int = 8,
    pool: int | None = 4,
    hidden: int = 64,
) -> nn.Sequential:
    """Conv(``n_filters`` x ``filter_width``) -> ReLU -> [MaxPool(``pool``)] -> FC(``hidden``)
    -> ReLU -> FC(``n_outputs``) logits, for one-hot input ``(N, 4, length)``.

    Named modules: conv, conv_relu, [pool], flatten, fc, fc_relu, out. The analysed layer
    (:func:`resolve_layer`) has ``(n_filters, W)`` feature maps, ``W = length - filter_width
    + 1`` (floor-divided by ``pool`` when pooling).
    """
    for name, value in (("length", length), ("n_outputs", n_outputs), ("n_filters", n_filters),
                        ("filter_width", filter_width), ("hidden", hidden)):  # fmt: skip
        if int(value) < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if filter_width > length:
        raise ValueError(f"filter_width={filter_width} exceeds the sequence length {length}")
    width = length - filter_width + 1
    layers: list[tuple[str, nn.Module]] = [
        ("conv", nn.Conv1d(4, n_filters, filter_width)),
        ("conv_relu", nn.ReLU()),
    ]
    if pool is not None:
        if not 1 <= pool <= width:
            raise ValueError(f"pool must be in [1, {width}] or None, got {pool}")
        layers.append(("pool", nn.MaxPool1d(pool, stride=pool)))
        width //= pool
    layers += [
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(n_filters * width, hidden)),
        ("fc_relu", nn.ReLU()),
        ("out", nn.Linear(hidden, n_outputs)),
    ]
    return nn.Sequential(OrderedDict(layers))


def resolve_layer(model: nn.Sequential) -> str:
    """Name of the layer DeepResolve analyses: the pooled conv output if any, else the
    rectified conv output."""
    return "pool" if "pool" in dict(model.named_children()) else "conv_relu"


def save_model(
    path: str | os.PathLike,
    model: nn.Module,
    spec: dict[str, Any],
    provenance: dict[str, str] | None = None,
) -> None:
    """Save weights plus the :func:`synthetic_cnn` keyword arguments ``spec`` and where it
    was trained (``provenance``, :func:`deepresolve.runtime.provenance`), atomically."""
    blob = {"spec": dict(spec), "state_dict": model.state_dict()}
    save_torch(path, {**blob, "provenance": dict(provenance or {})})


def load_model(path: str | os.PathLike) -> nn.Sequential:
    """Rebuild and load a model written by :func:`save_model`; in eval mode on CPU."""
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        model = synthetic_cnn(**blob["spec"])
        model.load_state_dict(blob["state_dict"])
    except (OSError, KeyError, RuntimeError, TypeError) as err:
        raise ValueError(f"{path}: not a saved synthetic model ({err})") from err
    return model.eval()


@dataclass
class TrainedModel:
    """A trained synthetic CNN with its held-out evaluation.

    model          the network (eval mode)
    spec           :func:`synthetic_cnn` keyword arguments
    test_idx (n,)  indices of the held-out test sequences
    auc (C,)       test ROC AUC of each output
    history        training/validation loss per epoch
    """

    model: nn.Sequential
    spec: dict[str, Any]
    test_idx: np.ndarray
    auc: np.ndarray
    history: History


def train_synthetic_cnn(
    x: np.ndarray,
    y: np.ndarray,
    spec: dict[str, Any],
    train: TrainConfig,
    test_fraction: float = 0.2,
    val_fraction: float = 0.1,
    seed: int = 0,
    device: str | torch.device | None = None,
) -> TrainedModel:
    """Hold out ``test_fraction`` of ``x`` ``(N, 4, L)``/``y`` ``(N, C)`` as test set, train
    :func:`synthetic_cnn` (``spec``) with early stopping on ``val_fraction`` of the rest,
    and report the test AUC of each output. ``train.seed`` seeds weights and batches."""
    from deepresolve.paper.synthetic.data import split_indices

    if np.ndim(y) != 2 or len(y) != len(x):
        raise ValueError(f"labels must be (N, C) with N={len(x)}, got {np.shape(y)}")
    spec = {**spec, "length": int(np.shape(x)[2]), "n_outputs": int(np.shape(y)[1])}
    train_idx, test_idx = split_indices(len(x), test_fraction, seed)
    fit_idx, val_idx = train_val_split(
        len(train_idx), val_fraction, np.random.default_rng(seed + 1)
    )
    fit_idx, val_idx = train_idx[fit_idx], train_idx[val_idx]
    torch.manual_seed(train.seed)
    model = synthetic_cnn(**spec)
    xf = np.asarray(x, dtype=np.float32)
    yf = np.asarray(y, dtype=np.float32)
    history = fit(model, xf[fit_idx], yf[fit_idx], xf[val_idx], yf[val_idx], train, device=device)
    model = model.cpu().eval()
    auc = auc_per_class(yf[test_idx], predict_logits(model, xf[test_idx], device="cpu"))
    return TrainedModel(model, spec, test_idx, auc, history)
