"""Typing of the public API (issue #16): every public function and method is annotated, py.typed ships, mypy is clean.

The annotation check walks ``__all__`` of ``ewmakit`` and of every public module (and the public methods of
the public classes, the accessors among them), groups what it finds by the module that defines it, and
requires for each function: an annotation on every parameter but ``self``/``cls`` (``*args``/``**kwargs``
included) and a return annotation. Modules still waiting for their annotations are marked xfail(strict):
when one is done its test passes, which fails, and the mark must go.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ewmakit

ROOT = Path(__file__).resolve().parents[1]

#: modules whose annotations come in pass 2 (issue #16): drop a name when its module is annotated
PASS_2: set[str] = set()

#: modules annotated in pass 1, which mypy must find clean (with the shared aliases module)
PASS_1_FILES = ["ewmakit/optim/", "ewmakit/control.py", "ewmakit/forecast.py", "ewmakit/data.py", "ewmakit/dask.py",
                "ewmakit/streaming.py", "ewmakit/decay.py", "ewmakit/_reprs.py", "ewmakit/_checks.py",
                "ewmakit/_engine/", "ewmakit/_typing.py"]

#: modules annotated in pass 2, which mypy must find clean too (plot, cli and their helpers come in pass 3)
PASS_2_FILES = ["ewmakit/core.py", "ewmakit/finance.py", "ewmakit/accessor.py", "ewmakit/polars.py",
                "ewmakit/backtest.py", "ewmakit/_figures.py", "ewmakit/_frames.py", "ewmakit/_keys.py",
                "ewmakit/_polars.py", "ewmakit/_reprs.py", "ewmakit/__init__.py"]


def _public_modules() -> list[str]:
    """``ewmakit`` and every module of it whose dotted name has no part starting with ``_`` (subpackages too)."""
    names = ["ewmakit"]
    for info in pkgutil.walk_packages(ewmakit.__path__, "ewmakit."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def _own(obj: object) -> bool:
    return getattr(obj, "__module__", "").startswith("ewmakit")


def _functions_of(cls: type) -> list[tuple[str, object]]:
    """The public methods of ``cls`` (and ``__init__``/``__call__``) that ewmakit defines, properties as their getter."""
    out: list[tuple[str, object]] = []
    for name in dir(cls):
        if name.startswith("_") and name not in ("__init__", "__call__"):
            continue
        raw = inspect.getattr_static(cls, name)
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        elif isinstance(raw, property):
            raw = raw.fget
        if inspect.isfunction(raw) and _own(raw):  # (not object.__init__ and other slot wrappers)
            out.append((f"{cls.__qualname__}.{name}", raw))
    return out


def _public_functions() -> dict[str, list[tuple[str, object]]]:
    """Defining module -> [(qualified name, function)] for everything reachable from the public ``__all__``s."""
    found: dict[str, dict[str, object]] = {}
    for modname in _public_modules():
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and _own(obj):
                for qual, fn in _functions_of(obj):
                    found.setdefault(fn.__module__, {})[qual] = fn
            elif inspect.isfunction(obj) and _own(obj):
                found.setdefault(obj.__module__, {})[obj.__qualname__] = obj
    accessors = [importlib.import_module("ewmakit.accessor").SeriesAccessor,
                 importlib.import_module("ewmakit.accessor").DataFrameAccessor,
                 importlib.import_module("ewmakit.dask").DaskAccessor]
    for cls in accessors:  # the .ewmakit accessors, whether or not a module lists them
        for qual, fn in _functions_of(cls):
            found.setdefault(fn.__module__, {})[qual] = fn
    return {mod: sorted(fns.items()) for mod, fns in found.items()}


def _missing(fn: object) -> list[str]:
    """What ``fn`` lacks: parameter names (``*args``/``**kwargs`` spelled so) and ``return``."""
    sig = inspect.signature(fn)
    lacks = []
    for i, p in enumerate(sig.parameters.values()):
        if i == 0 and p.name in ("self", "cls"):
            continue
        if p.annotation is inspect.Parameter.empty:
            star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
            lacks.append(star + p.name)
    if sig.return_annotation is inspect.Signature.empty:
        lacks.append("return")
    return lacks


_FUNCTIONS = _public_functions()


def test_the_walk_finds_the_public_api() -> None:
    """The walk is not vacuous: it reaches the modules and the names a user calls."""
    modules = set(_FUNCTIONS)
    assert {"ewmakit.core", "ewmakit.decay", "ewmakit.streaming", "ewmakit.forecast", "ewmakit.control",
            "ewmakit.data", "ewmakit.dask", "ewmakit.optim.minimize", "ewmakit.optim.adam",
            "ewmakit.accessor"} <= modules
    names = {q for fns in _FUNCTIONS.values() for q, _ in fns}
    assert {"ewma", "resolve_beta", "EWMA.update", "EWMA.value", "Adam.__init__", "Optimizer.step", "minimize",
            "SmoothingFit.forecast", "arl", "download", "DaskAccessor.smooth", "SeriesAccessor.smooth"} <= names


def test_missing_is_not_vacuous() -> None:
    def bare(x, *args, y: int = 0, **kw):
        return x

    def typed(self, x: int, *args: int, **kw: str) -> None:
        pass

    assert _missing(bare) == ["x", "*args", "**kw", "return"]
    assert _missing(typed) == []


@pytest.mark.parametrize("module", [
    pytest.param(m, marks=pytest.mark.xfail(strict=True, reason="pass 2")) if m in PASS_2 else m
    for m in sorted(_FUNCTIONS)
])
def test_public_functions_are_annotated(module: str) -> None:
    lacking = {qual: miss for qual, fn in _FUNCTIONS[module] if (miss := _missing(fn))}
    assert not lacking, f"{module}: unannotated {lacking}"


def test_py_typed_ships() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    assert (ROOT / "ewmakit" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["ewmakit"]
    dev = config["project"]["optional-dependencies"]["dev"]
    assert any(d.startswith("mypy") for d in dev) and any(d.startswith("pandas-stubs") for d in dev)


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """mypy's error lines on the package, with the settings of pyproject.toml (its own cache: no shared state)."""
    pytest.importorskip("mypy")
    cache = tmp_path_factory.mktemp("mypy_cache")
    run = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache)], cwd=ROOT, capture_output=True,
                         text=True, timeout=900, check=False)
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 2: a crash or a bad configuration
    return [line for line in run.stdout.splitlines() if re.match(r"^\S+:\d+: error:", line)]


def test_mypy_clean_on_pass_1_modules(mypy_errors: list[str]) -> None:
    mine = [e for e in mypy_errors if any(e.startswith(f) for f in PASS_1_FILES)]
    assert not mine, "\n".join(mine)


def test_mypy_clean_on_pass_2_modules(mypy_errors: list[str]) -> None:
    mine = [e for e in mypy_errors if any(e.startswith(f) for f in PASS_2_FILES)]
    assert not mine, "\n".join(mine)


def test_mypy_clean_on_the_package(mypy_errors: list[str]) -> None:
    assert not mypy_errors, "\n".join(mypy_errors)
