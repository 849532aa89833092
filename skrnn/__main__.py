"""``python -m skrnn``: the same as the ``skrnn`` command."""

import sys

from .compare._cli import main

sys.exit(main())
