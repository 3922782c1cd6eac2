"""Slack's mrkdwn escaping, kept apart from Block Kit so that any module (the refusal
sentences among them) can use it without importing the renderers."""


def escape(text: str) -> str:
    """Plain words made safe for mrkdwn: no mentions, links or stray entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
