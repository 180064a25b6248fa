"""Market data: yfinance downloads, a safe on-disk cache, CSV import, offline samples.

Every function returns ewmakit's **canonical layout**. One ticker: flat columns
``Open, High, Low, Close, Volume`` (plus ``Adj Close`` when ``auto_adjust=False``)
and a sorted ``DatetimeIndex`` named ``Date`` without duplicates, tz-naive for
daily bars. Several tickers: columns ``MultiIndex (field, ticker)``, so
``download(["SPY", "QQQ"])["Close"]`` is a wide panel.

yfinance is the only network source. It is imported inside the functions that
use it (``import yfinance as yf`` at call time), so tests replace it with a fake.

The cache holds one Parquet file per ticker, interval and adjustment, with the
date ranges already fetched in its metadata. Writes are atomic (a temporary file
in the same folder, then ``os.replace``); a failed, empty or all-NaN download
never touches it; a file that cannot be read back is reported (offline) or
refetched (online), never read as data.
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
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

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


def _field(name) -> str | None:
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
    return bool(len(index)) and bool((index == index.normalize()).all())


def _normalize_one(frame: pd.DataFrame, ticker=None) -> pd.DataFrame:
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
    out.index = _datetime_index(out.index, ticker)
    out = out[~out.index.isna()]
    prices = [f for f in order if f != "Volume"]
    out = out.dropna(how="all", subset=prices)
    out = out[~out.index.duplicated(keep="last")].sort_index(kind="stable")
    if "Volume" in out:
        vol = out["Volume"]
        out["Volume"] = vol.astype(np.int64) if vol.notna().all() and (vol == vol.round()).all() else vol.astype(
            np.float64)
    out.index.name = "Date"
    out.columns.name = None
    return out


def _for(ticker) -> str:
    return "" if ticker is None else f" for {ticker}"


def _datetime_index(index, ticker=None) -> pd.DatetimeIndex:
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
    if idx.tz is not None and _is_daily(idx):
        idx = idx.tz_localize(None)  # daily bars: the exchange's calendar date, tz-naive
    return pd.DatetimeIndex(idx, name="Date")


def normalize(frame, ticker=None) -> pd.DataFrame:
    """Bring any layout yfinance has produced into ewmakit's canonical layout.

    Handles MultiIndex columns for one ticker (levels ``Price, Ticker`` or
    swapped by ``group_by="ticker"``), flat columns, ``Adj Close`` present or
    absent, tz-aware indexes (daily bars become tz-naive dates), the
    ``Dividends``/``Stock Splits``/``Capital Gains`` columns of
    ``Ticker.history`` (dropped), unsorted or duplicated dates (the last row of
    a date wins) and all-NaN rows (dropped).

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
            sub = frame.xs(names[0], axis=1, level=other)
            return _normalize_one(sub, names[0])
        parts = {t: _normalize_one(frame.xs(t, axis=1, level=other), t) for t in names}
        return _panel(parts)
    return _normalize_one(frame, ticker)


def _panel(parts: dict) -> pd.DataFrame:
    """Per-ticker canonical frames -> columns MultiIndex (field, ticker), fields in canonical order."""
    wide = pd.concat(parts, axis=1, names=["Ticker", "Price"]).swaplevel(0, 1, axis=1)
    fields = [f for f in _FIELDS if f in wide.columns.get_level_values(0)]
    tickers = list(parts)
    wide = wide.reindex(columns=pd.MultiIndex.from_product([fields, tickers], names=["Price", "Ticker"]))
    wide.index.name = "Date"
    return wide


# --------------------------------------------------------------------------- CSV


def read_csv(path) -> pd.DataFrame:
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


def cache_folder(path=None) -> Path:
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


def _cache_file(folder: Path, ticker: str, interval: str, auto_adjust: bool) -> Path:
    safe = re.sub(r"[^A-Za-z0-9.\-]", lambda m: f"%{ord(m.group()):02X}", ticker)
    return folder / f"{safe}_{interval}_{'adj' if auto_adjust else 'raw'}.parquet"


