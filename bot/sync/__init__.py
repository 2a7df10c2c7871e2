"""The upstream feed: fetch, validate, diff and apply genai-prices data, and the first-use seed."""
