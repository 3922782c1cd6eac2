"""`dipsample demo`: a fortnight of the programme played offline against the Slack stand-in.

cast: the synthetic people; arrivals: the synthetic reviews; world: the stand-in, the served
bot and the clock; players: Slack users clicking what the bot showed them; fortnight: the
script; transcript: what each person received, rendered from the Block Kit payloads.
"""
