"""``python -m ewmakit``: the ``ewmakit`` command line (see :mod:`ewmakit.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
