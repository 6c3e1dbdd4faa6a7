"""A model's computation graph, traced with example values, and where it can be cut.

:func:`trace` records the model's ``forward`` with ``torch.fx`` while running every
recorded operation on an example input, so each node carries its example value
(``node.meta["value"]``). The values let tracing through what plain symbolic tracing
refuses: ``len(x.size())`` and ``if x.dim() == 3`` (Python values derived from shapes,
recorded for the example's shapes). Control flow that depends on tensor *data*
(``if x.sum() > 0``) is still refused (:class:`torch.fx.proxy.TraceError`): the graph
would hold one branch for every input.

A node *cuts* the graph when every path from the model's inputs to its output passes
through it: then the output is a function of that node's value alone, and the part of
the graph after it is a head (:func:`cut_points`, :func:`leak`). Paths that only read a
tensor's shape (``x.size(0)``, ``torch.zeros_like(x)``) carry no data and do not count.

Shapes: ``N`` batch; node values as the model computes them.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import torch
from torch import fx, nn
from torch.fx._symbolic_trace import _maybe_revert_all_patches
from torch.fx.proxy import TraceError

# Operations whose result depends on their tensor arguments' metadata (shape, dtype,
# device) only, never on the values.
_META_METHODS = frozenset(
    {"size", "dim", "numel", "nelement", "ndimension", "new_zeros", "new_ones", "new_empty",
     "new_full", "type", "get_device"}
)  # fmt: skip
_META_ATTRS = frozenset({"shape", "dtype", "device", "ndim", "is_cuda", "layout"})
_META_FUNCTIONS = frozenset(
    {torch.zeros_like, torch.ones_like, torch.empty_like, torch.full_like, torch.numel, len}
)


class _ValueProxy(fx.Proxy):
    """A proxy whose node carries its example value: ``len`` of a shape and attribute
    access (``x.shape``) work; see :class:`_ValueTracer` for ``bool`` and iteration."""

    def __len__(self) -> int:
        value = self.node.meta.get("value")
        if isinstance(value, (tuple, list, torch.Size)):
            return len(value)
        raise TraceError(
            f"len() of {type(value).__name__} {self.node.name!r}: its length would be the "
            "example's (e.g. the batch size) for every input"
        )

    def __getattr__(self, k: str) -> fx.proxy.Attribute:
        return _ValueAttribute(self, k)


class _ValueAttribute(_ValueProxy, fx.proxy.Attribute):
    def __init__(self, root: fx.Proxy, attr: str) -> None:
        fx.proxy.Attribute.__init__(self, root, attr)


class _ValueTracer(fx.Tracer):
    """``torch.fx`` tracer that also runs each recorded operation on the example
    values (under ``no_grad``). ``inside``: a module whose ancestors are traced into even
    when they are ``torch.nn`` built-ins (``nn.TransformerEncoder`` holding the layer)."""

    def __init__(self, inputs: Mapping[str, Any], inside: nn.Module | None = None):
        super().__init__(autowrap_functions=())
        self.inputs = dict(inputs)
        self.inside = inside
        self.calls: Counter[str] = Counter()

    def call_module(self, m: nn.Module, forward, args, kwargs):
        """Records each call, and on the node a module returns, the module's name
        (``meta["module_outputs"]``, innermost first): a traced-into block's output is
        named after the block."""
        name = self.path_of_module(m)
        self.calls[name] += 1
        out = super().call_module(m, forward, args, kwargs)
        if isinstance(out, fx.Proxy) and out.node.op != "placeholder":
            out.node.meta.setdefault("module_outputs", []).append(name)
        return out

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        if isinstance(m, torch.jit.ScriptModule):
            return True  # compiled: run as one call
        if self.inside is not None and m is not self.inside:
            if any(sub is self.inside for sub in m.modules()):
                return False  # an ancestor of the cut layer: trace into it
        return super().is_leaf_module(m, module_qualified_name)

    def proxy(self, node: fx.Node) -> fx.Proxy:
        return _ValueProxy(node, self)

    def create_node(self, kind, target, args, kwargs, name=None, type_expr=None) -> fx.Node:
        node = super().create_node(kind, target, args, kwargs, name, type_expr)
        # Run the operation itself with tracing's patches of nn.Module.__call__ undone, so a
        # leaf module's own submodules run as modules and record nothing.
        with torch.no_grad(), _maybe_revert_all_patches():
            node.meta["value"] = self._value_of(node)
        return node

    def _value_of(self, node: fx.Node) -> Any:
        if node.op == "placeholder":  # a specialised argument's placeholder is never read
            return self.inputs.get(node.target)
        if node.op == "output":
            return None
        args = fx.node.map_arg(node.args, lambda n: n.meta.get("value"))
        kwargs = fx.node.map_arg(node.kwargs, lambda n: n.meta.get("value"))
        if node.op == "get_attr":
            return _get_attr(self.root, node.target)
        if node.op == "call_module":
            return self.root.get_submodule(node.target)(*args, **kwargs)
        if node.op == "call_method":
            return getattr(args[0], node.target)(*args[1:], **kwargs)
        return node.target(*args, **kwargs)

    def to_bool(self, obj: fx.Proxy) -> bool:
        value = obj.node.meta.get("value")
        if isinstance(value, bool):
            return value
        raise TraceError(
            f"control flow on {type(value).__name__} {obj.node.name!r} depends on tensor "
            "data: a traced graph would hold one branch for every input"
        )

    def iter(self, obj: fx.Proxy) -> Iterator:
        value = obj.node.meta.get("value")
        if isinstance(value, (tuple, list, torch.Size)):
            return (obj[i] for i in range(len(value)))
        raise TraceError(f"cannot iterate over {type(value).__name__} {obj.node.name!r}")


def _get_attr(root: nn.Module, target: str) -> Any:
    out = root
    for part in target.split("."):
        out = getattr(out, part)
    return out


def forward_arguments(model: nn.Module) -> list[inspect.Parameter]:
    """The parameters of ``model.forward`` (``self`` excluded), in order."""
    return list(inspect.signature(model.forward).parameters.values())


def trace(
    model: nn.Module,
    example_input: Any,
    fixed_inputs: Mapping[str, Any] | None = None,
    inside: nn.Module | None = None,
) -> fx.GraphModule:
    """Trace ``model.forward`` on ``example_input`` (its first argument); every node's
    example value is in ``node.meta["value"]``. Other forward arguments take their value
    from ``fixed_inputs`` (a tensor stays an input of the graph; ``None`` and non-tensors
    are specialised away) or else their default. ``inside``: a module whose ancestors
    are traced into. Raises :class:`torch.fx.proxy.TraceError` (or what the model raises) when the
    forward cannot be traced; the model runs in its current mode."""
    params = forward_arguments(model)
    if not params:
        raise TypeError(f"{type(model).__name__}.forward takes no input")
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    if any(p.kind in kinds for p in params):
        raise TraceError(f"{type(model).__name__}.forward takes *args/**kwargs")
    fixed = dict(fixed_inputs or {})
    unknown = set(fixed) - {p.name for p in params[1:]}
    if unknown:
        names = [p.name for p in params]
        raise KeyError(f"fixed_inputs {sorted(unknown)} are not inputs of the model: {names}")
    inputs, concrete = {params[0].name: example_input}, {}
    for p in params[1:]:
        if p.name in fixed and isinstance(fixed[p.name], torch.Tensor):
            inputs[p.name] = fixed[p.name]
        elif p.name in fixed:
            concrete[p.name] = fixed[p.name]
        elif p.default is not inspect.Parameter.empty:
            concrete[p.name] = p.default
        else:
            raise MissingInputError(
                f"the model's forward takes a second input {p.name!r} with no default: pass "
                f"fixed_inputs={{{p.name!r}: value}} (held fixed while the feature maps are "
                "optimised; a tensor with batch size 1 is repeated for every row)"
            )
    tracer = _ValueTracer(inputs, inside)
    graph = tracer.trace(model, concrete_args=concrete or None)
    gm = fx.GraphModule(tracer.root, graph, class_name=f"Traced{type(model).__name__}")
    gm.meta["calls"] = dict(tracer.calls)
    return gm


class MissingInputError(ValueError):
    """The model needs an input that was not given."""


def is_metadata_use(node: fx.Node) -> bool:
    """Whether ``node`` reads only the metadata (shape, dtype, device) of its inputs."""
    if node.op == "call_method":
        return node.target in _META_METHODS
    if node.op == "call_function":
        if node.target is getattr:
            return node.args[1] in _META_ATTRS
        return node.target in _META_FUNCTIONS
    return False


def data_inputs(node: fx.Node) -> list[fx.Node]:
    """The nodes whose *values* ``node`` reads (none for a metadata read)."""
    return [] if is_metadata_use(node) else list(node.all_input_nodes)


def free_inputs(gm: fx.GraphModule, fixed: Iterable[str] = ()) -> list[fx.Node]:
    """Placeholders fed by the caller (not specialised, not in ``fixed``)."""
    fixed = set(fixed)
    out = []
    for node in gm.graph.nodes:
        if node.op == "placeholder" and node.target not in fixed and node.users:
            if any(not _is_specialisation_check(u) for u in node.users):
                out.append(node)
    return out


def _is_specialisation_check(node: fx.Node) -> bool:
    return node.op == "call_function" and getattr(node.target, "__name__", "") in (
        "_assert_is_none",
        "_assert_is_equal",
    )


def dominators(gm: fx.GraphModule, sources: Iterable[fx.Node]) -> dict[fx.Node, frozenset]:
    """For each node that reads data derived from ``sources``, the set of nodes that every
    data path from the sources to it passes through (itself included; a DAG in
    topological order, so one pass)."""
    sources = set(sources)
    dom: dict[fx.Node, frozenset] = {}
    for node in gm.graph.nodes:
        if node in sources:
            dom[node] = frozenset({node})
            continue
        preds = [p for p in data_inputs(node) if p in dom]
        if node.op == "output":
            preds = [p for p in node.all_input_nodes if p in dom]
        if preds:
            dom[node] = frozenset.intersection(*(dom[p] for p in preds)) | {node}
    return dom


def ancestors(starts: Iterable[fx.Node], stop: Iterable[fx.Node] = ()) -> set[fx.Node]:
    """``starts`` and every node they are computed from, not going past ``stop``."""
    stop, found = set(stop), set()
    stack = [n for n in starts if n not in stop]
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(n for n in node.all_input_nodes if n not in stop)
    return found


def output_nodes(gm: fx.GraphModule) -> list[fx.Node]:
    """The nodes the graph's output is built from."""
    (out,) = [n for n in gm.graph.nodes if n.op == "output"]
    return list(out.all_input_nodes)


