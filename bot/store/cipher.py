"""The cipher that oauth mode's Slack tokens are stored under: Fernet, keyed by MODELCOST_TOKEN_KEY.

MODELCOST_TOKEN_KEY holds one Fernet key (32 random bytes, url-safe base64; `modelcost tokens key`
makes one), or several, comma-separated, while keys rotate: the first encrypts, each of them
decrypts (cryptography's MultiFernet). Fernet authenticates what it decrypts, so a stored value
altered without the key is refused, never used. No message made here holds a key or a token.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.config import Settings, SettingsError

KEY_SETTING = "MODELCOST_TOKEN_KEY"


class TokenKeyError(SettingsError):
    """MODELCOST_TOKEN_KEY is malformed, or missing where stored tokens need it; one line, no key."""


class UnreadableTokenError(TokenKeyError):
    """A stored token that none of MODELCOST_TOKEN_KEY's keys decrypts."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"a token stored in {where} can't be decrypted with {KEY_SETTING}: is the key it was "
            "stored under still in the list?"
        )


def token_cipher(settings: Settings) -> MultiFernet:
    """MODELCOST_TOKEN_KEY's cipher: MissingSettingsError when it is unset, TokenKeyError when malformed."""
    settings.require(KEY_SETTING)
    assert settings.token_key is not None  # required just above
    return cipher_of(settings.token_key.get_secret_value())


def cipher_of(keys: str) -> MultiFernet:
    """The cipher of a comma-separated list of Fernet keys, the first one encrypting."""
    parts = [part.strip() for part in keys.split(",")]
    fernets = []
    for n, part in enumerate(parts, 1):
        try:
            fernets.append(Fernet(part))
        except ValueError:
            which = f"key {n} of {len(parts)}" if len(parts) > 1 else "it"
            raise TokenKeyError(
                f"{KEY_SETTING} must be Fernet keys, comma-separated: {which} is not 32 url-safe "
                "base64-encoded bytes (`modelcost tokens key` makes one)"
            ) from None  # the ValueError says no more, and nothing of the key may be shown
    return MultiFernet(fernets)


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(cipher: MultiFernet, text: str) -> str:
    """`text` encrypted under the first key, as url-safe base64 text (it starts with `gAAAAA`)."""
    return cipher.encrypt(text.encode()).decode()


def decrypt(cipher: MultiFernet, stored: str, where: str) -> str:
    """What `encrypt` stored; UnreadableTokenError (naming `where`, a table and column) if no key opens it."""
    try:
        return cipher.decrypt(stored.encode()).decode()
    except InvalidToken:
        raise UnreadableTokenError(where) from None


def reencrypt(cipher: MultiFernet, stored: str, where: str) -> str:
    """A stored value encrypted again under the first key (MultiFernet.rotate), its timestamp kept."""
    try:
        return cipher.rotate(stored.encode()).decode()
    except InvalidToken:
        raise UnreadableTokenError(where) from None
