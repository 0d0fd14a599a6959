"""`python -m aftersales` runs the command-line interface."""

import sys

from aftersales.cli import main

sys.exit(main())
