"""The scheduled reports: a weekly digest to each manager and the quarterly Area Performance
Review pack to each Area's leads.

Both are plain functions of `now`, run by the scheduler as often as it likes: each works out
whether its report is due (Monday 09:00 local time; 09:00 on the first working day after a
quarter ends) and enqueues what is missing through the outbox. A dedupe key per recipient and
week (`digest:{manager_id}:{iso_week}`) or Area, quarter and recipient
(`apr:{area}:{quarter}:{person_id}`) makes a second run, a restart or a second instance enqueue
nothing more, and the outbox delivers each once. A run after downtime still sends the week's
digest or the quarter's pack, as long as it is still that week or the next quarter.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.rjoim.actions import open_action
from bot.services.trends.apr_pack import apr_files, read_apr
from bot.services.trends.board import BoardPack, board_files, board_pack
from bot.services.trends.engine import summarise
from bot.services.trends.summary import viewer_for
from bot.slack.blocks.reports import (
    OverdueIntervention,
    apr_message,
    board_message,
    digest_message,
)
from bot.slack.blocks.rjoim_home import OpenAction
from bot.slack.files import FILES_KEY
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.interventions import CLOSE_WITHIN_DAYS, Record, overdue
from inspections.periods import Period, quarter_of, week_of
from inspections.scopes import Reach, Scope, ScopeKind, ScopeRequest, reach, resolve
from inspections.working_days import working_day_on_or_after
from storage import audit, interventions_repo, outbox, people_repo, rjoim_record_repo
from storage.models import Person
from storage.uow import UnitOfWork

SEND_AT = time(9, 0)
DIGEST_KIND = "weekly_digest"
APR_KIND = "apr_pack"
BOARD_KIND = "board_pack"

Holidays = Callable[[Iterable[int]], Collection[date]]


@dataclass(frozen=True)
class ReportRun:
    due: bool
    period: str | None = None  # the week or quarter reported on
    enqueued: int = 0
    already: int = 0  # enqueued by an earlier run
    skipped: int = 0  # managers with nothing in their scope (no team)


def digest_key(manager_id: int, week: Period) -> str:
    return f"digest:{manager_id}:{week.label}"


def apr_key(area: str, quarter: Period, person_id: int) -> str:
    return f"apr:{area}:{quarter.label}:{person_id}"


def board_key(quarter: Period, person_id: int) -> str:
    return f"board:{quarter.label}:{person_id}"


def weekly_digests(uow: UnitOfWork, *, now: datetime, tz: ZoneInfo) -> ReportRun:
    local = now.astimezone(tz)
    week = week_of(local.date())
    if local < datetime.combine(week.start, SEND_AT, tzinfo=tz):
        return ReportRun(due=False)
    with uow:
        manager_ids = people_repo.active_ids_with_role(uow.session, "manager")
    enqueued = already = skipped = 0
    for manager_id in manager_ids:
        # One transaction per manager: short, so other work is not held up on SQLite.
        with uow:
            session = uow.session
            key = digest_key(manager_id, week)
            if outbox.existing_keys(session, [key]):
                already += 1
                continue
            manager = session.get(Person, manager_id)
            scope = _own_scope(session, manager) if manager is not None else None
            if manager is None or scope is None:
                skipped += 1
                continue
            last_week = summarise(
                session, scope=scope, period=week.previous(), review_type=None, tz=tz
            )
            quarter = summarise(
                session, scope=scope, period=quarter_of(local.date()), review_type=None, tz=tz
            )
            late = _overdue_interventions(session, scope, now=now, tz=tz)
            late_actions = _overdue_rjoim_actions(session, scope, now=now, tz=tz)
            payload = digest_message(
                last_week, quarter, late, timezone=tz.key, overdue_actions=late_actions
            )
            sent = outbox.enqueue(
                session,
                dedupe_key=key,
                kind=DIGEST_KIND,
                recipient_person_id=manager_id,
                payload=payload,
                now=now,
            )
            if sent is not None:
                _audit(session, manager, scope, week.label, DIGEST_KIND, now)
                enqueued += 1
            uow.commit()
    return ReportRun(True, week.label, enqueued, already, skipped)


def _overdue_interventions(
    session: Session, scope: Scope, *, now: datetime, tz: ZoneInfo
) -> list[OverdueIntervention]:
    """Interventions in the scope still open after CLOSE_WITHIN_DAYS working days."""
    holidays = england_and_wales_bank_holidays(range(now.year - 1, now.year + 1))
    return [
        OverdueIntervention(urn, alert.raised_at, alert.acknowledged_at is not None)
        for alert, urn in interventions_repo.open_in_scope(
            session, area=scope.area, unit=scope.unit, lawyer_ids=scope.lawyer_ids or None
        )
        if overdue(
            Record(alert.raised_at, alert.acknowledged_at, alert.closed_at),
            now=now,
            within_days=CLOSE_WITHIN_DAYS,
            tz=tz,
            holidays=holidays,
        )
    ]


def _overdue_rjoim_actions(
    session: Session, scope: Scope, *, now: datetime, tz: ZoneInfo
) -> list[OpenAction]:
    """Open RJOIM actions past their due date: an Area's (or every Area's, nationally), or
    those owned by a line manager's team."""
    today = now.astimezone(tz)
    if scope.kind is ScopeKind.NATIONAL:
        rows = rjoim_record_repo.open_actions(session, areas=None)
    elif scope.kind in (ScopeKind.AREA, ScopeKind.UNIT) and scope.area is not None:
        rows = rjoim_record_repo.open_actions(session, areas=[scope.area])
    elif scope.kind is ScopeKind.TEAM:
        rows = rjoim_record_repo.open_actions(session, areas=None, owner_ids=scope.lawyer_ids)
    else:
        return []
    return [a for a in (open_action(row, today) for row in rows) if a.overdue]