class _Cached:
    """A cache file's frame and the [start, end) ranges already fetched."""

    def __init__(self, frame: pd.DataFrame | None, ranges: list[tuple[pd.Timestamp, pd.Timestamp]]):
        self.frame = frame
        self.ranges = ranges

    def missing(self, start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        gaps, cursor = [], start
        for a, b in sorted(self.ranges):
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


def _merge_ranges(ranges):
    out = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _read_cache(path: Path, ticker: str, interval: str, auto_adjust: bool) -> _Cached:
    if not path.exists():
        return _Cached(None, [])
    try:
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(b"ewmakit", b"null"))
        if not isinstance(meta, dict) or meta.get("version") != _CACHE_VERSION:
            raise ValueError("it has no ewmakit metadata")
        if (meta.get("ticker"), meta.get("interval"), meta.get("auto_adjust")) != (ticker, interval, auto_adjust):
            raise ValueError(f"it holds {meta.get('ticker')!r} {meta.get('interval')!r}, not {ticker!r} {interval!r}")
        frame = table.to_pandas()
        if frame.index.name != "Date" or not isinstance(frame.index, pd.DatetimeIndex) or "Close" not in frame:
            raise ValueError("its columns or index are not a canonical price frame")
        if not frame.index.is_monotonic_increasing or frame.index.has_duplicates:
            raise ValueError("its dates are not sorted and unique")
        ranges = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in meta["ranges"]]
    except ImportError:
        raise
    except Exception as exc:  # any failure to read it back means we cannot trust it
        raise _CorruptCache(f"cache file {str(path)!r} is corrupt ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    return _Cached(frame, ranges)


class _CorruptCache(DataError):
    pass


def _write_cache(path: Path, frame: pd.DataFrame, ranges, ticker: str, interval: str, auto_adjust: bool) -> None:
    """Write atomically: a temporary file in the same folder, fsync, then rename over the old one."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"version": _CACHE_VERSION, "ticker": ticker, "interval": interval, "auto_adjust": auto_adjust,
            "ranges": [[a.isoformat(), b.isoformat()] for a, b in _merge_ranges(ranges)]}
    table = pa.Table.from_pandas(frame, preserve_index=True)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"ewmakit": json.dumps(meta).encode()})
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


# --------------------------------------------------------------------------- download


@contextlib.contextmanager
def _quiet_yfinance():
    """Keep yfinance's printing and logging out of the user's output; collect its error messages."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record):
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
        frame = normalize(raw)
        if isinstance(frame.columns, pd.MultiIndex):  # several tickers came back: keep ours
            frame = normalize(raw, ticker)
    except DataError as exc:
        messages.append(str(exc))
        return None, messages
    if frame.empty:
        return None, messages
    return frame, messages


def _timestamp(value, name):
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2020-01-31', got {value!r}") from None
    if pd.isna(ts):
        raise ValueError(f"{name} must be a date such as '2020-01-31', got {value!r}")
    return ts.tz_convert(None) if ts.tz is not None else ts


def _env_flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"{name} must be 1/true/yes/on or 0/false/no/off, got {os.environ[name]!r}")


def _today() -> pd.Timestamp:
    return pd.Timestamp.now().normalize()


def _progress(total: int, enabled: bool):
    """A minimal progress bar on stderr (no extra dependency)."""
    count = 0

    def tick(label: str):
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


def _has_weekday(a: pd.Timestamp, b: pd.Timestamp) -> bool:
    return len(pd.bdate_range(a, b - pd.Timedelta(days=1))) > 0 if b > a else False


