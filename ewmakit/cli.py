"""The ``ewmakit`` command: smooth a price series, download prices, run an optimizer, write the demos.

Argument parsing and output only: every number comes from the public API
(:mod:`ewmakit.data`, :func:`ewmakit.ewma`, :mod:`ewmakit.optim`,
:mod:`ewmakit.plot`, the demos of :mod:`ewmakit._demos`), imported when a
command needs it so that ``ewmakit --help`` is fast.

User mistakes (a missing file, β outside [0, 1), an unknown sample, ticker or
function, a start date after today) print one line, ``ewmakit <command>:
error: ...``, on stderr and exit with status 1; malformed command lines exit
with status 2 (argparse); Ctrl-C prints ``ewmakit: interrupted`` and exits with
status 130. ``EWMAKIT_DEBUG=1`` shows the traceback instead. The ``ewmakit``
console script enters through :mod:`_ewmakit_cli`, which handles Ctrl-C
before this module (and NumPy, pandas) is even imported.

>>> main(["optimize", "bowl", "--method", "sgd", "--lr", "0.1", "--steps", "50", "--start", "2.5,2.5"])
bowl: f(w) = w₁² + w₂².
start (2.5, 2.5); minimum at (0, 0)
method        steps  x                     f(x)        stopped
SGD (lr=0.1)     50  (0.0000, 0.0000)      2.546e-09   stopped after steps=50
0
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from ._env import env_flag
from ._figures import check_output, subplots, use_agg

__all__ = ["main", "build_parser"]

PROG = "ewmakit"

_TOP_EPILOG = """\
examples:
  ewmakit demo                                 # every demo figure, offline, into ./ewmakit-demo
  ewmakit smooth sample:sp500 --beta 0.9 --beta 0.98 --start 2008-01-01 --end 2009-01-01 --plot sp500.png
  ewmakit smooth SPY --window 20 --start 2020-01-01 --out spy_ema20.csv
  ewmakit smooth prices.csv --halflife 10 --column Close
  ewmakit smooth long.csv --by ticker --column close --window 20 --out ema20.csv
  ewmakit download SPY QQQ TLT --start 2020-01-01 --data-dir data
  ewmakit optimize rosenbrock --method adam --method momentum --steps 3000 --plot rosenbrock.png
  ewmakit backtest sample:sp500 --fast 10 --slow 50 --fee 0.001 --plot crossover.png

"ewmakit COMMAND --help" shows each command's options and more examples.
β (beta) is always the weight of the past: v_t = β·v_(t−1) + (1−β)·x_t; the n-period EMA has β = 1 − 2/(n+1).
"""

_SMOOTH_EPILOG = """\
SOURCE is a ticker (downloaded with yfinance through the ewmakit cache), a CSV
file (flat, or the 3-line-header CSV yfinance writes), or sample:NAME for the
real data shipped offline (sample:sp500, sample:nasdaq).

examples:
  ewmakit smooth sample:sp500 --start 2008-01-01 --end 2009-01-01
  ewmakit smooth sample:sp500 --beta 0.5 --beta 0.9 --beta 0.95 --plot sp500.png
  ewmakit smooth SPY --start 2020-01-01 --end 2021-01-01 --window 20 --window 50 --out spy.csv
  ewmakit smooth SPY --offline                  # the cached SPY only, no network
  ewmakit smooth prices.csv --column Open --halflife 5

A long table (one row per date and ticker, as a database export gives) takes
--by: each group is smoothed on its own rows, in file order (its rows need not
be contiguous), exactly as pandas groupby(KEY).ewm(span=N, adjust=False).mean();
the result keeps the file's rows in their order (rows without a key: empty).
  ewmakit smooth long.csv --by ticker --column close --window 20 --out ema.csv

--window N is the n-period EMA (pandas span=N): β = 1 − 2/(N+1), so --window 19
is --beta 0.9. The "2/(N+1)" of the textbooks is α = 1 − β, the weight of the
newest point. --halflife H: β = 0.5^(1/H). --start is inclusive, --end exclusive.
"""

_DOWNLOAD_EPILOG = """\
examples:
  ewmakit download SPY --start 2020-01-01 --end 2021-01-01
  ewmakit download SPY QQQ TLT --start 2015-01-01 --data-dir data
  EWMAKIT_DATA_DIR=data ewmakit smooth SPY --offline   # then use the cache

