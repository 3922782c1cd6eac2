"""The calibration report: agreement between inspectors over the reviews marked twice, blind,
and the calibration exercises (each exercise one unit of its own, beside the reviews).

Who may see what: the whole report (every question's alpha, every inspector's figures, with
names) goes to an inspection lead, by the command line or `/dip calibration`; an inspector who
asks sees the questions' agreement and their own figures only. Every report is audited.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import Refused
from bot.services.people.requester import requester
from bot.slack.blocks.consistency import CalibrationView
from inspections.agreement import (
    RESAMPLES,
    Agreement,
    InspectorFigures,
    agreement,
    inspector_figures,
    marking_of,
)
from inspections.periods import BadPeriod, local_midnight, parse_period
from storage import audit, consistency_queries, people_repo, trend_mapping
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CalibrationReport:
    start: datetime
    end: datetime
    reviews: int  # reviews marked twice, both markings submitted, in the period
    agreement: Agreement
    inspectors: tuple[InspectorFigures, ...]  # by email; one only, for an inspector's own view
    labels: dict[str, str]  # question id -> short label
    names: dict[str, str]  # inspector email -> name
    whole: bool = True  # False: an inspector's own view
    exercises: int = 0  # calibration exercises with two or more markings in, in the period


def _report(
    session: Session, *, start: datetime, end: datetime, resamples: int
) -> CalibrationReport:
    pairs = consistency_queries.double_marked(session, start=start, end=end)
    exercises = consistency_queries.calibrated(session, start=start, end=end)
    rows = pairs + exercises
    markings = []
    labels: dict[str, str] = {}
    for row in rows:
        questionnaire = trend_mapping.questionnaire(session, row.version_id, row.content_hash)
        markings.append(
            marking_of(
                questionnaire,
                review=row.unit,
                inspector=row.inspector_email,
                option_codes=row.marks,
                score=row.score,
            )
        )
        for question in questionnaire.questions:
            labels.setdefault(question.id, question.short_label)
    return CalibrationReport(
        start=start,
        end=end,
        reviews=len({row.unit for row in pairs}),
        exercises=len({row.unit for row in exercises}),
        agreement=agreement(markings, resamples=resamples),
        inspectors=tuple(inspector_figures(markings)),
        labels=labels,
        names={row.inspector_email: row.inspector_name for row in rows},
    )


def _audit(
    session: Session, report: CalibrationReport, *, actor: str, scope: str, now: datetime
) -> None:
    audit.record(
        session,
        actor=actor,
        action="calibration.report_viewed",
        entity_type="calibration_report",
        entity_id=scope,
        details={
            "from": report.start.isoformat(),
            "to": report.end.isoformat(),
            "reviews": report.reviews,
            "exercises": report.exercises,
            "inspectors": len(report.inspectors),
        },
        now=now,
    )


def report_for_lead(
    uow: UnitOfWork,
    *,
    actor: str,
    start: datetime,
    end: datetime,
    now: datetime,
    resamples: int = RESAMPLES,
) -> CalibrationReport:
    """The whole report, for the command line (its actor) and the leads; audited."""
    with uow:
        report = _report(uow.session, start=start, end=end, resamples=resamples)
        _audit(uow.session, report, actor=actor, scope="all", now=now)
        uow.commit()
        return report


def report_for(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
    resamples: int = RESAMPLES,
) -> CalibrationReport:
    """A lead gets the whole report; an inspector the questions and their own figures only;
    anyone else is refused. Audited either way."""
    with uow:
        session = uow.session
        person = requester(session, slack_user_id, action="calibration.report", now=now)
        roles = set(person.roles)
        if "admin" not in roles and "inspector" not in roles:
            audit.record(
                session,
                actor=person.email,
                action="refused:calibration.report",
                entity_type="calibration_report",
                entity_id="all",
                details={"reason": refusals.CALIBRATION_NOT_FOR_YOU},
                now=now,
            )
            uow.commit()
            raise Refused(refusals.CALIBRATION_NOT_FOR_YOU)
        report = _report(session, start=start, end=end, resamples=resamples)
        if "admin" in roles and person.id in people_repo.active_admin_ids(session):
            scope = "all"
        else:
            scope = f"own:{person.email}"
            own = tuple(f for f in report.inspectors if f.inspector == person.email)
            report = dataclasses.replace(
                report, inspectors=own, names={person.email: person.name}, whole=False
            )
        _audit(session, report, actor=person.email, scope=scope, now=now)
        uow.commit()
        return report


def calibration_view(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    arguments: str,
    now: datetime,
    tz: ZoneInfo,
    resamples: int = RESAMPLES,
) -> CalibrationView:
    """`/dip calibration [PERIOD]` (this quarter by default): the report as the requester may
    see it (report_for), as the message's view model."""
    try:
        period = parse_period(arguments.strip() or "quarter", today=now.astimezone(tz).date())
    except BadPeriod:
        raise Refused(refusals.CALIBRATION_USAGE) from None
    found = report_for(
        uow,
        slack_user_id=slack_user_id,
        start=local_midnight(period.start, tz),
        end=local_midnight(period.end, tz),
        now=now,
        resamples=resamples,
    )
    return CalibrationView(
        first=period.start,
        last=period.last_day,
        reviews=found.reviews,
        exercises=found.exercises,
        agreement=found.agreement,
        inspectors=found.inspectors,
        labels=found.labels,
        names=found.names,
        whole=found.whole,
    )
