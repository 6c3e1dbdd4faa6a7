"""Hand-run measurements for deepresolve.baselines; writes benchmarks/baselines_results.tsv.

1. DeepLIFT summation-to-delta error, tangermeme (``layer_deeplift``) vs captum 0.9
   ``DeepLift``, on random TF-panel-shaped heads and local max-pool heads, with a zero
   and a per-sequence (ReLU-like random) reference; error relative to |f(h) - f(ref)|.
2. Run times on CPU of the layer baselines on 10,000 TF-shaped feature maps
   ``(16, 101)`` and of enhanced DeepMotif (11 starts, default settings) on a TF-shaped
   model and on a batched panel of models.

    PYTHONPATH=$PWD python benchmarks/baselines.py [--threads 2]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from deepresolve.baselines import (
    class_score_fn,
    enhanced_deepmotif,
    layer_deeplift,
    layer_gradient_x_input,
    layer_saliency,
    summation_error,
)
from deepresolve.io import write_tsv

K, W = 16, 101


def tf_head(pool: nn.Module, dtype: torch.dtype) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        pool, nn.Flatten(), nn.Linear(K, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1)
    ).to(dtype)


def local_head(kernel: int, stride: int, dtype: torch.dtype) -> nn.Sequential:
    torch.manual_seed(0)
    n = (W - kernel) // stride + 1
    return nn.Sequential(
        nn.MaxPool1d(kernel, stride), nn.Flatten(), nn.Linear(K * n, 32), nn.ReLU(),
        nn.Linear(32, 1),
    ).to(dtype)  # fmt: skip


def relu_maps(n: int, seed: int) -> np.ndarray:
    return np.maximum(np.random.default_rng(seed).normal(size=(n, K, W)), 0)


def captum_attr(head: nn.Module, h: np.ndarray, ref: np.ndarray) -> np.ndarray:
    from captum.attr import DeepLift

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (
            DeepLift(head.eval())
            .attribute(torch.as_tensor(h).clone(), baselines=torch.as_tensor(ref), target=0)
            .detach()
            .numpy()
        )


def summation_rows(n: int = 200) -> list[dict]:
    rows = []
    heads = {
        "TF head, MaxPool1d(101)": lambda d: tf_head(nn.MaxPool1d(W), d),
        "TF head, AdaptiveMaxPool1d(1)": lambda d: tf_head(nn.AdaptiveMaxPool1d(1), d),
        "MaxPool1d(4) head": lambda d: local_head(4, 4, d),
        "MaxPool1d(4, stride 2) head": lambda d: local_head(4, 2, d),
    }
    for dtype, np_dtype in [(torch.float32, np.float32), (torch.float64, np.float64)]:
        h = relu_maps(n, 1).astype(np_dtype)
        refs = {"zero reference": np.zeros_like(h), "per-sequence reference": relu_maps(n, 2)}
        for head_name, make in heads.items():
            head = make(dtype)
            for ref_name, ref in refs.items():
                ref = ref.astype(np_dtype)
                for lib in ("tangermeme", "captum"):
                    if lib == "tangermeme":
                        attr = layer_deeplift(head, h, reference=ref[:, None], check_rtol=None)
                    else:
                        attr = captum_attr(head, h, ref)
                    err, delta = summation_error(head, h, attr, ref[:, None])
                    rel = err / np.maximum(np.abs(delta), 1e-12)
                    rows.append(
                        dict(
                            benchmark="deeplift_summation",
                            setting=f"{lib}; {head_name}; {ref_name}; {dtype}; N={n}",
                            max_abs_error=float(err.max()),
                            median_rel_error=float(np.median(rel)),
                            max_rel_error=float(rel.max()),
                            mean_abs_delta=float(np.abs(delta).mean()),
                        )
                    )
                    print(rows[-1])
    return rows


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def tf_model(seed: int) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv1d(4, K, 25, padding=12), nn.ReLU(), nn.AdaptiveMaxPool1d(1), nn.Flatten(),
        nn.Linear(K, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 1),
    ).eval()  # fmt: skip


def panel_score_fn(m: int, s: int):
    """A batched panel of ``m`` TF-shaped models (grouped conv + batched matmuls)."""
    models = [tf_model(i) for i in range(m)]
    cw = torch.cat([md[0].weight for md in models]).detach()  # (m*K, 4, 25)
    cb = torch.cat([md[0].bias for md in models]).detach()
    w1 = torch.stack([md[4].weight for md in models]).detach()  # (m, 32, K)
    b1 = torch.stack([md[4].bias for md in models]).detach()
    w2 = torch.stack([md[7].weight for md in models]).detach()  # (m, 1, 32)
    b2 = torch.stack([md[7].bias for md in models]).detach()

    def score(x):  # x (m*s, 4, L), model-major rows
        xs = x.reshape(m, s, 4, -1).permute(1, 0, 2, 3).reshape(s, m * 4, -1)
        hmap = torch.relu(nn.functional.conv1d(xs, cw, cb, padding=12, groups=m))
        pooled = hmap.amax(-1).reshape(s, m, K).permute(1, 2, 0)  # (m, K, s)
        hidden = torch.relu(torch.bmm(w1, pooled) + b1[..., None])
        out = torch.bmm(w2, hidden) + b2[..., None]  # (m, 1, s)
        return out[:, 0, :].reshape(m * s)

    return score, models


def timing_rows(n: int = 10_000) -> list[dict]:
    rows = []
    head = tf_head(nn.AdaptiveMaxPool1d(1), torch.float32)
    h = relu_maps(n, 3).astype(np.float32)
    for name, fn in [
        ("layer_saliency", lambda: layer_saliency(head, h)),
        ("layer_gradient_x_input", lambda: layer_gradient_x_input(head, h)),
        ("layer_deeplift (zero reference)", lambda: layer_deeplift(head, h)),
    ]:
        sec, _ = timed(fn)
        rows.append(
            dict(benchmark="time", setting=f"{name}; N={n}, (16, 101), TF head", seconds=sec)
        )
        print(rows[-1])

    model = tf_model(0)
    sec, res = timed(lambda: enhanced_deepmotif(class_score_fn(model), W, seed=0))
    rows.append(
        dict(
            benchmark="time",
            setting=f"enhanced_deepmotif; 1 TF-shaped model, 11 starts; {res.n_steps} steps",
            seconds=sec,
            converged=int(res.converged.sum()),
        )
    )
    print(rows[-1])
    m = 16
    score, models = panel_score_fn(m, 11)
    # the batched panel gives the same logits as the separate models
    x = torch.rand(m * 11, 4, W)
    ref = torch.cat([models[i](x[i * 11 : (i + 1) * 11])[:, 0] for i in range(m)])
    assert torch.allclose(score(x), ref, atol=1e-5)
    sec, res = timed(lambda: enhanced_deepmotif(score, W, n_models=m, seed=0))
    rows.append(
        dict(
            benchmark="time",
            setting=f"enhanced_deepmotif; batched panel of {m} TF-shaped models x 11 starts; "
            f"{res.n_steps} steps",
            seconds=sec,
            converged=int(res.converged.sum()),
        )
    )
    print(rows[-1])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", default=str(Path(__file__).with_name("baselines_results.tsv")))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = summation_rows() + timing_rows()
    df = pd.DataFrame(rows)
    df.insert(2, "threads", args.threads)
    df.insert(3, "torch", torch.__version__)
    write_tsv(args.out, df)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
