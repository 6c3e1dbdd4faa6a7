"""The package layout's dependency rules: the library never imports ``deepresolve.paper``,
and no analysis under ``deepresolve.paper`` imports another."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "deepresolve"
ANALYSES = ("synthetic", "tfpanel", "deepsea")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-local imports included),
    with relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else None
    package = package or module_name(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules(where: Path):
    return sorted(p for p in where.rglob("*.py"))


def analysis_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["deepresolve", "paper"] and len(parts) > 2 and parts[2] in ANALYSES:
        return parts[2]
    return None


def test_library_never_imports_paper():
    offenders = [
        f"{p.relative_to(PACKAGE.parent)} imports {m}"
        for p in modules(PACKAGE)
        if "paper" not in p.relative_to(PACKAGE).parts
        for m in imported_modules(p)
        if m == "deepresolve.paper" or m.startswith("deepresolve.paper.")
    ]
    assert not offenders, "the library must not import deepresolve.paper:\n" + "\n".join(offenders)


def test_no_analysis_imports_another():
    offenders = []
    for p in modules(PACKAGE / "paper"):
        own = analysis_of(module_name(p))
        for m in imported_modules(p):
            other = analysis_of(m)
            if other is not None and own is not None and other != own:
                offenders.append(f"{p.relative_to(PACKAGE.parent)} ({own}) imports {m}")
    assert not offenders, "an analysis imports another:\n" + "\n".join(offenders)


@pytest.mark.parametrize("analysis", ANALYSES)
def test_each_analysis_is_a_package(analysis):
    assert (PACKAGE / "paper" / analysis / "__init__.py").is_file()
    assert (PACKAGE / "paper" / analysis / "figures" / "__init__.py").is_file()


def test_checker_sees_a_violation(tmp_path):
    """The checker itself finds an import across analyses and a relative import."""
    fake = tmp_path / "deepresolve" / "paper" / "deepsea"
    fake.mkdir(parents=True)
    mod = fake / "x.py"
    mod.write_text(
        "def f():\n    from deepresolve.paper.tfpanel.panel import PanelData\n"
        "from ..synthetic import data\n"
    )
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "deepresolve"
    try:
        found = imported_modules(mod)
    finally:
        PACKAGE = saved
    assert "deepresolve.paper.tfpanel.panel" in found
    assert "deepresolve.paper.synthetic.data" in found


def test_public_api_names():
    import deepresolve
    import deepresolve.layers

    for name in ("resolve", "Resolution", "class_similarity", "class_difference"):
        assert callable(getattr(deepresolve, name)), name
    assert callable(deepresolve.layers.split_sequential)
    assert callable(deepresolve.layers.ReplacedLayerHead)
