"""Service functions: each takes a unit of work (or a session) and the facts it needs, applies
the rules from `inspections/`, and writes the change, its audit rows and its outbox messages in
one transaction."""