Downloads go through the ewmakit cache (--data-dir, else $EWMAKIT_DATA_DIR, else
the user cache folder): only missing dates are fetched; a failed download never
damages what is cached.
"""

_OPTIMIZE_EPILOG = """\
{lists}

examples:
  ewmakit optimize rosenbrock --method adam --lr 0.05 --steps 2000 --plot rosenbrock.png
  ewmakit optimize beale --method sgd --method momentum --method rmsprop --method adam --plot beale.png
  ewmakit optimize quadratic --method sgd --lr 0.1 --momentum 0.5 --loss-tol 0.01
  ewmakit optimize bowl --method sgd --lr 0.1 --steps 50 --start 2.5,2.5

{lrs}
"""

_DEMO_EPILOG = """\
Writes every demo figure (PNG; with --gif also an animated race) into DIR. Each
demo runs one script of the examples folder, the figures' only code (read it:
python -c "import ewmakit._demos as d; print(d.examples_folder())"):
{demos}

examples:
  ewmakit demo                                 # into ./ewmakit-demo
  ewmakit demo --out figures --offline         # never touch the network
  ewmakit demo --only spy --only race --verbose
  ewmakit demo --gif                           # also race.gif
  ewmakit demo --html                          # also gallery.html, interactive, offline

The SPY demo uses SPY 2020 from the ewmakit cache when it holds it, else from
yfinance (online), else the S&P 500 sample shipped offline (2008), and says which.
"""


_BACKTEST_EPILOG = """\
The strategy: long while EMA(fast) > EMA(slow), flat otherwise (--short: short
while EMA(fast) < EMA(slow)); the whole equity goes in or out at each change,
traded at the next close (--execute close: the same close), as
ewmakit.finance.backtest accounts for it. SOURCE is a ticker (through the
ewmakit cache), a CSV file, or sample:NAME (offline: sample:sp500, sample:nasdaq).

examples:
  ewmakit backtest sample:sp500 --fast 10 --slow 50
  ewmakit backtest SPY --fast 20 --slow 100 --fee 0.001 --slippage 0.0005 --plot spy.png
  ewmakit backtest prices.csv --short --execute close --trades 10
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog):
        super().__init__(prog, max_help_position=30)


