"""Market data: yfinance downloads, a safe on-disk cache, CSV import, offline samples.

Every function returns ewmakit's **canonical layout**. One ticker: flat columns
``Open, High, Low, Close, Volume`` (plus ``Adj Close`` when ``auto_adjust=False``)
and a sorted ``DatetimeIndex`` named ``Date`` without duplicates, tz-naive for
daily bars. Several tickers: columns ``MultiIndex (field, ticker)``, so
``download(["SPY", "QQQ"])["Close"]`` is a wide panel.

yfinance is the only network source. It is imported inside the functions that
use it (``import yfinance as yf`` at call time), so tests replace it with a fake.

The cache holds one Parquet file per ticker, interval and adjustment, with the
date ranges already fetched in its metadata (the dates that replies covered,
not the dates asked for). Writes are atomic (a temporary file in the same
folder, then ``os.replace``) and made under a cross-process lock (``filelock``)
after re-reading the file, so concurrent writers merge rather than overwrite; a
failed, empty or all-NaN download never touches it, and a NaN in a reply never
replaces a cached value. A file that cannot be read back, or whose content
ewmakit would not have written, is reported (offline) or refetched (online),
never read as data.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import io
import json
import logging
import os
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ._env import env_flag
from ._typing import DateLike, PathLike

_Span = tuple[pd.Timestamp, pd.Timestamp]  # [start, end) of dates fetched or asked for

__all__ = [
    "DataError",
    "download",
    "normalize",
    "read_csv",
    "sample",
    "samples",
    "cache_folder",
    "CANONICAL_COLUMNS",
]

CANONICAL_COLUMNS = ["Open", "High", "Low", "Close", "Volume"]
_FIELDS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
_ACTIONS = {"Dividends", "Stock Splits", "Capital Gains"}
# exact spellings seen in the wild for the same field (not fuzzy matching)
_ALIASES = {
    "open": "Open", "high": "High", "low": "Low", "close": "Close", "volume": "Volume",
    "adj close": "Adj Close", "adjclose": "Adj Close", "adj_close": "Adj Close", "adjusted close": "Adj Close",
    "dividends": "Dividends", "stock splits": "Stock Splits", "capital gains": "Capital Gains",
}
_INTERVALS = ("1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo")
_DAILY_OR_LONGER = ("1d", "5d", "1wk", "1mo", "3mo")
_CACHE_VERSION = 1
_EARLIEST = pd.Timestamp("1900-01-01")

# name -> (module shipping it, description)
_SAMPLES = {
    "sp500": ("arch.data.sp500", "S&P 500 index, daily OHLCV, 1999-01-04 .. 2018-12-31 (from arch)"),
    "nasdaq": ("arch.data.nasdaq", "NASDAQ Composite index, daily OHLCV, 1999-01-04 .. 2018-12-31 (from arch)"),
}


class DataError(ValueError):
    """A market-data failure, with a one-line reason (bad ticker, empty download, corrupt file...)."""


# --------------------------------------------------------------------------- samples


def samples() -> list[str]:
    """Names of the bundled real-data samples.

    Examples
    --------
    >>> samples()
    ['nasdaq', 'sp500']
    """
    return sorted(_SAMPLES)


@functools.lru_cache(maxsize=None)
def _load_sample(name: str) -> pd.DataFrame:
    module, _ = _SAMPLES[name]
    # read the CSV that arch ships without importing arch (its import pulls in scipy: ~2 s)
    spec = importlib.util.find_spec("arch")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("the samples ship with the arch package: pip install arch")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / name / f"{name}.csv.gz"
    if not path.is_file():  # a layout we do not know: let arch read it
        return normalize(importlib.import_module(module).load()[CANONICAL_COLUMNS])
    return normalize(pd.read_csv(path, index_col="Date")[CANONICAL_COLUMNS])


def sample(name: str = "sp500") -> pd.DataFrame:
    """A real daily price series that needs no network.

    Parameters
    ----------
    name : str, default "sp500"
        One of :func:`samples`: ``"sp500"`` (S&P 500 index) or ``"nasdaq"``
        (NASDAQ Composite), both daily from 1999-01-04 to 2018-12-31, shipped by
        the ``arch`` package. Index levels pay no dividends, so ``Close`` is
        also the adjusted close.

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
    return _load_sample(name).copy()


# --------------------------------------------------------------------------- normalize


