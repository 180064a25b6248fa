"""The API reference pages, written at build time from the ``__all__`` of each public module.

Every name in ``__all__`` gets an entry, so a function added to a module appears in the
reference without anyone editing the docs. An object exported by several modules (``ewma``
is ``ewmakit.ewma``; ``alpha_from_window`` is also ``ewmakit.decay.alpha_from_window``) has
one page, under the first module below that exports it; the other modules list it with a
link to that page.
"""

from __future__ import annotations

import importlib
from pathlib import Path

#: (module, title, one line) in the order of the reference; the accessors come last.
MODULES = [
    ("ewmakit", "ewmakit", "The array API, streaming and the decay conversions (``import ewmakit``)."),
    ("ewmakit.decay", "ewmakit.decay", "β from a window, a half-life, a centre of mass; and back."),
    ("ewmakit.streaming", "ewmakit.streaming", "The streaming EWMA: one update at a time, resumable state."),
    ("ewmakit.finance", "ewmakit.finance", "Indicators (TA-Lib's numbers), RiskMetrics volatility and covariance."),
    ("ewmakit.forecast", "ewmakit.forecast", "Simple exponential smoothing: fitted β, forecasts, intervals."),
    ("ewmakit.control", "ewmakit.control", "EWMA control charts and their average run length."),
    ("ewmakit.data", "ewmakit.data", "Market data: yfinance with a cache, CSV files, offline samples."),
    ("ewmakit.optim", "ewmakit.optim", "Optimizers built on the EWMA (torch.optim's numbers) and ``minimize``."),
    ("ewmakit.optim.functions", "ewmakit.optim.functions", "Test functions with analytic gradients."),
    ("ewmakit.plot", "ewmakit.plot", "Figures: smoothing, weights, optimizer paths, indicators, charts."),
    ("ewmakit.dask", "ewmakit.dask", "Exact EWMAs across dask partitions."),
    ("ewmakit.polars", "ewmakit.polars", "The ``.ewmakit`` namespaces on polars Series and DataFrames."),
    ("ewmakit.accessor", "ewmakit.accessor (pandas ``.ewmakit``)",
     "The ``.ewmakit`` accessor on pandas Series and DataFrames."),
]

OUT = Path(__file__).resolve().parents[1] / "api" / "modules"


def _kind(obj) -> str:
    import inspect
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj) and (inspect.isfunction(obj) or inspect.isbuiltin(obj)):
        return "function"
    return "data"


def pages() -> dict[str, str]:
    """File name -> reST for every module page."""
    owner: dict[int, str] = {}  # id(object) -> the full name of its page
    out = {}
    for modname, title, line in MODULES:
        mod = importlib.import_module(modname)
        names = list(getattr(mod, "__all__", []))
        if not names:
            raise RuntimeError(f"{modname} has no __all__: the reference is built from it")
        own, elsewhere, submodules = [], [], []
        for name in names:
            obj = getattr(mod, name)
            if _kind(obj) == "module":
                submodules.append(obj.__name__)
                continue
            key = id(obj)
            if key in owner and not _kind(obj) == "data":
                elsewhere.append((name, owner[key], _kind(obj)))
            else:
                owner.setdefault(key, f"{modname}.{name}")
                own.append(name)
        rst = [f".. _api-{modname}:", "", title, "=" * len(title), "", line, "",
               f".. automodule:: {modname}", "   :no-members:", "   :no-index:", "",
               f".. currentmodule:: {modname}", ""]
        if own:
            rst += [".. autosummary::", "   :toctree: ../generated/", "   :nosignatures:", ""]
            rst += [f"   {n}" for n in own] + [""]
        if elsewhere:
            rst += ["Also exported here (the same objects, documented once):", ""]
            role = {"class": "class", "function": "func"}
            rst += [f"* ``{modname}.{n}``: :py:{role.get(k, 'obj')}:`{target}`" for n, target, k in elsewhere]
            rst += [""]
        if submodules:
            rst += ["Submodules: " + ", ".join(f":ref:`{s} <api-{s}>`" for s in submodules), ""]
        out[f"{modname}.rst"] = "\n".join(rst)
    return out


def write() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    new = pages()
    for old in OUT.glob("*.rst"):
        if old.name not in new:
            old.unlink()
    for name, text in new.items():
        path = OUT / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
