"""Intake of completed reviews, from a CSV file or the HTTP endpoint alike.

Every row is validated before anything is stored. Each new review is then sampled at once and a
selected one becomes an inspection, assigned in the same transaction when someone is eligible.
Work is done in batches (bulk INSERTs) with the directory, the inspectors and each lawyer's
month loaded once, so a large import costs a few statements per batch, not per row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.services.assignment.assign import announce_assignment, review_info
from bot.services.assignment.pool import AssignmentTerms, InspectorPool, lawyer_facts
from bot.services.assignment.waiting_alerts import Waiting, alert_admins_of_new
from bot.services.inspection.versions import current_review_questionnaire
from bot.services.intake.sampling import LawyerMonths, Sampler
from bot.settings import Settings
from inspections.assignment import InspectorCandidate
from inspections.intake import CaseReviewRow, RowProblem, parse_case_reviews
from inspections.lifecycle import Purpose, Status
from inspections.sampling import SamplingDecision, SamplingPolicy
from storage import audit, inspections_repo, people_repo, reviews_repo
from storage.people_repo import DirectoryEntry
from storage.sampling_policies import hold_policy_version
from storage.uow import UnitOfWork

BATCH_SIZE = 2000
Progress = Callable[[int, int], None]  # (rows done, rows to do)


@dataclass
class IntakeReport:
    received: int = 0
    created: int = 0
    skipped: int = 0  # already stored, or repeated within the same import
    selected: int = 0
    assigned: int = 0
    queued: int = 0
    double_marked: int = 0  # of the selected, also given to a second inspector (blind)
    by_rule: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "created": self.created,
            "skipped": self.skipped,
            "selected": self.selected,
            Status.ASSIGNED: self.assigned,
            Status.QUEUED: self.queued,
            "double_marked": self.double_marked,
            "by_rule": dict(sorted(self.by_rule.items())),
        }


def validate_reviews(
    session: Session, raw: Iterable[tuple[int, Mapping[str, object]]]
) -> tuple[list[CaseReviewRow], list[RowProblem]]:
    """Every problem in every row; the rows only when there are none."""
    return parse_case_reviews(
        raw,
        lawyer_emails=people_repo.lawyer_emails(session),
        units_by_area=people_repo.units_by_area(session),
    )


@dataclass
class _Batching:
    """What one import loads once and every batch shares."""

    session: Session
    terms: AssignmentTerms
    sampler: Sampler
    pool: InspectorPool
    admin_ids: list[int]
    questionnaire_version_id: int
    actor: str
    report: IntakeReport
    waiting: list[Waiting] = field(default_factory=list)
    _why_nobody: dict[tuple[int, int], str] = field(default_factory=dict)
    _takes: int = 0

    def why_nobody(self, lawyer: DirectoryEntry) -> str:
        # Unchanged until someone is handed work: computed once per lawyer while the pool is full.
        key = (lawyer.id, self._takes)
        if key not in self._why_nobody:
            self._why_nobody[key] = self.pool.why_nobody(lawyer_facts(lawyer))
        return self._why_nobody[key]

    def take(self, person_id: int) -> None:
        self.pool.take(person_id)
        self._takes += 1


def ingest_reviews(
    uow: UnitOfWork,
    rows: Sequence[CaseReviewRow],
    *,
    policy: SamplingPolicy,
    settings: Settings,
    now: datetime,
    actor: str = audit.SYSTEM,
    source: str = "csv",
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> IntakeReport:
    """Store, sample and assign validated rows in one transaction, and commit it."""
    with uow:
        session = uow.session
        inspections_repo.lock_assignments(session)
        report = IntakeReport(received=len(rows))
        lawyers = {e.email: e for e in people_repo.entries_with_role(session, "lawyer")}
        unknown = sorted({r.lawyer_email for r in rows} - lawyers.keys())
        if unknown:
            raise ValueError(f"not lawyers in the directory: {', '.join(unknown)}")
        fresh = [
            _Item(identity, row, lawyers[row.lawyer_email])
            for identity, row in _unseen(session, rows)
        ]
        report.skipped = len(rows) - len(fresh)
        if fresh:
            hold_policy_version(session, policy, now=now)
        terms = AssignmentTerms.at(now, settings)
        months = LawyerMonths.load(
            session, tz=terms.tz, reviews=((i.lawyer.id, i.row.completed_at) for i in fresh)
        )
        batching = _Batching(
            session=session,
            terms=terms,
            sampler=Sampler(policy, secret=settings.sampling_secret.encode(), months=months),
            pool=InspectorPool.load(session, terms),
            admin_ids=people_repo.active_admin_ids(session),
            questionnaire_version_id=current_review_questionnaire(session, now=now).id,
            actor=actor,
            report=report,
        )
        # Oldest first, so that "the lawyer's next review" for the monthly floor means just that.
        fresh.sort(key=lambda i: (i.row.completed_at, i.identity))
        for start in range(0, len(fresh), batch_size):
            _store_batch(batching, fresh[start : start + batch_size])
            if progress is not None:
                progress(min(start + batch_size, len(fresh)), len(fresh))
        alert_admins_of_new(
            session, waiting=batching.waiting, admin_ids=batching.admin_ids, now=now
        )
        audit.record(
            session,
            actor=actor,
            action="case_reviews.imported",
            entity_type="intake",
            entity_id=source,
            details={**report.as_dict(), "policy_version": policy.version},
            now=now,
        )
        uow.commit()
        return report


@dataclass(slots=True)
class _Item:
    """One new review on its way through: its identity is computed once."""

    identity: str
    row: CaseReviewRow
    lawyer: DirectoryEntry
    review_id: int = 0
    decision: SamplingDecision | None = None


def _unseen(session: Session, rows: Sequence[CaseReviewRow]) -> list[tuple[str, CaseReviewRow]]:
    """Rows whose review is not stored yet, each identity once (the first occurrence)."""
    first: dict[str, CaseReviewRow] = {}
    for row in rows:
        first.setdefault(row.identity, row)
    stored = reviews_repo.existing_identities(session, first.keys())
    return [(identity, row) for identity, row in first.items() if identity not in stored]


def _store_batch(b: _Batching, items: Sequence[_Item]) -> None:
    now = b.terms.now
    ids = reviews_repo.insert_reviews(b.session, [_review_values(item, now) for item in items])
    decisions: list[dict[str, Any]] = []
    picked: list[_Item] = []
    for item in items:
        review_id = ids.get(item.identity)
        if review_id is None:  # stored meanwhile by someone else: theirs stands
            b.report.skipped += 1
            continue
        decision = b.sampler.decide(item.row, item.lawyer.id, identity=item.identity)
        item.review_id, item.decision = review_id, decision
        decisions.append(
            {
                "case_review_id": review_id,
                "policy_version": decision.policy_version,
                "selected": decision.selected,
                "rule": decision.rule.value,
                "draw": decision.draw,
                "decided_at": now,
            }
        )
        b.report.created += 1
        b.report.by_rule[decision.rule.value] += 1
        if decision.selected:
            picked.append(item)
    reviews_repo.insert_decisions(b.session, decisions)
    b.report.selected += len(picked)
    if picked:
        _inspect(b, picked)


def _inspect(b: _Batching, picked: list[_Item]) -> None:
    """Each picked review's inspection, assigned when someone is eligible, and for the share
    the policy double-marks a blind second inspection by another inspector."""
    now, due_at = b.terms.now, b.terms.due_at
    # (item, purpose, the inspector chosen or None)
    planned: list[tuple[_Item, Purpose, InspectorCandidate | None]] = []
    for item in picked:
        choice = b.pool.choose(lawyer_facts(item.lawyer), key=item.identity)
        if choice is not None:
            b.take(choice.person_id)
        planned.append((item, Purpose.PRIMARY, choice))
        if b.sampler.double_marked(item.identity):
            first = {choice.person_id} if choice is not None else set()
            second = b.pool.choose(lawyer_facts(item.lawyer), key=item.identity, exclude=first)
            if second is not None:
                b.take(second.person_id)
            planned.append((item, Purpose.DOUBLE, second))
    inspection_ids = inspections_repo.insert_inspections(
        b.session,
        [
            {
                "case_review_id": item.review_id,
                "purpose": purpose.value,
                "questionnaire_version_id": b.questionnaire_version_id,
                "inspector_id": choice.person_id if choice else None,
                "status": Status.ASSIGNED if choice else Status.QUEUED,
                "due_at": due_at if choice else None,
                "assigned_at": now if choice else None,
                "created_at": now,
                "updated_at": now,
                "lock_version": 1,
            }
            for item, purpose, choice in planned
        ],
    )
    assignment_ids = inspections_repo.insert_assignments(
        b.session,
        [
            {
                "inspection_id": inspection_ids[(item.review_id, purpose)],
                "inspector_id": choice.person_id,
                "assigned_at": now,
            }
            for item, purpose, choice in planned
            if choice is not None
        ],
    )
    entries = []
    for item, purpose, choice in planned:
        inspection_id = inspection_ids[(item.review_id, purpose)]
        row = item.row
        info = review_info(
            urn=row.urn,
            review_type=row.review_type,
            area=row.area,
            lawyer_name=item.lawyer.name,
            completed_at=row.completed_at,
            due_at=due_at if choice else None,
            tz=b.terms.tz,
            purpose=purpose,
        )
        outcome: dict[str, Any]
        if choice is not None:
            assignment_id = assignment_ids[inspection_id]
            announce_assignment(
                b.session,
                inspection_id=inspection_id,
                assignment_id=assignment_id,
                inspector_id=choice.person_id,
                card_version=1,  # the lock_version of a freshly inserted inspection
                review=info,
                terms=b.terms,
            )
            outcome = {
                "status": Status.ASSIGNED,
                "assignment_id": assignment_id,
                "inspector_id": choice.person_id,
                "inspector_email": choice.email,
                "open_before": choice.open_count,
                "due_at": due_at.isoformat(),
            }
            b.report.assigned += 1
        else:
            reason = b.why_nobody(item.lawyer)
            if purpose is Purpose.PRIMARY:
                # A second marking waits quietly: it is for consistency, not the live case.
                b.waiting.append(Waiting(inspection_id, info, reason))
            outcome = {"status": Status.QUEUED, "reason": reason}
            b.report.queued += 1
        if purpose is Purpose.DOUBLE:
            b.report.double_marked += 1
        outcome["purpose"] = purpose.value
        entries.append(_created_entry(inspection_id, item, outcome, b.actor, now))
    audit.record_many(b.session, entries)


def _review_values(item: _Item, now: datetime) -> dict[str, Any]:
    row = item.row
    return {
        "urn": row.urn,
        "review_type": row.review_type,
        "area": row.area,
        "unit": row.unit,
        "lawyer_id": item.lawyer.id,
        "completed_at": row.completed_at,
        "action_plan_count": row.action_plan_count,
        "outcome": row.outcome,
        "source_id": row.source_id,
        "substantive_action_plan_count": row.substantive_action_plan_count,
        "referred_at": row.referred_at,
        "meeting_offered_at": row.meeting_offered_at,
        "meeting_held_at": row.meeting_held_at,
        "identity_key": item.identity,
        "received_at": now,
    }


def _created_entry(
    inspection_id: int, item: _Item, outcome: dict[str, Any], actor: str, now: datetime
) -> dict[str, Any]:
    """One audit row per new inspection, saying why it exists and where it went: assigned
    (as inspection.assigned would say) or queued (as inspection.queued would)."""
    decision = item.decision
    assert decision is not None  # only sampled items become inspections
    return audit.entry(
        actor=actor,
        action="inspection.created",
        entity_type="inspection",
        entity_id=inspection_id,
        details={
            "case_review_id": item.review_id,
            "identity": item.identity,
            "rule": decision.rule.value,
            "draw": decision.draw,
            "policy_version": decision.policy_version,
            **outcome,
        },
        now=now,
    )
