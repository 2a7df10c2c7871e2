"""Pure rules: prices and workloads, names, categories, lifecycle, comparable quality, succession,
workspace keys, the curated data files, and the command parser. No database, no Slack, no network.
"""
