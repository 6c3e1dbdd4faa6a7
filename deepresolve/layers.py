"""Cut a model at a named layer: the *body* maps inputs to that layer's feature maps
``(N, K, W)``, the *head* maps feature maps to class logits ``(N, C)``.

DeepResolve runs gradient ascent on the head alone, so the head must be a function of
the layer's feature maps and of nothing else. Three ways to get one:

* :func:`cut_model` / :func:`layer_head` for any model: the graph of ``model.forward``
  is traced (``torch.fx``, with example values, :mod:`deepresolve.graph`) and the part
  after the layer becomes the head; the part before it never runs. The layer must *cut*
  the graph: every path from the model's input to its output passes through it, and it
  is called once. Otherwise (a skip connection around it, a module shared between calls,
  reverse-complement averaging) the cut is refused with the reason and the layers near
  it that do cut. The head also chooses the output (``output=``), removes a final
  sigmoid/softmax/softplus (``logits=True``, with a notice) and maps the ascent's
  ``(N, K, W)`` maps to the layer's own layout (``layout=``):

  >>> cut = cut_model(model, "blocks.3", example_input=x[:1])   # doctest: +SKIP
  >>> H = feature_maps(cut.body, x)                             # (N, K, W)
  >>> res = deepresolve.resolve(cut.head)                       # doctest: +SKIP

  When the forward cannot be traced (control flow on tensor values), the head falls
  back to :class:`ReplacedLayerHead` after the same checks done numerically.

* :func:`split_sequential` for plain ``nn.Sequential`` models (nested ones too).

* :class:`ReplacedLayerHead`: runs the whole model on a fixed input with the layer's
  output replaced by ``H``. Slower (the body runs every step).

Layouts (:data:`LAYOUTS`) name how the layer holds its feature maps: ``"NKW"``
(channels first: Conv1d), ``"NWK"`` (positions first: transformers), ``"NK1W"`` (Conv2d
over a ``(4, 1, L)`` input: Beluga), ``"NK"`` (a flat vector, ``W = 1``).
"""

from __future__ import annotations

import inspect
import operator
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import fx, nn
from torch.fx.proxy import TraceError

from deepresolve import graph
from deepresolve.outputs import (
    FINAL_ACTIVATION_FUNCTIONS,
    FINAL_ACTIVATION_GRAD_FNS,
    FINAL_ACTIVATION_METHODS,
    FINAL_ACTIVATION_MODULES,
    Output,
    check_logits,
    describe_output,
    notice_removed,
    select_output,
)
from deepresolve.runtime import get_device, on_device

LAYOUTS = ("NKW", "NWK", "NK1W", "NK")
# Seed of the shuffled copies of the example input used by the cut checks.
CHECK_SEED = 20
CHECK_RTOL = 1e-4


class CutError(ValueError):
    """The layer does not cut the model: a head at it would not be a function of the
    layer's feature maps alone, and the analysis would be wrong."""


class HookHeadWarning(UserWarning):
    """The model could not be traced; the slower hook-based head is used."""


# --- layouts ---------------------------------------------------------------------------


# layout -> (from (N, K, W) to the layout, from the layout back to (N, K, W))
_LAYOUT_MAPS: dict[str, tuple[Callable, Callable]] = {
    "NKW": (lambda h: h, lambda x: x),
    "NWK": (lambda h: h.transpose(1, 2), lambda x: x.transpose(1, 2)),
    "NK1W": (lambda h: h.unsqueeze(2), lambda x: x[:, :, 0, :]),
    "NK": (lambda h: h[:, :, 0], lambda x: x[:, :, None]),
}


def to_layout(h: torch.Tensor, layout: str) -> torch.Tensor:
    """Feature maps ``(N, K, W)`` in ``layout`` (``NWK``: ``(N, W, K)``, ...)."""
    return _LAYOUT_MAPS[_check_layout(layout)][0](h)


def from_layout(x: torch.Tensor, layout: str) -> torch.Tensor:
    """The inverse of :func:`to_layout`: the layer's output as ``(N, K, W)``."""
    return _LAYOUT_MAPS[_check_layout(layout)][1](x)


def feature_shape(shape: Sequence[int], layout: str) -> tuple[int, int]:
    """``(K, W)`` of a layer output of ``shape`` (batch first) held in ``layout``."""
    ndim = {"NKW": 3, "NWK": 3, "NK1W": 4, "NK": 2}[_check_layout(layout)]
    if len(shape) != ndim or (layout == "NK1W" and shape[2] != 1):
        raise ValueError(f"layout {layout!r} does not fit a layer output of shape {tuple(shape)}")
    k_w = {"NKW": (1, 2), "NWK": (2, 1), "NK1W": (1, 3)}.get(layout)
    return (int(shape[1]), 1) if k_w is None else (int(shape[k_w[0]]), int(shape[k_w[1]]))


def _check_layout(layout: str) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    return layout


_CHANNELS_FIRST = (nn.Conv1d, nn.ConvTranspose1d, nn.MaxPool1d, nn.AvgPool1d, nn.AdaptiveMaxPool1d,
                   nn.AdaptiveAvgPool1d, nn.BatchNorm1d, nn.InstanceNorm1d)  # fmt: skip
_POSITIONS_FIRST = (nn.Linear, nn.LayerNorm, nn.MultiheadAttention, nn.TransformerEncoderLayer,
                    nn.TransformerDecoderLayer, nn.TransformerEncoder, nn.Embedding)  # fmt: skip
_NEUTRAL_MODULES = (nn.ReLU, nn.GELU, nn.ELU, nn.SiLU, nn.Tanh, nn.Sigmoid, nn.Softplus,
                    nn.LeakyReLU, nn.Dropout, nn.Identity, nn.Mish, nn.Hardtanh)  # fmt: skip
_CHANNELS_FIRST_FUNCTIONS = (F.conv1d, F.max_pool1d, F.avg_pool1d, F.batch_norm, torch.conv1d)
_POSITIONS_FIRST_FUNCTIONS = (F.linear, F.layer_norm, torch.matmul, F.scaled_dot_product_attention)


def nn_type(module: nn.Module) -> type:
    """The module's class; for a TorchScript module, the ``torch.nn`` class it was compiled
    from (``original_name``) when there is one."""
    if isinstance(module, torch.jit.ScriptModule):
        return getattr(nn, getattr(module, "original_name", ""), type(module))
    return type(module)


