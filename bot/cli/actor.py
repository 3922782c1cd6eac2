"""Who ran a command, for the audit log."""

from __future__ import annotations

import getpass


def cli_actor() -> str:
    """The OS account running the CLI, as `cli:NAME`; plain `cli` when it has no name."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # a uid with no passwd entry and no LOGNAME/USER (containers)
        return "cli"
