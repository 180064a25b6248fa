"""Example 8b — EWMA control charts: design by average run length, a simulated shift, the S&P 500 in 2007.

Runs offline (the real data is the S&P 500 daily series shipped by ``arch``).

    python examples/control_chart.py [--out DIR]   # prints the tables, writes control_chart.png

1. Design. For an in-control ARL of 370.4 (one false alarm per 370 points, like
   a 3-sigma Shewhart chart) find L for several alpha with ``critical_L`` and
   compare how fast each chart reacts to a shift of the mean (``arl``).
2. A simulated process (seeded) whose mean moves by one sigma at point 100.
3. Daily S&P 500 returns: target and sigma from 2005–2006 (phase I), then the
   chart runs through 2007. Returns are not independent (volatility clusters),
   so read the alarms as "something changed", not against the ARL table.

    from ewmakit import plot
    from ewmakit.control import ewma_chart
    plot.control_chart(ewma_chart(returns, alpha=0.1, L=2.701, phase1=502))

The code is ``ewmakit._demos.demo_control_chart`` (also run by ``ewmakit demo``).
"""

import sys
from pathlib import Path

from ewmakit._demos import example_main

if __name__ == "__main__":
    sys.exit(example_main(["control_chart"], __doc__, Path(__file__).parent))
