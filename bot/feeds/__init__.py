"""The feeds: one module per external source (genai-prices' prices, LMArena's quality scores, LiteLLM's
cross-check) and the life they share (fetch, validate whole, apply in one transaction or reject whole
with the reason), and the first-use seed from the bundled snapshots. Never imports the read side.
"""
