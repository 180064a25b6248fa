"""Market data: real sample series that work offline.

The samples are daily index data shipped by the ``arch`` package (NCSA
licence), returned in ewmakit's canonical layout: flat columns
``Open, High, Low, Close, Volume`` and a sorted, tz-naive ``DatetimeIndex``
named ``Date`` — the same layout :func:`download` will return for one ticker.
"""

from __future__ import annotations

import functools
import importlib

import pandas as pd

__all__ = ["DataError", "sample", "samples", "CANONICAL_COLUMNS"]

CANONICAL_COLUMNS = ["Open", "High", "Low", "Close", "Volume"]

# name -> (module shipping it, description)
_SAMPLES = {
    "sp500": ("arch.data.sp500", "S&P 500 index, daily OHLCV, 1999-01-04 .. 2018-12-31 (from arch)"),
    "nasdaq": ("arch.data.nasdaq", "NASDAQ Composite index, daily OHLCV, 1999-01-04 .. 2018-12-31 (from arch)"),
}


class DataError(ValueError):
    """A market-data failure, with a one-line reason (bad ticker, empty download, corrupt file...)."""


def samples() -> list[str]:
    """Names of the bundled real-data samples.

    Examples
    --------
    >>> samples()
    ['nasdaq', 'sp500']
    """
    return sorted(_SAMPLES)


@functools.lru_cache(maxsize=None)
def _load(name: str) -> pd.DataFrame:
    module, _ = _SAMPLES[name]
    raw = importlib.import_module(module).load()
    frame = raw[CANONICAL_COLUMNS].copy()
    frame.index = pd.DatetimeIndex(frame.index, name="Date")
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    frame.columns.name = None
    return frame


def sample(name: str = "sp500") -> pd.DataFrame:
    """A real daily price series that needs no network.

    Parameters
    ----------
    name : str, default "sp500"
        One of :func:`samples`: ``"sp500"`` (S&P 500 index) or ``"nasdaq"``
        (NASDAQ Composite), both daily from 1999-01-04 to 2018-12-31, shipped by
        the ``arch`` package. The index levels need no dividend adjustment, so
        ``Close`` is also the adjusted close.

    Returns
    -------
    pandas.DataFrame
        Columns ``Open, High, Low, Close, Volume``; a ``DatetimeIndex`` named
        ``Date``. A fresh copy on every call.

    Raises
    ------
    DataError
        For an unknown name (the message lists the known ones).

    Examples
    --------
    >>> df = sample("sp500")
    >>> list(df.columns)
    ['Open', 'High', 'Low', 'Close', 'Volume']
    >>> df.index[0].date(), float(df["Close"].iloc[0])
    (datetime.date(1999, 1, 4), 1228.099976)
    """
    if not isinstance(name, str) or name not in _SAMPLES:
        raise DataError(f"unknown sample {name!r}; the samples are {', '.join(samples())}")
    return _load(name).copy()
