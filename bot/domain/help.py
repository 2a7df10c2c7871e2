"""The help text, in one place: what `help` shows in Slack and in the terminal, and the README's command
table (`readme_table`; tests/unit/test_help.py keeps README.md equal to it). A new command adds its line
to HELP, then the same row to the README."""

from __future__ import annotations

from bot.domain.categories import CATEGORIES

HELP = [
    ("r1 vs o1", "compare 2 to 6 models: prices, ratio and the cost of a default workload"),
    ("r1 vs o1 for 10M in 2M out", "... for your workload (k, M or B tokens; add `30% cached`)"),
    (
        "r1 vs o1 for 10M in 2M out, 300k prompts, batch",
        "... priced as labs bill it, after commas in any order: `30% cached` or `8M cached`, `2M cache "
        "writes` (`2M 1h cache writes`), `300k prompts` (one prompt's size: picks a long-context tier), "
        "`batch`, `flex` or `priority`, `off-peak` (docs/workloads.md)",
    ),
    ("o1", "one model: prices at the lab's API, the cheapest hosts, context, licence, quality"),
    ("r1 hosts", "every live host of a model, cheapest first"),
    ("cheaper o1", "open-weights models of comparable quality that cost less, with their cheapest host"),
    (
        "cheaper sonnet for coding",
        "... ranked by a task's LMArena score (add a workload after it: `for 10M in 2M out`)",
    ),
    ("r1 vs o1 for coding", "compare with a task's scores beside the prices (`o1 for math` for one model)"),
    (
        "list open",
        "list models: all curated ones, `open`, a lab (`list anthropic`) or a host (`list groq`); "
        "`list all` adds retired ones",
    ),
    ("history o1", "a model's dated price changes, and who or which feed made each"),
    (
        "chart r1 o1 sonnet",
        "the cost-vs-quality chart of those models (`chart o1`: o1 and its cheaper alternatives)",
    ),
    (
        "subscribe",
        "this channel gets an alert when a price changes (`subscribe o1 r1`, `subscribe above 5%`); "
        "named models also get retirement countdowns (deprecated; 30, 7 and 1 days before)",
    ),
    (
        "subscribe family sonnet",
        "follow a family, present and future members (`subscribe o3 instead of o1` swaps one model)",
    ),
    (
        "subscribe digest weekly",
        "one message a week of what changed for the models followed here, none when nothing did "
        "(`subscribe digest daily`, `subscribe digest weekly friday 16:00 Europe/Berlin`; "
        "`unsubscribe digest`)",
    ),
    ("alerts digest-only", "no alert per change here, the digest only (`alerts every change` undoes it)"),
    ("unsubscribe", "stop this channel's alerts; `subscriptions` shows what it gets"),
    (
        "set o1 input 15 output 60",
        "admins: correct a price (`set r1 at together input 3 output 7` for a host)",
    ),
    (
        "set sonnet score 1460",
        "admins: the team's own score (`set sonnet coding score 1490`; `unset sonnet score` undoes it)",
    ),
    (
        "set workload 50M in 5M out, 20% cached",
        "admins: the team's default workload, used (and said) by every question without one "
        "(`unset workload` removes it)",
    ),
    ("alias team-default gpt-4o", "admins: add a name for a model (`unalias team-default` removes it)"),
    ("sync", "admins: fetch the genai-prices feed now (`sync dry-run` shows what would change)"),
    ("sync status", "the latest feed syncs, scheduled or not, and why any was rejected"),
    (
        "audit",
        "admins: where prices disagree with a second source (LiteLLM), and retired models still listed",
    ),
    (
        "reprice --on deepseek-v4-pro,kimi-k2.6",
        "the usage export (OpenAI, Anthropic, LiteLLM, OpenRouter, plain CSV) you last shared with the app "
        "here, at today's prices, on comparable open models and on the `--on` models; privately, with Share "
        "(in a terminal: `modelcost reprice usage.csv`; docs/reprice.md)",
    ),
    ("help", "this help"),
]
HELP_FOOTNOTE = (
    "Prices are USD per 1M tokens, from genai-prices; quality is the LMArena text score. Tasks: "
    + ", ".join(c.name for c in CATEGORIES)
    + ". Family names (claude, gpt, gemini, …) mean the lab's current flagship."
)


def readme_table() -> str:
    """HELP as the README's markdown table, row for row."""
    rows = [f"| `{example}` | {_cell(what)} |" for example, what in HELP]
    return "\n".join(["| command | answer |", "|---|---|", *rows])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a pipe would end the cell
