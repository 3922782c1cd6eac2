"""Thin Bolt listeners: each parses a payload, calls one service and renders the result.

Every module here has ``register(app, ctx)``; ``bot.app.create_app`` calls them all.
"""
