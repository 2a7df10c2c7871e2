"""The domain: catalog tables, name lookup, pricing math, comparisons, alternatives and price changes.

Never imports slack_*; everything here runs with no network.
"""
