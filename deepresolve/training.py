"""Training and evaluation of multi-label sequence classifiers (sigmoid outputs).

Models take one-hot ``(N, 4, L)`` float tensors and return logits ``(N, C)``.
Training is seeded and, on CPU, deterministic for a fixed thread count.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch import nn
from tqdm.auto import tqdm

from deepresolve.runtime import get_device


@dataclass
class TrainConfig:
    """Hyper-parameters of :func:`fit`; ``patience`` counts epochs without a better
    validation loss before stopping (the best weights are restored)."""

    epochs: int = 20
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 0.0
    patience: int = 3
    seed: int = 0
    max_norm: float | None = None  # per-filter max-norm on conv weights (Keras MaxNorm)


@dataclass
class History:
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = -1


def fit(
    model: nn.Module,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    config: TrainConfig | None = None,
    device: str | torch.device | None = None,
    progress: bool = False,
) -> History:
    """Train ``model`` in place with Adam on binary cross-entropy over logits.

    ``x_*``: ``(N, 4, L)``; ``y_*``: ``(N, C)`` in {0, 1}. Returns the loss history;
    the model ends in eval mode holding the weights of the best validation epoch.
    """
    config = config or TrainConfig()
    device = get_device(device)
    _check_xy(x_train, y_train, "train")
    _check_xy(x_val, y_val, "validation")
    gen = torch.Generator().manual_seed(config.seed)
    torch.manual_seed(config.seed)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    loss_fn = nn.BCEWithLogitsLoss()
    xt = torch.as_tensor(x_train, dtype=torch.float32)
    yt = torch.as_tensor(y_train, dtype=torch.float32)
    history = History()
    best_state, best_loss, bad_epochs = None, np.inf, 0
    for epoch in tqdm(range(config.epochs), desc="epochs", disable=not progress):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            idx = order[start : start + config.batch_size]
            xb, yb = xt[idx].to(device), yt[idx].to(device)
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            if config.max_norm is not None:
                apply_max_norm(model, config.max_norm)
            total += loss.item() * len(idx)
        history.train_loss.append(total / len(xt))
        val = evaluate_loss(model, x_val, y_val, device=device, batch_size=4 * config.batch_size)
        history.val_loss.append(val)
        if val < best_loss - 1e-6:
            best_loss, bad_epochs, history.best_epoch = val, 0, epoch
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad_epochs += 1
            if bad_epochs >= config.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history


@torch.no_grad()
def predict_logits(
    model: nn.Module, x: np.ndarray, batch_size: int = 512, device: str | torch.device | None = None
) -> np.ndarray:
    """Logits ``(N, C)`` of ``model`` (eval mode) on one-hot ``(N, 4, L)``."""
    device = get_device(device)
    model.eval().to(device)
    xt = torch.as_tensor(x, dtype=torch.float32)
    out = [model(xt[i : i + batch_size].to(device)).cpu() for i in range(0, len(xt), batch_size)]
    return torch.cat(out).numpy() if out else np.zeros((0, 0), dtype=np.float32)


def evaluate_loss(model, x, y, device=None, batch_size: int = 512) -> float:
    logits = torch.as_tensor(predict_logits(model, x, batch_size, device))
    return nn.functional.binary_cross_entropy_with_logits(
        logits, torch.as_tensor(y, dtype=torch.float32)
    ).item()


def auc_per_class(y: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC AUC of each column ``(C,)``; NaN where a column has a single label value."""
    y, scores = np.atleast_2d(np.asarray(y).T).T, np.atleast_2d(np.asarray(scores).T).T
    out = np.full(y.shape[1], np.nan)
    for c in range(y.shape[1]):
        if 0 < y[:, c].sum() < len(y):
            out[c] = roc_auc_score(y[:, c], scores[:, c])
    return out


@torch.no_grad()
def apply_max_norm(model: nn.Module, max_norm: float) -> None:
    """Clip each conv filter's L2 norm to ``max_norm`` (Keras ``MaxNorm`` constraint)."""
    for module in model.modules():
        if isinstance(module, nn.Conv1d):
            w = module.weight  # (out, in, width)
            norms = w.flatten(1).norm(dim=1).clamp_min(1e-12)
            w.mul_((norms.clamp(max=max_norm) / norms).view(-1, 1, 1))


def train_val_split(n: int, val_fraction: float, rng: np.random.Generator):
    """Random index split ``(train_idx, val_idx)`` of ``range(n)``."""
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    order = rng.permutation(n)
    n_val = max(1, int(round(n * val_fraction)))
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def _check_xy(x: np.ndarray, y: np.ndarray, name: str) -> None:
    if np.ndim(x) != 3 or np.shape(x)[1] != 4:
        raise ValueError(f"{name} inputs must be one-hot (N, 4, L), got shape {np.shape(x)}")
    if np.ndim(y) != 2 or len(y) != len(x):
        raise ValueError(f"{name} labels must be (N, C) with N={len(x)}, got shape {np.shape(y)}")
