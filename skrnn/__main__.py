"""``python -m skrnn``: the same as the ``skrnn`` command."""

import sys

from ._cli import main

sys.exit(main())
