"""The monthly floor top-up: a lawyer still unsampled this month once the floor's day has come
gets their most recent review of the month selected (inspections.sampling.floor_top_up).

Intake already selects a lawyer's next review after that day; this catches lawyers whose
reviews all came before it. It is idempotent (a lawyer with a sampled review is skipped), and
after downtime it also settles each earlier month since the previous run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.assignment.assign import assign_existing, queued_entry, review_info
from bot.services.assignment.pool import AssignmentTerms, InspectorPool
from bot.services.assignment.waiting_alerts import Waiting, alert_admins
from bot.services.inspection.versions import current_review_questionnaire
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from inspections.assignment import LawyerFacts
from inspections.lifecycle import Purpose, Status
from inspections.sampling import (
    FloorSelection,
    LawyerMonth,
    ReviewRef,
    SamplingPolicy,
    floor_top_up,
    is_double_marked,
    month_window,
)
from storage import audit, inspections_repo, people_repo, reviews_repo
from storage.models import Inspection
from storage.sampling_policies import hold_policy_version
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class FloorReport:
    months: tuple[str, ...]  # the local months looked at, "YYYY-MM"
    selected: int = 0
    assigned: int = 0
    queued: int = 0


def top_up_monthly_floor(
    uow: UnitOfWork,
    *,
    now: datetime,
    settings: Settings,
    since: datetime | None = None,
    policy: SamplingPolicy | None = None,
) -> FloorReport:
    """Select, create and assign the floor's reviews for each month from since's to now's;
    commits."""
    with uow:
        session = uow.session
        inspections_repo.lock_assignments(session)
        policy = policy or policy_from_settings(settings)
        tz = settings.timezone
        months = months_to_settle(since, now, tz)
        selections: list[tuple[FloorSelection, int]] = []
        for local_date in months:
            lawyers, review_ids = _lawyer_months(session, local_date, tz)
            picked = floor_top_up(policy, local_date=local_date, lawyers=lawyers)
            selections += [(s, review_ids[s.identity]) for s in picked]
        report = FloorReport(months=tuple(f"{d:%Y-%m}" for d in months))
        if selections:
            hold_policy_version(session, policy, now=now)
            report = _select_all(
                session, selections, now=now, settings=settings, report=report, policy=policy
            )
        uow.commit()
        return report


def months_to_settle(since: datetime | None, now: datetime, tz: ZoneInfo) -> list[date]:
    """A date in each local month to settle: the last day of each month since the previous
    run (the floor is due by then), then today."""
    today = now.astimezone(tz).date()
    if since is None or since >= now:
        return [today]
    months: list[date] = []
    day = since.astimezone(tz).date()
    while (day.year, day.month) < (today.year, today.month):
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        months.append(following - timedelta(days=1))
        day = following
    return [*months, today]


def _lawyer_months(
    session: Session, local_date: date, tz: ZoneInfo
) -> tuple[list[LawyerMonth], dict[str, int]]:
    start, end = month_window(local_date, tz)
    rows = reviews_repo.decisions_completed_between(session, start, end)
    sampled: set[str] = set()
    unselected: dict[str, list[ReviewRef]] = defaultdict(list)
    review_ids: dict[str, int] = {}
    for email, review_id, identity, completed_at, selected, rule in rows:
        if selected:
            sampled.add(email)
        elif rule == "not_selected":
            unselected[email].append(ReviewRef(identity, completed_at))
            review_ids[identity] = review_id
    lawyers = [
        LawyerMonth(email, email in sampled, tuple(unselected[email]))
        for email in sorted(sampled | unselected.keys())
    ]
    return lawyers, review_ids


def _select_all(
    session: Session,
    selections: list[tuple[FloorSelection, int]],
    *,
    now: datetime,
    settings: Settings,
    report: FloorReport,
    policy: SamplingPolicy,
) -> FloorReport:
    terms = AssignmentTerms.at(now, settings)
    secret = settings.sampling_secret.encode()
    pool = InspectorPool.load(session, terms)
    admin_ids = people_repo.active_admin_ids(session)
    version_id = current_review_questionnaire(session, now=now).id
    assigned = queued = 0
    for selection, review_id in selections:
        inspection = _select(session, selection, review_id, version_id=version_id, now=now)
        first = assign_existing(session, inspection, pool=pool)
        if is_double_marked(policy, secret=secret, identity=selection.identity):
            _second_marking(session, inspection, pool=pool, first=first, now=now)
        if first is not None:
            assigned += 1
            continue
        queued += 1
        review = inspection.case_review
        lawyer = review.lawyer
        reason = pool.why_nobody(
            LawyerFacts(lawyer.id, lawyer.email, lawyer.area, lawyer.unit, lawyer.manager_id)
        )
        waiting = Waiting(
            inspection_id=inspection.id,
            review=review_info(
                urn=review.urn,
                review_type=review.review_type,
                area=review.area,
                lawyer_name=lawyer.name,
                completed_at=review.completed_at,
                due_at=None,
                tz=terms.tz,
            ),
            reason=reason,
        )
        alert_admins(session, waiting=waiting, round_=0, admin_ids=admin_ids, now=now)
        audit.record_many(session, [queued_entry(inspection.id, reason, now)])
    return FloorReport(report.months, len(selections), assigned, queued)


def _second_marking(
    session: Session, primary: Inspection, *, pool: InspectorPool, first: int | None, now: datetime
) -> None:
    """A blind second marking of a floor selection, as intake gives its double-marked share:
    never to the first inspector; waiting quietly when nobody else can take it."""
    second = Inspection(
        case_review_id=primary.case_review_id,
        purpose=Purpose.DOUBLE,
        questionnaire_version_id=primary.questionnaire_version_id,
        inspector_id=None,
        status=Status.QUEUED,
        created_at=now,
        updated_at=now,
    )
    session.add(second)
    session.flush()
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="inspection.created",
        entity_type="inspection",
        entity_id=second.id,
        details={"case_review_id": primary.case_review_id, "purpose": Purpose.DOUBLE.value},
        now=now,
    )
    exclude = {first} if first is not None else set()
    if assign_existing(session, second, pool=pool, exclude=exclude) is None:
        review = primary.case_review
        lawyer = review.lawyer
        reason = pool.why_nobody(
            LawyerFacts(lawyer.id, lawyer.email, lawyer.area, lawyer.unit, lawyer.manager_id),
            exclude=exclude,
        )
        audit.record_many(session, [queued_entry(second.id, reason, now)])


def _select(
    session: Session,
    selection: FloorSelection,
    review_id: int,
    *,
    version_id: int,
    now: datetime,
) -> Inspection:
    decision = reviews_repo.decision_of(session, review_id)
    # The decision row now tells the top-up; the audit keeps the decision it replaces whole.
    previous = {
        "rule": decision.rule,
        "policy_version": decision.policy_version,
        "selected": decision.selected,
        "decided_at": decision.decided_at.isoformat(),
    }
    decision.selected = True
    decision.rule = selection.rule.value
    decision.policy_version = selection.policy_version
    decision.decided_at = now
    inspection = Inspection(
        case_review_id=review_id,
        questionnaire_version_id=version_id,
        inspector_id=None,
        status=Status.QUEUED,
        created_at=now,
        updated_at=now,
    )
    session.add(inspection)
    session.flush()
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="inspection.created",
        entity_type="inspection",
        entity_id=inspection.id,
        details={
            "case_review_id": review_id,
            "identity": selection.identity,
            "rule": selection.rule.value,
            "draw": decision.draw,
            "policy_version": selection.policy_version,
            "replaces": previous,
        },
        now=now,
    )
    return inspection