def _rescaled(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Did Yahoo rescale the history (a dividend for adjusted prices, a split for all) since it was cached?"""
    common = old.index.intersection(new.index)
    cols = [c for c in ("Close", "Adj Close") if c in old and c in new]
    if common.empty or not cols:
        return False
    a, b = old.loc[common, cols].to_numpy(float), new.loc[common, cols].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return bool(np.nanmax(np.abs(b / a - 1.0)) > 1e-6)


def _refresh_gaps(cached: _Cached, gaps, path, ticker, end, interval, auto_adjust) -> _Cached:
    """Fetch the missing ranges and merge them into the cache (written only when something new came)."""
    new_frames, new_ranges, failures, rescaled = [], [], [], False
    for a, b in gaps:
        fetch_from, fetch_to = a, b
        if cached.frame is not None:  # overlap a few cached rows next to the gap, to detect rescaled history
            days = pd.DatetimeIndex(cached.frame.index.date)
            before, after = days[days < a], days[days >= b]
            if len(before) and before[-1] >= a - _OVERLAP_REACH:
                fetch_from = before[-min(_OVERLAP_ROWS, len(before))]
            elif len(after) and after[0] < b + _OVERLAP_REACH:
                fetch_to = after[min(_OVERLAP_ROWS, len(after)) - 1] + pd.Timedelta(days=1)
        frame, messages = _fetch(ticker, fetch_from, None if (end is None and fetch_to >= _today()) else fetch_to,
                                 interval, auto_adjust)
        if frame is None:
            failures.append((a, b, messages))
            continue
        if cached.frame is not None and _rescaled(cached.frame, frame):
            rescaled = True
        new_frames.append(frame)
        new_ranges.append((fetch_from, fetch_to))  # all of it was fetched, the overlap included
    if failures:
        cause = _likely_cause([m for *_, ms in failures for m in ms])
        known = cached.frame is not None or bool(new_frames)
        short = all((b - a) <= pd.Timedelta(days=7) for a, b, _ in failures)
        # a short range of a known ticker may hold no trading day (a weekend, a holiday)
        if not (known and short) or cause.startswith(("Yahoo rate-limited", "no network")):
            a, b, _ = failures[0]
            raise DataError(f"no data for {ticker} from {a.date()} to {b.date()}: {cause}")
        # only a range without weekdays is surely empty; anything else is asked again next time
        new_ranges += [(a, b) for a, b, _ in failures if not _has_weekday(a, b)]
    if rescaled:  # splice nothing: fetch the whole span again at today's scale
        lo = min([r[0] for r in cached.ranges] + [r[0] for r in new_ranges])
        hi = max([r[1] for r in cached.ranges] + [r[1] for r in new_ranges])
        frame, messages = _fetch(ticker, lo, None if (end is None and hi >= _today()) else hi, interval, auto_adjust)
        if frame is None:
            raise DataError(f"Yahoo rescaled the history of {ticker} (a dividend or split) and refetching it "
                            f"failed: {_likely_cause(messages)}")
        warnings.warn(f"Yahoo rescaled the history of {ticker} (a dividend or split) since it was cached; "
                      "the whole cached range was fetched again", UserWarning, stacklevel=4)
        cached, new_frames, new_ranges = _Cached(None, []), [frame], [(lo, hi)]
    # the newest bar may still be forming: never count today as fetched
    new_ranges = [(a, min(b, _today())) for a, b in new_ranges if a < min(b, _today())]
    if not (new_frames or new_ranges):
        return cached
    merged = pd.concat(([cached.frame] if cached.frame is not None else []) + new_frames)
    merged = merged[~merged.index.duplicated(keep="last")].sort_index()
    updated = _Cached(merged, _merge_ranges(cached.ranges + new_ranges))
    try:
        _write_cache(path, merged, updated.ranges, ticker, interval, auto_adjust)
    except OSError as exc:  # the data is good; only the cache could not be kept
        warnings.warn(f"could not write the cache file {str(path)!r} ({exc}); the download is returned uncached",
                      RuntimeWarning, stacklevel=4)
    return updated



def _one(ticker, start, end, interval, auto_adjust, folder, refresh, offline) -> pd.DataFrame:
    path = _cache_file(folder, ticker, interval, auto_adjust)
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
    if frame.index.tz is not None:  # intraday bars keep the exchange's time zone
        lo, hi = lo.tz_localize(frame.index.tz), hi.tz_localize(frame.index.tz)
    out = frame[(frame.index >= lo) & (frame.index < hi)]
    if out.empty:
        raise DataError(f"no data for {ticker} between {want_start.date()} and {want_end.date()}")
    return out.copy()


def download(tickers, start=None, end=None, *, interval="1d", auto_adjust=True, cache_dir=None, refresh=False,
             offline=False, progress=None) -> pd.DataFrame:
    """Download prices with yfinance, through a safe on-disk cache.

    Parameters
    ----------
    tickers : str or list of str
        One ticker (``"SPY"``) gives the flat canonical frame; a list gives
        columns ``MultiIndex (field, ticker)``.
    start, end : date-like, optional
        ``end`` is exclusive, as in yfinance. No ``start``: the whole history;
        no ``end``: up to today.
    interval : str, default "1d"
        A yfinance interval ("1d", "1wk", "1h", ...).
    auto_adjust : bool, default True
        Passed to yfinance explicitly. False adds an ``Adj Close`` column and
        keeps raw (split-adjusted) OHLC. Cached separately.
    cache_dir : path, optional
        Default: ``$EWMAKIT_DATA_DIR``, else the user cache directory.
    refresh : bool, default False
        Fetch the range again even if cached (the new rows replace the old).
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

    Raises
    ------
    DataError
        An unknown ticker, an empty result, a rate limit, no network, a corrupt
        cache file read offline: the message names the ticker(s) and the likely
        cause. Tickers that worked are cached all the same.
    ValueError
        For malformed arguments (bad dates, unknown interval, end before start).
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
    start_ts, end_ts = _timestamp(start, "start"), _timestamp(end, "end")
    if start_ts is not None and end_ts is not None and end_ts <= start_ts:
        raise ValueError(f"end must be after start (end is exclusive), got start={start!r}, end={end!r}")
    offline = bool(offline) or _env_flag("EWMAKIT_OFFLINE")
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
