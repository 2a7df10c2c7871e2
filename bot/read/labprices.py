"""Which rows at the labs' own APIs are the labs' own prices (the rule: bot.domain.labprice), judged
once per read model from what it holds: each model's hosts, LiteLLM's facts, models.dev's listings and
the decisions in data/."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.domain.crosscheck import Facts, Key
from bot.domain.labprice import Decision, Judgement, Quote, judge, load_decisions
from bot.domain.modelsdev import load_extract
from bot.read.model import Host, ModelFacts

_CATALOG_DECISION = "data/catalog.toml marks it imported from another host"


def judge_lab_rows(
    models: Mapping[str, ModelFacts],
    hosts: Mapping[str, Iterable[Host]],
    facts: Mapping[Key, Facts],
    catalog_imported: Iterable[Key],
) -> dict[Key, Judgement]:
    """The judgement on every priced row at a model's lab API."""
    extract, decided = load_extract(), dict(load_decisions().by_key)
    for key in catalog_imported:
        decided.setdefault(
            key,
            Decision(
                offering=":".join(key), verdict="imported", reason=_CATALOG_DECISION, checked=extract.as_of
            ),
        )
    out: dict[Key, Judgement] = {}
    for model_id, model_hosts in hosts.items():
        model = models[model_id]
        listed = list(model_hosts)
        for h in listed:
            if h.provider_id != model.lab_provider_id or h.fields["source"].kind == "admin":
                continue  # another host; or the team's own price, which is the team's word
            key = (h.provider_id, str(h.fields["provider_model_id"]))
            price = h.data
            if price.input_mtok is None or price.output_mtok is None:
                continue  # an embedding model's row has no output price: nothing to compare
            second = []
            f = facts.get(key)
            if f is not None and f.input_mtok is not None and f.output_mtok is not None:
                second.append(Quote("LiteLLM", f.input_mtok, f.output_mtok))
            listing = extract.find(key[0], (key[1],), model.name)
            if listing is not None and listing.input_mtok is not None and listing.output_mtok is not None:
                second.append(Quote("models.dev", listing.input_mtok, listing.output_mtok))
            known_then = model.release_date is not None and model.release_date <= extract.as_of
            live = h.fields["status"] == "active"  # models.dev drops what a lab retires
            omitted = (
                "models.dev"
                if listing is None
                and model.open_weights
                and live
                and known_then
                and extract.lists_host(key[0])
                else None
            )
            others = [
                Quote(o.provider_name, o.data.input_mtok, o.data.output_mtok)
                for o in listed
                if o.provider_id != h.provider_id
                and not o.retired
                and o.data.input_mtok is not None
                and o.data.output_mtok is not None
            ]
            out[key] = judge(
                h.provider_name,
                price.input_mtok,
                price.output_mtok,
                second=second,
                omitted_by=omitted,
                others=others,
                decided=decided.get(key),
            )
    return out
