"""Text from a request, logged: one line, whatever it holds."""

from __future__ import annotations

import logging

import pytest

from bot.slack.logtext import Printable, printable


@pytest.mark.parametrize(
    ("text", "logged"),
    [
        ("access_denied", "access_denied"),
        ("a\nforged line", "a\\nforged line"),
        ("a\r\nb", "a\\r\\nb"),
        ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
        ("right\u202eto left", "right\\u202eto left"),
        ("line\u2028separator", "line\\u2028separator"),
        ("a literal \\n", "a literal \\\\n"),
        ("tab\there", "tab\\there"),
        ("café, Zürich", "café, Zürich"),
    ],
)
def test_printable_escapes_what_would_break_or_hide_a_line(text: str, logged: str) -> None:
    assert printable(text) == logged


def test_a_logger_with_the_filter_logs_one_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.logtext")
    logger.addFilter(Printable())

    with caplog.at_level(logging.INFO):
        logger.warning("install failed: %s (%d%%)", "x\nINFO forged", 100)

    [record] = caplog.records
    assert record.getMessage() == "install failed: x\\nINFO forged (100%)"
    assert caplog.text.count("\n") == 1
