"""Log lines that quote what a request said (an install page's `error`, a `state`, a `code`, Bolt's and
slack_sdk's messages that quote them): their control characters escaped, so that no one can write a
log line of their own into ours, or hide part of one."""

from __future__ import annotations

import logging


def printable(text: str) -> str:
    """`text` with backslashes and every character that prints nothing visible on one line (newlines,
    ESC, bidi overrides, line separators) written as Python escapes: \\n, \\x1b, \\u202e."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode() for c in text)


class Printable(logging.Filter):
    """Rewrites a logger's records with their message printable(); a traceback (the formatter's) stays
    as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        escaped = printable(message)
        if escaped != message:
            record.msg, record.args = escaped, None
        return True


def escape_records_of(logger: logging.Logger) -> logging.Logger:
    """The logger, its records escaped from now on (once, however often this is called)."""
    if not any(isinstance(f, Printable) for f in logger.filters):
        logger.addFilter(Printable())
    return logger