def _date(text: str) -> str:
    import pandas as pd

    try:
        ts = pd.Timestamp(text)
    except (TypeError, ValueError):
        ts = None
    if ts is None or pd.isna(ts):
        raise argparse.ArgumentTypeError(f"not a date such as 2020-01-31: {text!r}")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ewmakit`` command."""
    from ._demos import DEFAULT_LR, DEMOS, GIF

    parser = argparse.ArgumentParser(
        prog=PROG, formatter_class=_Formatter, epilog=_TOP_EPILOG,
        description="Exponentially weighted moving averages: smooth prices, download them, watch optimizers.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("smooth", help="EWMAs of a price series: a table, a CSV, a figure",
                       description="Smooth one column of a price series with one or more EWMAs.",
                       formatter_class=_Formatter, epilog=_SMOOTH_EPILOG)
    p.add_argument("source", metavar="SOURCE", help="a ticker, a CSV path, or sample:NAME")
    decay = p.add_mutually_exclusive_group()
    decay.add_argument("--beta", type=float, action="append", metavar="B",
                       help="β, the weight of the past, 0 <= B < 1 (repeatable; default 0.5, 0.9, 0.95)")
    decay.add_argument("--window", type=float, action="append", metavar="N",
                       help="n-period EMA window, N >= 1: β = 1 − 2/(N+1) (repeatable)")
    decay.add_argument("--halflife", type=float, action="append", metavar="H",
                       help="half-life in rows, H > 0: β = 0.5^(1/H) (repeatable)")
    p.add_argument("--start", type=_date, metavar="DATE", help="first date (inclusive)")
    p.add_argument("--end", type=_date, metavar="DATE", help="last date (exclusive)")
    p.add_argument("--column", default="Close", help="the column to smooth (default: Close; any case)")
    p.add_argument("--by", action="append", metavar="COL",
                   help="a long CSV (one row per date and ticker): smooth each group of this key column on its "
                        "own rows (repeatable for several key columns)")
    p.add_argument("--plot", type=Path, metavar="FILE", help="write a figure (.png, .svg, .pdf)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the column and its EWMAs as CSV")
    p.add_argument("--rows", type=int, default=5, metavar="N", help="rows of the table printed (default: 5)")
    p.add_argument("--offline", action="store_true", help="a ticker is read from the cache only")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="the download cache (default: $EWMAKIT_DATA_DIR "
                   "or the user cache folder)")
    p.set_defaults(func=_smooth)

    p = sub.add_parser("download", help="download daily prices with yfinance into the ewmakit cache",
                       description="Download daily prices (auto-adjusted) into the ewmakit cache and summarise them.",
                       formatter_class=_Formatter, epilog=_DOWNLOAD_EPILOG)
    p.add_argument("tickers", nargs="+", metavar="TICKER")
    p.add_argument("--start", type=_date, metavar="DATE", help="first date (default: the whole history)")
    p.add_argument("--end", type=_date, metavar="DATE", help="last date, exclusive (default: today)")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="the cache folder")
    p.add_argument("--refresh", action="store_true", help="fetch again what is already cached")
    p.set_defaults(func=_download)

    from .optim.functions import ALL
    from .optim.minimize import METHODS

    p = sub.add_parser("optimize", help="run optimizers on a test function; print and plot the paths",
                       description="Minimize a test function from its standard start and show how each method went.",
                       formatter_class=_Formatter,
                       epilog=_OPTIMIZE_EPILOG.format(
                           lists=textwrap.fill(f"FUNCTION is one of the test functions of ewmakit.optim.functions: "
                                               f"{', '.join(ALL)}. METHOD is one of {', '.join(METHODS)}; give "
                                               "--method several times to race them.", 90),
                           lrs=textwrap.fill("Without --lr each method uses " + ", ".join(
                               f"{m} {lr:g}" for m, lr in DEFAULT_LR.items()) + ". --momentum is the β of the "
                               "heavy-ball buffer (sgd, momentum, nesterov).", 90)))
    p.add_argument("function", metavar="FUNCTION", help="a test function, e.g. rosenbrock")
    p.add_argument("--method", action="append", metavar="METHOD", help="an optimizer (repeatable; default: adam)")
    p.add_argument("--lr", type=float, metavar="X", help="learning rate (default: per method, see below)")
    p.add_argument("--momentum", type=float, metavar="B", help="momentum β for sgd/momentum/nesterov")
    p.add_argument("--steps", type=int, default=2000, metavar="N", help="most updates (default: 2000)")
    p.add_argument("--start", metavar="X[,Y]", help="starting point (default: the function's standard start)")
    p.add_argument("--loss-tol", type=float, metavar="T", help="stop once the loss is below T")
    p.add_argument("--plot", type=Path, metavar="FILE", help="write contours (or the curve) with the paths, "
                   "and the loss against step; FILE.gif: the race animated (every frame)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar (there is none off a terminal)")
    p.set_defaults(func=_optimize)

    p = sub.add_parser("backtest", help="backtest an EMA crossover: statistics, trades, a figure",
                       description="Backtest the crossover of two EMAs of a price series: long while the fast "
                                   "one is above the slow one.",
                       formatter_class=_Formatter, epilog=_BACKTEST_EPILOG)
    p.add_argument("source", metavar="SOURCE", help="a ticker, a CSV path, or sample:NAME")
    p.add_argument("--fast", type=int, default=10, metavar="N", help="the fast EMA's window (default: 10)")
    p.add_argument("--slow", type=int, default=50, metavar="N", help="the slow EMA's window (default: 50)")
    p.add_argument("--fee", type=float, default=0.0, metavar="F", help="cost of a trade, a fraction of its value "
                   "(default: 0)")
    p.add_argument("--slippage", type=float, default=0.0, metavar="S", help="execution price moved against "
                   "each trade by this fraction (default: 0)")
    p.add_argument("--short", action="store_true", help="short while the fast EMA is below the slow one")
    p.add_argument("--execute", choices=["next_close", "close"], default="next_close",
                   help="trade at the next close (default: nothing looks ahead) or at the same close")
    p.add_argument("--start", type=_date, metavar="DATE", help="first date (inclusive)")
    p.add_argument("--end", type=_date, metavar="DATE", help="last date (exclusive)")
    p.add_argument("--column", default="Close", help="the price column (default: Close; any case)")
    p.add_argument("--trades", type=int, default=5, metavar="N", help="last trades printed (default: 5)")
    p.add_argument("--plot", type=Path, metavar="FILE", help="write a figure (.png, .svg, .pdf): price with the "
                   "trades, equity, drawdown")
    p.add_argument("--offline", action="store_true", help="a ticker is read from the cache only")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="the download cache (default: $EWMAKIT_DATA_DIR "
                   "or the user cache folder)")
    p.set_defaults(func=_backtest)

    p = sub.add_parser("demo", help="write every demo figure (works offline)",
                       description="Write every demo figure: EWMAs of SPY, β and its weights, gradient descent "
                                   "and momentum, optimizers racing, indicators, a control chart.",
                       formatter_class=_Formatter,
                       epilog=_DEMO_EPILOG.format(demos="\n".join(f"  {k:<14} {v[1]} ({v[0]})"
                                                                   for k, v in {**DEMOS, **GIF}.items())))
    p.add_argument("--out", type=Path, default=Path("ewmakit-demo"), metavar="DIR",
                   help="folder for the figures (default: ./ewmakit-demo)")
    p.add_argument("--offline", action="store_true", help="never touch the network (also EWMAKIT_OFFLINE=1)")
    p.add_argument("--only", action="append", metavar="NAME", help="run only this demo (repeatable)")
    p.add_argument("--quick", action="store_true", help="fewer optimizer steps and GIF frames")
    p.add_argument("--gif", action="store_true", help="also race.gif, the animated race (about 20 s more)")
    p.add_argument("--verbose", "-v", action="store_true", help="print each demo's tables and its time")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar (there is none off a terminal)")
    p.add_argument("--html", action="store_true", help="also write DIR/gallery.html: every figure interactive "
                   "(plotly), one page that works offline (needs pip install \"ewmakit[interactive]\")")
    p.set_defaults(func=_demo)
    return parser


def _version() -> str:
    from . import __version__

    return __version__


# --------------------------------------------------------------------------- output helpers


class _Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, total: int, stream=None):
        self.total, self.count = total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, label: str) -> None:
        self.count += 1
        width = 24
        done = round(width * self.count / self.total)
        bar = f"[{'#' * done}{'.' * (width - done)}] {self.count}/{self.total} {label}"
        if self.tty:
            self.stream.write(f"\r{bar:<70}" + ("\n" if self.count == self.total else ""))
        else:
            self.stream.write(bar + "\n")
        self.stream.flush()


class _NoBar:
    """What :func:`_bar` gives without tqdm or when quiet: the same methods, doing nothing but write."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass

    def set_postfix_str(self, text):
        pass

    def write(self, text):
        print(text)


