"""Cut a model at a named layer: the *body* maps inputs to that layer's feature maps
``(N, K, W)``, the *head* maps feature maps to class logits ``(N, C)``.

DeepResolve runs gradient ascent on the head alone. Two ways to get one:

* :func:`split_sequential` for ``nn.Sequential`` models (nested ones too), cutting
  after the module named ``layer``:

  >>> body, head = split_sequential(model, "pool")           # doctest: +SKIP
  >>> H = feature_maps(body, x)                               # (N, K, W)
  >>> res = deepresolve.resolve(head, H.shape[1:])            # doctest: +SKIP

* :class:`ReplacedLayerHead` for any other model: it runs the whole model on a
  fixed dummy input with the layer's output replaced by ``H``. Slower (the body runs
  too) but needs nothing from the model's structure.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from deepresolve.runtime import get_device


def _flatten(module: nn.Module, prefix: str = "") -> list[tuple[str, nn.Module]]:
    """Leaf modules of nested ``nn.Sequential`` in forward order with dotted names."""
    out = []
    for name, child in module.named_children():
        full = f"{prefix}{name}"
        if isinstance(child, nn.Sequential):
            out.extend(_flatten(child, prefix=f"{full}."))
        else:
            out.append((full, child))
    return out


def split_sequential(model: nn.Module, layer: str) -> tuple[nn.Sequential, nn.Sequential]:
    """Split an ``nn.Sequential`` (possibly nested) after the module named ``layer``.

    Returns ``(body, head)`` sharing parameters with ``model``; both in eval mode.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(
            f"split_sequential needs an nn.Sequential, got {type(model).__name__}; "
            "use ReplacedLayerHead for other models"
        )
    leaves = _flatten(model)
    names = [n for n, _ in leaves]
    if layer not in names:
        raise KeyError(f"layer {layer!r} not in model; layers are {names}")
    cut = names.index(layer) + 1
    if cut == len(leaves):
        raise ValueError(f"layer {layer!r} is the model's last module: the head would be empty")
    body = nn.Sequential(*[m for _, m in leaves[:cut]]).eval()
    head = nn.Sequential(*[m for _, m in leaves[cut:]]).eval()
    return body, head


@torch.no_grad()
def feature_maps(
    body: nn.Module | Callable[[torch.Tensor], torch.Tensor],
    x: np.ndarray | torch.Tensor,
    batch_size: int = 512,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """Run ``body`` on ``x`` in batches; returns its output as ``(N, K, W)`` float32.

    A 2-D output ``(N, K)`` (after global pooling and flattening) becomes ``(N, K, 1)``.
    """
    device = get_device(device)
    if isinstance(body, nn.Module):
        body = body.eval().to(device)
    xt = torch.as_tensor(x, dtype=torch.float32)
    outs = []
    for i in range(0, len(xt), batch_size):
        h = body(xt[i : i + batch_size].to(device)).float().cpu()
        outs.append(h.unsqueeze(-1) if h.ndim == 2 else h)
    return torch.cat(outs).numpy()


def layer_output(model: nn.Module, layer: str, x: torch.Tensor) -> torch.Tensor:
    """Output of the submodule named ``layer`` (as in ``model.named_modules()``) on ``x``."""
    module = _get_module(model, layer)
    captured = {}
    handle = module.register_forward_hook(lambda m, i, o: captured.setdefault("h", o))
    try:
        model(x)
    finally:
        handle.remove()
    return captured["h"]


class ReplacedLayerHead(nn.Module):
    """Head of an arbitrary model: ``forward(H)`` returns the model's logits with the
    output of submodule ``layer`` replaced by ``H`` ``(N, K, W)``.

    ``example_input`` is one input ``(1, ...)`` used only to run the layers before
    ``layer`` (their result is discarded). ``output`` optionally post-processes the
    model output into logits ``(N, C)``.
    """

    def __init__(
        self,
        model: nn.Module,
        layer: str,
        example_input: torch.Tensor,
        output: Callable[[torch.Tensor], torch.Tensor] | None = None,
    ):
        super().__init__()
        self.model = model.eval()
        self.module = _get_module(model, layer)
        self.register_buffer("example_input", example_input[:1].detach().clone())
        self.output = output

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        def replace(module, inputs, output):
            if h.shape[1:] != output.shape[1:]:
                raise ValueError(
                    f"feature maps of shape {tuple(h.shape[1:])} do not match the layer "
                    f"output {tuple(output.shape[1:])}"
                )
            return h

        x = self.example_input.expand(len(h), *self.example_input.shape[1:])
        handle = self.module.register_forward_hook(replace)
        try:
            out = self.model(x)
        finally:
            handle.remove()
        return self.output(out) if self.output is not None else out


def _get_module(model: nn.Module, layer: str) -> nn.Module:
    modules = dict(model.named_modules())
    if layer not in modules:
        raise KeyError(f"layer {layer!r} not in model; modules are {list(modules)[1:]}")
    return modules[layer]
