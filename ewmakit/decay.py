r"""Conversions between the ways of saying how fast an EWMA forgets.

ewmakit has one convention: ``beta`` (β) is the weight of the **past**,

.. math::

    v_t = \beta\, v_{t-1} + (1 - \beta)\, x_t ,

and ``alpha = 1 - beta`` is the weight of the newest point. Every other
parameterisation (window/span, half-life, centre of mass) is converted to β by
the functions here, and :func:`resolve_beta` turns "exactly one of them" into β.

=====================  ==========================  =============================
spec                   β                           elsewhere called
=====================  ==========================  =============================
``beta``               β                           RiskMetrics/arch ``lam``,
                                                   torch RMSprop ``alpha``,
                                                   Adam ``beta1``/``beta2``
``alpha``              1 − α                       pandas/polars ``alpha``,
                                                   TA-Lib ``k``, statsmodels
                                                   ``smoothing_level``, SPC λ
``window`` n           1 − 2/(n+1) = (n−1)/(n+1)   pandas ``span``, TA-Lib
                                                   ``timeperiod``
``halflife`` h         0.5 ** (1/h)                pandas ``halflife``
``com`` c              c/(1+c)                     pandas ``com``
=====================  ==========================  =============================
"""

from __future__ import annotations

import math

from ._checks import check_unit, is_real, real

__all__ = [
    "alpha_from_window",
    "beta_from_window",
    "window_from_beta",
    "beta_from_halflife",
    "halflife_from_beta",
    "beta_from_com",
    "effective_window",
    "resolve_beta",
]


def _below_one(b: float, name: str, value: object, formula: str, limit: str) -> float:
    """``b``, or a ValueError naming the spec when it rounded to β = 1.0 (an average that never moves)."""
    if b >= 1.0:
        raise ValueError(f"{name}={value!r} gives beta = {formula}, which rounds to 1.0 in double precision "
                         f"(an average that never moves); {name} must be {limit}")
    return b


def alpha_from_window(n: float) -> float:
    r"""Weight of the newest point of an n-period EMA: α = 2/(n+1).

    Parameters
    ----------
    n : float
        The window (pandas ``span``, TA-Lib ``timeperiod``), ``n >= 1``.

    Returns
    -------
    float
        α in (0, 1].

    Raises
    ------
    ValueError
        If ``n < 1`` or is not finite.

    Examples
    --------
    >>> alpha_from_window(20)
    0.09523809523809523
    """
    return _alpha_of_window(n, "window")


def _alpha_of_window(n: float, name: str) -> float:
    w = real(name, n)
    if not (1.0 <= w < math.inf):
        raise ValueError(f"{name} must be in [1, inf), got {n!r}")
    return 2.0 / (w + 1.0)


def beta_from_window(n: float) -> float:
    r"""β of an n-period EMA: β = 1 − 2/(n+1) = (n−1)/(n+1).

    This is the finance/pandas "n-period EMA" (pandas ``span=n``). The often
    quoted "2/(n+1)" is α, the weight of the **newest** point; β, the weight of
    the past, is one minus that.

    Parameters
    ----------
    n : float
        The window, ``n >= 1``. ``n = 1`` gives β = 0 (no smoothing).

    Returns
    -------
    float
        β in [0, 1).

    Raises
    ------
    ValueError
        If ``n < 1``, is not finite, or is so large (above 3.6e16) that β
        rounds to 1.0.

    Notes
    -----
    Worked example, a 20-day EMA: α = 2/21 ≈ 0.095 is the weight given to
    today's price, so β = 1 − 2/21 = 19/21 ≈ 0.905 is the weight kept on
    yesterday's average:

    .. math::

        v_t = 0.905\, v_{t-1} + 0.095\, x_t .

    Passing ``beta=0.095`` by mistake gives an average that almost ignores the
    past (an effective window of about one day).

    Examples
    --------
    >>> round(beta_from_window(20), 4)
    0.9048
    >>> beta_from_window(1)
    0.0
    """
    return _beta_of_window(n, "window")


def _beta_of_window(n: float, name: str) -> float:
    return _below_one(1.0 - _alpha_of_window(n, name), name, n, "1 - 2/(n+1)", "below 3.6e16")


def window_from_beta(beta: float) -> float:
    r"""Window n whose EMA has this β: n = (1+β)/(1−β).

    Examples
    --------
    >>> round(window_from_beta(0.9), 6)
    19.0
    """
    b = check_unit("beta", beta)
    return (1.0 + b) / (1.0 - b)


def beta_from_halflife(h: float) -> float:
    r"""β whose weights halve every ``h`` steps: β = 0.5 ** (1/h).

    Parameters
    ----------
    h : float
        Half-life in steps, ``h > 0``.

    Examples
    --------
    >>> beta_from_halflife(1)
    0.5
    >>> round(beta_from_halflife(10) ** 10, 12)
    0.5
    """
    v = real("halflife", h)
    if not (0.0 < v < math.inf):
        raise ValueError(f"halflife must be in (0, inf), got {h!r}")
    return _below_one(0.5 ** (1.0 / v), "halflife", h, "0.5 ** (1/h)", "below 1.2e16")


