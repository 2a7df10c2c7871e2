"""The errors users see: each is expected, carries a friendly message, and is turned into a reply at the
edge (the CLI, a Slack listener). This module imports nothing of the project, so renderers and the CLI
can depend on it and on nothing below.
"""

from __future__ import annotations


class UserError(Exception):
    """An expected error: its message (str(exc)) is what the user is told."""


class QueryError(UserError, ValueError):
    """The text is not a command we understand; the message says what would work."""


class UnknownModelError(UserError, LookupError):
    """No model answers to this name; `suggestions` holds up to three (id, name) pairs."""

    def __init__(self, name: str, suggestions: list[tuple[str, str]], *, ambiguous: bool = False) -> None:
        self.name = name
        self.suggestions = suggestions
        self.ambiguous = ambiguous
        what = "could mean several models" if ambiguous else "is not a model I know"
        super().__init__(f"'{name}' {what}")


class NoPriceError(UserError, LookupError):
    """The model is known but no host has a current price for it."""

    def __init__(self, name: str) -> None:
        super().__init__(f"I know {name}, but no host currently publishes a price for it.")


class EditError(UserError, ValueError):
    """An admin edit that cannot be made as asked; the message says why and what would work."""


class NotAdminError(UserError, PermissionError):
    """The command changes the catalog and the user is not an admin."""

    def __init__(self) -> None:
        super().__init__(
            "Only workspace admins and owners (or users in MODELCOST_ADMIN_USERS) can change "
            "prices, scores or aliases, sync the feeds or run the audit. Nothing was changed."
        )


class OperatorOnlyError(UserError, PermissionError):
    """A command that acts on the catalog every workspace shares (`sync`), asked from one workspace of
    many (oauth mode): it is the operator's, from a terminal; the feeds sync on their own meanwhile."""

    def __init__(self) -> None:
        super().__init__(
            "The price feeds sync on their own, for every workspace at once; a sync by hand is run by the "
            "app's operator, in a terminal (`modelcost sync`). Nothing was fetched."
        )


class ForeignUserError(UserError, PermissionError):
    """The user belongs to another workspace or organisation than the one the app answers for here (a
    channel shared through Slack Connect): they may ask anything, and change nothing."""

    def __init__(self) -> None:
        super().__init__(
            "You're from another workspace than the one modelcost answers for here (this channel is "
            "shared between organisations): only that workspace's members can subscribe or unsubscribe, "
            "and only its admins can change prices, scores or aliases. Questions work for everyone. "
            "Nothing was changed."
        )


class NeedsChannelError(UserError, ValueError):
    """A channel command (subscribe...) asked outside a channel, e.g. from the CLI."""

    def __init__(self) -> None:
        super().__init__("Subscriptions belong to a Slack channel: type this in the channel.")


class NotHereError(UserError, ValueError):
    """A command that this surface does not run (e.g. `sync` typed into `modelcost ask`); says where."""


class NoChartError(UserError, ValueError):
    """The answer has no chart (`set`, `list`, ...), or nothing in it can be drawn; the message says which."""


class CatalogUnavailableError(UserError, ConnectionError):
    """The database cannot be reached now (down, restarting, unreachable); nothing was done."""

    def __init__(self) -> None:
        super().__init__("The price catalog is unavailable right now; please try again in a minute.")


class SlackUnavailableError(UserError, ConnectionError):
    """Slack did not answer whether the user is an admin, or one of the workspace's (users.info failed);
    nothing was changed."""

    def __init__(self) -> None:
        super().__init__(
            "I could not ask Slack whether you are a workspace admin or member (Slack did not answer), so "
            "nothing was changed. Please try again in a minute."
        )


class TokenRefreshError(UserError, ConnectionError):
    """Oauth mode: the workspace's bot token was due for renewal and Slack refused it or did not answer;
    nothing ran."""

    def __init__(self) -> None:
        super().__init__(
            "Slack did not renew modelcost's access to this workspace just now (it was due), so nothing ran. "
            "Please try again in a minute."
        )


def user_message(exc: UserError) -> str:
    """The friendly reply for an expected error."""
    if isinstance(exc, UnknownModelError):
        name = exc.name if len(exc.name) <= 60 else exc.name[:60] + "…"
        if exc.ambiguous:
            lead = f"'{name}' could mean more than one model."
        else:
            lead = f"I don't know a model called '{name}'."
        if exc.suggestions:
            return lead + " Did you mean: " + ", ".join(f"{n} (`{i}`)" for i, n in exc.suggestions) + "?"
        return lead + " Try `list` to see the models I know."
    return str(exc)


class UsageFileError(UserError, ValueError):
    """A usage file that can't be re-priced (`modelcost reprice`): not a usage export, malformed, too
    large; the message says what was wrong and what is read. Nothing of the file is kept."""
