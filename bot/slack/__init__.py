"""Bolt glue: the Slack app (`app.build_app`, which returns a `parts.SlackApp`), its listeners, the
WSGI entry (web.py: every request through Bolt) and Socket Mode.

The catalog never sees Slack: listeners ack and hand the request to the part whose job it is (acks.py
the slash command, clicks.py buttons, uploads.py chart uploads), which gets its message from
replies.py: the text run by `dispatch.run_command`, the typed answer rendered by `bot.render.blocks`.
"""
