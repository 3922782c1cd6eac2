"""Thin Bolt listeners: each parses a payload, calls one service and renders the result.

Every module here has ``register(app, ctx)``; ``bot.bootstrap.create_app`` calls them all with the
``AcknowledgingRegistrar`` of ``bot.acknowledgement``, so Slack is answered at ``ack()``.
"""
