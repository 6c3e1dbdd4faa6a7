"""DeepSEA (Zhou & Troyanskaya 2015) as an ``nn.Sequential`` of named modules returning
logits, its published weights, and scaled-down versions of the same architecture.

Architecture: Conv(320, width 8) -> ReLU -> MaxPool(4) -> Dropout(0.2) -> Conv(480, 8) ->
ReLU -> MaxPool(4) -> Dropout(0.2) -> Conv(960, 8) -> ReLU -> Dropout(0.5) -> Linear(925)
-> ReLU -> Linear(919) logits, on one-hot ``(N, 4, 1000)`` input in ``ACGT`` order (the
original's ``Threshold(0, 1e-6)`` is a ReLU up to 1e-6). DeepResolve analyses the input of
the third convolution, :data:`RESOLVE_LAYER` (``(480, 60)`` feature maps at full size),
whose units each see a 51 bp receptive field.

Weights: :func:`load_kipoi` reads the PyTorch conversion on Zenodo
(``deepsea_predict.pth``, the Kipoi ``DeepSEA/predict`` state dict: input order ``AGCT``,
conv weights ``(out, in, 1, 8)``, keys prefixed by the Kipoi wrapper); :func:`load_torch7`
reads the original Torch7 ``deepsea.cpu`` (torchfile). Both return the model in ``ACGT``
order, so it takes this project's one-hot encoding directly; Kipoi's forward/reverse-
complement averaging is not part of the model (use :func:`predict_proba` with ``rc=True``).
"""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from deepresolve.io import save_torch

#: The analysed layer: output of the second conv block = input of the third convolution.
RESOLVE_LAYER = "drop2"
#: The published model's settings (:func:`deepsea` keyword arguments).
PAPER_ARCH: dict[str, Any] = dict(
    n_classes=919, length=1000, channels=(320, 480, 960), width=8, pool=4, hidden=925,
    dropout=(0.2, 0.2, 0.5),
)  # fmt: skip
#: DeepSEA's one-hot order is AGCT: ``x_acgt = x_agct[:, AGCT_TO_ACGT]`` (and vice versa).
AGCT_TO_ACGT = [0, 2, 1, 3]


def deepsea(
    n_classes: int = 919,
    length: int = 1000,
    channels: Sequence[int] = (320, 480, 960),
    width: int = 8,
    pool: int = 4,
    hidden: int = 925,
    dropout: Sequence[float] = (0.2, 0.2, 0.5),
    batchnorm: bool = False,
) -> nn.Sequential:
    """The DeepSEA architecture for one-hot ``(N, 4, length)`` input, logits ``(N, n_classes)``.

    Named modules: conv1 relu1 pool1 drop1 conv2 relu2 pool2 drop2 conv3 relu3 drop3 flat
    fc relu4 out. Defaults are the published model; smaller ``channels``/``length``/
    ``hidden`` give a scaled-down network of the same shape. ``batchnorm`` adds BatchNorm
    after each convolution (bn1..bn3, before the ReLU), which the published model lacks:
    it lets a small model train in a few CPU epochs; in eval mode it is a fixed affine
    map, so the analysed layer and its head keep their meaning.
    """
    if len(channels) != 3 or len(dropout) != 3:
        raise ValueError(f"need 3 channel counts and 3 dropout rates, got {channels}, {dropout}")
    for name, value in (("n_classes", n_classes), ("width", width), ("pool", pool),
                        ("hidden", hidden), *(("channels", c) for c in channels)):  # fmt: skip
        if int(value) < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    w_out = conv_output_width(length, width, pool)
    if w_out < 1:
        raise ValueError(f"length={length} is too short for three width-{width} convolutions")
    c1, c2, c3 = (int(c) for c in channels)
    layers: list[tuple[str, nn.Module]] = []
    for i, (c_in, c_out) in enumerate([(4, c1), (c1, c2), (c2, c3)], start=1):
        layers.append((f"conv{i}", nn.Conv1d(c_in, c_out, width)))
        if batchnorm:
            layers.append((f"bn{i}", nn.BatchNorm1d(c_out)))
        layers.append((f"relu{i}", nn.ReLU()))
        if i < 3:
            layers.append((f"pool{i}", nn.MaxPool1d(pool)))
        layers.append((f"drop{i}", nn.Dropout(dropout[i - 1])))
    layers += [
        ("flat", nn.Flatten()), ("fc", nn.Linear(c3 * w_out, hidden)), ("relu4", nn.ReLU()),
        ("out", nn.Linear(hidden, n_classes)),
    ]  # fmt: skip
    return nn.Sequential(OrderedDict(layers))