def _field(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    return _ALIASES.get(name.strip().lower())


def _field_level(columns: pd.MultiIndex) -> int:
    """Which level of two-level columns holds the price fields."""
    hits = [len({_field(v) for v in columns.get_level_values(k)} - {None}) for k in range(columns.nlevels)]
    best = int(np.argmax(hits))
    if hits[best] == 0:
        raise DataError(f"no price columns (Open/High/Low/Close/Volume) in columns {list(columns)[:6]!r}")
    return best


def _is_daily(index: pd.DatetimeIndex) -> bool:
    """Are all stamps midnights (wall-clock time, so a zone whose midnight may not exist never raises)?"""
    # (pandas-stubs lack ``|`` between integer indexes)
    return bool(len(index)) and not (index.hour | index.minute | index.second | index.microsecond  # type: ignore[operator]
                                     | index.nanosecond).any()


# zones tried, after an index's own, to find the exchange whose midnights tz-aware daily bars are
# (daily bars converted to UTC: New York's midnight is 04:00 or 05:00 UTC, Tokyo's 15:00 the day before)
_EXCHANGE_ZONES = ("America/New_York", "America/Chicago", "America/Sao_Paulo", "Europe/London", "Europe/Berlin",
                   "Europe/Moscow", "Asia/Kolkata", "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney")


def _exchange_dates(index: pd.DatetimeIndex) -> pd.DatetimeIndex | None:
    """A tz-aware index of daily bars as tz-naive dates, or None if its stamps are not all midnights of one zone."""
    for zone in (index.tz, *_EXCHANGE_ZONES):
        local = index.tz_convert(zone)
        if _is_daily(local):
            return local.tz_localize(None)
    return None


def _tidy(out: pd.DataFrame) -> pd.DataFrame:
    """The finishing touches of the canonical layout: volumes as int64 when they are all whole numbers (else
    float64, NaN for a missing volume), the index named Date, the columns unnamed."""
    if "Volume" in out:
        vol = out["Volume"]
        out["Volume"] = vol.astype(np.int64) if vol.notna().all() and (vol == vol.round()).all() else vol.astype(
            np.float64)
    out.index.name = "Date"
    out.columns.name = None
    return out


def _normalize_one(frame: pd.DataFrame, ticker: str | None = None, daily: bool | None = None) -> pd.DataFrame:
    cols = {}
    for c in frame.columns:
        f = _field(c)
        if f is None or f in _ACTIONS:
            continue
        if f in cols:
            raise DataError(f"column {f!r} appears twice{_for(ticker)}")
        cols[f] = c
    if "Close" not in cols:
        if "Adj Close" in cols:  # a frame with only an adjusted close is still a price series
            cols["Close"] = cols.pop("Adj Close")
        else:
            raise DataError(f"no Close column{_for(ticker)}; columns are {list(frame.columns)[:8]!r}")
    order = [f for f in _FIELDS if f in cols]
    out = frame[[cols[f] for f in order]].copy()
    out.columns = pd.Index(order)
    for f in order:
        if not pd.api.types.is_numeric_dtype(out[f].dtype):
            converted = pd.to_numeric(out[f], errors="coerce")
            if converted.isna().sum() > out[f].isna().sum():
                raise DataError(f"column {f!r}{_for(ticker)} holds non-numeric values such as "
                                f"{out[f][converted.isna() & out[f].notna()].iloc[0]!r}")
            out[f] = converted
        out[f] = out[f].astype(np.float64) if f != "Volume" else out[f]
    out.index = _datetime_index(out.index, ticker, daily)
    out = out[~out.index.isna()]  # type: ignore[operator]  # pandas-stubs: Index.isna() is a numpy bool array
    prices = [f for f in order if f != "Volume"]
    out = out.dropna(how="all", subset=prices)
    out = out[~out.index.duplicated(keep="last")].sort_index(kind="stable")
    return _tidy(out)


def _for(ticker: str | None) -> str:
    return "" if ticker is None else f" for {ticker}"


def _datetime_index(index: pd.Index, ticker: str | None = None, daily: bool | None = None) -> pd.DatetimeIndex:
    """Dates of any index; ``daily``: None tells daily bars from their stamps, True insists, False keeps times."""
    idx = index
    if not isinstance(idx, pd.DatetimeIndex):
        try:
            idx = pd.to_datetime(pd.Index(index), format="mixed")
        except (TypeError, ValueError):
            try:  # mixed UTC offsets, e.g. a Ticker.history export across daylight saving changes
                text = pd.Index(index).astype(str)
                wall = pd.to_datetime(text.str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True), format="mixed")
                idx = wall if _is_daily(wall) else pd.to_datetime(text, utc=True, format="mixed")
            except (TypeError, ValueError) as exc:
                raise DataError(f"the index{_for(ticker)} is not dates: {str(exc).splitlines()[0]}") from None
        if not isinstance(idx, pd.DatetimeIndex):
            raise DataError(f"the index{_for(ticker)} is not dates, e.g. {index[0]!r}")
    if idx.tz is not None and daily is not False:
        dates = _exchange_dates(idx)  # daily bars: the exchange's calendar date, tz-naive
        if dates is not None:
            idx = dates
        elif daily:
            raise DataError(f"the daily bars{_for(ticker)} are stamped at times of day such as {idx[0]}, "
                            "not at midnight in any exchange's time zone: their dates are unclear")
    return pd.DatetimeIndex(idx, name="Date")


def normalize(frame: pd.DataFrame, ticker: str | None = None) -> pd.DataFrame:
    """Bring any layout yfinance has produced into ewmakit's canonical layout.

    Handles MultiIndex columns for one ticker (levels ``Price, Ticker`` or
    swapped by ``group_by="ticker"``), flat columns, ``Adj Close`` present or
    absent, tz-aware indexes, the ``Dividends``/``Stock Splits``/``Capital
    Gains`` columns of ``Ticker.history`` (dropped), unsorted or duplicated
    dates (the last row of a date wins) and all-NaN rows (dropped).

    A tz-aware index holds daily bars when all its stamps are midnights of one
    time zone: its own, or else one of the main exchanges' (New York, Chicago,
    São Paulo, London, Frankfurt, Moscow, Mumbai, Shanghai, Tokyo, Sydney).
    Daily bars become the tz-naive calendar dates of that zone, so New York
    midnights converted to UTC (``2020-03-16 04:00:00+00:00``) are still
    2020-03-16. Any other tz-aware index (intraday bars) is kept as it is.

    Parameters
    ----------
    frame : pandas.DataFrame
        What yfinance (or a CSV of it) gave.
    ticker : str, optional
        With several tickers in the columns, the one to keep; without it a
        several-ticker frame comes back as ``MultiIndex (field, ticker)``.

    Returns
    -------
    pandas.DataFrame
        The canonical layout (see the module docstring).

    Raises
    ------
    DataError
        If the frame is empty, has no Close column or no dates.

    Examples
    --------
    >>> raw = pd.DataFrame({("Close", "SPY"): [2.0, 1.0], ("Open", "SPY"): [1.5, 1.2]},
    ...                    index=pd.to_datetime(["2020-01-03", "2020-01-02"]))
    >>> normalize(raw)
                Open  Close
    Date
    2020-01-02   1.2    1.0
    2020-01-03   1.5    2.0
    """
    return _normalize(frame, ticker)


