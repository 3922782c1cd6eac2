"""`python -m bot.cli`: the same as the `dipsample` command."""

import sys

from bot.cli.parser import main

sys.exit(main())
