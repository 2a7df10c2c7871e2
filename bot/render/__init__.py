"""Typed answers -> something to show: Block Kit for Slack, text or JSON for the terminal."""
