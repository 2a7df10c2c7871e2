"""The one runner of requests, under both edges: who may run what, read-only or in one transaction,
or fetching a feed.
"""
