"""``python -m visualize.cli``: the same as the ``tracegrad`` command."""

import sys

from visualize.cli import main

sys.exit(main())
