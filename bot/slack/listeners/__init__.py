"""Thin Bolt listeners: each parses a payload, calls one service and renders the result.

Every module here has ``register(app, ctx)``; ``bot.bootstrap.create_app`` calls them all. Bolt
answers Slack once a listener calls ``ack()``; the listener then shows the result.
"""
