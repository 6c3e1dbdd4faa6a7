"""Batched training and evaluation of a panel of independent models
(:func:`deepresolve.paper.tfpanel.models.tf_panel`), each on its own dataset.

Datasets of unequal size are stacked into one :class:`PanelData`: sequences as base codes
``(E, N_max, L)`` (0-3 = ACGT, 4 = N or padding, one-hot encoded on the fly, so 422
experiments fit in memory), labels ``(E, N_max)`` and the number of real rows per model.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from deepresolve.runtime import get_device
from deepresolve.training import TrainConfig, apply_max_norm, auc_per_class

log = logging.getLogger(__name__)

PAD = 4
_CODES = np.full(256, PAD, dtype=np.uint8)
for _i, _b in enumerate("ACGT"):
    _CODES[ord(_b)] = _CODES[ord(_b.lower())] = _i


def encode(seqs: Sequence[str]) -> np.ndarray:
    """Equal-length DNA strings -> base codes ``(N, L)`` uint8 (non-ACGT -> 4)."""
    if len(seqs) == 0:
        raise ValueError("no sequences to encode")
    lengths = {len(s) for s in seqs}
    if len(lengths) != 1:
        raise ValueError(f"sequences must have equal length, got lengths {sorted(lengths)[:5]}")
    raw = np.frombuffer("".join(seqs).encode("ascii"), dtype=np.uint8)
    return _CODES[raw].reshape(len(seqs), -1)


def one_hot_codes(codes: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Base codes ``(..., L)`` -> float32 one-hot ``(..., 4, L)`` (code 4 -> zeros)."""
    c = torch.as_tensor(np.asarray(codes) if not isinstance(codes, torch.Tensor) else codes)
    return F.one_hot(c.long(), 5)[..., :4].transpose(-1, -2).float()


@dataclass
class PanelData:
    """Per-model datasets, padded: ``codes (E, N_max, L)`` uint8, ``labels (E, N_max)``
    int8 and ``n (E,)`` real rows of each model (the rest is padding)."""

    codes: np.ndarray
    labels: np.ndarray
    n: np.ndarray
    names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.names:
            self.names = [str(i) for i in range(len(self.n))]
        if not (len(self.codes) == len(self.labels) == len(self.n) == len(self.names)):
            raise ValueError(
                f"PanelData: {len(self.codes)} code sets, {len(self.labels)} label sets, "
                f"{len(self.n)} sizes and {len(self.names)} names"
            )

    @classmethod
    def stack(
        cls, sets: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str] | None = None
    ) -> PanelData:
        """From ``[(codes (N_e, L), labels (N_e,)), ...]``, one per model."""
        if not sets:
            raise ValueError("no datasets to stack")
        lengths = {c.shape[1] for c, _ in sets}
        if len(lengths) != 1:
            raise ValueError(f"all datasets need one sequence length, got {sorted(lengths)}")
        n = np.array([len(c) for c, _ in sets])
        if (n == 0).any():
            raise ValueError(f"dataset {int(np.argmin(n))} is empty")
        codes = np.full((len(sets), n.max(), lengths.pop()), PAD, dtype=np.uint8)
        labels = np.zeros((len(sets), n.max()), dtype=np.int8)
        for e, (c, y) in enumerate(sets):
            if len(y) != len(c):
                raise ValueError(f"dataset {e}: {len(c)} sequences but {len(y)} labels")
            codes[e, : len(c)], labels[e, : len(c)] = c, y
        return cls(codes, labels, n, list(names or [str(i) for i in range(len(sets))]))

    @property
    def mask(self) -> np.ndarray:
        """``(E, N_max)`` True on real rows."""
        return np.arange(self.codes.shape[1])[None, :] < self.n[:, None]

    def split(self, fraction: float, seed: int) -> tuple[PanelData, PanelData]:
        """Random per-model split into ``(rest, held_out)`` with ``fraction`` held out."""
        if not 0 < fraction < 1:
            raise ValueError(f"fraction must be in (0, 1), got {fraction}")
        rng = np.random.default_rng(seed)
        a, b = [], []
        for e in range(len(self.n)):
            order = rng.permutation(self.n[e])
            k = max(1, int(round(self.n[e] * fraction)))
            for part, idx in ((a, np.sort(order[k:])), (b, np.sort(order[:k]))):
                part.append((self.codes[e, idx], self.labels[e, idx]))
        return PanelData.stack(a, self.names), PanelData.stack(b, self.names)

    def select(self, label: int, limit: int | None = None) -> PanelData:
        """Rows with ``label`` (the first ``limit`` of them) of every model."""
        sets = []
        for e in range(len(self.n)):
            idx = np.flatnonzero(self.labels[e, : self.n[e]] == label)[:limit]
            if len(idx) == 0:
                raise ValueError(f"model {self.names[e]}: no rows with label {label}")
            sets.append((self.codes[e, idx], self.labels[e, idx]))
        return PanelData.stack(sets, self.names)


