"""How the app uses Slack's libraries: through their public API only (no module of bot/ imports a
private module of slack_bolt or slack_sdk, `internals`, an adapter's own modules or a name starting
with "_", which an upgrade may change without a type error; from Bolt, only what its packages export
and the few names its guides have apps import from a module); Web API clients made in one place,
users.info asked in one."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable
from pathlib import Path

import bot

SLACK_LIBRARIES = ("slack_bolt", "slack_sdk")

# Bolt's public API beyond what its packages export (their __all__): the modules Bolt's own guides have
# apps import from, with the names they import. Any other module (its authorization.authorize, say) is
# refused.
BOLT_BEYOND_EXPORTS = {
    # docs.slack.dev/tools/bolt-python/concepts/authenticating-oauth (and its "customizing" part)
    "slack_bolt.oauth.oauth_settings": {"OAuthSettings"},
    "slack_bolt.oauth.callback_options": {"CallbackOptions", "SuccessArgs", "FailureArgs"},
}


def private_imports(source: str) -> list[str]:
    """The private modules of Slack's libraries, and private names from them, that `source` imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
            names: list[str] = []
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            modules = [node.module]
            names = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            if module.split(".")[0] not in SLACK_LIBRARIES:
                continue
            parts = module.split(".")
            # An adapter's package exports what it offers (its handler); its modules are its own.
            adapter_module = parts[:2] == ["slack_bolt", "adapter"] and len(parts) > 3
            if adapter_module or any(p == "internals" or p.startswith("_") for p in parts):
                found.append(module)
            found += [f"{module}.{n}" for n in names if n.startswith("_")]
    return found


def test_the_check_finds_a_private_import() -> None:
    assert private_imports("from slack_bolt.request.internals import parse_body") == [
        "slack_bolt.request.internals"
    ]
    assert private_imports("from slack_sdk.web import _private") == ["slack_sdk.web._private"]
    assert private_imports("from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest") == [
        "slack_bolt.adapter.wsgi.http_request"
    ]
    assert private_imports("from slack_bolt import App, BoltRequest") == []
    assert private_imports("from slack_bolt.adapter.wsgi import SlackRequestHandler") == []


def unexported_bolt_imports(source: str) -> list[str]:
    """The names `source` imports from Bolt that its packages don't export and no guide names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "slack_bolt" and "." in a.name]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "slack_bolt":
            module = str(node.module)
            exported = set(getattr(importlib.import_module(module), "__all__", ()))
            exported |= BOLT_BEYOND_EXPORTS.get(module, set())
            found += [f"{module}.{a.name}" for a in node.names if a.name not in exported]
    return found


def test_the_check_finds_a_bolt_name_its_package_does_not_export() -> None:
    assert unexported_bolt_imports(
        "from slack_bolt.authorization.authorize import InstallationStoreAuthorize"
    ) == ["slack_bolt.authorization.authorize.InstallationStoreAuthorize"]
    assert unexported_bolt_imports("from slack_bolt.context.context import BoltContext") == [
        "slack_bolt.context.context.BoltContext"
    ]
    assert unexported_bolt_imports("import slack_bolt.app.app") == ["slack_bolt.app.app"]
    assert unexported_bolt_imports("from slack_bolt import App, BoltContext") == []
    assert unexported_bolt_imports("from slack_bolt.oauth.oauth_settings import OAuthSettings") == []


def found_in_the_app(check: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """What `check` finds in each module of bot/ that it finds anything in."""
    root = Path(bot.__file__).parent
    return {
        str(path.relative_to(root)): found
        for path in sorted(root.rglob("*.py"))
        if (found := check(path.read_text()))
    }


def test_the_app_imports_from_bolt_only_what_it_exports_or_its_guides_name() -> None:
    assert found_in_the_app(unexported_bolt_imports) == {}


def test_no_module_of_the_app_imports_private_slack_code() -> None:
    assert found_in_the_app(private_imports) == {}


def calls_in(name: str) -> dict[str, int]:
    """The modules of bot/ that call `name` (a function or a method), and how many times."""
    root = Path(bot.__file__).parent
    found = {}
    for path in sorted(root.rglob("*.py")):
        count = sum(
            1
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == name)
                or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
            )
        )
        if count:
            found[str(path.relative_to(root))] = count
    return found


def test_web_api_clients_are_made_in_one_place() -> None:
    assert calls_in("WebClient") == {"slackapi/clients.py": 1}


def test_users_info_is_asked_in_one_place_its_cache() -> None:
    assert calls_in("users_info") == {"slackapi/users.py": 1}