def _module_layout(module: nn.Module) -> str | None:
    """``NKW``/``NWK`` when ``module`` (or its last decisive submodule) fixes the layout of
    a 3-D output, ``"neutral"`` when it keeps its input's, else ``None``."""
    for m in [module, *reversed(list(module.modules())[1:])]:
        if issubclass(nn_type(m), _CHANNELS_FIRST):
            return "NKW"
        if issubclass(nn_type(m), _POSITIONS_FIRST):
            return "NWK"
    return "neutral" if issubclass(nn_type(module), _NEUTRAL_MODULES) else None


def _node_layout(gm: fx.GraphModule, node: fx.Node) -> str | None:
    """The layout of a 3-D node's value, read from the operations that produced it."""
    for _ in range(200):
        kind = None
        if node.op == "call_module":
            kind = _module_layout(gm.get_submodule(node.target))
        elif node.op == "call_function" and node.target in _CHANNELS_FIRST_FUNCTIONS:
            kind = "NKW"
        elif node.op == "call_function" and node.target in _POSITIONS_FIRST_FUNCTIONS:
            kind = "NWK"
        elif _is_elementwise(node):
            kind = "neutral"
        if kind != "neutral":
            return kind
        shaped = [n for n in node.all_input_nodes if graph.shape_of(n) == graph.shape_of(node)]
        if not shaped:
            return None
        node = shaped[0]
    return None


_ELEMENTWISE_METHODS = frozenset(
    {"relu", "relu_", "sigmoid", "tanh", "exp", "float", "contiguous", "clone", "mul", "add",
     "sub", "div", "abs", "clamp", "pow", "sqrt", "neg", "softplus"}
)  # fmt: skip


def _is_elementwise(node: fx.Node) -> bool:
    if node.op == "call_method":
        return node.target in _ELEMENTWISE_METHODS
    if node.op != "call_function":
        return False
    name = getattr(node.target, "__name__", "")
    module = getattr(node.target, "__module__", "") or ""
    return module in ("_operator", "operator") or name in {
        "relu", "gelu", "elu", "silu", "sigmoid", "tanh", "dropout", "softplus", "add", "mul",
        "leaky_relu", "mish", "exp", "abs", "clamp",
    }  # fmt: skip


def infer_layout(shape: Sequence[int], produced_by: str | None, layer: str) -> str:
    """The layout of a layer output of ``shape``: 2-D is ``NK``, 4-D with a height of 1 is
    ``NK1W``; 3-D needs ``produced_by`` (``NKW``/``NWK``, from the operations that made
    it), else the error asks for ``layout=``."""
    if len(shape) == 2:
        return "NK"
    if len(shape) == 4 and shape[2] == 1:
        return "NK1W"
    if len(shape) == 3 and produced_by in ("NKW", "NWK"):
        return produced_by
    if len(shape) == 3:
        raise ValueError(
            f"cannot tell whether layer {layer!r}'s output {tuple(shape)} is (N, K, W) or "
            "(N, W, K): pass layout='NKW' (channels first, as Conv1d) or layout='NWK' "
            "(positions first, as a transformer)"
        )
    raise ValueError(
        f"layer {layer!r} gives {tuple(shape)}: DeepResolve analyses (N, K, W) feature maps "
        f"(layouts {LAYOUTS}); choose a layer with channels and positions"
    )


# --- heads -----------------------------------------------------------------------------


class LayerHead(nn.Module):
    """Head of a model at one of its layers: ``forward(h)`` maps feature maps ``h (B, K,
    W)`` to logits ``(B, C)`` (float32).

    ``net`` computes the model's output from the layer's output (in ``layout``) and
    ``extras``, inputs of ``net`` held fixed: each a ``(1, ...)`` buffer repeated for every
    row. ``output`` is applied to ``net``'s output when it is a callable (an index or key
    is already part of ``net``). Attributes: ``feature_shape`` ``(K, W)``, ``layout``,
    ``layer``, ``method`` (``"graph"``: traced; ``"hook"``: :class:`ReplacedLayerHead`),
    ``removed`` (the final activations removed), ``params`` (a description for
    :class:`~deepresolve.Resolution`). Holds the model's own modules (no copies).
    """

    method = "graph"

    def __init__(
        self, net: nn.Module, layout: str, feature_shape: tuple[int, int], dtype: torch.dtype,
        extras: Mapping[str, torch.Tensor] | None = None, output: Output = None,
        layer: str = "", removed: Sequence[str] = (), copy_input: bool = False,
        features_net: nn.Module | None = None, last_linear: str | None = None,
    ):  # fmt: skip
        super().__init__()
        self.net = net
        self.layout = _check_layout(layout)
        self.feature_shape = (int(feature_shape[0]), int(feature_shape[1]))
        self.dtype = dtype
        self.extra_names = list(extras or {})
        for i, value in enumerate((extras or {}).values()):
            self.register_buffer(f"extra_{i}", value[:1].detach().clone())
        self.output = output if callable(output) else None
        self.layer, self.removed, self.copy_input = layer, list(removed), copy_input
        self.features_net, self.last_linear = features_net, last_linear

    @property
    def params(self) -> dict[str, Any]:
        return dict(layer=self.layer, method=self.method, layout=self.layout,
                    removed_activations=self.removed)  # fmt: skip

    def _inputs(self, h: torch.Tensor) -> list[torch.Tensor]:
        x = to_layout(h, self.layout).to(self.dtype)
        if self.copy_input:  # an in-place operation follows: keep the ascent's leaf intact
            x = x.clone()
        extras = [getattr(self, f"extra_{i}") for i in range(len(self.extra_names))]
        return [x, *(e.expand(len(h), *e.shape[1:]) for e in extras)]

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return select_output(self.net(*self._inputs(h)), self.output).float()

    def split_last_linear(self) -> tuple[Callable[[torch.Tensor], torch.Tensor], nn.Linear] | None:
        """``(features, linear)`` with ``linear(features(h)) == forward(h)`` when the head
        ends in an ``nn.Linear`` (the ascent then scores only each row's own class)."""
        if self.features_net is None or self.last_linear is None:
            return None
        linear = self.net.get_submodule(self.last_linear)
        return (lambda h: self.features_net(*self._inputs(h))), linear