def _panel_batch(codes: np.ndarray, rows: np.ndarray) -> torch.Tensor:
    """``codes (E, N, L)``, ``rows (E, B)`` -> panel input ``(B, 4E, L)``."""
    e = codes.shape[0]
    x = one_hot_codes(codes[np.arange(e)[:, None], rows])  # (E, B, 4, L)
    return x.transpose(0, 1).reshape(rows.shape[1], 4 * e, codes.shape[2])


@torch.no_grad()
def panel_outputs(
    module: nn.Module, data: PanelData, batch_size: int = 256, device=None
) -> np.ndarray:
    """Run ``module`` (panel input ``(B, 4E, L)`` -> ``(B, E*D, ...)``) on every row:
    returns ``(E, N_max, D)`` float32 (``D = 1`` for logits); padding rows are included."""
    device = get_device(device)
    module.eval().to(device)
    e, n_max, _ = data.codes.shape
    outs = []
    for start in range(0, n_max, batch_size):
        idx = np.arange(start, min(start + batch_size, n_max))
        rows = np.broadcast_to(idx, (e, len(idx)))
        out = module(_panel_batch(data.codes, rows).to(device)).float().cpu()
        outs.append(out.reshape(out.shape[0], e, -1))
    return torch.cat(outs).transpose(0, 1).numpy()


def panel_logits(panel: nn.Module, data: PanelData, batch_size: int = 256, device=None):
    """Logits ``(E, N_max)`` of each model on its own sequences."""
    return panel_outputs(panel, data, batch_size, device)[..., 0]


def masked_bce(logits: np.ndarray, data: PanelData) -> np.ndarray:
    """Mean binary cross-entropy of each model on its real rows ``(E,)``."""
    loss = F.binary_cross_entropy_with_logits(
        torch.as_tensor(logits, dtype=torch.float64),
        torch.as_tensor(data.labels, dtype=torch.float64),
        reduction="none",
    ).numpy()
    return (loss * data.mask).sum(1) / data.n


def panel_auc(logits: np.ndarray, data: PanelData) -> np.ndarray:
    """ROC AUC of each model on its real rows ``(E,)`` (NaN for a single-label set)."""
    return np.array(
        [
            auc_per_class(data.labels[e, : data.n[e], None], logits[e, : data.n[e], None])[0]
            for e in range(len(data.n))
        ]
    )


@dataclass
class PanelHistory:
    """``val_loss (epochs, E)``, ``best_epoch (E,)`` and ``best_val_loss (E,)``."""

    val_loss: list[np.ndarray] = field(default_factory=list)
    best_epoch: np.ndarray | None = None
    best_val_loss: np.ndarray | None = None