def halflife_from_beta(beta: float) -> float:
    r"""Steps after which a point's weight has halved: ln 0.5 / ln β.

    Parameters
    ----------
    beta : float
        ``0 < beta < 1``.

    Examples
    --------
    >>> round(halflife_from_beta(0.5), 12)
    1.0
    >>> round(halflife_from_beta(0.94), 2)
    11.2
    """
    b = real("beta", beta)
    if not (0.0 < b < 1.0):
        raise ValueError(f"beta must be in (0, 1) for a half-life, got {beta!r}")
    return math.log(0.5) / math.log(b)


def beta_from_com(c: float) -> float:
    r"""β for a centre of mass ``c``: β = c/(1+c) (pandas ``com``).

    Examples
    --------
    >>> beta_from_com(9)
    0.9
    """
    v = real("com", c)
    if not (0.0 <= v < math.inf):
        raise ValueError(f"com must be in [0, inf), got {c!r}")
    return _below_one(v / (1.0 + v), "com", c, "c/(1+c)", "below 9e15")


def _check_beta(value: object) -> float:
    """β in [0, 1); a whole number >= 2 is a window given as β (``smooth(20)``), and the message says so."""
    try:
        return check_unit("beta", value)
    except ValueError:
        v = real("beta", value)
        if v >= 2 and float(v).is_integer() and v < 1e15:
            raise ValueError(f"beta must be in [0, 1), got {value!r}; did you mean window={int(v)}? "
                             f"(beta is the weight of the past: window={int(v)} is beta={(v - 1) / (v + 1):.4g})"
                             ) from None
        raise


def effective_window(beta: float) -> float:
    r"""The number of points an EWMA "averages over": 1/(1−β).

    This is the rule of thumb of the deep-learning literature (β = 0.9 averages
    about 10 points) and Wilder's n (his smoothing uses β = 1 − 1/n). It is not
    the pandas/TA-Lib window, which is (1+β)/(1−β) (see :func:`window_from_beta`).

    Examples
    --------
    >>> round(effective_window(0.9), 6)
    10.0
    """
    b = check_unit("beta", beta)
    return 1.0 / (1.0 - b)


def resolve_beta(beta: float | None = None, *, alpha: float | None = None, window: float | None = None,
                 span: float | None = None, halflife: float | None = None, com: float | None = None) -> float:
    r"""Turn exactly one decay specification into β.

    Parameters
    ----------
    beta : float, optional
        Weight of the past, ``0 <= beta < 1``.
    alpha : float, optional
        Weight of the newest point, ``0 < alpha <= 1``; β = 1 − α.
    window : float, optional
        n-period EMA, ``window >= 1``; β = 1 − 2/(n+1).
    span : float, optional
        pandas' name for ``window`` (the same thing; give one of them).
    halflife : float, optional
        Half-life in steps, ``> 0``; β = 0.5 ** (1/h).
    com : float, optional
        Centre of mass, ``>= 0``; β = c/(1+c).

    Returns
    -------
    float
        β in [0, 1).

    Raises
    ------
    ValueError
        If none or more than one specification is given, or one is out of range.
    TypeError
        If a specification is not a real number.

    Examples
    --------
    >>> resolve_beta(0.9)
    0.9
    >>> round(resolve_beta(window=20), 6)
    0.904762
    >>> resolve_beta(alpha=0.25)
    0.75
    >>> resolve_beta(span=20) == resolve_beta(window=20)
    True
    """
    given = {
        k: v
        for k, v in (("beta", beta), ("alpha", alpha), ("window", window), ("span", span), ("halflife", halflife),
                     ("com", com))
        if v is not None
    }
    if len(given) != 1:
        if not given:
            raise ValueError("give exactly one decay: beta, alpha, window (or span), halflife or com; got none")
        names = ", ".join(f"{k}={v!r}" for k, v in given.items())
        raise ValueError(f"give exactly one decay: beta, alpha, window (or span), halflife or com; got {names}")
    (name, value), = given.items()
    if name == "beta":
        return _check_beta(value)
    if name == "span":
        return _beta_of_window(value, "span")
    if name == "alpha":
        a = real("alpha", value)
        if not (0.0 < a <= 1.0):
            raise ValueError(f"alpha must be in (0, 1], got {value!r}")
        return _below_one(1.0 - a, "alpha", value, "1 - alpha", "at least 5.6e-17")
    if name == "window":
        return beta_from_window(value)
    if name == "halflife":
        if not isinstance(value, bool) and not is_real(value):  # a bool falls through to the TypeError below
            raise ValueError(
                f"halflife={value!r} is a time span: it needs times=...; without times give it in steps (a number)"
            )
        return beta_from_halflife(value)
    return beta_from_com(value)
