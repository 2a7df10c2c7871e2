"""`python -m bot.cli`: the `modelcost` command."""

import sys

from bot.cli import main

sys.exit(main())