def conv_output_width(length: int, width: int = 8, pool: int = 4) -> int:
    """Width of the third convolution's output for input ``length`` (1000 -> 53)."""
    w = (length - width + 1) // pool
    w = (w - width + 1) // pool
    return w - width + 1


def resolved_shape(model: nn.Sequential, length: int) -> tuple[int, int]:
    """``(K, W)`` of the analysed layer (the third convolution's input) for input ``length``."""
    conv3 = model.conv3
    w = conv3.kernel_size[0]
    p = model.pool1.kernel_size
    return conv3.in_channels, ((length - w + 1) // p - w + 1) // p


def receptive_field(module: nn.Module) -> tuple[int, int]:
    """``(size, stride)`` in bp of one output unit of a stack of ``Conv1d``/``MaxPool1d``
    (padding-free): DeepSEA's first two conv blocks give ``(51, 16)``."""
    size, jump = 1, 1
    for m in module.modules():
        if isinstance(m, nn.Conv1d):
            k, s = m.kernel_size[0], m.stride[0]
            size += (k - 1) * m.dilation[0] * jump
        elif isinstance(m, nn.MaxPool1d):
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            s = m.stride if isinstance(m.stride, int) else m.stride[0]
            size += (k - 1) * jump
        else:
            continue
        jump *= s
    return size, jump


# --- saving and loading --------------------------------------------------------------


def save_model(
    path: str | os.PathLike,
    model: nn.Module,
    arch: dict[str, Any],
    class_names: Sequence[str],
    provenance: dict[str, str] | None = None,
) -> None:
    """Save weights, the :func:`deepsea` keyword arguments ``arch``, the class names and
    where it was trained (``provenance``, :func:`deepresolve.runtime.provenance`)."""
    if len(class_names) != arch["n_classes"]:
        raise ValueError(f"{len(class_names)} class names for {arch['n_classes']} classes")
    blob = {"arch": dict(arch), "state_dict": model.state_dict(), "class_names": list(class_names)}
    save_torch(path, {**blob, "provenance": dict(provenance or {})})


def load_model(path: str | os.PathLike) -> tuple[nn.Sequential, list[str]]:
    """Model (eval mode, CPU) and class names written by :func:`save_model`."""
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
        arch = dict(blob["arch"])
        arch["channels"], arch["dropout"] = tuple(arch["channels"]), tuple(arch["dropout"])
        model = deepsea(**arch)
        model.load_state_dict(blob["state_dict"])
    except (KeyError, TypeError, RuntimeError, OSError, pickle.UnpicklingError) as err:
        raise ValueError(f"{path}: not a saved DeepSEA model ({err})") from err
    return model.eval(), [str(n) for n in blob["class_names"]]


def _from_tensors(tensors: list[torch.Tensor], alphabet_order: list[int] | None) -> nn.Sequential:
    """Build the published DeepSEA from its 10 parameter tensors in forward order
    (conv1 w, b, conv2 w, b, conv3 w, b, fc w, b, out w, b); conv weights may carry the
    Torch ``(out, in, 1, width)`` layout or be flattened ``(out, in * width)``."""
    if len(tensors) != 10:
        raise ValueError(f"expected 10 DeepSEA parameter tensors, found {len(tensors)}")
    model = deepsea(**PAPER_ARCH)
    targets = [model.conv1, model.conv2, model.conv3, model.fc, model.out]
    state = {}
    for i, (name, module) in enumerate(zip(["conv1", "conv2", "conv3", "fc", "out"], targets,
                                           strict=True)):  # fmt: skip
        w = torch.as_tensor(np.asarray(tensors[2 * i]), dtype=torch.float32)
        b = torch.as_tensor(np.asarray(tensors[2 * i + 1]), dtype=torch.float32).reshape(-1)
        try:
            w = w.reshape(module.weight.shape)
        except RuntimeError as err:
            raise ValueError(
                f"{name}: weight of shape {tuple(w.shape)} does not fit "
                f"{tuple(module.weight.shape)}"
            ) from err
        if name == "conv1" and alphabet_order is not None:
            w = w[:, alphabet_order]
        state[f"{name}.weight"], state[f"{name}.bias"] = w, b
    model.load_state_dict(state)
    return model.eval()


def load_kipoi(path: str | os.PathLike) -> nn.Sequential:
    """DeepSEA from Kipoi's ``deepsea_predict.pth`` (Zenodo record 1466993), in ``ACGT`` order.

    The file is the state dict of Kipoi's wrapper ``Sequential(ReCodeAlphabet,
    ConcatenateRC, deepsea_cpu, AverageRC)``; its parameters are taken in order whatever
    the key prefix.
    """
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as err:
        raise ValueError(f"{path}: cannot read a PyTorch state dict ({err})") from err
    if not isinstance(state, dict):
        raise ValueError(f"{path}: expected a state dict, got {type(state).__name__}")
    keys = [k for k in state if k.endswith((".weight", ".bias"))]
    keys.sort(key=_kipoi_key_order)
    try:
        return _from_tensors([state[k] for k in keys], AGCT_TO_ACGT)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err


def _kipoi_key_order(key: str) -> tuple:
    """Sort parameters by their module path numerically ("2.12.1.weight" after "2.8.weight"),
    weight before bias."""
    *path, kind = key.split(".")
    return tuple(int(p) if p.isdigit() else 0 for p in path) + (kind != "weight",)


def load_torch7(path: str | os.PathLike) -> nn.Sequential:
    """DeepSEA from the original Torch7 serialisation ``deepsea.cpu`` (read with torchfile),
    in ``ACGT`` order (the original one-hot order is ``AGCT``, as in Kipoi's conversion)."""
    import torchfile

    try:
        root = torchfile.load(os.fspath(path))
    except Exception as err:  # noqa: BLE001 - torchfile raises bare exceptions on bad files
        raise ValueError(f"{path}: cannot read a Torch7 file ({err})") from err
    try:
        return from_torch7(root)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from err


def from_torch7(root: Any) -> nn.Sequential:
    """DeepSEA from a torchfile object tree (``nn.Sequential`` of Torch7 modules): the
    weights and biases of its convolution and linear modules, in forward order."""
    tensors: list[np.ndarray] = []
    for module in _torch7_modules(root):
        typename = _typename(module)
        if "Convolution" in typename or typename.endswith("Linear"):
            tensors += [np.asarray(_field(module, "weight")), np.asarray(_field(module, "bias"))]
    return _from_tensors(tensors, AGCT_TO_ACGT)


def _field(obj: Any, name: str) -> Any:
    for key in (name, name.encode()):
        try:
            return obj[key]
        except (KeyError, TypeError):
            continue
    return getattr(obj, name)


def _typename(obj: Any) -> str:
    getter = getattr(obj, "torch_typename", None)
    name = getter() if callable(getter) else getattr(obj, "_typename", "")
    return name.decode() if isinstance(name, bytes) else str(name or "")


def _torch7_modules(obj: Any) -> list[Any]:
    """Leaf modules of nested Torch7 containers in forward order."""
    try:
        children = _field(obj, "modules")
    except (AttributeError, KeyError):
        children = None
    if children is None:
        return [obj]
    if isinstance(children, dict):  # torchfile reads Lua tables as dicts keyed 1..n
        children = [children[k] for k in sorted(children)]
    out = []
    for child in children:
        out.extend(_torch7_modules(child))
    return out


def read_class_names(path: str | os.PathLike) -> list[str]:
    """DeepSEA's output names (``predictor.names``: one ``cell|assay|treatment`` per line)."""
    with open(path) as fh:
        names = [line.rstrip("\n") for line in fh if line.strip()]
    if not names:
        raise ValueError(f"{path}: no class names")
    return names


@torch.no_grad()
def predict_proba(
    model: nn.Module, x: np.ndarray, batch_size: int = 256, rc: bool = False, device=None
) -> np.ndarray:
    """Sigmoid probabilities ``(N, C)`` on one-hot ``(N, 4, L)``; with ``rc`` the average of
    the forward and reverse-complement predictions (as DeepSEA reports them)."""
    from deepresolve.training import predict_logits

    p = torch.sigmoid(torch.as_tensor(predict_logits(model, x, batch_size, device))).numpy()
    if rc:
        x_rc = np.ascontiguousarray(np.asarray(x)[:, ::-1, ::-1])
        p_rc = torch.sigmoid(torch.as_tensor(predict_logits(model, x_rc, batch_size, device)))
        p = (p + p_rc.numpy()) / 2
    return p