def _bar(total: int, desc: str, unit: str, quiet: bool):
    """A tqdm progress bar on stderr, shown on a terminal only and never with --quiet (tqdm ships with
    the plot extra); its ``write`` prints above the bar."""
    if quiet:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=desc, unit=unit, leave=False, disable=None, file=sys.stderr)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def _warning_line(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(f"{PROG}: warning: {_one_line(Warning(message))}\n")


# --------------------------------------------------------------------------- smooth


def _date_range(start, end, download: bool = False):
    """--start and --end as timestamps (None when not given), checked: --end after --start, and for a
    download --start on or before today (there are no prices after it yet)."""
    import pandas as pd

    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    today = pd.Timestamp.now().normalize()
    if download and lo is not None and lo.normalize() > today:
        raise ValueError(f"--start must be on or before today ({today.date()}) to download, got {start}")
    if lo is not None and hi is not None and hi <= lo:
        raise ValueError(f"--end must be after --start (end is exclusive), got {start} and {end}")
    return lo, hi


def _load(source: str, start, end, offline: bool, data_dir):
    """(frame, description) for SOURCE, restricted to [start, end)."""
    import pandas as pd

    from . import data

    if source.startswith("sample:"):
        name = source[len("sample:"):]
        frame, what = data.sample(name), f"sample {name}"
    elif _is_file(source):
        frame, what = data.read_csv(source), source
    else:
        frame = data.download(source, start, end, offline=offline, cache_dir=data_dir, progress=False)
        what = source.upper()
    if start is not None or end is not None:
        lo, hi = _date_range(start, end)
        keep = pd.Series(True, index=frame.index)
        if lo is not None:
            keep &= frame.index >= lo
        if hi is not None:
            keep &= frame.index < hi
        frame = frame[keep.to_numpy()]
    if frame.empty:
        raise ValueError(f"{what} has no rows between {start or 'its start'} and {end or 'its end'}")
    return frame, what


def _decays(args):
    """[(label, β)] from --beta / --window / --halflife."""
    from . import beta_from_halflife, beta_from_window, resolve_beta
    from .plot import beta_label

    if args.window:
        return [(f"window {w:g} (β={beta_from_window(w):.4g})", beta_from_window(w)) for w in args.window]
    if args.halflife:
        return [(f"half-life {h:g} (β={beta_from_halflife(h):.4g})", beta_from_halflife(h)) for h in args.halflife]
    return [(beta_label(resolve_beta(b)), resolve_beta(b)) for b in (args.beta or [0.5, 0.9, 0.95])]


def _check_csv_path(path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OSError(f"cannot write {str(path)!r}: the folder {str(parent)!r} does not exist")


def _column(frame, name: str, what: str, role: str = "column"):
    """The label of ``frame``'s column ``name``: exactly, else whatever its case; else a ValueError listing them."""
    if name in frame.columns:
        return name
    hits = [c for c in frame.columns if str(c).strip().lower() == name.strip().lower()]
    if len(hits) == 1:
        return hits[0]
    raise ValueError(f"{what} has no {role} {name!r}; its columns are {', '.join(map(str, frame.columns))}")


def _is_file(source: str) -> bool:
    return Path(source).exists() or source.lower().endswith((".csv", ".txt")) or os.sep in source \
        or bool(os.altsep and os.altsep in source)


def _smooth_long(args, decays) -> int:
    """``smooth FILE --by KEY``: a long CSV, each group smoothed on its own rows, the file's rows kept in order."""
    import numpy as np
    import pandas as pd

    from . import data, ewma

    if not _is_file(args.source):
        raise ValueError(f"--by needs a CSV file holding a long table (one row per date and key), got "
                         f"{args.source!r}, which is not a file")
    if args.plot is not None:
        raise ValueError("--plot draws one series; with --by, write the groups with --out and plot one of them")
    path = Path(args.source)
    if not path.is_file():
        raise data.DataError(f"no such file: {args.source!r}")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"cannot read {args.source!r} as a CSV table: {str(exc).splitlines()[0]}") from None
    what = args.source
    keys = [_column(frame, k, what, "--by column") for k in args.by]
    column = _column(frame, args.column, what)
    if column in keys:
        raise ValueError(f"--column {args.column!r} is also a --by key; pick the values to smooth with --column")
    date = next((c for c in frame.columns if str(c).strip().lower() in ("date", "datetime", "time", "timestamp")),
                None)
    if args.start is not None or args.end is not None:
        if date is None:
            raise ValueError(f"--start/--end need a Date column in {what}; its columns are "
                             f"{', '.join(map(str, frame.columns))}")
        when = pd.to_datetime(frame[date], errors="coerce", utc=False)
        lo, hi = _date_range(args.start, args.end)
        keep = pd.Series(True, index=frame.index)
        if lo is not None:
            keep &= when >= lo
        if hi is not None:
            keep &= when < hi
        frame = frame[keep.to_numpy()].reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"{what} has no rows between {args.start or 'its start'} and {args.end or 'its end'}")
    table = frame[([date] if date is not None and date not in keys else []) + keys + [column]].copy()
    for label, beta in decays:
        smoothed = ewma(frame, beta, by=keys if len(keys) > 1 else keys[0], columns=column)
        table[label] = np.asarray(smoothed, dtype=np.float64).reshape(-1)
    groups = frame[keys].drop_duplicates().dropna().shape[0]
    by = ", ".join(map(str, keys))
    print(f"{what}: {column} by {by}, {len(table)} rows in {groups} group{'s' if groups != 1 else ''}")
    if args.rows:
        print(table.tail(args.rows).to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.out is not None:
        table.to_csv(args.out, index=False, float_format="%.10g")
        print(f"wrote {args.out}")
    return 0


def _smooth(args) -> int:
    import numpy as np

    from . import ewma

    if args.rows < 0:
        raise ValueError(f"--rows must be >= 0, got {args.rows}")
    decays = _decays(args)  # validate β and the output paths before any download
    if args.out is not None:
        _check_csv_path(args.out)
    if args.plot is not None:
        check_output(args.plot)
    if args.by:
        return _smooth_long(args, decays)
    frame, what = _load(args.source, args.start, args.end, args.offline, args.data_dir)
    column = _column(frame, args.column, what)
    series = frame[column]
    table = series.to_frame(column)
    values = series.to_numpy(dtype=np.float64)
    for label, beta in decays:
        table[label] = ewma(values, beta)
    first, last = table.index[0], table.index[-1]
    fmt = (lambda t: f"{t:%Y-%m-%d}") if hasattr(first, "strftime") else str
    print(f"{what}: {column}, {len(table)} rows from {fmt(first)} to {fmt(last)}")
    if args.rows:
        print(table.tail(args.rows).to_string(float_format=lambda v: f"{v:.4f}"))
    if args.out is not None:
        table.to_csv(args.out, float_format="%.10g")
        print(f"wrote {args.out}")
    if args.plot is not None:
        from . import plot

        use_agg()
        shown = _shown(what, column)
        ax = plot.smoothing(series.rename(shown), [b for _, b in decays], ylabel=str(column),
                            title=f"{shown} and its EWMAs")
        plot.save(ax, args.plot)
        print(f"wrote {args.plot}")
    return 0


# --------------------------------------------------------------------------- backtest


def _shown(what: str, column) -> str:
    """The data as a reader says it: "S&P 500 daily close (offline sample)", not "sample sp500 Close"."""
    samples = {"sample sp500": "S&P 500", "sample nasdaq": "NASDAQ Composite"}
    return f"{samples.get(what, what)} daily {str(column).lower()}" + (" (offline sample)" if what in samples else "")


def _backtest(args) -> int:
    from . import finance

    for name in ("fast", "slow"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name} must be a window >= 1, got {getattr(args, name)}")
    if args.fast >= args.slow:
        raise ValueError(f"--fast must be less than --slow, got --fast {args.fast} and --slow {args.slow}")
    if args.trades < 0:
        raise ValueError(f"--trades must be >= 0, got {args.trades}")
    if args.plot is not None:
        check_output(args.plot)
    frame, what = _load(args.source, args.start, args.end, args.offline, args.data_dir)
    column = _column(frame, args.column, what)
    close = frame[column].astype(float).rename(f"{what} {column}")
    fast, slow = finance.ema(close, args.fast), finance.ema(close, args.slow)
    signal = (fast > slow).astype(int)
    if args.short:
        signal -= (fast < slow).astype(int)
    result = finance.backtest(close, signal, fee=args.fee, slippage=args.slippage, short=args.short,
                              execute=args.execute)
    first, last = close.index[0], close.index[-1]
    fmt = (lambda t: f"{t:%Y-%m-%d}") if hasattr(first, "strftime") else str
    print(f"{what}: {column}, {len(close)} rows from {fmt(first)} to {fmt(last)}; EMA({args.fast}) / "
          f"EMA({args.slow}) crossover, {'long/short' if args.short else 'long/flat'}, "
          f"execute={args.execute}, fee={args.fee:g}, slippage={args.slippage:g}")
    st = result.stats
    hold = close.dropna()
    rows = [(name, f"{st[name]:.4g}") for name in st.index]
    rows.append(("buy_and_hold_return", f"{hold.iloc[-1] / hold.iloc[0] - 1:.4g}" if len(hold) else "nan"))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"  {k:<{width}}  {v}")
    if args.trades and len(result.trades):
        shown = result.trades.drop(columns="column").tail(args.trades)
        print(f"last {len(shown)} of {len(result.trades)} trades:")
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.plot is not None:
        from . import plot

        use_agg()
        fig = plot.backtest(result, ylabel=str(column), title=f"{_shown(what, column)}: EMA({args.fast}) / "
                            f"EMA({args.slow}) crossover, {'long/short' if args.short else 'long/flat'}")
        plot.save(fig, args.plot)
        print(f"wrote {args.plot}")
    return 0


