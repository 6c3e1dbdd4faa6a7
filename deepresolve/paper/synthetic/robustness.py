"""Is dataset I's outcome a property of one trained network? Independently seeded
replicates: new data, new weights, the same analysis, one summary row each.

Per model (columns :data:`ROBUSTNESS_COLUMNS`): test AUC, whether the mean logits per
pattern combination follow the AND/XOR logic, the GMM component count, the filters that
detect the two XOR patterns and the AND pattern (by activity,
:func:`~deepresolve.paper.synthetic.filters.filter_identity`), whether the XOR filters are
flagged non-additive and their IL and FIV signs, the largest IL of any channel, and the
spread of the starts' class scores (max - min): 0 when every start reached the same optimum.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn

from deepresolve.ascent import resolve
from deepresolve.layers import feature_maps, split_sequential
from deepresolve.paper.synthetic.data import SyntheticData, dataset1
from deepresolve.paper.synthetic.diagnosis import combination_logits, learnt_xor
from deepresolve.paper.synthetic.filters import filter_identity, pattern_free
from deepresolve.paper.synthetic.models import resolve_layer, train_synthetic_cnn
from deepresolve.resolution import Resolution
from deepresolve.training import TrainConfig, predict_logits

ROBUSTNESS_COLUMNS = [
    "model", "data_seed", "train_seed", "ascent_seed", "n_sequences", "epochs", "test_auc",
    "learnt_xor", "gmm_components", "n_nonadditive", "filter_xor_a", "filter_xor_b",
    "filter_and", "xor_flagged", "il_xor_a", "il_xor_b", "xor_fiv_sign_flips", "max_il",
    "score_min", "score_max", "score_spread",
]  # fmt: skip


def summarize_model(
    model: nn.Sequential,
    test: SyntheticData,
    res: Resolution,
    auc: float,
    max_background: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    """One robustness row (all columns but ``model``, the seeds, ``n_sequences``, ``epochs``)
    for a trained dataset I ``model`` analysed in ``res``, from its ``test`` sequences.

    Filters are identified by activity on up to ``max_background`` pattern-free test
    sequences. ``xor_fiv_sign_flips``: whether the FIV of either XOR filter is positive in
    some starts and negative in others.
    """
    motifs = [str(m) for m in test.motifs]
    body, _ = split_sequential(model, resolve_layer(model))
    background = test.x[pattern_free(test.contains)[:max_background]]
    ident = filter_identity(body, model.conv.weight.detach().numpy(), background, motifs, seed)
    k_a, k_and, k_b = (int(k) for k in ident["filter_activity"])
    logits = predict_logits(model, test.x.astype(np.float32), device="cpu")[:, 0]
    table = combination_logits(logits, test.contains, motifs)
    fivs, il, nonadd, scores = res.fivs[0], res.il[0], res.nonadditive[0], res.scores[0]
    flips = [bool((fivs[:, k] > 0).any() and (fivs[:, k] < 0).any()) for k in (k_a, k_b)]
    return {
        "test_auc": float(auc),
        "learnt_xor": learnt_xor(table, motifs),
        "gmm_components": int(res.n_components[0]),
        "n_nonadditive": int(nonadd.sum()),
        "filter_xor_a": k_a,
        "filter_xor_b": k_b,
        "filter_and": k_and,
        "xor_flagged": bool(nonadd[k_a] and nonadd[k_b]),
        "il_xor_a": float(il[k_a]),
        "il_xor_b": float(il[k_b]),
        "xor_fiv_sign_flips": any(flips),
        "max_il": float(il.max()),
        "score_min": float(scores.min()),
        "score_max": float(scores.max()),
        "score_spread": float(scores.max() - scores.min()),
    }


def run_replicate(
    data_config: Mapping[str, Any],
    model_spec: Mapping[str, Any],
    train: Mapping[str, Any],
    ascent: Mapping[str, Any],
    seed: int,
    length: int = 100,
    test_fraction: float = 0.2,
    val_fraction: float = 0.1,
    device: str | torch.device | None = None,
) -> tuple[dict[str, Any], Resolution]:
    """Generate dataset I (``data_config``: :func:`~deepresolve.paper.synthetic.data.dataset1`
    arguments), train its CNN (``model_spec``, ``train``: :class:`TrainConfig` fields) and
    run DeepResolve (``ascent``: keyword arguments of :func:`deepresolve.resolve`),
    all seeded from ``seed`` (data and split ``seed``, training ``seed + 1``, ascent
    ``seed + 2``: the row's seed columns). Returns the summary row and the resolution."""
    keys = ("n_sequences", "n_random", "and_motif", "xor_motifs", "p_motif")
    data = dataset1(length=length, seed=seed, **{k: data_config[k] for k in keys})
    trained = train_synthetic_cnn(
        data.x, data.y, dict(model_spec), TrainConfig(**train, seed=seed + 1),
        test_fraction=test_fraction, val_fraction=val_fraction, seed=seed, device=device,
    )  # fmt: skip
    model = trained.model
    body, head = split_sequential(model, resolve_layer(model))
    k, w = feature_maps(body, data.x[:1].astype(np.float32), device="cpu").shape[1:]
    res = resolve(head, (k, w), seed=seed + 2, device=device, progress=False, **ascent)
    row = {
        "data_seed": seed,
        "train_seed": seed + 1,
        "ascent_seed": seed + 2,
        "n_sequences": int(data_config["n_sequences"]),
        "epochs": len(trained.history.val_loss),
        **summarize_model(model, data.subset(trained.test_idx), res, trained.auc[0], seed=seed),
    }
    return row, res
