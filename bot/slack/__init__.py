"""Bolt glue: the Slack app (`build_app`), its listeners, the WSGI entry and Socket Mode.

The catalog never sees Slack: listeners ack, hand the text to `dispatch.run_command`, and render
the typed answer with `bot.render.blocks`.
"""