def fit_panel(
    panel: nn.Module,
    train: PanelData,
    val: PanelData,
    config: TrainConfig | None = None,
    device=None,
    progress: bool = False,
) -> PanelHistory:
    """Train every model of ``panel`` on its own data, all in one batch per step.

    Each step draws ``batch_size`` rows of every model (each model cycles through its
    own shuffles; an epoch is enough steps for the largest dataset), the loss is the sum
    over models of their mean BCE, optimised with Adam (so each model's update is the
    one it would get alone), and conv filters are max-norm clipped. Early stopping is
    per model: each model keeps its weights from its best validation epoch, and training
    stops when no model improved for ``patience`` epochs.
    """
    config = config or TrainConfig()
    device = get_device(device)
    e = train.codes.shape[0]
    if val.codes.shape[0] != e:
        raise ValueError(f"train has {e} models, validation {val.codes.shape[0]}")
    rng = np.random.default_rng(config.seed)
    torch.manual_seed(config.seed)
    panel.to(device)
    opt = torch.optim.Adam(panel.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    bs = int(config.batch_size)
    steps = math.ceil(train.n.max() / bs)
    labels = torch.as_tensor(train.labels, dtype=torch.float32)
    history = PanelHistory()
    best_loss = np.full(e, np.inf)
    best_epoch = np.full(e, -1)
    best_state = {k: v.detach().clone() for k, v in panel.state_dict().items()}
    stale = 0
    for epoch in tqdm(range(config.epochs), desc="panel epochs", disable=not progress):
        panel.train()
        order = np.stack([_cycle(rng, n, steps * bs) for n in train.n])  # (E, steps * bs)
        for s in range(steps):
            rows = order[:, s * bs : (s + 1) * bs]
            x = _panel_batch(train.codes, rows).to(device)
            y = labels[np.arange(e)[:, None], rows].T.to(device)  # (B, E)
            opt.zero_grad()
            loss = F.binary_cross_entropy_with_logits(panel(x), y, reduction="none")
            loss.mean(0).sum().backward()
            opt.step()
            if config.max_norm is not None:
                apply_max_norm(panel, config.max_norm)
        val_loss = masked_bce(panel_logits(panel, val, 4 * bs, device), val)
        history.val_loss.append(val_loss)
        better = val_loss < best_loss - 1e-6
        best_loss = np.where(better, val_loss, best_loss)
        best_epoch[better] = epoch
        _copy_rows(best_state, panel.state_dict(), better)
        log.info("epoch %d: mean val loss %.4f, %d improved", epoch, val_loss.mean(), better.sum())
        stale = 0 if better.any() else stale + 1
        if stale >= config.patience:
            break
    panel.load_state_dict(best_state)
    panel.eval()
    history.best_epoch, history.best_val_loss = best_epoch, best_loss
    return history


def _cycle(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    """Concatenated random permutations of ``range(n)``, cut to ``length``."""
    reps = math.ceil(length / n)
    return np.concatenate([rng.permutation(n) for _ in range(reps)])[:length]


def _copy_rows(dst: dict, src: dict, rows: np.ndarray) -> None:
    """Copy model rows ``rows (E,)`` of every panel parameter (first dim = E blocks)."""
    mask = torch.as_tensor(rows)
    e = len(rows)
    for name, value in src.items():
        d, s = dst[name].view(e, -1), value.detach().view(e, -1)
        d[mask] = s[mask].to(d.device)


def pooled_activations(panel: nn.Sequential, data: PanelData, batch_size: int = 256, device=None):
    """Globally max-pooled filter activations of each model on its own sequences:
    ``(E, N_max, K)`` (the feature maps DeepResolve analyses, ``W = 1`` dropped)."""
    from deepresolve.paper.tfpanel.models import panel_body

    return panel_outputs(panel_body(panel), data, batch_size, device)


def mean_activations(
    panel: nn.Sequential, data: PanelData, batch_size: int = 256, device=None
) -> np.ndarray:
    """Mean pooled activation of every filter of each model over its own real rows of
    ``data``: ``(E, K)``."""
    acts = pooled_activations(panel, data, batch_size, device)  # (E, N_max, K)
    return (acts * data.mask[..., None]).sum(1) / data.n[:, None]


BASELINES = ("saliency", "gradient_x_input", "deeplift")


def baseline_filter_scores(
    panel: nn.Sequential, positives: PanelData, device=None, batch_size: int = 256
) -> dict[str, np.ndarray]:
    """Filter importance of every model by the layer baselines of Table 1, each
    ``(E, K)``: the signed saliency, gradient x input (both averaged over positions and
    positive sequences) and DeepLIFT (zero reference, max over positions, averaged over
    positives) of the pooled layer, on each model's own positive sequences."""
    from deepresolve.baselines import (
        channel_importance,
        layer_deeplift,
        layer_gradient_x_input,
        layer_saliency,
    )
    from deepresolve.layers import split_sequential
    from deepresolve.paper.tfpanel.models import LAYER, panel_member

    acts = pooled_activations(panel, positives, batch_size, device)
    out = {name: [] for name in BASELINES}
    for e in range(len(positives.n)):
        _, head = split_sequential(panel_member(panel, e), LAYER)
        h = acts[e, : positives.n[e], :, None]  # (N, K, 1)
        kw = dict(target=0, batch_size=batch_size, device=device)
        out["saliency"].append(channel_importance(layer_saliency(head, h, **kw)))
        out["gradient_x_input"].append(channel_importance(layer_gradient_x_input(head, h, **kw)))
        out["deeplift"].append(channel_importance(layer_deeplift(head, h, **kw), reduce="max"))
    return {name: np.stack(v) for name, v in out.items()}


def panel_deepmotif(
    panel: nn.Sequential,
    length: int,
    n_random: int = 10,
    steps: int = 5000,
    lr: float = 0.1,
    l2: float = 0.1,
    top: int = 5,
    width: int = 25,
    seed: int = 0,
    device=None,
) -> dict[str, np.ndarray]:
    """Enhanced DeepMotif on every model of the panel at once (inputs of ``length`` bp):
    the most informative ``width``-bp window of each model's ``top`` best-scoring generated
    inputs. Returns ``pwms (E, top, 4, width)``, their class ``scores (E, top)``, and per
    start ``converged`` and ``n_steps``."""
    from deepresolve.baselines import deepmotif_pwms, enhanced_deepmotif
    from deepresolve.paper.tfpanel.models import panel_score_fn, panel_size

    n_models = panel_size(panel)[0]
    res = enhanced_deepmotif(
        panel_score_fn(panel), length, n_random=n_random, steps=steps, lr=lr, l2=l2,
        seed=seed, device=device, n_models=n_models,
    )  # fmt: skip
    top = min(top, res.scores.shape[1])
    per_model = [deepmotif_pwms(res, top, width, model=e) for e in range(n_models)]
    return dict(
        pwms=np.array([[pwm for _, pwm in m] for m in per_model]),
        scores=np.array([[s for s, _ in m] for m in per_model]),
        converged=res.converged,
        n_steps=res.n_steps,
    )
