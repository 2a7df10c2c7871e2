"""`audit`: where the catalog's prices disagree with a second, independent source (LiteLLM's price file:
as the cross-check feed last stored it, else bundled as data/litellm/extract.json), which listed
offerings that source dates as retired, where the lifecycle sources (the labs' pages in
data/lifecycle.toml, LiteLLM, models.dev, genai-prices' flag) disagree about an offering, and which rows
at the labs' APIs are not the labs' own prices (bot.domain.labprice): imported, or unconfirmed.

genai-prices stays the primary price; the audit only says where the two differ, by more than 1% on
input, output or cached input (bot.domain.crosscheck). An admin's own price (`set`) settles a
disagreement for the team: it is listed as resolved, not as open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contract.answers import AuditAnswer
from bot.contract.views import AuditRow, LabPriceRow, LifecycleRow, RetiredRow
from bot.domain.crosscheck import Facts, Key, Listed, compare
from bot.domain.hosts import display_name
from bot.domain.lifecycle import disagree, load_lab_lifecycle, sayings
from bot.domain.modelsdev import Extract
from bot.domain.modelsdev import load_extract as load_modelsdev
from bot.domain.prices import CACHE_WRITE, ExtraPrice
from bot.domain.workspaces import SHARED
from bot.read.builder import build
from bot.store.crosscheck import current_facts, facts_source
from bot.store.prices import current_prices, price_data
from bot.store.tables import Model, Offering, Provider


def audit(session: Session, as_of: date | None = None, workspace: str = SHARED) -> AuditAnswer:
    """Every disagreement and every retired-but-listed offering among those both sources cover."""
    day = as_of or datetime.now(UTC).date()
    facts = current_facts(session)
    rows = session.execute(
        select(Offering, Provider.name, Model.id, Model.name, Model.lab_provider_id)
        .join(Provider, Offering.provider_id == Provider.id)
        .outerjoin(Model, Offering.model_id == Model.id)
        .where(Offering.retired_at.is_(None))
    ).all()
    lab_rows = _lab_rows(session, day, workspace)
    lifecycle = _lifecycle([(o, host, m_id, m_name) for o, host, m_id, m_name, _ in rows], facts, day)
    known = [r for r in rows if (r[0].provider_id, r[0].provider_model_id) in facts]
    prices = current_prices(session, [o.id for o, *_ in known], workspace)
    listed: dict[Key, Listed] = {}
    about: dict[Key, tuple[str | None, str, str, bool, bool]] = {}
    for offering, provider_name, model_id, model_name, lab_provider in known:
        row = prices.get(offering.id)
        if row is None:
            continue
        data = price_data(row)
        key = (offering.provider_id, offering.provider_model_id)
        write = (
            (ExtraPrice(CACHE_WRITE.name, "standard", 0, data.cache_write_mtok),)
            if data.cache_write_mtok
            else ()
        )
        listed[key] = Listed(
            data.input_mtok,
            data.output_mtok,
            data.cache_read_mtok,
            offering.context_window,
            (*write, *data.extra),
        )
        host = display_name(offering.provider_id, provider_name)
        lab_api = lab_provider is not None and lab_provider == offering.provider_id
        about[key] = (
            model_id,
            model_name or offering.name or key[1],
            host,
            row.source_kind == "admin",
            lab_api,
        )
    result = compare(listed, facts, as_of=day)
    disagreements = [
        AuditRow(
            model_id=about[d.key][0],
            model_name=about[d.key][1],
            host=about[d.key][2],
            offering=f"{d.key[0]}:{d.key[1]}",
            field=d.field,
            ours=str(d.ours),
            theirs=str(d.theirs),
            litellm_key=d.litellm_key,
            resolved_by_team=about[d.key][3],
        )
        for d in result.disagreements
    ]
    retired = [
        RetiredRow(
            model_id=about[r.key][0],
            model_name=about[r.key][1],
            host=about[r.key][2],
            offering=f"{r.key[0]}:{r.key[1]}",
            deprecation_date=r.deprecation_date,
            litellm_key=r.litellm_key,
        )
        for r in result.retired
    ]
    differing = {d.key for d in result.disagreements if not about[d.key][3]}
    by_model: dict[str, bool] = {}
    for key in result.compared:
        owner, _, _, _, lab_api = about[key]
        if owner is not None and lab_api:
            by_model[owner] = by_model.get(owner, True) and key not in differing
    return AuditAnswer(
        source=facts_source(session),
        as_of=day,
        offerings_compared=len(result.compared),
        offerings_agreeing=len([k for k in result.compared if k not in differing]),
        models_compared=len(by_model),
        models_agreeing=sum(by_model.values()),
        disagreements=sorted(
            disagreements, key=lambda d: (d.resolved_by_team, d.model_name, d.host, d.field)
        ),
        retired=sorted(retired, key=lambda r: (r.deprecation_date, r.model_name, r.host)),
        lifecycle=lifecycle,
        imported=[r for r in lab_rows if r.verdict == "imported"],
        unconfirmed=[r for r in lab_rows if r.verdict == "unconfirmed"],
        totals={
            "price_disagreements": len(differing),
            "retired_listed": len(retired),
            "lifecycle": len(lifecycle),
            "imported": sum(r.verdict == "imported" for r in lab_rows),
            "unconfirmed": sum(r.verdict == "unconfirmed" for r in lab_rows),
        },
    )


def _lab_rows(session: Session, day: date, workspace: str) -> list[LabPriceRow]:
    """The rows at labs' APIs judged not plainly the lab's price (bot.domain.labprice), as the read
    model sets them aside: imported ones, and unconfirmed ones flagged (unlike every other listing)."""
    catalog = build(session, day, workspace)
    out = []
    for model_id, model_hosts in catalog.hosts.items():
        for h in (*model_hosts, *catalog.imported_hosts.get(model_id, ())):
            key = (h.provider_id, str(h.fields["provider_model_id"]))
            judged = catalog.lab_rows.get(key)
            if judged is None or not (judged.verdict == "imported" or judged.flagged):
                continue
            out.append(
                LabPriceRow(
                    model_id=model_id,
                    model_name=catalog.models[model_id].name,
                    host=h.provider_name,
                    offering=f"{key[0]}:{key[1]}",
                    verdict=judged.verdict,
                    input_mtok=str(h.data.input_mtok),
                    output_mtok=str(h.data.output_mtok),
                    reason=judged.reason,
                    copied_from=judged.copied_from,
                )
            )
    return sorted(out, key=lambda r: (r.host, r.model_name, r.offering))


def _modelsdev_status(extract: Extract, key: Key, name: str | None) -> str | None:
    """models.dev's status of an offering ("active" when listed without one), None when not listed."""
    listing = extract.find(key[0], (key[1],), name)
    return None if listing is None else listing.status or "active"


def _lifecycle(
    rows: Sequence[tuple[Offering, str, str | None, str | None]],
    facts: Mapping[Key, Facts],
    day: date,
) -> list[LifecycleRow]:
    """Every listed offering on whose lifecycle two sources disagree, by model and host."""
    lab, extract = load_lab_lifecycle().by_key, load_modelsdev()
    out = []
    for offering, provider_name, model_id, model_name in rows:
        key = (offering.provider_id, offering.provider_model_id)
        said_by_lab = lab.get(key)
        f = facts.get(key)
        said = sayings(
            day,
            lab=said_by_lab,
            litellm=f.deprecation_date if f is not None else None,
            modelsdev=_modelsdev_status(extract, key, model_name),
            modelsdev_as_of=extract.as_of,
            genai_deprecated=offering.deprecated,
        )
        if not disagree(said):
            continue
        out.append(
            LifecycleRow(
                model_id=model_id,
                model_name=model_name or offering.name or key[1],
                host=display_name(offering.provider_id, provider_name),
                offering=f"{key[0]}:{key[1]}",
                said={s.source: s.text() for s in said},
                lab_source=said_by_lab.source if said_by_lab else None,
            )
        )
    return sorted(out, key=lambda r: (r.model_name, r.host, r.offering))
