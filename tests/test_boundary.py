"""The engine's boundary (issue #11): no module of ewmakit reaches for another module's private names.

Outside ``ewmakit/_engine/`` a module may import the engine package and use its
public names, import private helper modules (``_checks``, ``_inputs`` ...) and
use their public names, but it may not

* import a leading-underscore name from another ewmakit module
  (``from .core import _check_finite``),
* use a leading-underscore attribute of an ewmakit module it imported
  (``core._threads()``, ``plot._use_agg()``),
* import the engine's own modules (``ewmakit._engine._mean``): the package
  ``ewmakit._engine`` is the way in.

Private names inside a module stay free for that module's own use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ewmakit"
ENGINE = PACKAGE / "_engine"


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if ENGINE not in p.parents)


def _dotted(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _resolve(module: Path, node: ast.ImportFrom) -> list[str]:
    """The dotted path an ImportFrom names (relative imports resolved against ``module``)."""
    here = _dotted(module)
    package = here if module.name == "__init__.py" else here[:-1]
    if node.level:
        base = package[: len(package) - (node.level - 1)]
    else:
        base = []
    return base + (node.module.split(".") if node.module else [])


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(parts: list[str]) -> bool:
    path = PACKAGE.parent.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file() or any(
        path.parent.glob(path.name + ".*.so")) or path.with_suffix(".pyx").is_file()


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    aliases = {}  # local name -> dotted ewmakit module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(path, node)
            if not target or target[0] != "ewmakit":
                continue
            if len(target) > 2 and target[1] == "_engine":
                found.append(f"line {node.lineno}: imports the engine's own module {'.'.join(target)}")
            for alias in node.names:
                full = target + [alias.name]
                if _is_module(full):
                    if len(full) > 2 and full[1] == "_engine":
                        found.append(f"line {node.lineno}: imports the engine's own module {'.'.join(full)}")
                    aliases[alias.asname or alias.name] = full
                elif _private(alias.name):
                    found.append(f"line {node.lineno}: imports the private name {alias.name} of {'.'.join(target)}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "ewmakit":
                    if len(parts) > 2 and parts[1] == "_engine":
                        found.append(f"line {node.lineno}: imports the engine's own module {alias.name}")
                    aliases[alias.asname or parts[0]] = parts if alias.asname else ["ewmakit"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                and _private(node.attr):
            found.append(f"line {node.lineno}: uses {node.value.id}.{node.attr}, a private name of "
                         f"{'.'.join(aliases[node.value.id])}")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_module_reaches_for_another_modules_private_names(path):
    assert _violations(path) == []


def test_the_check_sees_a_violation():
    """The checker itself: each forbidden form is caught (a test that could not fail would be worthless)."""
    sample = PACKAGE / "finance.py"
    tree_src = ("from .core import _check_finite\nfrom . import plot\nplot._use_agg()\n"
                "from ._engine import _mean\nfrom ._engine._mean import mean_rows\nfrom . import _engine\n"
                "_engine.run_mean\n")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fake = Path(tmp) / "x.py"
        fake.write_text(tree_src)
        # pretend the file sits where finance.py sits, so relative imports resolve into ewmakit
        original = Path.read_text
        try:
            Path.read_text = lambda self, *a, **k: tree_src if self == sample else original(self, *a, **k)
            got = _violations(sample)
        finally:
            Path.read_text = original
    assert any("private name _check_finite" in v for v in got)
    assert any("plot._use_agg" in v for v in got)
    assert sum("engine's own module" in v for v in got) == 2
    assert not any("_engine.run_mean" in v for v in got)
