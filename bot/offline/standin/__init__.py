"""A local stand-in for Slack's Web API, for tests and ``dipsample demo``.

with SlackStandIn() as slack:
    slack.add_user("U1", email="inspector@example.test", name="Ivy Inspector")
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    ...
    assert slack.violations == []
"""

from bot.offline.standin.records import (
    Call,
    Message,
    ResponsePost,
    StoredFile,
    StoredView,
    User,
    Violation,
)
from bot.offline.standin.standin import SlackStandIn

__all__ = [
    "Call",
    "Message",
    "ResponsePost",
    "SlackStandIn",
    "StoredFile",
    "StoredView",
    "User",
    "Violation",
]
