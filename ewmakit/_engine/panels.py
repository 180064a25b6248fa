"""Groups as panels: the rows of each group of a long table laid side by side, for the panel kernels.

The indicator kernels (RSI, ATR, MACD, the TA-Lib-seeded EMA) work on a wide
panel, one column per series. :class:`GroupPanels` turns a long table's
groups into such panels: group ``g``'s rows, in row order, become one column
(``C`` columns for ``C`` value columns); groups of similar lengths share a
panel (their columns padded at the end with NaN, which no causal kernel ever
reads back into an earlier row), so that padding stays below half of each
panel. A panel kernel's result is put back on the table's rows with
:meth:`GroupPanels.scatter`. Each group's values are then bit for bit those
of its rows computed on their own, as the kernels give every column of a
panel the result of that column alone. Gathering and scattering are one
compiled walk over the table in row order each.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

__all__ = ["GroupPanels"]


def _kernels() -> ModuleType:
    from . import _groups

    return _groups


class GroupPanels:
    """The groups of ``codes`` (int64, -1: a missing key) as a few padded panels.

    ``waste``: a panel holds groups whose lengths are at least ``1/waste`` of
    its longest. ``lengths[b]``, ``members[b]``: the rows of panel ``b`` and
    its groups, one per column (C columns each).
    """

    def __init__(self, codes: np.ndarray, groups: int, *, waste: float = 2.0) -> None:
        self.codes = np.ascontiguousarray(codes, dtype=np.int64)
        groups = int(groups)
        lengths = np.bincount(self.codes + 1, minlength=groups + 1)[1:]  # code -1 (a missing key) counted apart
        self.bucket_of = np.full(max(groups, 1), -1, dtype=np.int64)[:groups]
        self.column_of = np.full(max(groups, 1), -1, dtype=np.int64)[:groups]
        order = np.argsort(-lengths, kind="stable")
        order = order[lengths[order] > 0]
        self.lengths: list[int] = []
        self.members: list[np.ndarray] = []
        i = 0
        while i < order.size:
            longest = int(lengths[order[i]])
            j = i
            while j < order.size and lengths[order[j]] * waste >= longest:
                j += 1
            members = np.sort(order[i:j])  # groups in the order of their codes (first appearance)
            self.bucket_of[members] = len(self.lengths)
            self.column_of[members] = np.arange(members.size)
            self.lengths.append(longest)
            self.members.append(members)
            i = j

    def gather(self, x2: np.ndarray) -> list[np.ndarray]:
        """One panel per bucket of the columns of ``x2`` (T, C): (L, n·C), group i's column j at i·C + j."""
        C = x2.shape[1]
        panels = []
        for b, (L, members) in enumerate(zip(self.lengths, self.members)):
            p = np.full((L, members.size * C), np.nan, dtype=x2.dtype)
            _kernels().gather_bucket(x2, self.codes, self.bucket_of, self.column_of, b, p)
            panels.append(p)
        return panels

    def scatter(self, panels: list[np.ndarray], out2: np.ndarray) -> np.ndarray:
        """Write each panel's values back on the table's rows of ``out2`` (T, C); other rows are left as they are."""
        for b, p in enumerate(panels):
            _kernels().scatter_bucket(np.asarray(p, dtype=out2.dtype), self.codes, self.bucket_of, self.column_of,
                                      b, out2)
        return out2