# --------------------------------------------------------------------------- download


def _download(args) -> int:
    import pandas as pd

    from . import data

    tickers = list(dict.fromkeys(t.strip().upper() for t in args.tickers if t.strip()))
    if not tickers:
        raise ValueError("give at least one ticker")
    _date_range(args.start, args.end, download=True)  # once, not once a ticker
    folder = data.cache_folder(args.data_dir)
    bar = _Progress(len(tickers)) if len(tickers) > 1 else None
    rows, errors = {}, []
    for t in tickers:
        try:
            frame = data.download(t, args.start, args.end, cache_dir=folder, refresh=args.refresh, progress=False)
        except data.DataError as exc:
            errors.append(_one_line(exc))
        else:
            rows[t] = {"rows": len(frame), "first": f"{frame.index[0]:%Y-%m-%d}",
                       "last": f"{frame.index[-1]:%Y-%m-%d}", "last close": round(float(frame["Close"].iloc[-1]), 4)}
        if bar is not None:
            bar.step(t)
    if rows:
        print(pd.DataFrame(rows).T.to_string())
        print(f"cached in {folder}")
    if errors:
        failed = len(errors)
        head = "" if failed == 1 and len(tickers) == 1 else f"{failed} of {len(tickers)} tickers failed: "
        print(f"{PROG} download: error: {head}{'; '.join(errors)}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- optimize


def _point(text: str, dim: int):
    import numpy as np

    try:
        values = [float(v) for v in text.replace(" ", ",").split(",") if v]
    except ValueError:
        raise ValueError(f"--start must be {dim} comma-separated numbers, got {text!r}") from None
    if len(values) != dim:
        raise ValueError(f"--start must be {dim} comma-separated number{'s' if dim > 1 else ''}, got {text!r}")
    return np.array(values)


def _optimize(args) -> int:
    import numpy as np

    from ._demos import DEFAULT_LR, method_label
    from .optim import functions, minimize
    from .optim.minimize import METHODS

    name = args.function.strip().lower()
    if name not in functions.ALL:
        raise ValueError(f"unknown function {args.function!r}; the functions are {', '.join(functions.ALL)}")
    f = functions.ALL[name]
    methods = [m.strip().lower() for m in (args.method or ["adam"])]
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"unknown method {m!r}; the methods are {', '.join(METHODS)}")
    if args.momentum is not None and any(m not in ("sgd", "momentum", "nesterov") for m in methods):
        raise ValueError("--momentum is for sgd, momentum and nesterov; for rmsprop and adam it is fixed here")
    if args.steps < 0:
        raise ValueError(f"--steps must be >= 0, got {args.steps}")
    gif = args.plot is not None and args.plot.suffix.lower() == ".gif"
    if gif and f.dim != 2:
        raise ValueError(f"--plot {args.plot} animates a race on the contours of a function of 2 variables; "
                         f"{name} has {f.dim}: write a .png")
    if args.plot is not None:
        if gif:
            folder = args.plot.parent if str(args.plot.parent) else Path(".")
            if not folder.is_dir():
                raise OSError(f"cannot write {str(args.plot)!r}: the folder {str(folder)!r} does not exist")
        else:
            check_output(args.plot)
    x0 = f.start if args.start is None else _point(args.start, f.dim)
    if f.dim == 1:
        x0 = float(np.ravel(x0)[0])
    frames = 60
    drawing = 0 if args.plot is None else frames if gif else 1
    runs = {}
    # the bar moves with every optimizer step, then with every GIF frame (or once for the figure)
    bar = _bar(len(methods) * args.steps + drawing, "optimize", "step", args.quiet)
    with bar:
        for m in methods:
            lr = args.lr if args.lr is not None else DEFAULT_LR[m]
            opts = {} if args.momentum is None else {"momentum": args.momentum}
            label = method_label(m, lr, **opts)
            bar.set_postfix_str(label)
            runs[label] = minimize(f, x0, m, grad=f.grad, steps=args.steps, loss_tol=args.loss_tol, lr=lr,
                                   callback=lambda t, x, loss: bar.update() and None, **opts)  # None: go on
            bar.update(args.steps - runs[label].nit)  # a run that stopped early fills its share
        if args.plot is not None:
            bar.set_postfix_str(f"drawing {args.plot}")
            _optimize_figure(f, name, runs, x0, args.plot, gif, frames, bar)
    _optimize_table(f, name, runs, x0)
    if args.plot is not None:
        print(f"wrote {args.plot}")
    return 0