def _normalize(frame: object, ticker: str | None = None, daily: bool | None = None) -> pd.DataFrame:
    """:func:`normalize`; ``daily`` True or False when the bars are known to be daily (or longer) or intraday."""
    if frame is None or not isinstance(frame, pd.DataFrame):
        raise DataError(f"expected a DataFrame of prices{_for(ticker)}, got {type(frame).__name__}")
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError(f"no data{_for(ticker)}: the frame is empty")
    if isinstance(frame.columns, pd.MultiIndex):
        if frame.columns.nlevels != 2:
            raise DataError(f"expected one or two column levels, got {frame.columns.nlevels}")
        lvl = _field_level(frame.columns)
        other = 1 - lvl
        names = list(dict.fromkeys(frame.columns.get_level_values(other)))
        if ticker is not None:
            if ticker not in names:
                raise DataError(f"ticker {ticker!r} is not in the frame; it has {names!r}")
            names = [ticker]
        if len(names) == 1:
            sub = cast(pd.DataFrame, frame.xs(names[0], axis=1, level=other))  # one key of one column level
            return _normalize_one(sub, names[0], daily)
        parts = {t: _normalize_one(cast(pd.DataFrame, frame.xs(t, axis=1, level=other)), t, daily) for t in names}
        return _panel(parts)
    return _normalize_one(frame, ticker, daily)


def _panel(parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per-ticker canonical frames -> columns MultiIndex (field, ticker), fields in canonical order."""
    wide = pd.concat(parts, axis=1, names=["Ticker", "Price"]).swaplevel(0, 1, axis=1)
    fields = [f for f in _FIELDS if f in wide.columns.get_level_values(0)]
    tickers = list(parts)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([fields, tickers], names=["Price", "Ticker"]))
    wide.index.name = "Date"
    return wide


# --------------------------------------------------------------------------- CSV


def read_csv(path: PathLike) -> pd.DataFrame:
    """Read a price CSV into the canonical layout.

    Reads flat CSVs (``Date,Open,High,Low,Close,Adj Close,Volume`` and the like,
    including ``Ticker.history`` exports with tz offsets such as
    ``2020-03-16 00:00:00-04:00``) and the three-line-header CSV that
    ``df.to_csv()`` writes from a yfinance ≥ 0.2.51 frame.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    pandas.DataFrame
        The canonical layout.

    Raises
    ------
    DataError
        If the file is missing, unreadable, or not a price table (the message
        says why).
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"no such file: {str(p)!r}")
    try:
        with open(p, encoding="utf-8-sig") as fh:
            head = [fh.readline() for _ in range(3)]
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {str(p)!r}: {exc}") from None
    first = [c.strip().lower() for c in head[0].split(",")]
    second = [c.strip().lower() for c in head[1].split(",")] if len(head) > 1 else []
    try:
        if first and first[0] == "price" and second and second[0] == "ticker":
            frame = pd.read_csv(p, header=[0, 1], index_col=0, encoding="utf-8-sig")
            # the third header line ("Date,,,,") is read as a first data row with a NaN body
            frame = frame[frame.notna().any(axis=1)]
        else:
            frame = pd.read_csv(p, encoding="utf-8-sig")
            date_col = next((c for c in frame.columns if str(c).strip().lower() in ("date", "datetime")), None)
            if date_col is None:
                raise DataError(f"{str(p)!r} has no Date column; its columns are {list(frame.columns)[:8]!r}")
            frame = frame.set_index(date_col)
    except DataError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{str(p)!r} is not a price table: {str(exc).splitlines()[0]}") from None
    try:
        return normalize(frame)
    except DataError as exc:
        raise DataError(f"{str(p)!r} is not a price table: {exc}") from None


# --------------------------------------------------------------------------- cache


def cache_folder(path: PathLike | None = None) -> Path:
    """The cache folder: ``path``, else ``$EWMAKIT_DATA_DIR``, else the user cache directory."""
    if path is not None:
        return Path(path)
    env = os.environ.get("EWMAKIT_DATA_DIR")
    if env:
        return Path(env)
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - platformdirs ships with the data extra
        return Path.home() / ".cache" / "ewmakit"
    return Path(platformdirs.user_cache_dir("ewmakit"))


