"""Pure call-flow domain: typed flow models, YAML loading and validation, the engine.

Nothing here imports Flask, SQLAlchemy or twilio, and nothing reads the clock:
time is passed in.
"""
