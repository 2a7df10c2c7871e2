"""An independent check of Block Kit's limits (slack_sdk checks only some of them) for tests: of
messages (`block_kit_problems`) and of views, the App Home's and modals (`view_problems`)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

LIMITS = {
    "blocks": 50,
    "view_blocks": 100,
    "modal_title": 24,
    "modal_button": 24,
    "callback_id": 255,
    "private_metadata": 3000,
    "section_text": 3000,
    "fields": 10,
    "field_text": 2000,
    "header": 150,
    "button_text": 75,
    "button_value": 2000,
    "action_id": 255,
    "actions_elements": 25,
    "context_elements": 10,
    "context_text": 3000,
    "message_text": 40000,
    "image_url": 3000,
    "alt_text": 2000,
    "image_title": 2000,
}


def block_kit_problems(message: dict[str, Any]) -> list[str]:
    """Every way this message breaks Block Kit's limits or misses its text fallback (empty: fine)."""
    problems: list[str] = []
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("no text fallback")
    elif len(text) > LIMITS["message_text"]:
        problems.append(f"text fallback of {len(text)} chars")
    blocks = message.get("blocks") or []
    if len(blocks) > LIMITS["blocks"]:
        problems.append(f"{len(blocks)} blocks")
    return problems + _blocks_problems(blocks)


def view_problems(view: dict[str, Any]) -> list[str]:
    """Every way this view (a Home tab or a modal) breaks Block Kit's limits (empty: fine)."""
    problems: list[str] = []
    kind = view.get("type")
    if kind not in ("home", "modal"):
        problems.append(f"view type {kind!r}")
    blocks = view.get("blocks") or []
    if not 0 < len(blocks) <= LIMITS["view_blocks"]:
        problems.append(f"{len(blocks)} blocks")
    if len(view.get("callback_id", "")) > LIMITS["callback_id"]:
        problems.append(f"callback_id of {len(view['callback_id'])} chars")
    if len(view.get("private_metadata", "")) > LIMITS["private_metadata"]:
        problems.append(f"private_metadata of {len(view['private_metadata'])} chars")
    if kind == "modal":
        title = view.get("title") or {}
        if title.get("type") != "plain_text" or not 0 < len(title.get("text", "")) <= LIMITS["modal_title"]:
            problems.append(f"modal title {title!r}")
        for key in ("close", "submit"):
            button = view.get(key)
            if button is not None and (
                button.get("type") != "plain_text" or not 0 < len(button["text"]) <= LIMITS["modal_button"]
            ):
                problems.append(f"modal {key} {button!r}")
    elif any(key in view for key in ("title", "close", "submit")):
        problems.append("a Home view has no title, close or submit")
    problems += _blocks_problems(blocks)
    try:  # slack_sdk's own model checks, on top of ours
        View(**view).validate_json()
    except Exception as exc:  # noqa: BLE001 - report any complaint as a problem
        problems.append(f"slack_sdk says {exc}")
    return problems


def _blocks_problems(blocks: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    for i, block in enumerate(blocks):
        where = f"block {i} ({block.get('type')})"
        kind = block.get("type")
        if kind == "section":
            if "text" in block and not 0 < len(block["text"]["text"]) <= LIMITS["section_text"]:
                problems.append(f"{where}: section text of {len(block['text']['text'])} chars")
            fields = block.get("fields") or []
            if len(fields) > LIMITS["fields"]:
                problems.append(f"{where}: {len(fields)} fields")
            problems += [
                f"{where}: field of {len(f['text'])} chars"
                for f in fields
                if not 0 < len(f["text"]) <= LIMITS["field_text"]
            ]
            if "text" not in block and not fields:
                problems.append(f"{where}: neither text nor fields")
        elif kind == "header":
            if (
                block["text"]["type"] != "plain_text"
                or not 0 < len(block["text"]["text"]) <= LIMITS["header"]
            ):
                problems.append(f"{where}: header {block['text']!r}")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= LIMITS["context_elements"]:
                problems.append(f"{where}: {len(elements)} context elements")
            problems += [
                f"{where}: context text of {len(e.get('text', ''))} chars"
                for e in elements
                if not 0 < len(e.get("text", "")) <= LIMITS["context_text"]
            ]
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= LIMITS["actions_elements"]:
                problems.append(f"{where}: {len(elements)} action elements")
            ids = [e.get("action_id") for e in elements]
            if len(set(ids)) != len(ids):
                problems.append(f"{where}: repeated action_id {ids}")
            for e in elements:
                if e.get("type") == "button":
                    if not 0 < len(e["text"]["text"]) <= LIMITS["button_text"]:
                        problems.append(f"{where}: button text {e['text']['text']!r}")
                    if len(e.get("value", "")) > LIMITS["button_value"]:
                        problems.append(f"{where}: button value of {len(e['value'])} chars")
                    if not 0 < len(e.get("action_id", "")) <= LIMITS["action_id"]:
                        problems.append(f"{where}: action_id {e.get('action_id')!r}")
        elif kind == "image":
            if not 0 < len(block.get("image_url", "")) <= LIMITS["image_url"]:
                problems.append(f"{where}: image_url of {len(block.get('image_url', ''))} chars")
            if not 0 < len(block.get("alt_text", "")) <= LIMITS["alt_text"]:
                problems.append(f"{where}: alt_text of {len(block.get('alt_text', ''))} chars")
            title = block.get("title")
            if title is not None and (
                title.get("type") != "plain_text" or not 0 < len(title["text"]) <= LIMITS["image_title"]
            ):
                problems.append(f"{where}: image title {title!r}")
        elif kind != "divider":
            problems.append(f"{where}: unexpected block type")
        try:  # slack_sdk's own model checks, on top of ours
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
        except Exception as exc:  # noqa: BLE001 - report any complaint as a problem
            problems.append(f"{where}: slack_sdk says {exc}")
    return problems


def assert_valid(message: dict[str, Any]) -> None:
    problems = block_kit_problems(message)
    assert not problems, problems


def assert_valid_view(view: dict[str, Any]) -> None:
    problems = view_problems(view)
    assert not problems, problems