def _file_stem(ticker: str) -> str:
    """The ticker in a file name: ASCII letters, digits, ``.`` and ``-`` as they are, any other character
    as the %XX of its UTF-8 bytes (so ``^GSPC`` is ``%5EGSPC``, ``€`` is ``%E2%82%AC``); reversible with
    :func:`urllib.parse.unquote`, and a leading ``.`` is ``%2E``: never a hidden name, never ``..``."""
    stem = "".join(c if c.isascii() and (c.isalnum() or c in ".-")
                   else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")) for c in ticker)
    return "%2E" + stem[1:] if stem.startswith(".") else stem


def _cache_file(folder: Path, ticker: str, interval: str, auto_adjust: bool) -> Path:
    return folder / f"{_file_stem(ticker)}_{interval}_{'adj' if auto_adjust else 'raw'}.parquet"


def _lock_file(path: Path) -> Path:
    """The lock file of a cache file: hidden next to it, empty, and left in place (see :func:`_locked`)."""
    return path.with_name(f".{path.name}.lock")


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."  # + tempfile's 8 random characters + ".tmp"


def _unusable(ticker: str, exc: OSError) -> DataError:
    return DataError(f"cannot use the cache file for {ticker}: {exc.strerror or exc}")


def _check_name(path: Path, ticker: str) -> None:
    """Refuse, before any download, a cache file whose name (or its temporary file's) the file system refuses."""
    longest = len(_temp_prefix(path)) + 8 + len(".tmp")
    limit, where = 255, path.parent
    with contextlib.suppress(OSError, ValueError, AttributeError):
        while not where.exists() and where != where.parent:
            where = where.parent
        limit = os.pathconf(where, "PC_NAME_MAX")
    if longest > limit:
        raise DataError(f"cannot use the cache file for {ticker}: its name is too long for the file system "
                        f"({longest} characters with the temporary file's suffix; at most {limit})")


def _gaps(ranges: Iterable[_Span], start: pd.Timestamp, end: pd.Timestamp) -> list[_Span]:
    """The parts of [start, end) that the sorted, merged ``ranges`` do not cover."""
    gaps: list[_Span] = []
    cursor = start
    for a, b in ranges:
        if b <= cursor:
            continue
        if a >= end:
            break
        if a > cursor:
            gaps.append((cursor, min(a, end)))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def _subtract(spans: Iterable[_Span], ranges: Iterable[_Span]) -> list[_Span]:
    merged = _merge_ranges(ranges)
    return [g for a, b in _merge_ranges(spans) for g in _gaps(merged, a, b)]


def _intersect(spans: Sequence[_Span], ranges: Sequence[_Span]) -> list[_Span]:
    return _merge_ranges([(max(a, c), min(b, d)) for a, b in spans for c, d in ranges if max(a, c) < min(b, d)])


def _merge_ranges(ranges: Iterable[_Span]) -> list[_Span]:
    out: list[_Span] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class _Cached:
    """A cache file's frame, the [start, end) ranges already fetched, and the spans asked once that brought
    nothing (``unanswered``: asked again next time, see :func:`_refresh_gaps`)."""

    def __init__(self, frame: pd.DataFrame | None, ranges: list[tuple[pd.Timestamp, pd.Timestamp]],
                 unanswered: Iterable[_Span] = ()) -> None:
        self.frame = frame
        self.ranges = ranges
        self.unanswered = list(unanswered)

    def missing(self, start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        return _gaps(self.ranges, start, end)


def _stamps(frame: pd.DataFrame) -> pd.DatetimeIndex:
    """A canonical frame's index (a DatetimeIndex; pandas-stubs type ``DataFrame.index`` as a plain Index)."""
    return cast(pd.DatetimeIndex, frame.index)


def _wall(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Stamps as tz-naive wall-clock times (intraday bars keep their exchange's zone; ranges are tz-naive)."""
    return index.tz_localize(None) if index.tz is not None else index


def _inside(wall: pd.DatetimeIndex, ranges: Sequence[_Span]) -> np.ndarray:
    """Which stamps lie in one of the sorted, disjoint [start, end) ``ranges``."""
    if not ranges:
        return np.zeros(len(wall), bool)
    starts, ends = pd.DatetimeIndex([a for a, _ in ranges]), pd.DatetimeIndex([b for _, b in ranges])
    k = starts.searchsorted(wall, side="right") - 1
    return (k >= 0) & np.asarray(wall < ends[np.maximum(k, 0)])


def _ranges(value: object, what: str) -> list[_Span]:
    """Metadata ranges: [[start, end], ...], tz-naive, start < end, sorted without overlap."""
    if not isinstance(value, list):
        raise ValueError(f"its {what} are not a list")
    out: list[_Span] = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)):
            raise ValueError(f"its {what} hold {pair!r}, not a [start, end] pair of dates")
        a, b = pd.Timestamp(pair[0]), pd.Timestamp(pair[1])
        if pd.isna(a) or pd.isna(b) or a.tz is not None or b.tz is not None or not a < b:
            raise ValueError(f"its {what} hold {pair!r}, not tz-naive dates with start < end")
        if out and a < out[-1][1]:
            raise ValueError(f"its {what} are not sorted without overlap at {pair!r}")
        out.append((a, b))
    return out


def _check_content(frame: pd.DataFrame, meta: dict, interval: str, auto_adjust: bool) -> _Cached:
    """A cache file's content, checked as a whole: anything ewmakit would not have written is corrupt."""
    if frame.index.name != "Date" or not isinstance(frame.index, pd.DatetimeIndex):
        raise ValueError("its index is not a DatetimeIndex named Date")
    allowed = [f for f in _FIELDS if not (auto_adjust and f == "Adj Close")]
    columns = list(frame.columns)
    if "Close" not in columns or columns != [f for f in allowed if f in columns]:
        raise ValueError(f"its columns {columns!r} are not a canonical price frame")
    for c in columns:
        if frame[c].dtype != np.float64 and not (c == "Volume" and frame[c].dtype == np.int64):
            raise ValueError(f"its column {c!r} holds {frame[c].dtype}, not float64")
    if not frame.index.is_monotonic_increasing or frame.index.has_duplicates:
        raise ValueError("its dates are not sorted and unique")
    if interval in _DAILY_OR_LONGER and frame.index.tz is not None:
        raise ValueError(f"its daily dates carry a time zone ({frame.index.tz})")
    ranges = _ranges(meta.get("ranges"), "ranges")
    unanswered = _ranges(meta.get("unanswered", []), "unanswered spans")
    wall = _wall(frame.index)
    inside = _inside(wall, ranges)
    if not inside.all():
        # ewmakit 0.1 also kept the bar of the day it downloaded on (still forming then), where a range ends
        forming = wall.normalize().isin([b for _, b in ranges])
        if not (inside | forming).all():
            raise ValueError(f"it holds rows outside the ranges it records as fetched, e.g. "
                             f"{wall[~(inside | forming)][0]}")
        frame = frame[inside]
    if frame.empty or frame["Close"].isna().all():
        raise ValueError("it holds no prices")
    bar = _BAR.get(interval, pd.Timedelta(days=1))
    for a, b in ranges:  # a few days may hold no trading, a long span always does
        if b - a > max(pd.Timedelta(days=31), 3 * bar) and wall.searchsorted(b) == wall.searchsorted(a):
            raise ValueError(f"it records {a.date()}..{b.date()} as fetched but holds no row there")
    return _Cached(frame, ranges, unanswered)


def _read_cache(path: Path, ticker: str, interval: str, auto_adjust: bool) -> _Cached:
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return _Cached(None, [])
    except OSError as exc:  # a name too long, a folder we may not read...
        raise _unusable(ticker, exc) from None
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(b"ewmakit", b"null"))
        if not isinstance(meta, dict) or meta.get("version") != _CACHE_VERSION:
            raise ValueError("it has no ewmakit metadata")
        if (meta.get("ticker"), meta.get("interval"), meta.get("auto_adjust")) != (ticker, interval, auto_adjust):
            raise ValueError(f"it holds {meta.get('ticker')!r} {meta.get('interval')!r}, not {ticker!r} {interval!r}")
        return _check_content(table.to_pandas(), meta, interval, auto_adjust)
    except ImportError:
        raise
    except Exception as exc:  # any failure to read it back means we cannot trust it
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _CorruptCache(f"cache file {str(path)!r} is corrupt ({reason})") from None


class _CorruptCache(DataError):
    pass


def _write_cache(path: Path, cached: _Cached, ticker: str, interval: str, auto_adjust: bool) -> None:
    """Write atomically: a temporary file in the same folder, fsync, then rename over the old one."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = {"version": _CACHE_VERSION, "ticker": ticker, "interval": interval, "auto_adjust": auto_adjust,
            "ranges": [[a.isoformat(), b.isoformat()] for a, b in cached.ranges],
            "unanswered": [[a.isoformat(), b.isoformat()] for a, b in cached.unanswered]}
    table = pa.Table.from_pandas(cached.frame, preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"ewmakit": json.dumps(meta).encode()})
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_LOCK_TIMEOUT = 120.0  # seconds to wait for another process writing the same cache file
_STALE = 3600.0  # without the lock, a temporary file this old (seconds) belongs to no live writer


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[bool]:
    """Hold the cross-process lock of a cache file; yields whether a lock is held (filelock missing: no).

    The lock file stays after release on purpose: removing it while another process waits on it would
    let two processes hold "the" lock at once (see filelock's documentation)."""
    try:
        import filelock
    except ImportError:  # pragma: no cover - filelock ships with the data extra; writes stay atomic without it
        yield False
        return
    with filelock.FileLock(str(_lock_file(path)), timeout=_LOCK_TIMEOUT):
        yield True


def _remove_stale_temps(path: Path, locked: bool) -> None:
    """Remove the temporary files that killed writers of this cache file left: all of them while holding its
    lock (every writer holds it while its temporary file exists), else those older than an hour."""
    prefix, cutoff = _temp_prefix(path), time.time() - _STALE
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            name = entry.name
            middle = name[len(prefix):-len(".tmp")]
            if name.startswith(prefix) and name.endswith(".tmp") and re.fullmatch(r"\w+", middle, re.ASCII):
                with contextlib.suppress(OSError):
                    if locked or entry.stat().st_mtime < cutoff:
                        os.unlink(entry.path)


def _combine(old: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """Both frames' rows; on a date both hold, the new values, but a NaN in ``new`` keeps the old value
    (a half-failed reply never erases what the cache holds)."""
    if old is None or old.empty:
        return new
    out = new.combine_first(old).sort_index()
    return _tidy(out[[f for f in _FIELDS if f in out.columns]])




# --------------------------------------------------------------------------- download


@contextlib.contextmanager
def _quiet_yfinance() -> Iterator[list[str]]:
    """Keep yfinance's printing and logging out of the user's output; collect its error messages."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("yfinance")
    handler = _Collect(level=logging.WARNING)
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield messages
    finally:
        logger.handlers, logger.propagate, _ = saved
        logger.setLevel(saved[2])
        messages.extend(line for line in (out.getvalue() + err.getvalue()).splitlines() if line.strip())


def _likely_cause(messages: list[str]) -> str:
    text = " ".join(messages)
    low = text.lower()
    if "ratelimit" in low or "rate limit" in low or "too many requests" in low:
        return "Yahoo rate-limited the request (YFRateLimitError); wait a while and retry"
    # before "not found": a DNS failure reads "Could not resolve host ... (Domain name not found)"
    if any(k in low for k in ("connection", "resolve", "dnserror", "timed out", "timeout", "network", "ssl")):
        return "no network connection to Yahoo Finance"
    if "delisted" in low or "not found" in low or "no timezone" in low or "404" in low:
        return "unknown or delisted ticker"
    return "unknown ticker, no trading in that range, a rate limit or no network"


def _fetch(ticker: str, start: pd.Timestamp, end: pd.Timestamp | None, interval: str,
           auto_adjust: bool) -> tuple[pd.DataFrame | None, list[str]]:
    """One yfinance call; returns (canonical frame or None when nothing came, messages)."""
    try:
        import yfinance as yf
    except ImportError:
        raise DataError("downloading needs yfinance: pip install 'ewmakit[data]'") from None
    kwargs = dict(interval=interval, auto_adjust=auto_adjust, progress=False, actions=False, threads=False)
    if start <= _EARLIEST:  # the whole history (rows after ``end`` are sliced off by the caller)
        kwargs["period"] = "max"
    else:
        kwargs["start"] = start.strftime("%Y-%m-%d")
        if end is not None:
            kwargs["end"] = end.strftime("%Y-%m-%d")
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    with _quiet_yfinance() as messages:
        try:
            raw = yf.download(ticker, **kwargs)
        except Exception as exc:  # yfinance raises many kinds; each is a failed download
            messages.append(f"{type(exc).__name__}: {exc}")
            raw = None
    if raw is None or not isinstance(raw, pd.DataFrame) or raw.empty:
        return None, messages
    try:
        daily = interval in _DAILY_OR_LONGER
        frame = _normalize(raw, None, daily)
        if isinstance(frame.columns, pd.MultiIndex):  # several tickers came back: keep ours
            frame = _normalize(raw, ticker, daily)
    except DataError as exc:
        messages.append(str(exc))
        return None, messages
    if frame.empty:
        return None, messages
    return frame, messages


def _timestamp(value: DateLike | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2020-01-31', got {value!r}") from None
    if pd.isna(ts):
        raise ValueError(f"{name} must be a date such as '2020-01-31', got {value!r}")
    return ts.tz_convert(None) if ts.tz is not None else ts


def _dates(start: DateLike | None, end: DateLike | None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``start`` and ``end`` of :func:`download` as tz-naive timestamps, checked (:class:`DataError` if not)."""
    start_ts, end_ts = _timestamp(start, "start"), _timestamp(end, "end")
    today = _today()
    if start_ts is not None and start_ts.normalize() > today:
        raise DataError(f"start must be on or before today ({today.date()}): there are no prices after it yet, "
                        f"got start={start!r}")
    if start_ts is not None and end_ts is not None and end_ts <= start_ts:
        raise DataError(f"end must be after start (end is exclusive), got start={start!r}, end={end!r}")
    return start_ts, end_ts


def _today() -> pd.Timestamp:
    return pd.Timestamp.now().normalize()


def _progress(total: int, enabled: bool) -> Callable[[str], None]:
    """A minimal progress bar on stderr (no extra dependency)."""
    count = 0

    def tick(label: str) -> None:
        nonlocal count
        count += 1
        if enabled:
            width = 24
            done = int(width * count / total)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {count}/{total} {label:<12}")
            if count == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return tick


_OVERLAP_ROWS = 5  # cached rows fetched again with each extension, to notice rescaled history
_OVERLAP_REACH = pd.Timedelta(days=10)  # ... when the cache has rows that close to the gap
_RECENT = pd.Timedelta(days=7)  # Yahoo may publish the newest days late: they are never taken as empty
# how long one bar lasts (intraday bars count by the day: a day with bars counts as received)
_BAR = {"5d": pd.Timedelta(days=5), "1wk": pd.Timedelta(days=7), "1mo": pd.Timedelta(days=31),
        "3mo": pd.Timedelta(days=92)}


def _closed(a: pd.Timestamp, b: pd.Timestamp) -> bool:
    """Does [a, b) hold no trading day by definition: no weekday but 1 January (no exchange trades then)?"""
    if b <= a:
        return True
    if b - a > pd.Timedelta(days=7):
        return False
    days = pd.date_range(a.normalize(), (b - pd.Timedelta(1, "ns")).normalize(), freq="D")
    return all(d.weekday() >= 5 or (d.month, d.day) == (1, 1) for d in days)


def _received(frame: pd.DataFrame, a: pd.Timestamp, b: pd.Timestamp, interval: str, whole: bool) -> _Span:
    """The part of the asked [a, b) that a reply covers: from its first bar to the end of its last, widened
    over the edges that hold no trading day by definition (:func:`_closed`); ``whole`` (``period="max"``):
    nothing exists before the first bar. A reply that goes beyond ``b`` covers up to its last bar."""
    wall = _wall(_stamps(frame))
    first, last = wall[0].normalize(), wall[-1].normalize()
    bar = _BAR.get(interval)
    # a long bar is dated at the start of its period, which may be before a or up to one bar after it
    lo = a if whole or _closed(a, first) or (bar is not None and first - a < bar) else first
    end_of_last = last + (bar or pd.Timedelta(days=1))
    if last >= b:
        hi = end_of_last
    else:
        hi = b if end_of_last >= b or _closed(end_of_last, b) else end_of_last
    return lo, hi


def _rescaled(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Did Yahoo rescale the history (a dividend for adjusted prices, a split for all) since it was cached?"""
    common = old.index.intersection(new.index)
    cols = [c for c in ("Close", "Adj Close") if c in old and c in new]
    if common.empty or not cols:
        return False
    a, b = old.loc[common, cols].to_numpy(float), new.loc[common, cols].to_numpy(float)
    both = np.isfinite(a) & np.isfinite(b) & (a != 0)  # a NaN in the reply says nothing about the scale
    return bool(both.any()) and bool(np.max(np.abs(b[both] / a[both] - 1.0)) > 1e-6)


def _refresh_gaps(cached: _Cached, gaps: Iterable[_Span], path: Path, ticker: str, end: pd.Timestamp | None,
                  interval: str, auto_adjust: bool) -> _Cached:
    """Fetch the missing ranges and merge them into the cache (written only when something changed).

    Only what came back is recorded as fetched (:func:`_received`); the rest of a gap is *unanswered*
    and asked again by the next call that wants it. Asked again with nothing for it, an unanswered span
    is reported (a warning) and, unless it is recent, recorded as fetched: Yahoo has nothing there
    (before a listing, after a delisting, a holiday). Nothing holds the lock while fetching.
    """
    today = _today()
    frames, received, vain, failures, rescaled = [], [], [], [], False
    for a, b in gaps:
        fetch_from, fetch_to = a, b
        if cached.frame is not None:  # overlap a few cached rows next to the gap, to detect rescaled history
            days = pd.DatetimeIndex(_stamps(cached.frame).date)
            before, after = days[days < a], days[days >= b]
            if len(before) and before[-1] >= a - _OVERLAP_REACH:
                fetch_from = before[-min(_OVERLAP_ROWS, len(before))]
            elif len(after) and after[0] < b + _OVERLAP_REACH:
                fetch_to = after[min(_OVERLAP_ROWS, len(after)) - 1] + pd.Timedelta(days=1)
        frame, messages = _fetch(ticker, fetch_from, None if (end is None and fetch_to >= today) else fetch_to,
                                 interval, auto_adjust)
        if frame is not None and cached.frame is not None and (_stamps(frame).tz is None) != (
                _stamps(cached.frame).tz is None):
            messages.append(f"the bars came {'without' if _stamps(frame).tz is None else 'with'} a time zone, "
                            "unlike the cached ones")
            frame = None
        if frame is None:
            failures.append((a, b, messages))
            continue
        if cached.frame is not None and _rescaled(cached.frame, frame):
            rescaled = True
        frames.append(frame)
        lo, hi = _received(frame, fetch_from, fetch_to, interval, whole=fetch_from <= _EARLIEST)
        received.append((lo, hi))
        vain += [(x, y) for x, y in ((a, min(lo, b)), (max(hi, a), b)) if x < y]
    if failures:
        cause = _likely_cause([m for *_, ms in failures for m in ms])
        known = cached.frame is not None or bool(frames)
        short = all((b - a) <= pd.Timedelta(days=7) for a, b, _ in failures)
        # a short range of a known ticker may hold no trading day (a weekend, a holiday)
        if not (known and short) or cause.startswith(("Yahoo rate-limited", "no network")):
            a, b, _ = failures[0]
            raise DataError(f"no data for {ticker} from {a.date()} to {b.date()}: {cause}")
        for a, b, _ in failures:  # only a range without weekdays is surely empty
            (received if _closed(a, b) else vain).append((a, b))
    if rescaled:  # splice nothing: fetch the whole span again at today's scale
        lo = min([r[0] for r in cached.ranges] + [r[0] for r in received])
        hi = max([r[1] for r in cached.ranges] + [r[1] for r in received])
        frame, messages = _fetch(ticker, lo, None if (end is None and hi >= today) else hi, interval, auto_adjust)
        if frame is None:
            raise DataError(f"Yahoo rescaled the history of {ticker} (a dividend or split) and refetching it "
                            f"failed: {_likely_cause(messages)}")
        warnings.warn(f"Yahoo rescaled the history of {ticker} (a dividend or split) since it was cached; "
                      "the whole cached range was fetched again", UserWarning, stacklevel=4)
        rlo, rhi = _received(frame, lo, hi, interval, whole=lo <= _EARLIEST)
        frames, received = [frame], [(rlo, rhi)]
        vain += [(x, y) for x, y in ((lo, rlo), (rhi, hi)) if x < y]
    # the newest bar may still be forming: never count today as fetched
    received = [(a, min(b, today)) for a, b in received if a < min(b, today)]
    vain = _merge_ranges([(a, min(b, today)) for a, b in vain if a < min(b, today)])
    for a, b in _intersect(vain, cached.unanswered):  # asked before with nothing for it, and again now
        settled = min(b, today - _RECENT)  # Yahoo may still publish the last days
        if a < settled:
            received.append((a, settled))
        what = "taken as days without trading (before a listing, after a delisting, holidays; refresh=True " \
               "asks again)" if a < settled else ""
        if settled < b:
            what += f"{', but ' if what else ''}the days from {max(a, settled).date()} on are asked again next time"
        warnings.warn(f"Yahoo sent no data for {ticker} from {a.date()} to {b.date()} again: {what}", UserWarning,
                      stacklevel=4)
    if not (frames or received or _subtract(vain, cached.unanswered)):
        return cached
    try:
        return _commit(path, cached, frames, received, vain, rescaled, ticker, interval, auto_adjust)
    except OSError as exc:  # the data is good; only the cache could not be kept (or locked: filelock.Timeout)
        warnings.warn(f"could not write the cache file {str(path)!r} ({exc}); the download is returned uncached",
                      RuntimeWarning, stacklevel=4)
    return _merged(cached, frames, received, vain, rescaled)


def _merged(base: _Cached, frames: Sequence[pd.DataFrame], received: list[_Span], vain: list[_Span],
            rescaled: bool) -> _Cached:
    """``base`` with the fetched frames (field by field, :func:`_combine`), ranges and unanswered spans."""
    if rescaled or (base.frame is not None and any(_rescaled(base.frame, f) for f in frames)):
        base = _Cached(None, [], base.unanswered)  # another scale: keep only what was just fetched
    frame = base.frame
    for new in frames:
        frame = _combine(frame, new)
    ranges = _merge_ranges(base.ranges + received)
    return _Cached(frame, ranges, _subtract(base.unanswered + vain, ranges))


def _commit(path: Path, cached: _Cached, frames: Sequence[pd.DataFrame], received: list[_Span], vain: list[_Span],
            rescaled: bool, ticker: str, interval: str, auto_adjust: bool) -> _Cached:
    """Merge what was fetched into the cache file under its lock, re-reading the file first so that what
    another process wrote meanwhile stays. Returns the merged cache; the file gets its rows within the
    recorded ranges (not the bar of today, which may still be forming)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path) as locked:
        try:
            base = _read_cache(path, ticker, interval, auto_adjust)
        except DataError:  # corrupt (reported when read before fetching) or damaged since: overwritten
            base = _Cached(None, [])
        updated = _merged(base, frames, received, vain, rescaled)
        changed = (updated.frame is not base.frame or updated.ranges != base.ranges
                   or updated.unanswered != base.unanswered)
        if updated.frame is not None and changed:
            _remove_stale_temps(path, locked)
            rows = _inside(_wall(_stamps(updated.frame)), updated.ranges)
            _write_cache(path, _Cached(updated.frame[rows], updated.ranges, updated.unanswered), ticker, interval,
                         auto_adjust)
    return updated


def _one(ticker: str, start: pd.Timestamp | None, end: pd.Timestamp | None, interval: str, auto_adjust: bool,
         folder: Path, refresh: bool, offline: bool) -> pd.DataFrame:
    path = _cache_file(folder, ticker, interval, auto_adjust)
    _check_name(path, ticker)
    want_start = start if start is not None else _EARLIEST
    # the newest bar may still be forming: only ranges ending before today count as fetched
    want_end = end if end is not None else _today() + pd.Timedelta(days=1)
    try:
        cached = _read_cache(path, ticker, interval, auto_adjust)
    except _CorruptCache as exc:
        if offline:
            raise DataError(f"{exc}; delete it, or download again without offline=True") from None
        warnings.warn(f"{exc}; fetching {ticker} again", RuntimeWarning, stacklevel=3)
        cached = _Cached(None, [])

    gaps = [(want_start, want_end)] if refresh and not offline else cached.missing(want_start, want_end)
    if offline:
        if cached.frame is None:
            raise DataError(f"offline and nothing cached for {ticker} ({interval}, "
                            f"{'adjusted' if auto_adjust else 'raw'}) in {str(folder)!r}")
        if gaps:
            spans = ", ".join(f"{a.date()}..{b.date()}" for a, b in gaps)
            warnings.warn(f"offline: the cache for {ticker} lacks {spans}; returning what it has",
                          UserWarning, stacklevel=3)
    else:
        cached = _refresh_gaps(cached, gaps, path, ticker, end, interval, auto_adjust)
    frame = cached.frame
    lo, hi = want_start, want_end
    if frame is not None and _stamps(frame).tz is not None:  # intraday bars keep the exchange's time zone
        lo, hi = lo.tz_localize(_stamps(frame).tz), hi.tz_localize(_stamps(frame).tz)
    out = frame[(frame.index >= lo) & (frame.index < hi)] if frame is not None else None
    if out is None or out.empty:
        raise DataError(f"no data for {ticker} between {want_start.date()} and {want_end.date()}")
    return out.copy()


def download(tickers: str | Iterable[str], start: DateLike | None = None, end: DateLike | None = None, *,
             interval: str = "1d", auto_adjust: bool = True, cache_dir: PathLike | None = None,
             refresh: bool = False, offline: bool = False, progress: bool | None = None) -> pd.DataFrame:
    """Download prices with yfinance, through a safe on-disk cache.

    Parameters
    ----------
    tickers : str or list of str
        One ticker (``"SPY"``) gives the flat canonical frame; a list gives
        columns ``MultiIndex (field, ticker)``.
    start, end : date-like, optional
        ``end`` is exclusive, as in yfinance. No ``start``: the whole history;
        no ``end``: up to today. ``start`` must be on or before today and
        before ``end``.
    interval : str, default "1d"
        A yfinance interval ("1d", "1wk", "1h", ...).
    auto_adjust : bool, default True
        Passed to yfinance explicitly. False adds an ``Adj Close`` column and
        keeps raw (split-adjusted) OHLC. Cached separately.
    cache_dir : path, optional
        Default: ``$EWMAKIT_DATA_DIR``, else the user cache directory.
    refresh : bool, default False
        Fetch the range again even if cached (the new values replace the old,
        but a value missing in the reply keeps the cached one).
    offline : bool, default False
        Read the cache only (also ``EWMAKIT_OFFLINE=1``); warns about dates the
        cache lacks and raises if it has nothing.
    progress : bool, optional
        A progress bar on stderr for several tickers; default: when stderr is a
        terminal.

    Returns
    -------
    pandas.DataFrame
        The canonical layout (see the module docstring), rows in ``[start, end)``.

    Warns
    -----
    UserWarning
        When Yahoo, asked again for dates it sent nothing for, still sends
        nothing (the warning names the ticker and the dates); offline, when
        the cache lacks part of the range; when Yahoo rescaled the history.
    RuntimeWarning
        When a corrupt cache file is fetched again, or the cache file cannot
        be written (the download is returned all the same).

    Raises
    ------
    DataError
        An unknown ticker, an empty result, a rate limit, no network, a corrupt
        cache file read offline, a ticker whose cache file the file system
        refuses (a name too long): the message names the ticker(s) and the
        likely cause. Tickers that worked are cached all the same. Also a
        ``start`` after today, or an ``end`` not after ``start``.
    ValueError
        For other malformed arguments (text that is not a date, an unknown
        interval, tickers that are not strings). ``DataError`` is a
        ``ValueError`` too.

    Notes
    -----
    The cache records, per file, the date ranges that replies covered: from
    the first bar received to the end of the last one, widened only over
    edges without a weekday (1 January counts as a holiday), over everything
    before the first bar of a whole-history (``start=None``) request, and never
    including today (its bar may still be forming; it is returned, not
    cached). Dates a reply did not cover are asked again by the next call that
    wants them; when that call gets nothing for them either, it warns and,
    unless they are within the last 7 days, records them as fetched (Yahoo has
    nothing there). Writers of one cache file take a lock (the hidden
    ``.<file>.lock`` next to it), re-read the file and merge into it, so
    several processes can fill one cache at once.
    """
    if isinstance(tickers, str):
        names, single = [tickers], True
    else:
        try:
            names, single = list(tickers), False
        except TypeError:
            raise ValueError(f"tickers must be a string or a list of strings, got {tickers!r}") from None
    if not names or not all(isinstance(t, str) and t.strip() for t in names):
        raise ValueError(f"tickers must be non-empty strings, got {tickers!r}")
    names = list(dict.fromkeys(t.strip().upper() for t in names))
    if interval not in _INTERVALS:
        raise ValueError(f"interval must be one of {', '.join(_INTERVALS)}, got {interval!r}")
    if not isinstance(auto_adjust, bool):
        raise ValueError(f"auto_adjust must be True or False, got {auto_adjust!r}")
    start_ts, end_ts = _dates(start, end)
    offline = bool(offline) or env_flag("EWMAKIT_OFFLINE")
    folder = cache_folder(cache_dir)
    show = (sys.stderr.isatty() if progress is None else bool(progress)) and len(names) > 1
    tick = _progress(len(names), show)

    frames, errors = {}, {}
    for t in names:
        try:
            frames[t] = _one(t, start_ts, end_ts, interval, auto_adjust, folder, refresh, offline)
        except DataError as exc:
            errors[t] = str(exc)
        tick(t)
    if errors:
        if len(errors) == 1:
            raise DataError(next(iter(errors.values())))
        raise DataError(f"{len(errors)} of {len(names)} tickers failed: " + "; ".join(errors.values()))
    if single:
        return frames[names[0]]
    return _panel(frames)