def _optimize_figure(f, name, runs, x0, path, gif, frames, bar) -> None:
    """``optimize --plot``: contours and convergence side by side (.png, .svg...), or the race as a GIF."""
    import numpy as np

    from . import plot

    use_agg()
    if gif:
        fig = plot.animate(f, runs, path, frames=frames, fps=10, title=f"{name}: paths from {_pt(x0)}",
                           on_frame=lambda j, k: bar.update())
        from ._figures import pyplot

        pyplot().close(fig)
        return
    fig, (a, b) = subplots(None, None, figsize=(14, 5.5))
    plot.contour(f, runs, ax=a, title=f"{name}: paths from {_pt(x0)}")
    finite = all(np.all(np.isfinite(r.losses)) for r in runs.values())
    fmin = float(f.f(f.minima[0] if f.dim > 1 else f.minima[0, 0])) if len(f.minima) else None
    plot.convergence(runs, ax=b, fmin=fmin if fmin else None,  # the gap to f* when f* is not 0
                     title=f"{name}: loss against step" + ("" if finite else " (a run diverged)"))
    plot.save(fig, path)
    bar.update()


def _pt(x) -> str:
    import numpy as np

    return "(" + ", ".join(f"{v:.4f}" if abs(v) < 1e6 else f"{v:.3g}" for v in np.ravel(x)) + ")"


