"""Slack's Web API as both Slack edges use it (the Bolt app and the alerts worker): clients, users.info,
and the installations' tokens.
"""