class ReplacedLayerHead(LayerHead):
    """Head of an arbitrary model by forward hooks: ``forward(H)`` runs the model on a
    fixed input with the output of submodule ``layer`` replaced by ``H`` (and the outputs
    of ``removed_modules``, final activations, by their inputs).

    ``example_input`` ``(1, ...)`` only feeds the layers before ``layer`` (their result
    is discarded, at the cost of running them every step). Use it through
    :func:`cut_model` (which checks that the layer cuts the model before any ascent) or
    directly (no check). The layer must be called once per forward.
    """

    method = "hook"

    def __init__(
        self, model: nn.Module, layer: str, example_input: torch.Tensor,
        output: Output = None, layout: str = "NKW", feature_shape: tuple[int, int] | None = None,
        dtype: torch.dtype = torch.float32, fixed_inputs: Mapping[str, Any] | None = None,
        removed_modules: Sequence[str] = (), removed: Sequence[str] = (),
    ):  # fmt: skip
        fixed = dict(fixed_inputs or {})
        tensors = {k: v for k, v in fixed.items() if isinstance(v, torch.Tensor)}
        super().__init__(model, layout, feature_shape or (0, 0), dtype,
                         extras={"example_input": example_input, **tensors}, layer=layer,
                         removed=removed, copy_input=True)  # fmt: skip
        self.model = model
        self.module = _get_module(model, layer)
        self.select = output
        self.constants = {k: v for k, v in fixed.items() if k not in tensors}
        self.removed_modules = [_get_module(model, name) for name in removed_modules]

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        x, example, *extras = self._inputs(h)
        fixed = dict(zip(self.extra_names[1:], extras, strict=True)) | self.constants
        with replaced_outputs(self.module, x, self.removed_modules):
            out = self.model(example, **fixed)
        return select_output(out, self.select).float()


class _Replaced(Exception):
    pass


class replaced_outputs:
    """Context: ``module``'s output is replaced by ``value`` (its shape checked) and each
    of ``passthrough``'s outputs by its first input; hooks removed on exit."""

    def __init__(self, module: nn.Module, value: torch.Tensor, passthrough=()):
        self.module, self.value, self.passthrough = module, value, list(passthrough)

    def _replace(self, module, inputs, output):
        if not isinstance(output, torch.Tensor) or output.shape[1:] != self.value.shape[1:]:
            got = tuple(output.shape[1:]) if isinstance(output, torch.Tensor) else type(output)
            raise ValueError(
                f"feature maps of shape {tuple(self.value.shape[1:])} do not match the layer "
                f"output {got}"
            )
        return self.value

    def __enter__(self):
        self.handles = [self.module.register_forward_hook(self._replace)]
        for m in self.passthrough:
            self.handles.append(m.register_forward_hook(lambda mod, i, o: i[0]))
        return self

    def __exit__(self, *exc):
        for handle in self.handles:
            handle.remove()


@dataclass
class LayerCut:
    """A model cut at a layer: ``body`` maps the model's input to the layer's feature maps
    ``(N, K, W)``, ``head`` (a :class:`LayerHead`) maps them to logits ``(N, C)``."""

    body: nn.Module
    head: LayerHead

    @property
    def feature_shape(self) -> tuple[int, int]:
        return self.head.feature_shape


class _GraphBody(nn.Module):
    """Model input -> the layer's output as ``(N, K, W)``; fixed inputs repeated per row."""

    def __init__(self, net: fx.GraphModule, layout: str, extras: Mapping[str, torch.Tensor]):
        super().__init__()
        self.net, self.layout = net, layout
        for i, value in enumerate(extras.values()):
            self.register_buffer(f"extra_{i}", value[:1].detach().clone())
        self.n_extras = len(extras)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        extras = [getattr(self, f"extra_{i}") for i in range(self.n_extras)]
        out = self.net(x, *(e.expand(len(x), *e.shape[1:]) for e in extras))
        return from_layout(out, self.layout)