def _optimize_table(f, name, runs, x0) -> None:
    import numpy as np

    pt = _pt

    doc = (f.__doc__ or "").strip().splitlines()[0] if f.__doc__ else ""
    print(f"{name}: {doc}" if doc else name)
    minima = "; ".join("(" + ", ".join(f"{v:g}" for v in m) + ")" for m in f.minima[:4]) or "none"
    print(f"start {'(' + ', '.join(f'{v:g}' for v in np.ravel(x0)) + ')'}; minimum at {minima}")
    width = max(len("method"), *(len(k) for k in runs))
    print(f"{'method':<{width}}  {'steps':>5}  {'x':<{8 * f.dim + 4}}  {'f(x)':<10}  stopped")
    for label, r in runs.items():
        print(f"{label:<{width}}  {r.nit:>5}  {pt(r.x):<{8 * f.dim + 4}}  {r.fun:<10.4g}  {r.message}")


# --------------------------------------------------------------------------- demo


def _demo(args) -> int:
    from . import _demos

    every = {**_demos.DEMOS, **_demos.GIF}
    names = list(_demos.DEMOS) + (list(_demos.GIF) if args.gif else [])
    if args.only:
        unknown = [n for n in args.only if n not in every]
        if unknown:
            raise ValueError(f"unknown demo {unknown[0]!r}; the demos are {', '.join(every)}")
        names = [n for n in every if n in args.only]
    use_agg()
    args.out.mkdir(parents=True, exist_ok=True)
    quick = args.quick or env_flag(_demos.QUICK_ENV)
    if args.html:  # before any work: say now when plotly is missing
        from ._plotly import go

        go()
    t0 = time.perf_counter()
    failures, written = [], []
    with _bar(len(names) + bool(args.html), "demo", "figure", args.quiet) as bar:
        for name in names:
            bar.set_postfix_str(f"{name} ({every[name][0]})")
            try:
                files, text, seconds = _demos.run(name, args.out, offline=args.offline, quick=quick,
                                                  quiet=args.quiet)
            except Exception as exc:  # one demo failing does not stop the others; reported below
                if _debug():
                    raise
                failures.append(f"{name}: {_one_line(exc)}")
            else:
                written += files
                source = next((line[len("data: "):] for line in text.splitlines() if line.startswith("data: ")), None)
                if source is not None:
                    bar.write(f"SPY demo data: {source}")
                if args.verbose:
                    bar.write(f"--- {name} ({every[name][0]}): {len(files)} file(s) in {seconds:.1f} s\n{text}")
            bar.update()
        gallery = None
        if args.html:
            from ._gallery import write_demo_gallery

            bar.set_postfix_str("gallery.html")
            try:
                gallery = write_demo_gallery(args.out, quick=quick, offline=args.offline)
                written.append(gallery)
            except Exception as exc:  # reported with the demos that failed
                if _debug():
                    raise
                failures.append(f"gallery.html: {_one_line(exc)}")
            bar.update()
    kinds: dict[str, int] = {}
    for p in written:
        kinds[p.suffix.lstrip(".").upper()] = kinds.get(p.suffix.lstrip(".").upper(), 0) + 1
    what = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: kv[0] != "PNG"))
    print(f"wrote {len(written)} files ({what or 'none'}) for {len(names) - len(failures)} demos to {args.out} "
          f"in {time.perf_counter() - t0:.1f} s")
    if gallery is not None:
        print(f"interactive figures: {gallery} (one page, works offline)")
    if failures:
        print(f"{PROG} demo: error: {len(failures)} demo(s) failed: {'; '.join(failures)}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- main


def _debug() -> bool:
    return env_flag("EWMAKIT_DEBUG", strict=False)  # a debugging aid never stops the command


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ewmakit`` command line; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 for a user mistake or a failed download (one line on
        stderr), 2 for a malformed command line (argparse's usage message),
        130 when interrupted.
    """
    show = warnings.showwarning
    command = None
    try:  # building the parser imports the demos and optimizers: Ctrl-C may come then too
        warnings.showwarning = _warning_line
        args = build_parser().parse_args(argv)
        command = args.command
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError, ImportError, LookupError) as exc:
        # DataError is a ValueError: bad paths, unknown samples and tickers, corrupt caches, no network
        if _debug():
            raise
        print(f"{PROG}{'' if command is None else ' ' + command}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    finally:
        warnings.showwarning = show


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
