"""modelcost: LLM API prices one slash command away (Slack app and CLI)."""
