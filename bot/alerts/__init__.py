"""Price-change alerts: the outbox written with each change, and the worker that posts it."""
