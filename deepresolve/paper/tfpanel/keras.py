"""The authors' Keras 1.2 TF-binding CNNs (Theano backend) as this project's models.

Each of the 422 published models is a weights file (``16_G_bestmodel_weights.h5``:
``model_weights/<layer>/<layer>_W``, ``_b``, and a ``model_config`` attribute) and its
architecture (``16_G_best_archit.json``, the same JSON). The architecture is
:func:`deepresolve.paper.tfpanel.models.tf_cnn`'s: Convolution2D(16 x (1 x 25),
``border_mode='same'``, ReLU, ``dim_ordering='th'``) on a ``(4, 1, 101)`` one-hot input
(rows A, C, G, T) -> MaxPooling2D over all positions -> Flatten -> Dense(32, ReLU) ->
Dropout -> Dense(1, linear) -> sigmoid.

Two conversions make them PyTorch layers: Theano's convolution flips the kernel (true
convolution), where ``Conv1d`` cross-correlates, so the kernel is reversed along its
width; and Keras' Dense kernels are ``(in, out)``, where ``Linear`` takes ``(out, in)``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from deepresolve.paper.tfpanel.models import tf_cnn, tf_panel

__all__ = ["KerasTFModel", "read_keras_model", "to_tf_cnn", "to_panel"]

_LAYERS = ["Convolution2D", "MaxPooling2D", "Flatten", "Dense", "Dropout", "Dense", "Activation"]


@dataclass
class KerasTFModel:
    """Weights of one model in PyTorch layout: ``conv_w (K, 4, width)`` (already flipped,
    so that ``Conv1d`` reproduces Theano), ``conv_b (K,)``, ``fc_w (hidden, K)``,
    ``fc_b (hidden,)``, ``out_w (1, hidden)``, ``out_b (1,)``; ``dropout`` rate and input
    ``length`` (bp) from the architecture."""

    conv_w: np.ndarray
    conv_b: np.ndarray
    fc_w: np.ndarray
    fc_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    dropout: float
    length: int

    @property
    def sizes(self) -> tuple[int, int, int]:
        """``(n_filters, width, hidden)``."""
        return self.conv_w.shape[0], self.conv_w.shape[2], self.fc_w.shape[0]


def read_keras_model(
    weights: str | os.PathLike, architecture: str | os.PathLike | None = None, flip: bool = True
) -> KerasTFModel:
    """Read one of the authors' Keras 1.2 models.

    ``weights``: the HDF5 weights file; ``architecture``: its JSON (default: the
    weights file's ``model_config`` attribute). ``flip``: reverse the conv kernels along
    their width, as Theano convolution requires (``False`` only for a TensorFlow-backend
    model). Raises ``ValueError`` naming the file when the architecture is not the TF
    CNN described in the module docstring or a weight has the wrong shape.
    """
    import h5py

    weights = Path(weights)
    try:
        h5 = h5py.File(weights, "r")
    except OSError as err:
        raise ValueError(f"{weights}: not an HDF5 file ({err})") from err
    with h5:
        if architecture is None:
            if "model_config" not in h5.attrs:
                raise ValueError(f"{weights}: no model_config attribute; pass the JSON file")
            source, config = weights, _as_str(h5.attrs["model_config"])
        else:
            source, config = Path(architecture), Path(architecture).read_text()
        try:
            spec = _check_architecture(json.loads(config))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{source}: not the TF CNN architecture ({err})") from err
        group = h5["model_weights"] if "model_weights" in h5 else h5
        arrays = {}
        for role, name in (("conv", spec["conv"]), ("fc", spec["fc"]), ("out", spec["out"])):
            if name not in group:
                raise ValueError(f"{weights}: no weights for layer {name!r}")
            layer = group[name]
            names = [_as_str(n) for n in layer.attrs.get("weight_names", [])] or [
                f"{name}_W",
                f"{name}_b",
            ]
            arrays[f"{role}_w"] = np.asarray(layer[names[0]], dtype=np.float32)
            arrays[f"{role}_b"] = np.asarray(layer[names[1]], dtype=np.float32)
    k, width, hidden = spec["n_filters"], spec["width"], spec["hidden"]
    expected = {
        "conv_w": (k, 4, 1, width),
        "conv_b": (k,),
        "fc_w": (k, hidden),
        "fc_b": (hidden,),
        "out_w": (hidden, 1),
        "out_b": (1,),
    }
    for key, shape in expected.items():
        if arrays[key].shape != shape:
            raise ValueError(f"{weights}: {key} has shape {arrays[key].shape}, expected {shape}")
    conv_w = arrays["conv_w"][:, :, 0, :]
    if flip:
        conv_w = conv_w[:, :, ::-1]
    return KerasTFModel(
        conv_w=np.ascontiguousarray(conv_w),
        conv_b=arrays["conv_b"],
        fc_w=np.ascontiguousarray(arrays["fc_w"].T),
        fc_b=arrays["fc_b"],
        out_w=np.ascontiguousarray(arrays["out_w"].T),
        out_b=arrays["out_b"],
        dropout=spec["dropout"],
        length=spec["length"],
    )


def _as_str(value) -> str:
    return value.decode() if isinstance(value, bytes | np.bytes_) else str(value)


def _check_architecture(config: dict) -> dict:
    """Layer names and sizes of a Keras 1 ``Sequential`` TF CNN; raises on anything else."""
    if config.get("class_name") != "Sequential":
        raise ValueError(f"class_name {config.get('class_name')!r}, expected Sequential")
    layers = config["config"]
    kinds = [layer["class_name"] for layer in layers]
    if kinds != _LAYERS:
        raise ValueError(f"layers {kinds}, expected {_LAYERS}")
    conv, pool, _, fc, drop, out, act = (layer["config"] for layer in layers)
    channels, rows, length = conv["batch_input_shape"][1:]
    checks = {
        "conv input (4, 1, L)": channels == 4 and rows == 1,
        "conv dim_ordering 'th'": conv.get("dim_ordering") == "th",
        "conv border_mode 'same'": conv.get("border_mode") == "same",
        "conv activation relu": conv.get("activation") == "relu",
        "conv kernel 1 x odd width": conv["nb_row"] == 1 and conv["nb_col"] % 2 == 1,
        "conv stride 1": list(conv.get("subsample", [1, 1])) == [1, 1],
        "global max-pool": list(pool["pool_size"]) == [1, length],
        "dense activation relu": fc.get("activation") == "relu",
        "output Dense(1, linear)": out["output_dim"] == 1 and out["activation"] == "linear",
        "sigmoid output": act.get("activation") == "sigmoid",
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise ValueError(f"unexpected {', '.join(failed)}")
    return {
        "conv": conv["name"],
        "fc": fc["name"],
        "out": out["name"],
        "n_filters": int(conv["nb_filter"]),
        "width": int(conv["nb_col"]),
        "hidden": int(fc["output_dim"]),
        "dropout": float(drop["p"]),
        "length": int(length),
    }


def to_tf_cnn(model: KerasTFModel) -> nn.Sequential:
    """One model as :func:`~deepresolve.paper.tfpanel.models.tf_cnn` (eval mode):
    one-hot ``(N, 4, L)`` -> logit ``(N, 1)`` (before the sigmoid)."""
    k, width, hidden = model.sizes
    net = tf_cnn(k, width, hidden, model.dropout)
    with torch.no_grad():
        net.conv.weight.copy_(torch.from_numpy(model.conv_w))
        net.conv.bias.copy_(torch.from_numpy(model.conv_b))
        net.fc.weight.copy_(torch.from_numpy(model.fc_w))
        net.fc.bias.copy_(torch.from_numpy(model.fc_b))
        net.out.weight.copy_(torch.from_numpy(model.out_w))
        net.out.bias.copy_(torch.from_numpy(model.out_b))
    return net.eval()


def to_panel(models: Sequence[KerasTFModel]) -> nn.Sequential:
    """All models as one :func:`~deepresolve.paper.tfpanel.models.tf_panel` (eval mode):
    input ``(N, 4E, L)`` -> logits ``(N, E)``, model ``e`` = ``models[e]``. The panel has
    one dropout rate (the first model's); it is off in eval mode, where every analysis
    runs."""
    if not models:
        raise ValueError("no models to put in a panel")
    sizes = {m.sizes for m in models}
    if len(sizes) != 1:
        raise ValueError(f"models differ in (filters, width, hidden): {sorted(sizes)}")
    k, width, hidden = sizes.pop()
    e = len(models)
    panel = tf_panel(e, k, width, hidden, models[0].dropout)

    def stack(name: str) -> torch.Tensor:
        return torch.from_numpy(np.concatenate([getattr(m, name) for m in models]))

    with torch.no_grad():
        panel.conv.weight.copy_(stack("conv_w"))
        panel.conv.bias.copy_(stack("conv_b"))
        panel.fc.weight.copy_(stack("fc_w")[:, :, None])
        panel.fc.bias.copy_(stack("fc_b"))
        panel.out.weight.copy_(stack("out_w").reshape(e, hidden, 1))
        panel.out.bias.copy_(stack("out_b"))
    return panel.eval()
