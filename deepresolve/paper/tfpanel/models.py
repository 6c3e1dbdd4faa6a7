"""The TF-binding CNN of Zeng et al. 2016 used for the 422-experiment panel, and a batched
*panel* of ``E`` independent copies trained together.

One model: one-hot ``(N, 4, 101)`` -> Conv(16 filters, width 25, 'same' padding, ReLU,
max-norm 3) -> global max-pool ``(N, 16, 1)`` -> Dense(32, ReLU) -> Dropout -> Dense(1)
logit. DeepResolve analyses the pooled layer (``"pool"``; ``K = 16``, ``W = 1``).

The panel holds ``E`` such models as grouped convolutions (``groups=E``): its input
``(N, 4E, L)`` carries one sequence per model (block ``e`` of 4 channels goes to model
``e``), its output is ``(N, E)`` logits, and logit ``e`` depends only on model ``e``'s
parameters and input block. Summing the models' losses therefore trains each exactly as
if alone (Adam's update is per parameter), at the cost of one network.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

LAYER = "pool"  # the layer DeepResolve analyses (global max-pooled filter activations)


def tf_cnn(
    n_filters: int = 16, width: int = 25, hidden: int = 32, dropout: float = 0.1
) -> nn.Sequential:
    """One TF-binding CNN as a named ``nn.Sequential``: ``(N, 4, L) -> (N, 1)`` logits."""
    return nn.Sequential(
        OrderedDict(
            conv=nn.Conv1d(4, n_filters, width, padding=width // 2),
            relu=nn.ReLU(),
            pool=nn.AdaptiveMaxPool1d(1),
            flat=nn.Flatten(),
            fc=nn.Linear(n_filters, hidden),
            act=nn.ReLU(),
            drop=nn.Dropout(dropout),
            out=nn.Linear(hidden, 1),
        )
    )


def tf_panel(
    n_models: int,
    n_filters: int = 16,
    width: int = 25,
    hidden: int = 32,
    dropout: float = 0.1,
    seed: int = 0,
) -> nn.Sequential:
    """``n_models`` independent :func:`tf_cnn` as one ``nn.Sequential``:
    ``(N, 4E, L) -> (N, E)`` logits. Layer ``"pool"`` gives ``(N, 16E, 1)``; channels
    ``16e .. 16e+15`` are model ``e``'s filters. Initialised from ``seed``."""
    if n_models < 1 or width % 2 == 0:
        raise ValueError(f"need n_models >= 1 and an odd width; got {n_models}, {width}")
    e = int(n_models)
    torch.manual_seed(seed)
    panel = nn.Sequential(
        OrderedDict(
            conv=nn.Conv1d(4 * e, n_filters * e, width, padding=width // 2, groups=e),
            relu=nn.ReLU(),
            pool=nn.AdaptiveMaxPool1d(1),
            fc=nn.Conv1d(n_filters * e, hidden * e, 1, groups=e),
            act=nn.ReLU(),
            drop=nn.Dropout(dropout),
            out=nn.Conv1d(hidden * e, e, 1, groups=e),
            flat=nn.Flatten(),
        )
    )
    return panel


def panel_size(panel: nn.Sequential) -> tuple[int, int, int, int]:
    """``(E, n_filters, width, hidden)`` of a :func:`tf_panel`."""
    conv, fc = panel.conv, panel.fc
    e = conv.groups
    return e, conv.out_channels // e, conv.kernel_size[0], fc.out_channels // e


def panel_member(panel: nn.Sequential, e: int) -> nn.Sequential:
    """Model ``e`` of the panel as a stand-alone :func:`tf_cnn` (copied weights, eval mode)."""
    n, k, width, hidden = panel_size(panel)
    if not 0 <= e < n:
        raise IndexError(f"model {e} out of range for a panel of {n}")
    model = tf_cnn(k, width, hidden, panel.drop.p)
    with torch.no_grad():
        model.conv.weight.copy_(panel.conv.weight[k * e : k * (e + 1)])
        model.conv.bias.copy_(panel.conv.bias[k * e : k * (e + 1)])
        model.fc.weight.copy_(panel.fc.weight[hidden * e : hidden * (e + 1), :, 0])
        model.fc.bias.copy_(panel.fc.bias[hidden * e : hidden * (e + 1)])
        model.out.weight.copy_(panel.out.weight[e : e + 1, :, 0])
        model.out.bias.copy_(panel.out.bias[e : e + 1])
    return model.eval()


def filter_weights(panel: nn.Sequential) -> np.ndarray:
    """Convolutional filters of every model: ``(E, K, 4, width)`` (ACGT rows)."""
    n, k, width, _ = panel_size(panel)
    return panel.conv.weight.detach().cpu().numpy().reshape(n, k, 4, width).copy()


class PanelHead(nn.Module):
    """DeepResolve head of a whole panel: pooled filter activations ``(N, K, 1)`` ->
    logits ``(N, E)``, logit ``e`` being model ``e``'s head (Dense -> ReLU -> Dense; no
    dropout, as in eval mode) applied to them.

    :meth:`class_scores` scores row ``b`` with model ``targets[b]`` only (per-row weights,
    one batched matmul), which :func:`deepresolve.resolve` calls instead of
    :meth:`forward`: resolving all ``E`` models with ``T`` starts then costs ``E * T`` head
    evaluations per step, not ``E**2 * T``. The head shares the panel's parameters.
    """

    def __init__(self, panel: nn.Sequential):
        super().__init__()
        self.fc, self.out = panel.fc, panel.out
        self.n_models, self.n_filters, _, self.hidden = panel_size(panel)

    def _weights(self) -> tuple[torch.Tensor, ...]:
        e, k, hid = self.n_models, self.n_filters, self.hidden
        return (
            self.fc.weight.view(e, hid, k),
            self.fc.bias.view(e, hid),
            self.out.weight.view(e, hid),
            self.out.bias.view(e),
        )

    def _pooled(self, h: torch.Tensor) -> torch.Tensor:
        if h.ndim != 3 or h.shape[1] != self.n_filters or h.shape[2] != 1:
            raise ValueError(
                f"panel head takes pooled activations (N, {self.n_filters}, 1), got "
                f"{tuple(h.shape)}"
            )
        return h[:, :, 0]

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """``(N, K, 1) -> (N, E)``: every model on every row."""
        fw, fb, ow, ob = self._weights()
        z = torch.relu(torch.einsum("nk,ehk->neh", self._pooled(h), fw) + fb)
        return torch.einsum("neh,eh->ne", z, ow) + ob

    def class_scores(self, h: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """``(B, K, 1), (B,) -> (B,)``: row ``b`` scored by model ``targets[b]`` only."""
        fw, fb, ow, ob = self._weights()
        x = self._pooled(h)
        if targets.shape != (len(x),):
            raise ValueError(f"targets must be ({len(x)},), got {tuple(targets.shape)}")
        z = torch.relu(torch.bmm(fw[targets], x[:, :, None])[:, :, 0] + fb[targets])
        return (z * ow[targets]).sum(1) + ob[targets]


def panel_head(panel: nn.Sequential) -> PanelHead:
    """The :class:`PanelHead` of ``panel`` in eval mode: ``resolve(panel_head(p), (K, 1))``
    resolves every model as one class, all in one batch, each row scored by its own model."""
    return PanelHead(panel).eval()


def panel_body(panel: nn.Sequential) -> nn.Sequential:
    """Input ``(N, 4E, L)`` -> pooled filter activations ``(N, K * E, 1)``."""
    return nn.Sequential(OrderedDict(conv=panel.conv, relu=panel.relu, pool=panel.pool)).eval()


class RowScores(nn.Module):
    """Logit of a chosen panel model for each row: ``forward(x (B, 4, L), models (B,))
    -> (B,)``, row ``b`` scored by model ``models[b]`` (eval mode: no dropout). The
    score function of enhanced DeepMotif over the whole panel."""

    def __init__(self, panel: nn.Sequential):
        super().__init__()
        self.panel = panel.eval()

    def forward(self, x: torch.Tensor, models: torch.Tensor) -> torch.Tensor:
        p = self.panel
        n, k, width, hidden = panel_size(p)
        b, _, length = x.shape
        w = p.conv.weight.view(n, k, 4, width)[models].reshape(b * k, 4, width)
        bias = p.conv.bias.view(n, k)[models].reshape(-1)
        h = F.conv1d(x.reshape(1, b * 4, length), w, bias, padding=width // 2, groups=b)
        h = F.relu(h).amax(-1).view(b, k)
        fw = p.fc.weight.view(n, hidden, k)[models]
        z = F.relu(torch.einsum("bk,bhk->bh", h, fw) + p.fc.bias.view(n, hidden)[models])
        return (z * p.out.weight.view(n, hidden)[models]).sum(1) + p.out.bias[models]


def save_panel(
    path, panel: nn.Sequential, names: list[str], provenance: dict[str, str] | None = None
) -> None:
    """Write a panel's weights, sizes, model (experiment) names and where it was trained
    (``provenance``, :func:`deepresolve.runtime.provenance`), atomically."""
    from deepresolve.io import save_torch

    e, k, width, hidden = panel_size(panel)
    if len(names) != e:
        raise ValueError(f"{len(names)} names for a panel of {e} models")
    spec = dict(n_models=e, n_filters=k, width=width, hidden=hidden, dropout=panel.drop.p)
    blob = {"spec": spec, "names": list(names), "state": panel.state_dict()}
    save_torch(path, {**blob, "provenance": dict(provenance or {})})


def load_panel(path) -> tuple[nn.Sequential, list[str]]:
    """Read :func:`save_panel`'s file: ``(panel in eval mode, names)``."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    try:
        spec, names, state = blob["spec"], blob["names"], blob["state"]
    except (KeyError, TypeError):
        raise ValueError(f"{path}: not a saved TF panel") from None
    panel = tf_panel(**spec)
    panel.load_state_dict(state)
    return panel.eval(), list(names)


def panel_score_fn(panel: nn.Sequential):
    """``score(x (B, 4, L), models (B,)) -> (B,)``: the :class:`RowScores` of ``panel`` as
    a function with an explicit ``models`` keyword, as enhanced DeepMotif expects."""
    return RowScores(panel).forward
