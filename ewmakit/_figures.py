"""What every module that draws shares: matplotlib on demand, off-screen drawing, checked output paths.

matplotlib is imported only here, inside these functions, so ``import ewmakit``
never loads it.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._typing import PathLike

__all__ = ["pyplot", "use_agg", "subplots", "check_output"]


def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, or an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'ewmakit[plot]'") from None
    return plt


def use_agg() -> None:
    """Draw off screen (for commands and scripts that only write files)."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'ewmakit[plot]'") from None
    matplotlib.use("Agg", force=True)


def subplots(*projections: str | None, ncols: int | None = None, figsize: tuple[float, float] = (10, 5),
             **kwargs: Any) -> tuple[Figure, list[Axes]]:
    """A new figure with one axes per entry of ``projections`` (None or "3d"), in a row by default.

    Returns ``(fig, [axes, ...])``.
    """
    plt = pyplot()
    n = len(projections) or 1
    ncols = n if ncols is None else ncols
    nrows = -(-n // ncols)
    fig = plt.figure(figsize=figsize, **kwargs)
    axes = [fig.add_subplot(nrows, ncols, i + 1, projection=proj) for i, proj in enumerate(projections or (None,))]
    return fig, axes


def check_output(path: PathLike) -> Path:
    """Raise now, before any work, if a figure cannot be written to ``path`` (no folder, unknown format)."""
    from matplotlib.backend_bases import FigureCanvasBase

    out = Path(path)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise OSError(f"cannot write {str(out)!r}: the folder {str(parent)!r} does not exist")
    kinds = FigureCanvasBase.get_supported_filetypes()
    suffix = out.suffix.lstrip(".").lower()
    if suffix not in kinds:
        raise ValueError(f"cannot write a figure as {str(out)!r}: give a file ending in one of "
                         f"{', '.join('.' + k for k in sorted(kinds))}")
    return out
