r"""EWMA control charts (Roberts 1959) and their average run lengths.

The chart
---------
Observations :math:`x_1, x_2, \dots` of a process whose in-control mean is
:math:`\mu_0` and standard deviation :math:`\sigma` are smoothed with weight
:math:`\alpha` (the SPC literature's :math:`\lambda`) on the newest point,

.. math::

    z_i = \alpha\, x_i + (1 - \alpha)\, z_{i-1}, \qquad z_0 = \mu_0 ,

which is ewmakit's EWMA with :math:`\beta = 1 - \alpha` started at
``init=target`` (:func:`ewmakit.ewma`). While the process is in control,

.. math::

    \operatorname{Var} z_i = \sigma^2\, \frac{\alpha}{2 - \alpha}
        \left[1 - (1 - \alpha)^{2i}\right]
    \;\xrightarrow{\,i\to\infty\,}\; \sigma^2\, \frac{\alpha}{2 - \alpha},

and the chart signals at the first :math:`i` with :math:`z_i` outside
:math:`\mu_0 \pm L \sqrt{\operatorname{Var} z_i}` (the *exact*, time-varying
limits) or outside :math:`\mu_0 \pm L\sigma\sqrt{\alpha/(2-\alpha)}` (the
*asymptotic*, fixed limits). :func:`ewma_chart` draws it.

Run lengths
-----------
The run length is the number of points plotted until the first signal; its
mean, the ARL, is how a chart is designed: a long ARL in control (few false
alarms), a short one after a shift of the mean to :math:`\mu_0 + \delta\sigma`.
:func:`arl` computes the two-sided ARL of the chart with fixed limits,
started at :math:`z_0 = \mu_0`, for a normal process, by either

* ``method="integral"`` (default): the integral equation of Crowder (1987),
  solved by the Nyström method on Gauss–Legendre nodes, or
* ``method="markov"``: the Markov-chain approximation of Brook & Evans (1972)
  used by Lucas & Saccucci (1990).

:func:`critical_L` inverts it: the ``L`` that gives a wanted in-control ARL.
See :func:`arl` for the equations, the discretisations and their measured
accuracy.

References
----------
.. [1] S. W. Roberts (1959). Control chart tests based on geometric moving
   averages. *Technometrics* 1(3), 239–250.
.. [2] D. Brook and D. A. Evans (1972). An approach to the probability
   distribution of CUSUM run length. *Biometrika* 59(3), 539–549.
.. [3] S. V. Crowder (1987). A simple method for studying run-length
   distributions of exponentially weighted moving average charts.
   *Technometrics* 29(4), 401–407.
.. [4] J. M. Lucas and M. S. Saccucci (1990). Exponentially weighted moving
   average control schemes: properties and enhancements. *Technometrics*
   32(1), 1–12.
.. [5] D. C. Montgomery (2019). *Introduction to Statistical Quality
   Control*, 8th ed., §9.1 (Table 9.11 reproduces Lucas & Saccucci's ARLs).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from . import core
from .decay import _real

__all__ = ["ewma_chart", "arl", "critical_L"]

_LIMITS = ("exact", "asymptotic")
_METHODS = ("integral", "markov")

#: median |X_t − X_{t−1}| of i.i.d. N(μ, σ²) data, in units of σ: √2 · Φ⁻¹(3/4).
MEDIAN_MOVING_RANGE = math.sqrt(2.0) * 0.6744897501960817

_MAX_ARL0 = 1e8  # beyond this the linear systems lose their digits


# --------------------------------------------------------------------------- validation


def _check_alpha(alpha) -> float:
    a = _real("alpha", alpha)
    if not (0.0 < a <= 1.0):  # also False for NaN
        raise ValueError(f"alpha must be in (0, 1], got {alpha!r}")
    return a


def _check_L(L) -> float:
    v = _real("L", L)
    if not (0.0 < v < math.inf):
        raise ValueError(f"L must be a finite number > 0, got {L!r}")
    return v


def _check_choice(name, value, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def _check_size(name, value, minimum) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- the chart


def _robust_center_scale(values: np.ndarray) -> tuple[float, float]:
    """Median, and median moving range / (√2 Φ⁻¹(3/4)) — see :func:`ewma_chart`."""
    center = float(np.median(values))
    mr = float(np.median(np.abs(np.diff(values)))) if values.size >= 2 else 0.0
    return center, mr / MEDIAN_MOVING_RANGE


def ewma_chart(x, alpha=0.2, L=3.0, *, target=None, sigma=None, limits="exact", phase1=None) -> pd.DataFrame:
    r"""EWMA control chart of Roberts (1959).

    Parameters
    ----------
    x : Series or 1-D array_like
        The observations, in time order; every one must be finite.
    alpha : float, default 0.2
        Weight of the newest point, :math:`0 < \alpha \le 1` (the SPC
        literature's :math:`\lambda`; ``beta = 1 - alpha``). ``alpha=1`` is a
        Shewhart chart of individual values.
    L : float, default 3.0
        Width of the limits in standard deviations of :math:`z_i`, ``L > 0``.
        :func:`critical_L` gives the ``L`` for a wanted in-control ARL.
    target : float, optional
        In-control mean :math:`\mu_0`; the centre line and the start
        :math:`z_0`. Default: estimated, see Notes.
    sigma : float, optional
        In-control standard deviation of one observation, ``> 0``. Default:
        estimated, see Notes.
    limits : {"exact", "asymptotic"}, default "exact"
        Time-varying limits from the exact variance of :math:`z_i`, or the
        fixed limits they approach (the chart of :func:`arl`).
    phase1 : int, optional
        Estimate ``target``/``sigma`` from the first ``phase1`` observations
        only (a phase-I sample known to be in control) instead of all of
        them. At least 2.

    Returns
    -------
    pandas.DataFrame
        On the index of ``x`` (a RangeIndex for arrays), columns ``value``
        (the data), ``ewma`` (:math:`z_i`), ``center``, ``lcl``, ``ucl`` and
        ``signal`` (bool: :math:`z_i` outside the limits). ``attrs`` records
        ``alpha``, ``L``, ``target``, ``sigma``, ``limits`` and ``phase1``
        (the number of points used for the estimates, or None).

    Raises
    ------
    ValueError
        For a parameter out of range (the message names it), data that is
        not 1-D, empty, or holds NaN/±inf, fewer than 2 points to estimate
        ``sigma`` from, or a zero estimated ``sigma``.

    Notes
    -----
    Row :math:`t = 0, 1, \dots` of the result is observation :math:`i = t+1`:

    .. math::

        z_i &= \alpha\, x_i + (1-\alpha)\, z_{i-1}, \qquad z_0 = \mu_0, \\
        \mathrm{LCL}_i, \mathrm{UCL}_i &= \mu_0 \mp L\sigma
            \sqrt{\frac{\alpha}{2-\alpha}\left[1-(1-\alpha)^{2i}\right]}
            \quad\text{(exact)}, \qquad
            \mu_0 \mp L\sigma\sqrt{\frac{\alpha}{2-\alpha}}
            \quad\text{(asymptotic)}.

    :math:`z_i` is computed by ewmakit's kernel:
    ``ewmakit.ewma(x, 1 - alpha, init=target)``.

    When not given, the in-control parameters are estimated robustly (from
    the first ``phase1`` points if given, else from all of them):

    .. math::

        \hat\mu_0 = \operatorname{median}(x), \qquad
        \hat\sigma = \frac{\operatorname{median}_t |x_t - x_{t-1}|}
                          {\sqrt2\,\Phi^{-1}(3/4)}
                   = \frac{\operatorname{median}_t |x_t - x_{t-1}|}{0.9539} .

    The median moving range estimates σ without bias for i.i.d. normal data
    and, unlike the sample standard deviation, is barely moved by a level
    shift in the data (one large jump is one moving range out of many) or by
    outliers. The median, however, lands between the two levels when a shift
    occurs early: with a possibly shifted history, estimate from a clean
    phase-I stretch (``phase1=n``) or pass ``target`` and ``sigma``.

    With exact limits the chart is tighter at the start, so its in-control
    ARL is slightly shorter than :func:`arl`, which is for the fixed limits
    (the setting of Lucas & Saccucci's tables).

    References
    ----------
    .. [1] S. W. Roberts (1959). Control chart tests based on geometric moving
       averages. *Technometrics* 1(3), 239–250.
    .. [2] J. M. Lucas and M. S. Saccucci (1990). Exponentially weighted
       moving average control schemes: properties and enhancements.
       *Technometrics* 32(1), 1–12.

    Examples
    --------
    >>> from ewmakit.control import ewma_chart
    >>> x = [0.3, -0.4, 0.1, 0.5, 1.6, 1.4, 1.9, 1.2]
    >>> chart = ewma_chart(x, alpha=0.2, L=3.0, target=0.0, sigma=1.0)
    >>> chart.round(3)
       value   ewma  center    lcl    ucl  signal
    0    0.3  0.060     0.0 -0.600  0.600   False
    1   -0.4 -0.032     0.0 -0.768  0.768   False
    2    0.1 -0.006     0.0 -0.859  0.859   False
    3    0.5  0.096     0.0 -0.912  0.912   False
    4    1.6  0.396     0.0 -0.945  0.945   False
    5    1.4  0.597     0.0 -0.965  0.965   False
    6    1.9  0.858     0.0 -0.978  0.978   False
    7    1.2  0.926     0.0 -0.986  0.986   False
    >>> bool(chart["signal"].any())
    False
    >>> later = ewma_chart(x + [2.0, 1.8], alpha=0.2, L=3.0, target=0.0, sigma=1.0)
    >>> later["signal"].tolist()
    [False, False, False, False, False, False, False, False, True, True]
    """
    alpha = _check_alpha(alpha)
    L = _check_L(L)
    limits = _check_choice("limits", limits, _LIMITS)
    index = x.index if isinstance(x, pd.Series) else None
    if isinstance(x, pd.DataFrame):
        raise ValueError("x must be one series (a Series or a 1-D array), got a DataFrame; chart one column at a time")
    values = core.as_float_array(x, "x").astype(np.float64, copy=False)
    if values.ndim != 1:
        raise ValueError(f"x must be one-dimensional, got shape {values.shape}")
    n = values.shape[0]
    if n == 0:
        raise ValueError("x must hold at least one observation, got none")
    bad = ~np.isfinite(values)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(f"x must be finite (a control chart needs every observation), got {values[k]} at position {k}")

    if target is not None:
        target = _real("target", target)
        if not math.isfinite(target):
            raise ValueError(f"target must be finite, got {target!r}")
    if sigma is not None:
        sigma = _real("sigma", sigma)
        if not (0.0 < sigma < math.inf):
            raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}")
    phase1 = _check_size("phase1", phase1, 2)
    if phase1 is not None:
        if target is not None and sigma is not None:
            raise ValueError("phase1 selects the data to estimate target and sigma from, but both were given")
        if phase1 > n:
            raise ValueError(f"phase1 must be at most the number of observations ({n}), got {phase1}")
    if target is None or sigma is None:
        sample = values if phase1 is None else values[:phase1]
        if sigma is None and sample.size < 2:
            raise ValueError("estimating sigma needs at least 2 observations, got 1; pass sigma=...")
        center, scale = _robust_center_scale(sample)
        if target is None:
            target = center
        if sigma is None:
            if not scale > 0.0:
                raise ValueError(
                    "cannot estimate sigma: the median moving range of the data is 0 (mostly repeated values); "
                    "pass sigma=..."
                )
            sigma = scale

    z = core.ewma(values, 1.0 - alpha, init=target)
    asymptotic = alpha / (2.0 - alpha)
    if limits == "exact":
        i = np.arange(1, n + 1, dtype=np.float64)
        width = L * sigma * np.sqrt(asymptotic * -np.expm1(2.0 * i * np.log1p(-alpha))) if alpha < 1.0 \
            else np.full(n, L * sigma)
    else:
        width = np.full(n, L * sigma * math.sqrt(asymptotic))
    lcl = target - width
    ucl = target + width
    chart = pd.DataFrame(
        {
            "value": values,
            "ewma": z,
            "center": np.full(n, target),
            "lcl": lcl,
            "ucl": ucl,
            "signal": (z < lcl) | (z > ucl),
        },
        index=index if index is not None else pd.RangeIndex(n),
    )
    chart.attrs.update(alpha=alpha, L=L, target=target, sigma=sigma, limits=limits, phase1=phase1)
    return chart


# --------------------------------------------------------------------------- run lengths


def _half_width(alpha: float, L: float) -> float:
    """Half-width h of the fixed limits of the standardised chart: L √(α/(2−α))."""
    return L * math.sqrt(alpha / (2.0 - alpha))


def _default_nodes(alpha: float, L: float) -> int:
    # The kernel is a normal density of width α on [−h, h]: the nodes needed grow with h/α.
    # This rule reaches a relative error below 1e-9 over the range measured in the docstring.
    return max(48, math.ceil(6.0 * _half_width(alpha, L) / alpha) + 24)


def _default_states(alpha: float, L: float) -> int:
    # The chain's error is about (h/α / m)²; 40 h/α states keep it below 0.1 %.
    return max(101, 2 * math.ceil(20.0 * _half_width(alpha, L) / alpha) + 1)


def _arl_integral(alpha: float, L: float, shift: float, nodes: int) -> float:
    h = _half_width(alpha, L)
    t, w = np.polynomial.legendre.leggauss(nodes)
    y, w = h * t, h * w
    c = (1.0 - alpha) / alpha
    # K[i, j] = w_j f(y_j | y_i), f(y | u) = φ((y − (1−α)u)/α − δ) / α
    arg = y[None, :] / alpha - c * y[:, None] - shift
    K = (w / (alpha * math.sqrt(2.0 * math.pi)))[None, :] * np.exp(-0.5 * arg * arg)
    A = np.eye(nodes) - K
    at_nodes = np.linalg.solve(A, np.ones(nodes))
    start = y / alpha - shift  # Nyström interpolation at the start z_0 = 0
    k0 = w / (alpha * math.sqrt(2.0 * math.pi)) * np.exp(-0.5 * start * start)
    return float(1.0 + k0 @ at_nodes)


def _arl_markov(alpha: float, L: float, shift: float, states: int) -> float:
    from scipy.special import ndtr

    h = _half_width(alpha, L)
    width = 2.0 * h / states
    mid = -h + width * (np.arange(states) + 0.5)
    base = (mid[None, :] - (1.0 - alpha) * mid[:, None]) / alpha - shift
    half = 0.5 * width / alpha
    P = ndtr(base + half) - ndtr(base - half)
    at_states = np.linalg.solve(np.eye(states) - P, np.ones(states))
    return float(at_states[states // 2])


def _check_method_sizes(method, nodes, states):
    method = _check_choice("method", method, _METHODS)
    nodes = _check_size("nodes", nodes, 2)
    states = _check_size("states", states, 3)
    if method == "integral" and states is not None:
        raise ValueError("states= sets the Markov chain's size; it needs method='markov' (use nodes= for the integral)")
    if method == "markov" and nodes is not None:
        raise ValueError("nodes= sets the integral's quadrature; it needs method='integral' (use states= for markov)")
    if states is not None and states % 2 == 0:
        raise ValueError(f"states must be odd (the chart starts in the middle state), got {states}")
    return method, nodes, states


def arl(alpha, L, shift=0.0, *, method="integral", nodes=None, states=None) -> float:
    r"""Average run length of the two-sided EWMA chart with fixed limits.

    The chart of :func:`ewma_chart` with ``limits="asymptotic"``, started at
    :math:`z_0 = \mu_0`, on i.i.d. normal data whose mean is
    :math:`\mu_0 + \delta\sigma` (``shift`` :math:`=\delta`).

    Parameters
    ----------
    alpha : float
        Weight of the newest point, :math:`0 < \alpha \le 1` (SPC
        :math:`\lambda`).
    L : float
        Width of the limits, ``L > 0``: :math:`\mu_0 \pm L\sigma
        \sqrt{\alpha/(2-\alpha)}`.
    shift : float, default 0.0
        Shift :math:`\delta` of the mean, in standard deviations of one
        observation; 0 gives the in-control ARL. The ARL is even in
        :math:`\delta`.
    method : {"integral", "markov"}, default "integral"
        How to solve for the ARL; see Notes.
    nodes : int, optional
        Gauss–Legendre nodes for ``method="integral"``. Default
        :math:`\max(48,\ \lceil 6h/\alpha\rceil + 24)`.
    states : int, optional
        Number of states (odd) for ``method="markov"``. Default
        :math:`\max(101,\ 2\lceil 20h/\alpha\rceil + 1)`.

    Returns
    -------
    float
        The expected number of points plotted up to and including the first
        signal.

    Raises
    ------
    ValueError
        For ``alpha`` outside (0, 1], ``L <= 0``, a non-finite ``shift``, an
        unknown ``method``, or a size that does not fit the method.

    Notes
    -----
    Standardise the chart to :math:`\mu_0 = 0, \sigma = 1`: then
    :math:`z_i = (1-\alpha) z_{i-1} + \alpha x_i`, :math:`x_i \sim
    N(\delta, 1)`, and the chart signals when :math:`|z_i| > h =
    L\sqrt{\alpha/(2-\alpha)}`. Given :math:`z_{i-1} = u`, :math:`z_i` has
    density :math:`f(y \mid u) = \alpha^{-1}\,\varphi\big((y -
    (1-\alpha)u)/\alpha - \delta\big)`. The ARL :math:`\mathcal{L}(u)` from a
    start :math:`u` counts this step and, if :math:`z_i` stays inside, the
    ARL from there (Crowder 1987):

    .. math::

        \mathcal{L}(u) = 1 + \int_{-h}^{h} \mathcal{L}(y)\, f(y \mid u)\, dy .

    **Integral method.** Replace the integral by the Gauss–Legendre rule with
    nodes :math:`y_j` and weights :math:`w_j` on :math:`[-h, h]` and require
    the equation at the nodes: :math:`(I - K)\,\boldsymbol{\mathcal{L}} =
    \mathbf 1` with :math:`K_{ij} = w_j f(y_j \mid y_i)`. The ARL is the
    Nyström interpolant at the start, :math:`\mathcal{L}(0) = 1 + \sum_j w_j
    f(y_j \mid 0)\, \mathcal{L}(y_j)`. The kernel is smooth (a normal density
    of width :math:`\alpha`), so the error falls geometrically with the number
    of nodes once they resolve that width; the default scales with
    :math:`h/\alpha`. Measured against 12·h/α nodes, the default agrees to a
    relative :math:`10^{-9}` for :math:`0.001 \le \alpha \le 1`,
    :math:`1 \le L \le 3.5` and :math:`|\delta| \le 4`, far inside the
    0.1 % asked of an ARL table (the Lucas–Saccucci values below are
    reproduced to every printed digit). At very long ARLs the limit is
    rounding, not the quadrature: :math:`I - K` has condition number of the
    order of the ARL, so expect about :math:`10^{-9}` at ARL :math:`10^4`
    and :math:`10^{-7}` at :math:`10^6`.

    **Markov method** (Brook & Evans 1972; Lucas & Saccucci 1990). Cut
    :math:`[-h, h]` into :math:`m` (odd) cells of width :math:`w = 2h/m`
    with midpoints :math:`c_j`; the chart moves from cell :math:`i` to cell
    :math:`j` with probability

    .. math::

        p_{ij} = \Phi\!\left(\frac{c_j + w/2 - (1-\alpha)c_i}{\alpha} -
        \delta\right) - \Phi\!\left(\frac{c_j - w/2 - (1-\alpha)c_i}{\alpha}
        - \delta\right),

    and the ARLs from the cells solve :math:`(I - P)\,\mathbf a = \mathbf 1`;
    the chart starts in the middle cell. The error is
    :math:`O\big((h/\alpha)^2/m^2\big)` and the chain underestimates the
    in-control ARL: the default :math:`m \approx 40h/\alpha` keeps it below
    0.1 % (about 0.05 % at the Lucas–Saccucci designs), at the cost of an
    :math:`m \times m` solve. It needs scipy (for :math:`\Phi`); the integral
    method needs only numpy.

    With :math:`\alpha = 1` both methods give the Shewhart chart's
    :math:`1 / (1 - \Phi(L - \delta) + \Phi(-L - \delta))` (370.4 for
    :math:`L = 3`).

    Lucas & Saccucci (1990), Table 3 (and Montgomery 2019, Table 9.11):

    ===================  =====  =======  =====
    design               δ = 0  δ = 0.5  δ = 1
    ===================  =====  =======  =====
    α = 0.10, L = 2.814  500    31.3     10.3
    α = 0.50, L = 3.071  500    88.8     17.5
    ===================  =====  =======  =====

    This function gives 499.58, 31.297, 10.331 and 499.91, 88.795, 17.477
    (both methods, to the digits shown; the published ``L`` are rounded to
    three decimals, hence 499.6 rather than 500: :func:`critical_L` gives
    L = 2.81431 and 3.07106 for exactly 500).

    References
    ----------
    .. [1] S. V. Crowder (1987). A simple method for studying run-length
       distributions of exponentially weighted moving average charts.
       *Technometrics* 29(4), 401–407.
    .. [2] D. Brook and D. A. Evans (1972). An approach to the probability
       distribution of CUSUM run length. *Biometrika* 59(3), 539–549.
    .. [3] J. M. Lucas and M. S. Saccucci (1990). Exponentially weighted
       moving average control schemes: properties and enhancements.
       *Technometrics* 32(1), 1–12.
    .. [4] S. W. Roberts (1959). Control chart tests based on geometric
       moving averages. *Technometrics* 1(3), 239–250.

    Examples
    --------
    >>> from ewmakit.control import arl
    >>> round(arl(0.10, 2.814), 1)
    499.6
    >>> round(arl(0.10, 2.814, shift=1.0), 2)
    10.33
    >>> round(arl(0.5, 3.071, shift=0.5, method="markov"), 1)
    88.8
    >>> round(arl(1.0, 3.0), 1)  # Shewhart
    370.4
    """
    alpha = _check_alpha(alpha)
    L = _check_L(L)
    shift = _real("shift", shift)
    if not math.isfinite(shift):
        raise ValueError(f"shift must be finite, got {shift!r}")
    method, nodes, states = _check_method_sizes(method, nodes, states)
    if method == "integral":
        return _arl_integral(alpha, L, shift, nodes if nodes is not None else _default_nodes(alpha, L))
    return _arl_markov(alpha, L, shift, states if states is not None else _default_states(alpha, L))


def critical_L(alpha, arl0, *, method="integral") -> float:
    r"""The limit width ``L`` whose in-control ARL is ``arl0``.

    Solves :math:`\mathrm{ARL}(\alpha, L, \delta = 0) = \mathrm{ARL}_0` for
    :math:`L` with :func:`arl` (fixed limits, start at the target).

    Parameters
    ----------
    alpha : float
        Weight of the newest point, :math:`0 < \alpha \le 1`.
    arl0 : float
        Wanted in-control ARL, :math:`1 < \mathrm{ARL}_0 \le 10^8`.
    method : {"integral", "markov"}, default "integral"
        How :func:`arl` is computed (with its default size).

    Returns
    -------
    float
        ``L`` to about 1e-10.

    Raises
    ------
    ValueError
        For ``alpha`` outside (0, 1] or ``arl0`` outside (1, 1e8].

    Notes
    -----
    The in-control ARL grows monotonically with ``L`` (from 1 at ``L = 0``),
    so the root is bracketed and then found by the Illinois variant of
    regula falsi on :math:`\log\mathrm{ARL}(L) - \log\mathrm{ARL}_0`, with
    the quadrature size fixed over the bracket so that the function is
    smooth. It is root finding in one variable, done in a few dozen ARL
    evaluations.

    Examples
    --------
    >>> from ewmakit.control import critical_L, arl
    >>> L = critical_L(0.10, 500)
    >>> round(L, 3)
    2.814
    >>> round(arl(0.10, L), 6)
    500.0
    >>> round(critical_L(1.0, 370.398), 3)  # Shewhart: the 3-sigma chart
    3.0
    """
    alpha = _check_alpha(alpha)
    target = _real("arl0", arl0)
    if not (1.0 < target <= _MAX_ARL0):
        raise ValueError(f"arl0 must be in (1, {_MAX_ARL0:.0e}], got {arl0!r}")
    method = _check_choice("method", method, _METHODS)
    log_target = math.log(target)

    # Bracket with the default size of the largest L tried, then keep that size fixed.
    hi = 3.0
    while arl(alpha, hi, method=method) <= target:
        hi *= 1.5
    size = _default_nodes(alpha, hi) if method == "integral" else _default_states(alpha, hi)
    sizes = {"nodes": size} if method == "integral" else {"states": size}

    def f(level: float) -> float:
        return math.log(arl(alpha, level, method=method, **sizes)) - log_target

    lo = min(1.0, hi / 1.5)
    f_lo, f_hi = f(lo), f(hi)
    while f_lo >= 0.0:
        lo *= 0.5
        f_lo = f(lo)
    while f_hi <= 0.0:  # the larger fixed size can move the ARL a hair
        hi *= 1.1
        f_hi = f(hi)
    side = 0
    mid = 0.5 * (lo + hi)
    for _ in range(200):
        mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        f_mid = f(mid)
        if abs(f_mid) < 1e-13 or hi - lo < 1e-11:
            return mid
        if f_mid < 0.0:
            lo, f_lo = mid, f_mid
            if side == -1:
                f_hi *= 0.5
            side = -1
        else:
            hi, f_hi = mid, f_mid
            if side == 1:
                f_lo *= 0.5
            side = 1
    return mid
