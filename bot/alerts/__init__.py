"""Price-change alerts, the worker's edge: delivering the outbox (bot.store.outbox, written with each
change in its transaction) to Slack, and what each answer means for an alert."""