def _quarter_due(now: datetime, tz: ZoneInfo, holidays: Holidays) -> Period | None:
    """The quarter just ended, once its packs are due: from 09:00 on the first working day
    after it; None before then."""
    local = now.astimezone(tz)
    quarter = quarter_of(local.date()).previous()
    off = holidays({quarter.end.year, quarter.end.year + 1})
    send_from = datetime.combine(working_day_on_or_after(quarter.end, off), SEND_AT, tzinfo=tz)
    return quarter if local >= send_from else None


def quarterly_packs(
    uow: UnitOfWork,
    *,
    now: datetime,
    tz: ZoneInfo,
    holidays: Holidays = england_and_wales_bank_holidays,
) -> ReportRun:
    quarter = _quarter_due(now, tz, holidays)
    if quarter is None:
        return ReportRun(due=False)
    with uow:
        leads = area_leads(uow.session)
    enqueued = already = 0
    for area, lead_ids in sorted(leads.items()):
        keys = {person_id: apr_key(area, quarter, person_id) for person_id in lead_ids}
        with uow:
            if outbox.existing_keys(uow.session, keys.values()) == set(keys.values()):
                already += len(keys)
                continue
            figures = read_apr(uow.session, area=area, quarter=quarter, tz=tz)
        # Drawn outside any transaction: on SQLite a transaction holds the write lock, and
        # inspectors' clicks would wait for the chart.
        payload = {**apr_message(figures.summary), FILES_KEY: apr_files(figures)}
        with uow:
            session = uow.session
            # Again: another instance may have sent them meanwhile.
            done = outbox.existing_keys(session, keys.values())
            already += len(done)
            missing = [p for p, k in keys.items() if k not in done]
            for person_id in missing:
                sent = outbox.enqueue(
                    session,
                    dedupe_key=keys[person_id],
                    kind=APR_KIND,
                    recipient_person_id=person_id,
                    payload=payload,
                    now=now,
                )
                lead = session.get(Person, person_id)
                if sent is not None and lead is not None:
                    scope = Scope(ScopeKind.AREA, area, area=area)
                    _audit(session, lead, scope, quarter.label, APR_KIND, now)
                    enqueued += 1
            uow.commit()
    return ReportRun(True, quarter.label, enqueued, already)


def board_packs(
    uow: UnitOfWork,
    *,
    now: datetime,
    tz: ZoneInfo,
    holidays: Holidays = england_and_wales_bank_holidays,
) -> ReportRun:
    """The national board pack, due when the APR packs are: to the national inspection leads
    and every Chief Crown Prosecutor, once each."""
    quarter = _quarter_due(now, tz, holidays)
    if quarter is None:
        return ReportRun(due=False)
    with uow:
        session = uow.session
        recipients = sorted(
            set(people_repo.active_admin_ids(session))
            | set(people_repo.active_ids_with_role(session, "ccp"))
        )
        keys = {person_id: board_key(quarter, person_id) for person_id in recipients}
        if outbox.existing_keys(session, keys.values()) == set(keys.values()):
            return ReportRun(True, quarter.label, 0, len(keys))
    pack = board_pack(uow, quarter=quarter, tz=tz, actor=audit.SYSTEM, now=now)
    # Drawn outside any transaction, as the APR pack's chart is.
    payload = _board_payload(pack)
    enqueued = already = 0
    with uow:
        session = uow.session
        done = outbox.existing_keys(session, keys.values())
        already = len(done)
        scope = Scope(ScopeKind.NATIONAL, "National")
        for person_id, key in keys.items():
            if key in done:
                continue
            sent = outbox.enqueue(
                session,
                dedupe_key=key,
                kind=BOARD_KIND,
                recipient_person_id=person_id,
                payload=payload,
                now=now,
            )
            person = session.get(Person, person_id)
            if sent is not None and person is not None:
                _audit(session, person, scope, quarter.label, BOARD_KIND, now)
                enqueued += 1
        uow.commit()
    return ReportRun(True, quarter.label, enqueued, already)


def _board_payload(pack: BoardPack) -> dict[str, object]:
    return {**board_message(pack), FILES_KEY: board_files(pack)}


def area_leads(session: Session) -> dict[str, list[int]]:
    """Active managers at the top of their unit's chain, by Area: who gets the Area's pack."""
    leads: dict[str, list[int]] = {}
    for person_id in people_repo.active_ids_with_role(session, "manager"):
        person = session.get(Person, person_id)
        if person is not None and reach(viewer_for(session, person)) is Reach.AREA:
            leads.setdefault(person.area, []).append(person.id)
    return leads


def _own_scope(session: Session, manager: Person) -> Scope | None:
    viewer = viewer_for(session, manager)
    if reach(viewer) is Reach.TEAM and not viewer.team:
        return None
    if reach(viewer) not in (Reach.NATIONAL, Reach.AREA, Reach.TEAM):
        return None
    return resolve(viewer, ScopeRequest())


def _audit(
    session: Session, person: Person, scope: Scope, period: str, kind: str, now: datetime
) -> None:
    audit.record(
        session,
        actor=audit.SYSTEM,
        action=f"{kind}.enqueued",
        entity_type="person",
        entity_id=person.id,
        details={"to": person.email, "scope": scope.label, "period": period},
        now=now,
    )