def cut_candidates(gm: fx.GraphModule, sources: Iterable[fx.Node], ends: Iterable[fx.Node]):
    """Nodes that cut every data path from ``sources`` to each of ``ends``, in graph order,
    with a tensor value of at least two dimensions (a batch of feature maps)."""
    sources = list(sources)
    dom = dominators(gm, sources)
    ends = [e for e in ends if e in dom]
    if not ends:
        return []
    common = frozenset.intersection(*(dom[e] for e in ends))
    return [
        n for n in gm.graph.nodes
        if n in common and n not in sources and _is_feature_map(n.meta.get("value"))
    ]  # fmt: skip


def _is_feature_map(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.ndim >= 2 and value.is_floating_point()


def leak(gm: fx.GraphModule, cut: fx.Node, sources: Iterable[fx.Node], ends: Iterable[fx.Node]):
    """``None`` when every data path from ``sources`` to ``ends`` passes through ``cut``;
    else the first node where a path around ``cut`` joins (or reaches) the output."""
    reach: set[fx.Node] = set(sources)
    for node in gm.graph.nodes:  # nodes fed with input data along a path avoiding the cut
        if node is cut or node in reach:
            continue
        if any(p in reach for p in data_inputs(node)):
            reach.add(node)
    ends = list(ends)
    if not any(e in reach for e in ends):
        return None
    downstream = {cut}
    for node in gm.graph.nodes:
        if node is not cut and any(p in downstream for p in node.all_input_nodes):
            downstream.add(node)
    for node in gm.graph.nodes:  # the first node that both paths reach
        if node in reach and node in downstream:
            return node
    return next(e for e in ends if e in reach)


def calls_of(gm: fx.GraphModule, name: str) -> list[fx.Node]:
    """The nodes a module's calls return: ``call_module`` nodes of a leaf module, or the
    nodes a traced-into module returned (one per call)."""
    return [
        n for n in gm.graph.nodes
        if (n.op == "call_module" and n.target == name)
        or name in n.meta.get("module_outputs", ())
    ]  # fmt: skip


def node_label(gm: fx.GraphModule, node: fx.Node) -> str:
    """What a user names ``node`` by: the outermost module called once whose output it
    is (``lconv3`` rather than its last layer ``lconv3.3``), else the node's own name
    (``add_3``, ``relu_1``)."""
    calls = gm.meta.get("calls", {})
    names = ([node.target] if node.op == "call_module" else []) + list(
        node.meta.get("module_outputs", ())
    )
    for name in reversed(names):
        if calls.get(name, 0) == 1:
            return str(name)
    return node.name


def shape_of(node: fx.Node) -> tuple[int, ...] | None:
    """The example value's shape, ``None`` when it is not a tensor."""
    value = node.meta.get("value")
    return tuple(value.shape) if isinstance(value, torch.Tensor) else None
