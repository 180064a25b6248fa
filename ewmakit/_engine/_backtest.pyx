# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The backtest kernel: a broker's account per column, its trades and its statistics, in one walk.

Each column (an asset) is walked down its rows once: the target position of
a row (the signal of that row, or of the row before with ``next_close``)
is traded at that row's close when it differs from the position held, the
whole equity going into (out of) shares at the execution price; the
equity is marked at every close. A second walk over the column's equity
(in cache) gives the returns, the drawdown and the statistics. Threads take
ranges of columns; each column's numbers do not depend on the others, nor
on the threads.

The values are checked here (a signal other than −1, 0, 1, a −1 without
``short``, a price that is not > 0 and finite): the first bad cell of a
column range is reported and the walk stops, so no separate pass over the
panel checks them. The entry point only refuses arrays it would read or
write out of bounds.
"""

from cython.parallel cimport prange
from libc.math cimport NAN, INFINITY, pow, sqrt
from libc.stdint cimport int64_t

from ._sizes cimport check_sizes

#: the statistics, in the order of the rows of ``stats`` (ewmakit._engine.backtest.STATS names them)
cdef enum:
    S_TOTAL, S_ANNUAL, S_VOL, S_SHARPE, S_SORTINO, S_MAXDD, S_MAXDD_LEN, S_HIT, S_TRADES, S_OPEN, S_OPEN_RET, \
        S_TURNOVER, S_EXPOSURE, NSTATS

#: error codes (``errors[p, 0]``)
cdef enum:
    E_SIGNAL = 1
    E_PRICE = 2


cdef struct Trades:
    int64_t* col
    int64_t* entry
    int64_t* exit
    signed char* side
    double* entry_price
    double* exit_price
    double* ret
    int64_t cap
    int64_t count


cdef inline void record(Trades* tr, int64_t j, int64_t entry, int64_t exit, int side, double entry_price,
                        double exit_price, double ret) noexcept nogil:
    cdef int64_t k = tr.count
    if k < tr.cap:
        tr.col[k] = j
        tr.entry[k] = entry
        tr.exit[k] = exit
        tr.side[k] = <signed char> side
        tr.entry_price[k] = entry_price
        tr.exit_price[k] = exit_price
        tr.ret[k] = ret
    tr.count = k + 1  # counted past the capacity too: the caller then runs again with room for them


cdef int walk_column(const double* c, const double* s, Py_ssize_t T, int64_t j, double fee, double slip,
                     bint short, bint next_close, double ppy, signed char* pos_out, double* eq_out,
                     double* ret_out, double* dd_out, double* st, Py_ssize_t sstride, Trades* tr,
                     int64_t* err) noexcept nogil:
    """One column: positions, equity, returns, drawdown, trades and statistics. 0, or -1 with ``err`` set."""
    cdef double E = 1.0       # the equity at the last trade (the cash when flat)
    cdef double n = 0.0       # shares held (> 0 long or short)
    cdef double cash = 0.0    # the cash of a short position (equity + the sale's proceeds)
    cdef double v = 1.0       # the equity marked at the last close
    cdef double last = NAN    # the last close seen
    cdef double p, sv, px, entry_px = 0.0, entry_eq = 1.0
    cdef int pos = 0, sig, want, prev_sig = 0, new
    cdef int64_t entry_row = -1, changes = 0, held = 0, closed = 0, wins = 0
    cdef Py_ssize_t t
    for t in range(T):
        sv = s[t]
        if sv == 1.0:
            sig = 1
        elif sv == 0.0:
            sig = 0
        elif sv == -1.0 and short:
            sig = -1
        else:
            err[0] = E_SIGNAL
            err[1] = t
            err[2] = j
            return -1
        want = prev_sig if next_close else sig
        prev_sig = sig
        p = c[t]
        if p == p:  # a price: trade to the target, mark the equity
            if not (p > 0.0 and p < INFINITY):
                err[0] = E_PRICE
                err[1] = t
                err[2] = j
                return -1
            if want != pos:
                if pos == 1:  # sell the shares at the bid (price less slippage), less the fee
                    px = p * (1.0 - slip)
                    E = n * px * (1.0 - fee)
                    record(tr, j, entry_row, t, 1, entry_px, px, E / entry_eq - 1.0)
                    closed += 1
                    wins += E > entry_eq
                elif pos == -1:  # buy the shares back at the ask, plus the fee
                    px = p * (1.0 + slip)
                    E = cash - n * px * (1.0 + fee)
                    record(tr, j, entry_row, t, -1, entry_px, px, E / entry_eq - 1.0)
                    closed += 1
                    wins += E > entry_eq
                new = 0
                if want != 0 and E > 0.0:  # a ruined account (equity <= 0) opens nothing more
                    if want == 1:
                        px = p * (1.0 + slip)
                        n = E / (px * (1.0 + fee))
                    else:
                        px = p * (1.0 - slip)
                        n = E / (px * (1.0 + fee))
                        cash = E + n * px * (1.0 - fee)
                    entry_row = t
                    entry_px = px
                    entry_eq = E
                    new = want
                changes += new - pos if new > pos else pos - new
                pos = new
            if pos == 1:
                v = n * p
            elif pos == -1:
                v = cash - n * p
            else:
                v = E
            last = p
        pos_out[t] = <signed char> pos
        eq_out[t] = v
        held += pos != 0
    if pos != 0:  # the open trade, marked at the last close
        record(tr, j, entry_row, -1, pos, entry_px, last, v / entry_eq - 1.0)

    # returns, drawdown, statistics
    cdef double prev = 1.0, peak = 1.0, total = 0.0, mean, var = 0.0, down = 0.0, r, dd, worst = 0.0, e
    cdef int64_t peak_row = -1, worst_peak = -1, worst_end = -1
    cdef bint pending = False
    for t in range(T):
        e = eq_out[t]
        r = e / prev - 1.0
        ret_out[t] = r
        total += r
        prev = e
        if e >= peak:
            if pending and worst_peak == peak_row:
                worst_end = t  # the deepest drawdown recovered
                pending = False
            peak = e
            peak_row = t
            dd_out[t] = 0.0
        else:
            dd = e / peak - 1.0
            dd_out[t] = dd
            if dd < worst:
                worst = dd
                worst_peak = peak_row
                pending = True
    st[S_TRADES * sstride] = <double> closed
    st[S_OPEN * sstride] = 1.0 if pos != 0 else 0.0
    st[S_OPEN_RET * sstride] = v / entry_eq - 1.0 if pos != 0 else NAN
    st[S_HIT * sstride] = <double> wins / <double> closed if closed > 0 else NAN
    if T == 0:
        st[S_TOTAL * sstride] = NAN
        st[S_ANNUAL * sstride] = NAN
        st[S_VOL * sstride] = NAN
        st[S_SHARPE * sstride] = NAN
        st[S_SORTINO * sstride] = NAN
        st[S_MAXDD * sstride] = NAN
        st[S_MAXDD_LEN * sstride] = NAN
        st[S_TURNOVER * sstride] = NAN
        st[S_EXPOSURE * sstride] = NAN
        return 0
    mean = total / T
    for t in range(T):
        r = ret_out[t] - mean
        var += r * r
        if ret_out[t] < 0.0:
            down += ret_out[t] * ret_out[t]
    var = var / (T - 1) if T > 1 else NAN
    st[S_TOTAL * sstride] = v - 1.0
    st[S_ANNUAL * sstride] = pow(v, ppy / T) - 1.0
    st[S_VOL * sstride] = sqrt(var) * sqrt(ppy)
    st[S_SHARPE * sstride] = mean / sqrt(var) * sqrt(ppy)
    st[S_SORTINO * sstride] = mean * ppy / (sqrt(down / T) * sqrt(ppy)) if T > 1 else NAN
    st[S_MAXDD * sstride] = worst
    if worst == 0.0:  # never under water
        st[S_MAXDD_LEN * sstride] = 0.0
    else:
        # the rows under water: after the peak, before the recovery (or to the last row)
        st[S_MAXDD_LEN * sstride] = <double> ((worst_end - 1 if not pending else T - 1) - worst_peak)
    st[S_TURNOVER * sstride] = <double> changes * ppy / T
    st[S_EXPOSURE * sstride] = <double> held / T
    return 0


cdef int walk_columns(const double* close, const double* signal, Py_ssize_t T, Py_ssize_t N, Py_ssize_t c0,
                      Py_ssize_t c1, double fee, double slip, bint short, bint next_close, double ppy,
                      signed char* pos, double* eq, double* ret, double* dd, double* stats, Trades* tr,
                      int64_t* err) noexcept nogil:
    cdef Py_ssize_t j
    for j in range(c0, c1):
        if walk_column(close + j * T, signal + j * T, T, j, fee, slip, short, next_close, ppy, pos + j * T,
                       eq + j * T, ret + j * T, dd + j * T, stats + j, N, tr, err) != 0:
            return -1
    return 0


def backtest(const double[::1, :] close, const double[::1, :] signal, double fee, double slippage, bint short,
             bint next_close, double periods_per_year, signed char[::1, :] positions, double[::1, :] equity,
             double[::1, :] returns, double[::1, :] drawdown, double[:, ::1] stats, int64_t[::1] col,
             int64_t[::1] entry, int64_t[::1] exit, signed char[::1] side, double[::1] entry_price,
             double[::1] exit_price, double[::1] ret, int64_t[::1] bounds, int64_t[::1] counts,
             int64_t[:, ::1] errors):
    """Backtest every column of ``close`` (T, N, column-major) on the targets ``signal`` (T, N).

    ``positions``, ``equity``, ``returns``, ``drawdown`` (T, N, column-major) and ``stats`` (NSTATS, N)
    are filled. Column range p = ``bounds[p]:bounds[p+1]`` (one per thread) writes its trades from
    position ``p * cap`` of the trade arrays (cap = their length // parts), and their number (which may
    exceed cap: nothing past it is written) in ``counts[p]``; a bad value stops its range, with
    ``errors[p] = (code, row, column)`` (code 1: signal, 2: price). Returns 0, or the number of the range
    that met a bad value first, plus one.
    """
    cdef Py_ssize_t T = close.shape[0], N = close.shape[1], parts = counts.shape[0], cap, p
    cdef Trades* trs
    cdef Trades local[64]
    check_sizes("backtest", T, {"signal": signal.shape[0], "positions": positions.shape[0],
                                "equity": equity.shape[0], "returns": returns.shape[0],
                                "drawdown": drawdown.shape[0]}, "close has")
    check_sizes("backtest", N, {"signal's columns": signal.shape[1], "positions' columns": positions.shape[1],
                                "equity's columns": equity.shape[1], "returns' columns": returns.shape[1],
                                "drawdown's columns": drawdown.shape[1], "stats' columns": stats.shape[1]},
                "close has")
    check_sizes("backtest", NSTATS, {"stats": stats.shape[0]}, "the statistics are")
    cap = col.shape[0]
    check_sizes("backtest", cap, {"entry": entry.shape[0], "exit": exit.shape[0], "side": side.shape[0],
                                  "entry_price": entry_price.shape[0], "exit_price": exit_price.shape[0],
                                  "ret": ret.shape[0]}, "col has")
    if not 1 <= parts <= 64:
        raise ValueError(f"backtest: counts holds {parts} values, 1 to 64 column ranges are allowed")
    check_sizes("backtest", parts + 1, {"bounds": bounds.shape[0]})
    check_sizes("backtest", parts, {"errors": errors.shape[0]})
    check_sizes("backtest", 3, {"errors' columns": errors.shape[1]})
    if bounds[0] != 0 or bounds[parts] != N:
        raise ValueError(f"backtest: bounds must run from 0 to {N}")
    for p in range(parts):
        if bounds[p + 1] < bounds[p]:
            raise ValueError("backtest: bounds must not decrease")
    cap = cap // parts
    for p in range(parts):
        local[p].col = &col[0] + p * cap if cap else NULL
        local[p].entry = &entry[0] + p * cap if cap else NULL
        local[p].exit = &exit[0] + p * cap if cap else NULL
        local[p].side = &side[0] + p * cap if cap else NULL
        local[p].entry_price = &entry_price[0] + p * cap if cap else NULL
        local[p].exit_price = &exit_price[0] + p * cap if cap else NULL
        local[p].ret = &ret[0] + p * cap if cap else NULL
        local[p].cap = cap
        local[p].count = 0
        errors[p, 0] = 0
    if T == 0 or N == 0:
        for p in range(parts):
            counts[p] = 0
        if N:
            with nogil:
                for p in range(parts):
                    walk_columns(NULL, NULL, 0, N, bounds[p], bounds[p + 1], fee, slippage, short, next_close,
                                 periods_per_year, NULL, NULL, NULL, NULL, &stats[0, 0], &local[p],
                                 &errors[p, 0])
        return 0
    trs = &local[0]
    with nogil:
        if parts == 1:
            walk_columns(&close[0, 0], &signal[0, 0], T, N, 0, N, fee, slippage, short, next_close,
                         periods_per_year, &positions[0, 0], &equity[0, 0], &returns[0, 0], &drawdown[0, 0],
                         &stats[0, 0], trs, &errors[0, 0])
        else:
            for p in prange(parts, num_threads=parts, schedule="static", chunksize=1):
                walk_columns(&close[0, 0], &signal[0, 0], T, N, bounds[p], bounds[p + 1], fee, slippage, short,
                             next_close, periods_per_year, &positions[0, 0], &equity[0, 0], &returns[0, 0],
                             &drawdown[0, 0], &stats[0, 0], trs + p, &errors[p, 0])
    for p in range(parts):
        counts[p] = local[p].count
    for p in range(parts):
        if errors[p, 0] != 0:
            return p + 1
    return 0