class _HookBody(nn.Module):
    """Model input -> the layer's output as ``(N, K, W)``, by a hook (the rest of the
    model does not run)."""

    def __init__(self, model: nn.Module, layer: str, layout: str, fixed: Mapping[str, Any]):
        super().__init__()
        self.model, self.layer, self.layout = model, layer, layout
        self.fixed = dict(fixed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        fixed = {
            k: v.expand(len(x), *v.shape[1:]) if isinstance(v, torch.Tensor) else v
            for k, v in self.fixed.items()
        }
        return from_layout(layer_output(self.model, self.layer, x, **fixed), self.layout)


# --- the cut ----------------------------------------------------------------------------


def cut_model(
    model: nn.Module,
    layer: str,
    example_input: torch.Tensor,
    *,
    output: Output = None,
    logits: bool = True,
    layout: str | None = None,
    fixed_inputs: Mapping[str, Any] | None = None,
    method: str = "auto",
) -> LayerCut:
    """Cut ``model`` at ``layer`` (a module's dotted name as in ``named_modules()``, or a
    node name from :func:`cut_points` such as ``"add_3"``).

    ``example_input``: one input of the model ``(1, ...)`` (more rows are allowed), in
    the model's own layout and dtype; it gives the layer's shape, and the checks compare
    it with shuffled copies. ``output``: which of the model's outputs is the logits (an
    index or key for tuple/dict outputs, or a callable ``out -> (N, C)``, e.g. with
    :func:`deepresolve.outputs.profile_logit`). ``logits``: remove a final
    sigmoid/softmax/softplus (with a :class:`~deepresolve.outputs.FinalActivationWarning`).
    ``layout``: the layer's layout (:data:`LAYOUTS`; default: read from the layers that
    produce it, asked for when it cannot be). ``fixed_inputs``: values of the forward's
    other arguments (e.g. BPNet's control tracks), held fixed; ``None`` to leave an
    optional argument out. ``method``: ``"auto"`` (trace, else hooks), ``"graph"`` or
    ``"hook"``.

    Raises :class:`CutError` when the layer does not cut the model (the message says
    why and names layers that do), ``ValueError``/``KeyError`` for bad arguments, naming
    the argument. The model is not changed: its modes, device, dtype and weights stay.
    """
    if method not in ("auto", "graph", "hook"):
        raise ValueError(f"method must be 'auto', 'graph' or 'hook', got {method!r}")
    if isinstance(model, torch.jit.ScriptModule):
        model = unscript_sequential(model)
    if layout is not None:
        _check_layout(layout)
    if not isinstance(example_input, torch.Tensor):
        raise TypeError(f"example_input must be a tensor, got {type(example_input).__name__}")
    fixed = dict(fixed_inputs or {})
    with eval_modes(model):
        reference = _run_example(model, example_input, fixed)
        if method in ("auto", "graph"):
            try:
                return _graph_cut(model, layer, example_input, fixed, output, logits, layout,
                                  reference)  # fmt: skip
            except (TraceError, _Unfaithful) as err:
                if method == "graph":
                    raise
                reason = str(err)
            warnings.warn(
                f"could not trace {type(model).__name__}.forward ({reason}); using the "
                "hook-based head, which runs the whole model at every ascent step",
                HookHeadWarning,
                stacklevel=2,
            )
        return _hook_cut(model, layer, example_input, fixed, output, logits, layout, reference)


def unscript_sequential(module: torch.jit.ScriptModule) -> nn.Sequential:
    """A TorchScript ``nn.Sequential`` as an ``nn.Sequential`` of its compiled modules, which
    can be cut; other TorchScript modules are refused (their forward can be neither traced
    nor hooked)."""
    if getattr(module, "original_name", "") != "Sequential":
        raise TypeError(
            f"a TorchScript {getattr(module, 'original_name', type(module).__name__)} cannot "
            "be cut (its forward can be neither traced nor hooked); only a scripted "
            "nn.Sequential can. Use the Python module (torch.save(model, path)) instead"
        )
    children = OrderedDict(
        (name, unscript_sequential(child) if child.original_name == "Sequential" else child)
        for name, child in module.named_children()
    )
    return nn.Sequential(children).eval()


def layer_head(model: nn.Module, layer: str, example_input: torch.Tensor, **kwargs) -> LayerHead:
    """The head of :func:`cut_model` (same arguments)."""
    return cut_model(model, layer, example_input, **kwargs).head


def cut_points(
    model: nn.Module, example_input: torch.Tensor, fixed_inputs: Mapping[str, Any] | None = None,
    output: Output = None,
) -> list[tuple[str, tuple[int, ...]]]:  # fmt: skip
    """The layers at which ``model`` can be cut, in forward order: ``(name, shape without
    the batch axis)`` of every node whose output every path from the input to the
    (chosen) output passes through."""
    fixed = dict(fixed_inputs or {})
    with eval_modes(model):
        _run_example(model, example_input, fixed)
        gm = graph.trace(model, example_input, fixed)
    ends = _output_ends(gm, output, one=False)
    sources = graph.free_inputs(gm, _tensor_names(fixed))
    return [(graph.node_label(gm, n), graph.shape_of(n)[1:]) for n in
            graph.cut_candidates(gm, sources, ends)]  # fmt: skip


def _tensor_names(fixed: Mapping[str, Any]) -> list[str]:
    return [k for k, v in fixed.items() if isinstance(v, torch.Tensor)]


def _run_example(model: nn.Module, example: torch.Tensor, fixed: Mapping[str, Any]) -> Any:
    """The model's output on the example; errors name the example input, its dtype, or a
    missing input as the cause."""
    params = graph.forward_arguments(model)
    names = [p.name for p in params]
    unknown = sorted(set(fixed) - set(names[1:]))
    if unknown:
        raise KeyError(f"fixed_inputs {unknown} are not inputs of the model; its inputs: {names}")
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    for p in params[1:]:
        if p.name not in fixed and p.default is p.empty and p.kind not in variadic:
            raise graph.MissingInputError(
                f"{type(model).__name__}.forward takes a second input {p.name!r} with no "
                f"default: pass fixed_inputs={{{p.name!r}: value}} (held fixed while the "
                "feature maps are optimised; a tensor of batch size 1 is repeated per row)"
            )
    dtype = model_dtype(model)
    if example.is_floating_point() and dtype is not None and example.dtype != dtype:
        raise TypeError(
            f"example_input is {example.dtype} but the model's parameters are {dtype}: pass "
            f"example_input.to({dtype})"
        )
    device = model_device(model)
    if device is not None and example.device != device:
        raise ValueError(
            f"example_input is on {example.device} but the model is on {device}: pass "
            f"example_input.to('{device}')"
        )
    try:
        with torch.no_grad():
            return model(example, **fixed)
    except Exception as err:  # the model's own error, with what we passed it
        defaults = [p.name for p in params[1:] if p.name not in fixed]
        others = (
            f" Its other inputs {defaults} were left at their defaults: if the model needs "
            "them (e.g. control tracks), pass fixed_inputs={name: value}."
            if defaults
            else ""
        )
        raise ValueError(
            f"the model does not run on example_input of shape {tuple(example.shape)} "
            f"({example.dtype}): {type(err).__name__}: {err}. Pass one input in the model's "
            "own layout: one-hot DNA is usually (N, 4, L) for Conv1d models, (N, 4, 1, L) "
            f"for Conv2d models, (N, L, 4) for some transformers.{others}"
        ) from err


def model_dtype(model: nn.Module) -> torch.dtype | None:
    """The floating dtype of the model's parameters/buffers (``None`` when it has none);
    refuses a model mixing several."""
    dtypes = {t.dtype for t in [*model.parameters(), *model.buffers()] if t.is_floating_point()}
    if len(dtypes) > 1:
        raise TypeError(f"the model mixes parameter dtypes {sorted(map(str, dtypes))}")
    return dtypes.pop() if dtypes else None


def model_device(model: nn.Module) -> torch.device | None:
    devices = {t.device for t in [*model.parameters(), *model.buffers()]}
    return devices.pop() if len(devices) == 1 else None


class eval_modes:
    """Context: every submodule of ``module`` in eval mode; each one's own mode restored."""

    def __init__(self, module: nn.Module):
        self.module = module

    def __enter__(self) -> nn.Module:
        self.modes = [(m, m.training) for m in self.module.modules()]
        self.module.eval()
        return self.module

    def __exit__(self, *exc) -> None:
        for m, mode in self.modes:
            m.training = mode


class _Unfaithful(Exception):
    """The traced graph does not compute what the model computes."""


def _variants(example: torch.Tensor, rows: int, seed: int) -> torch.Tensor:
    """``rows`` inputs: the example's own rows, then copies of its first row with the last
    axis (positions) shuffled (seeded)."""
    out = list(example[:rows])
    gen = torch.Generator().manual_seed(seed)
    while len(out) < rows:
        perm = torch.randperm(example.shape[-1], generator=gen).to(example.device)
        out.append(example[0][..., perm])
    return torch.stack(out)


def _expand_fixed(fixed: Mapping[str, Any], rows: int) -> dict[str, Any]:
    out = {}
    for name, value in fixed.items():
        if isinstance(value, torch.Tensor):
            if value.shape[0] not in (1, rows):
                raise ValueError(
                    f"fixed_inputs[{name!r}] has batch size {value.shape[0]}: give one row "
                    "(1, ...), repeated for every row"
                )
            value = value[:1].expand(rows, *value.shape[1:])
        out[name] = value
    return out


def _allclose(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        if a.shape != b.shape:
            return False
        scale = float(b.abs().max()) if b.numel() else 0.0
        return bool(torch.allclose(a.float(), b.float(), rtol=CHECK_RTOL,
                                   atol=CHECK_RTOL * (1.0 + scale)))  # fmt: skip
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_allclose(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_allclose(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _output_ends(gm: fx.GraphModule, output: Output, one: bool = True) -> list[fx.Node]:
    """Rewrites the graph's output to the chosen one (index or key) and returns the nodes
    the logits are computed from; ``one``: without ``output``, the model must return one
    tensor."""
    (out,) = [n for n in gm.graph.nodes if n.op == "output"]
    value = out.args[0]
    if one and output is None and not isinstance(value, fx.Node):
        example = fx.node.map_arg(value, lambda n: n.meta.get("value"))
        select_output(example, None)  # names output=
    if output is not None and not callable(output):
        try:
            chosen = value[output]
        except (KeyError, IndexError, TypeError):
            chosen = None
        if not isinstance(chosen, fx.Node):
            example = fx.node.map_arg(value, lambda n: n.meta.get("value"))
            raise ValueError(
                f"output={output!r} does not select a tensor in the model's output, "
                f"{describe_output(example)}"
            )
        out.args = (chosen,)
        gm.graph.eliminate_dead_code()
    return list(out.all_input_nodes)


def _find_node(gm: fx.GraphModule, model: nn.Module, layer: str) -> fx.Node:
    modules = dict(model.named_modules(remove_duplicate=False))
    if layer in modules:
        target = modules[layer]
        name = next(n for n, m in model.named_modules() if m is target)
        calls = graph.calls_of(gm, name)
        if len(calls) == 1:
            return calls[0]
        if not calls:
            raise CutError(f"layer {layer!r} is not called by {type(model).__name__}.forward")
        raise CutError(
            f"layer {layer!r} is called {len(calls)} times in one forward pass (a module "
            "shared between calls, e.g. one ReLU used after several layers, or a strand "
            "and its reverse complement averaged); a head at it would replace every call. "
            f"Its calls are the graph nodes {[n.name for n in calls]}: name one of them as "
            "the layer, or analyse the submodule that runs once per strand"
        )
    nodes = {n.name: n for n in gm.graph.nodes}
    if layer in nodes and nodes[layer].op not in ("placeholder", "output"):
        return nodes[layer]
    named = [n for n in modules if n]
    raise KeyError(
        f"layer {layer!r} is neither a module of the model nor a node of its graph; modules: "
        f"{named[:40]}{' ...' if len(named) > 40 else ''} (deepresolve.layers.cut_points "
        "lists the layers that cut the model)"
    )


def _suggest(gm: fx.GraphModule, cuts: Sequence[fx.Node], near: fx.Node, n: int = 3) -> str:
    order = {node: i for i, node in enumerate(gm.graph.nodes)}
    before = [c for c in cuts if order[c] < order[near]][-n:]
    after = [c for c in cuts if order[c] > order[near]][:n]
    names = [f"{graph.node_label(gm, c)!r} {_batchless(graph.shape_of(c))}" for c in before + after]
    return ", ".join(names) if names else "none"


def _batchless(shape: tuple[int, ...] | None) -> str:
    return "(N, " + ", ".join(map(str, shape[1:])) + ")" if shape else "?"


def _remove_final_activations(gm: fx.GraphModule, ends: Sequence[fx.Node]) -> list[str]:
    """Rewires each output's final sigmoid/softmax/softplus (looking through reshapes and
    indexing) to its input; returns what was removed."""
    removed = []
    for end in ends:
        node = end
        while True:
            act = _activation_of(gm, node)
            if act is not None:
                removed.append(act)
                node.replace_all_uses_with(node.args[0])
                break
            if not _is_reshape(node):
                break
            node = node.args[0]
    gm.graph.eliminate_dead_code()
    return removed


def _activation_of(gm: fx.GraphModule, node: fx.Node) -> str | None:
    if node.op == "call_module":
        kind = nn_type(gm.get_submodule(node.target))
        if issubclass(kind, FINAL_ACTIVATION_MODULES):
            return f"{kind.__name__} ({node.target!r})"
    if node.op == "call_function" and node.target in FINAL_ACTIVATION_FUNCTIONS:
        return f"{node.target.__name__} ({node.name!r})"
    if node.op == "call_method" and node.target in FINAL_ACTIVATION_METHODS:
        return f".{node.target}() ({node.name!r})"
    return None


_RESHAPES = frozenset({"view", "reshape", "squeeze", "unsqueeze", "flatten", "contiguous",
                       "permute", "transpose", "float", "__getitem__"})  # fmt: skip


def _is_reshape(node: fx.Node) -> bool:
    if node.op == "call_method":
        return node.target in _RESHAPES
    if node.op == "call_function":
        return node.target in (operator.getitem, torch.flatten, torch.squeeze, torch.reshape,
                               torch.unsqueeze)  # fmt: skip
    return False


def _subgraph(gm: fx.GraphModule, inputs: Sequence[fx.Node], result: Any) -> fx.GraphModule:
    """A graph module computing ``result`` (a node or a structure of nodes) from the
    values of ``inputs`` (placeholders, in order): only the nodes needed run. Shares the
    model's modules."""
    new = fx.Graph()
    env: dict[fx.Node, fx.Node] = {}
    for node in inputs:
        env[node] = new.placeholder(node.name if node.op == "placeholder" else f"{node.name}_in")
        env[node].meta = {k: v for k, v in node.meta.items() if k != "value"}
    needed = graph.ancestors(_nodes_in(result), stop=env)
    for node in gm.graph.nodes:
        if node in needed:
            if node.op == "placeholder":
                raise AssertionError(f"input {node.name} reached without being given")
            env[node] = new.node_copy(node, lambda n: env[n])
    new.output(fx.node.map_arg(result, lambda n: env[n]))
    sub = fx.GraphModule(gm, new, class_name="Head")
    return sub


def _nodes_in(structure: Any) -> list[fx.Node]:
    found: list[fx.Node] = []
    fx.node.map_arg(structure, lambda n: found.append(n) or n)
    return found


_INPLACE_OPERATORS = frozenset({operator.iadd, operator.isub, operator.imul, operator.itruediv})


def _inplace_on(gm: fx.GraphModule, start: fx.Node) -> bool:
    """Whether an in-place operation acts on ``start``'s value or a view of it."""
    frontier, seen = [start], set()
    while frontier:
        node = frontier.pop()
        for user in node.users:
            if user in seen:
                continue
            seen.add(user)
            if user.op == "call_module":
                module = gm.get_submodule(user.target)
                if getattr(module, "inplace", False):
                    return True
            elif user.op == "call_method" and str(user.target).endswith("_"):
                return True
            elif user.kwargs.get("inplace", False):
                return True
            elif user.op == "call_function" and user.target in _INPLACE_OPERATORS:
                return True
            if _is_reshape(user):
                frontier.append(user)
    return False


def _graph_cut(model, layer, example, fixed, output, logits, layout, reference) -> LayerCut:
    modules = dict(model.named_modules(remove_duplicate=False))
    trace_in = _variants(example, 2, CHECK_SEED)
    try:
        gm = graph.trace(model, trace_in, _expand_fixed(fixed, 2), inside=modules.get(layer))
    except (graph.MissingInputError, KeyError, TraceError):
        raise
    except Exception as err:  # whatever the forward does with proxies it cannot take
        raise TraceError(f"{type(err).__name__}: {err}") from err
    for rows in (1, 3):  # the trace computes what the model computes, at other batch sizes
        x = _variants(example, rows, CHECK_SEED + rows)
        args = _expand_fixed(fixed, rows)
        with torch.no_grad():
            want = model(x, **args)
            tensors = {k: v for k, v in args.items() if isinstance(v, torch.Tensor)}
            try:
                got = gm(x, **tensors)
            except Exception as err:
                raise _Unfaithful(f"the traced graph fails at batch size {rows}: {err}") from err
        if not _allclose(got, want):
            raise _Unfaithful(f"the traced graph differs from the model at batch size {rows}")
    node = _find_node(gm, model, layer)
    value = node.meta.get("value")
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise CutError(f"layer {layer!r} gives {describe_output(value)}, not feature maps")
    ends = _output_ends(gm, output)
    if node not in set(gm.graph.nodes):
        raise CutError(f"layer {layer!r} does not feed output={output!r}")
    tensor_fixed = _tensor_names(fixed)
    sources = graph.free_inputs(gm, tensor_fixed)
    where = graph.leak(gm, node, sources, ends)
    if where is not None:
        cuts = graph.cut_candidates(gm, sources, ends)
        raise CutError(
            f"layer {layer!r} does not cut {type(model).__name__}: the model's input reaches "
            f"the output around it, joining at {graph.node_label(gm, where)!r} (a skip "
            "connection or a second branch), so a head at it would still depend on the "
            "input. Layers that cut the model near it: "
            f"{_suggest(gm, cuts, node)} (deepresolve.layers.cut_points lists all)"
        )
    removed = _remove_final_activations(gm, ends) if logits else []
    ends = graph.output_nodes(gm)
    shape = tuple(value.shape)
    if layout is None:
        layout = infer_layout(shape, _node_layout(gm, node), layer)
    k_w = feature_shape(shape, layout)
    # inputs the head still reads: fixed tensors, and the model input for its shape only
    (out_node,) = [n for n in gm.graph.nodes if n.op == "output"]
    extras_nodes = _read_inputs(gm, node, out_node, sources, tensor_fixed)
    extras = {p.name: example if p in sources else fixed[p.target] for p in extras_nodes}
    net = _subgraph(gm, [node, *extras_nodes], out_node.args[0])
    features_net, last_linear = _features_net(gm, node, extras_nodes, out_node, output)
    for sub in (net, features_net):
        if sub is not None:
            _strip_values(sub)
    head = LayerHead(net, layout, k_w, value.dtype, extras=extras, output=output, layer=layer,
                     removed=removed, copy_input=_inplace_on(gm, node),
                     features_net=features_net, last_linear=last_linear)  # fmt: skip
    for name in removed:
        notice_removed(name)
    placeholders = [p for p in gm.graph.nodes if p.op == "placeholder"]
    body_inputs = placeholders[:1] + [p for p in placeholders if p.target in tensor_fixed]
    body_net = _subgraph(gm, body_inputs, node)
    _strip_values(body_net)
    body = _GraphBody(body_net, layout, {p.target: fixed[p.target] for p in body_inputs[1:]})
    _check_head(head, body, example, fixed, reference, output, logits and bool(removed))
    return LayerCut(body, head)


def _read_inputs(gm, cut, out_node, sources, tensor_fixed) -> list[fx.Node]:
    """Placeholders the head needs besides the cut: fixed tensors, and model inputs whose
    shape (only) the part after the cut reads."""
    needed = graph.ancestors(out_node.all_input_nodes, stop=[cut])
    return [
        n for n in gm.graph.nodes
        if n.op == "placeholder" and n in needed and (n in sources or n.target in tensor_fixed)
    ]  # fmt: skip


def _features_net(gm, node, extras_nodes, out_node, output):
    """``(graph up to the input of a final nn.Linear, that Linear's name)``; ``(None,
    None)`` when the head does not end in one or its output goes through a callable."""
    result = out_node.args[0]
    if callable(output) or not isinstance(result, fx.Node) or result.op != "call_module":
        return None, None
    if not isinstance(gm.get_submodule(result.target), nn.Linear) or result is node:
        return None, None
    (features,) = result.args[:1]
    if features is node or not isinstance(features, fx.Node) or result.kwargs:
        return None, None
    return _subgraph(gm, [node, *extras_nodes], features), str(result.target)


def _strip_values(gm: fx.GraphModule) -> None:
    for n in gm.graph.nodes:
        n.meta.pop("value", None)


def _check_head(head, body, example, fixed, reference, output, removed_any) -> None:
    """``head(body(x))`` reproduces the model's logits on the example (before a removed
    activation, which this compares through the activation's absence only)."""
    with torch.no_grad():
        h = body(example[:1])
        got = head(h)
    check_logits(got, 1, output)
    if removed_any:
        return
    want = select_output(reference, output)[:1]
    if not _allclose(got, want.float()):
        raise CutError(
            f"the head at layer {head.layer!r} does not reproduce the model's output on "
            "example_input: the traced graph and the model disagree"
        )


def _hook_cut(model, layer, example, fixed, output, logits, layout, reference) -> LayerCut:
    module = _get_module(model, layer)
    calls: list[torch.Tensor] = []
    handle = module.register_forward_hook(lambda m, i, o: calls.append(o))
    produced: dict[int, str] = {}

    def record(name):
        return lambda mod, inputs, out: produced.__setitem__(id(out.grad_fn), name)

    act_handles = [
        m.register_forward_hook(record(name))
        for name, m in model.named_modules()
        if isinstance(m, FINAL_ACTIVATION_MODULES)
    ]
    try:
        with torch.enable_grad():
            out = model(example[:1], **_expand_fixed(fixed, 1))
    finally:
        handle.remove()
        for h in act_handles:
            h.remove()
    if len(calls) != 1:
        raise CutError(
            f"layer {layer!r} is called {len(calls)} times in one forward pass (a module shared "
            "between calls, or a strand and its reverse complement): a head at it would "
            "replace every call. Choose a module that runs once"
        )
    value = calls[0]
    if not isinstance(value, torch.Tensor) or not value.is_floating_point():
        raise CutError(f"layer {layer!r} gives {describe_output(value)}, not feature maps")
    logit = select_output(out, output)
    removed_modules, removed = [], []
    if logits:
        name, kind = _final_activation_by_autograd(logit, produced)
        if kind is not None and name is None:
            raise ValueError(
                f"the model's output comes from a {kind} applied as a function, which the "
                "hook-based head cannot remove: make the final activation a module, or pass "
                "logits=False to maximise the activated output"
            )
        if name is not None:
            removed_modules.append(name)
            removed.append(f"{kind} ({name!r})")
    shape = tuple(value.shape)
    if layout is None:
        produced_by = _module_layout(module)
        layout = infer_layout(shape, None if produced_by == "neutral" else produced_by, layer)
    k_w = feature_shape(shape, layout)
    head = ReplacedLayerHead(
        model, layer, example[:1], output=output, layout=layout, feature_shape=k_w,
        dtype=value.dtype, fixed_inputs=fixed, removed_modules=removed_modules, removed=removed,
    )  # fmt: skip
    for name in removed:
        notice_removed(name)
    _numerical_cut_check(head, from_layout(value.detach(), layout), example, layer)
    body = _HookBody(model, layer, layout, fixed)
    with torch.no_grad():
        check_logits(head(from_layout(value.detach(), layout)), 1, output)
    return LayerCut(body, head)


def _final_activation_by_autograd(out: torch.Tensor, produced: Mapping[int, str]):
    """``(module name or None, kind)`` of the final activation behind ``out`` (looking
    through reshapes and indexing), ``(None, None)`` when there is none."""
    fn = out.grad_fn
    for _ in range(20):
        if fn is None:
            return None, None
        name = type(fn).__name__
        kind = next((k for k in FINAL_ACTIVATION_GRAD_FNS if name.startswith(k + "Backward")), None)
        if kind is not None:
            return produced.get(id(fn)), kind
        if not any(name.startswith(p) for p in ("View", "Unsqueeze", "Squeeze", "Select",
                                                 "Slice", "Reshape", "Permute", "Transpose",
                                                 "Clone", "Index", "ToCopy")):  # fmt: skip
            return None, None
        inputs = [f for f, _ in fn.next_functions if f is not None]
        if not inputs:
            return None, None
        fn = inputs[0]
    return None, None


def _numerical_cut_check(head: ReplacedLayerHead, h: torch.Tensor, example, layer) -> None:
    """The same feature maps with two different model inputs must give the same output."""
    others = _variants(example, 3, CHECK_SEED)[1:]
    outs = []
    with torch.no_grad():
        for x in (example[:1], others[:1], others[1:2]):
            head.extra_0.copy_(x)
            outs.append(head(h))
        head.extra_0.copy_(example[:1])
    if not all(_allclose(o, outs[0]) for o in outs[1:]):
        diff = max(float((o - outs[0]).abs().max()) for o in outs[1:])
        raise CutError(
            f"layer {layer!r} does not cut the model: with its output held fixed, the model's "
            f"output still changes with the model input (by up to {diff:.3g}), so the input "
            "reaches the output around the layer (a skip connection or a second branch). "
            "Choose the output of the block that contains it"
        )


# --- nn.Sequential ---------------------------------------------------------------------


def _is_plain_sequential(module: nn.Module) -> bool:
    """An ``nn.Sequential`` whose forward is ``nn.Sequential``'s: its children in order."""
    return isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward


def _flatten(module: nn.Module, prefix: str = "") -> list[tuple[str, nn.Module]]:
    """Modules of nested plain ``nn.Sequential`` in forward order with dotted names; any
    other module (an ``nn.Sequential`` subclass with its own forward included) is one."""
    out = []
    for name, child in module.named_children():
        full = f"{prefix}{name}"
        if _is_plain_sequential(child):
            out.extend(_flatten(child, prefix=f"{full}."))
        else:
            out.append((full, child))
    return out


class _CopyInput(nn.Module):
    """Copies its input, so that an in-place first layer of a head does not write into
    the ascent's feature maps."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.clone()


def split_sequential(model: nn.Module, layer: str) -> tuple[nn.Sequential, nn.Sequential]:
    """Split an ``nn.Sequential`` (possibly nested) after the module named ``layer``.

    Returns ``(body, head)`` sharing modules and parameters with ``model``, whose modes
    are left as they are (``resolve`` and :func:`feature_maps` run them in eval mode and
    restore each module's mode). ``nn.Sequential`` subclasses with their own ``forward``
    are kept whole. A head starting with an in-place module gets a copy of its input first.
    """
    if not _is_plain_sequential(model):
        what = (
            f"{type(model).__name__} defines its own forward"
            if isinstance(model, nn.Sequential)
            else f"got {type(model).__name__}"
        )
        raise TypeError(
            f"split_sequential needs an nn.Sequential that runs its modules in order; {what}: "
            "use deepresolve.layers.cut_model (it traces the forward) or ReplacedLayerHead"
        )
    leaves = _flatten(model)
    names = [n for n, _ in leaves]
    if layer not in names:
        inside = [n for n in names if layer.startswith(n + ".")]
        if inside:
            owner = dict(leaves)[inside[0]]
            raise KeyError(
                f"layer {layer!r} is inside {inside[0]!r} ({type(owner).__name__}, whose own "
                f"forward decides how it is used): cut after {inside[0]!r}, or use "
                "deepresolve.layers.cut_model"
            )
        raise KeyError(f"layer {layer!r} not in model; layers are {names}")
    cut = names.index(layer) + 1
    if cut == len(leaves):
        raise ValueError(f"layer {layer!r} is the model's last module: the head would be empty")
    body = nn.Sequential(OrderedDict(_dotless(leaves[:cut])))
    rest = _dotless(leaves[cut:])
    if getattr(rest[0][1], "inplace", False):
        rest.insert(0, ("copy_input", _CopyInput()))
    return body, nn.Sequential(*[m for _, m in rest])


def _dotless(leaves):
    return [(n.replace(".", "_"), m) for n, m in leaves]


# --- running bodies ----------------------------------------------------------------------


@torch.no_grad()
def feature_maps(
    body: nn.Module | Callable[[torch.Tensor], torch.Tensor],
    x: np.ndarray | torch.Tensor,
    batch_size: int = 512,
    device: str | torch.device | None = None,
) -> np.ndarray:
    """Run ``body`` on ``x`` in batches (eval mode; the caller's module keeps its modes and
    device); returns its output as ``(N, K, W)`` float32.

    A 2-D output ``(N, K)`` (after global pooling and flattening) becomes ``(N, K, 1)``.
    """
    device = get_device(device)
    xt = torch.as_tensor(x, dtype=torch.float32) if not isinstance(x, torch.Tensor) else x
    if isinstance(xt, torch.Tensor) and xt.is_floating_point() and isinstance(body, nn.Module):
        dtype = model_dtype(body)
        xt = xt.to(dtype) if dtype is not None else xt.float()
    outs = []
    if isinstance(body, nn.Module):
        with on_device(body, device) as run:
            for i in range(0, len(xt), batch_size):
                outs.append(_as_maps(run(xt[i : i + batch_size].to(device))))
    else:
        for i in range(0, len(xt), batch_size):
            outs.append(_as_maps(body(xt[i : i + batch_size].to(device))))
    return torch.cat(outs).numpy()


def _as_maps(h: torch.Tensor) -> torch.Tensor:
    h = h.float().cpu()
    return h.unsqueeze(-1) if h.ndim == 2 else h


def layer_output(model: nn.Module, layer: str, x: torch.Tensor, **inputs: Any) -> torch.Tensor:
    """Output of the submodule named ``layer`` (as in ``model.named_modules()``) on ``x``
    (the model stops there); ``inputs``: other forward arguments."""
    module = _get_module(model, layer)
    captured = {}

    def stop(m, i, o):
        captured["h"] = o
        raise _Replaced

    handle = module.register_forward_hook(stop)
    try:
        model(x, **inputs)
    except _Replaced:
        pass
    finally:
        handle.remove()
    if "h" not in captured:
        raise CutError(f"layer {layer!r} is not called by {type(model).__name__}.forward")
    return captured["h"]


def _get_module(model: nn.Module, layer: str) -> nn.Module:
    modules = dict(model.named_modules(remove_duplicate=False))
    if layer not in modules or not layer:
        raise KeyError(f"layer {layer!r} not in model; modules are {list(modules)[1:]}")
    return modules[layer]


# --- heads given to resolve --------------------------------------------------------------


class AdaptedHead(nn.Module):
    """A head module adapted to the ascent: feature maps ``(B, K, W)`` into ``layout`` and
    ``dtype``, the chosen ``output``, float32 logits out."""

    def __init__(self, head: nn.Module, output: Output = None, layout: str = "NKW",
                 dtype: torch.dtype = torch.float32):  # fmt: skip
        super().__init__()
        self.head, self.select, self.layout, self.dtype = head, output, _check_layout(layout), dtype

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        out = self.head(to_layout(h, self.layout).to(self.dtype))
        return select_output(out, self.select).float()


def prepare_head(
    head: nn.Module,
    feature_shape: Sequence[int] | None,
    *,
    layer: str | None = None,
    example_input: torch.Tensor | None = None,
    output: Output = None,
    logits: bool = True,
    layout: str | None = None,
    fixed_inputs: Mapping[str, Any] | None = None,
) -> tuple[nn.Module, tuple[int, int], dict[str, Any]]:
    """``(head, (K, W), description)`` for :func:`deepresolve.resolve`: cuts a model at
    ``layer`` (:func:`cut_model`), takes a :class:`LayerHead` as it is, or adapts a head
    module (``output``, ``layout``, its dtype; an ``nn.Sequential`` ending in a final
    activation loses it, with a notice)."""
    if layer is not None:
        if example_input is None:
            raise ValueError(
                "layer= needs example_input=: one input of the model (1, ...), e.g. a one-hot "
                "sequence (1, 4, L), to find the layer's shape and check the cut"
            )
        head = cut_model(head, layer, example_input, output=output, logits=logits,
                         layout=layout, fixed_inputs=fixed_inputs).head  # fmt: skip
    elif example_input is not None or fixed_inputs is not None:
        raise ValueError("example_input= and fixed_inputs= go with layer= (the layer to cut at)")
    elif isinstance(head, LayerHead):
        if output is not None or layout is not None:
            raise ValueError("this head was cut with its output and layout; pass them to cut_model")
    else:
        head = _adapt(head, output, logits, layout)
    if isinstance(head, LayerHead):
        own = head.feature_shape
        if feature_shape is not None and tuple(int(s) for s in feature_shape) != own:
            raise ValueError(
                f"feature_shape {tuple(feature_shape)} does not match layer {head.layer!r}: its "
                f"feature maps are (K, W) = {own} (layout {head.layout}); omit feature_shape"
            )
        return head, own, head.params
    if feature_shape is None:
        raise ValueError(
            "feature_shape=(K, W) is needed for a head module; or pass the whole model with "
            "layer= and example_input= and let resolve cut it"
        )
    return head, tuple(int(s) for s in feature_shape), {}


def _adapt(head: nn.Module, output: Output, logits: bool, layout: str | None) -> nn.Module:
    if logits and isinstance(head, nn.Sequential) and len(head) > 1:
        last = head[-1]
        if isinstance(last, FINAL_ACTIVATION_MODULES) and output is None:
            notice_removed(f"{type(last).__name__} (the head's last module)")
            head = head[:-1]
    dtype = model_dtype(head) or torch.float32
    if output is None and layout in (None, "NKW") and dtype == torch.float32:
        return head
    return AdaptedHead(head, output, layout or "NKW", dtype)


def probe_head(head: nn.Module, k: int, w: int, device: torch.device, logits: bool) -> int:
    """Number of the head's outputs ``C``; checks that it takes ``(N, K, W)`` maps and
    returns finite ``(N, C)`` logits (not probabilities, when ``logits``)."""
    h = torch.zeros(2, k, w, device=device, requires_grad=True)
    try:
        with torch.enable_grad():
            out = head(h)
    except RuntimeError as err:
        raise ValueError(
            f"head does not accept feature maps of shape (N, {k}, {w}): {err}. If the layer "
            "holds (N, W, K) (a transformer) pass layout='NWK'; (N, K, 1, W) (Conv2d): "
            "layout='NK1W'; check that feature_shape is (K, W), not (W, K)"
        ) from err
    if not isinstance(out, torch.Tensor):
        raise ValueError(
            f"the head returned {describe_output(out)}: pass output= (an index, a key, or a "
            "callable returning (N, C) logits)"
        )
    if out.ndim != 2 or out.shape[0] != 2:
        raise ValueError(
            f"head must return logits (N, C); for input (2, {k}, {w}) it gave {tuple(out.shape)}"
        )
    if logits:
        _, kind = _final_activation_by_autograd(out, {})
        if kind is not None:
            raise ValueError(
                f"the head's output comes from a {kind}: DeepResolve maximises the scores "
                "before it. Drop the activation from the head (or cut the whole model with "
                "layer=, which removes it), or pass logits=False to keep it"
            )
    if not torch.isfinite(out).all():
        raise ValueError("head returned non-finite logits for an all-zero feature map")
    return int(out.shape[1])
