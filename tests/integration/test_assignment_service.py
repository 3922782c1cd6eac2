"""Assignment of sampled reviews: independence, workload, capacity, absence, the queue and its
retry, due dates over bank holidays, and declining.

The directory is tests/fixtures/csv/people.csv: Ann and Bob are lawyers in Wessex RASSO 1 under
Dan (a manager who also inspects); Cat is in London North RASSO 1 under Eve (likewise). Fay
inspects in Wessex RASSO 1, Gus in Wessex RASSO 2, Jo in London North RASSO 2.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.intake_data import import_fixture_people, numbered

from bot.refusals import NotInDirectory, Refused
from bot.services.assignment.assign import RetryOutcome, retry_queued_assignments
from bot.services.assignment.decline import DeclineOutcome, decline_inspection
from bot.services.intake.reviews import IntakeReport, ingest_reviews, validate_reviews
from bot.services.people.directory import mark_away
from bot.settings import Settings
from inspections.sampling import Rates, SamplingPolicy
from storage.models import Assignment, AuditEvent, Inspection, OutboxMessage, Person, Reminder
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday
# Every review, and no blind second markings: these tests count primary assignments (the
# second markings have tests of their own, with DOUBLE_MARKED).
EVERYTHING = SamplingPolicy(
    version="all-1", rates=Rates(early_advice=1.0, pre_charge_decision=1.0), double_mark_rate=0.0
)
DOUBLE_MARKED = dataclasses.replace(EVERYTHING, version="all-2", double_mark_rate=1.0)
ANN = "ann.lawyer@example.test"
CAT = "cat.lawyer@example.test"

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def directory(uow_factory: UowFactory) -> None:
    import_fixture_people(uow_factory, NOW)


def settings(
    database_url: str, *, inspector_capacity: int = 8, independence: str = "unit"
) -> Settings:
    return Settings(
        database_url=database_url,
        inspector_capacity=inspector_capacity,
        independence=independence,
    )


def ingest(
    uow_factory: UowFactory,
    lawyers: list[str],
    config: Settings,
    now: datetime = NOW,
    policy: SamplingPolicy = EVERYTHING,
) -> IntakeReport:
    raw = [
        {
            "urn": f"42AB{n:05d}26",
            "review_type": "early_advice",
            "area": "London North" if lawyer == CAT else "Wessex",
            "unit": "RASSO 1",
            "lawyer_email": lawyer,
            "completed_at": f"2026-03-02T08:{n:02d}:00Z",
            "action_plan_count": "0",
            "outcome": "",
            "source_id": f"CMS-{n}",
        }
        for n, lawyer in enumerate(lawyers)
    ]
    with uow_factory() as uow:
        rows, problems = validate_reviews(uow.session, numbered(raw))
        assert problems == []
        return ingest_reviews(uow, rows, policy=policy, settings=config, now=now)


def email_of(session: Session, person_id: int | None) -> str | None:
    person = None if person_id is None else session.get(Person, person_id)
    return None if person is None else person.email


def holders(session: Session) -> list[str | None]:
    inspections = session.scalars(select(Inspection).order_by(Inspection.id))
    return [email_of(session, i.inspector_id) for i in inspections]


def only_inspection(session: Session) -> Inspection:
    return session.scalars(select(Inspection)).one()


def outbox(session: Session, kind: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(session.scalars(query))


@pytest.mark.usefixtures("directory")
def test_reviews_go_to_independent_inspectors_least_open_work_first(
    database_url: str, uow_factory: UowFactory
) -> None:
    ingest(uow_factory, [ANN, ANN, ANN, CAT], settings(database_url))

    with uow_factory() as uow:
        assigned = holders(uow.session)
    # Not Dan (Ann's manager) nor Fay (Ann's unit); each of the three others once, as all
    # start with nothing; then Cat's, not to Eve (her manager), goes to the least loaded.
    assert sorted(str(email) for email in assigned[:3]) == [
        "eve.manager@example.test",
        "gus.inspector@example.test",
        "jo.inspector@example.test",
    ]
    assert assigned[3] in ("dan.manager@example.test", "fay.inspector@example.test")


@pytest.mark.usefixtures("directory")
def test_area_independence_keeps_a_review_out_of_the_lawyers_whole_area(
    database_url: str, uow_factory: UowFactory
) -> None:
    ingest(uow_factory, [ANN] * 4, settings(database_url, independence="area"))

    with uow_factory() as uow:
        assert set(holders(uow.session)) == {
            "eve.manager@example.test",
            "jo.inspector@example.test",
        }


@pytest.mark.usefixtures("directory")
def test_by_default_a_review_goes_outside_the_lawyers_area_where_the_directory_can(
    database_url: str, uow_factory: UowFactory
) -> None:
    # Ann is in Wessex; London North has inspectors, so Wessex's own (Gus, RASSO 2) is passed
    # over, as under "area", without anyone setting DIPSAMPLE_INDEPENDENCE.
    ingest(uow_factory, [ANN] * 4, Settings(database_url=database_url))

    with uow_factory() as uow:
        assert set(holders(uow.session)) == {
            "eve.manager@example.test",
            "jo.inspector@example.test",
        }


@pytest.mark.usefixtures("directory")
def test_by_default_with_no_inspector_outside_the_area_another_unit_of_it_will_do(
    database_url: str, uow_factory: UowFactory
) -> None:
    with uow_factory() as uow:
        for person in uow.session.scalars(select(Person).where(Person.area == "London North")):
            person.active = False
        uow.commit()

    ingest(uow_factory, [ANN] * 2, Settings(database_url=database_url))

    with uow_factory() as uow:
        assert set(holders(uow.session)) == {"gus.inspector@example.test"}


@pytest.mark.usefixtures("directory")
def test_an_inspector_away_before_the_due_date_is_passed_over(
    database_url: str, uow_factory: UowFactory
) -> None:
    with uow_factory() as uow:
        for email in ("gus.inspector@example.test", "jo.inspector@example.test"):
            # Due on Wednesday; away from Tuesday.
            mark_away(
                uow.session,
                person_email=email,
                starts_on=date(2026, 3, 3),
                ends_on=date(2026, 3, 6),
                reason=None,
                now=NOW,
            )
        uow.commit()

    ingest(uow_factory, [ANN, ANN], settings(database_url))

    with uow_factory() as uow:
        assert holders(uow.session) == ["eve.manager@example.test", "eve.manager@example.test"]


@pytest.mark.usefixtures("directory")
def test_the_due_date_skips_the_easter_bank_holidays_and_reminders_are_set(
    database_url: str, uow_factory: UowFactory
) -> None:
    thursday = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)  # 10:00 in London, before Good Friday

    ingest(uow_factory, [ANN], settings(database_url), now=thursday)

    with uow_factory() as uow:
        inspection = only_inspection(uow.session)
        reminders = uow.session.scalars(select(Reminder).order_by(Reminder.due_at)).all()
        # Friday 3 and Monday 6 April are bank holidays: Tuesday is day 1, Wednesday day 2.
        assert inspection.due_at == datetime(2026, 4, 8, 9, 0, tzinfo=UTC)
        assert [(r.kind, r.due_at) for r in reminders] == [
            ("reminder", datetime(2026, 4, 7, 9, 0, tzinfo=UTC)),
            ("escalation", datetime(2026, 4, 8, 9, 0, tzinfo=UTC)),
        ]


@pytest.mark.usefixtures("directory")
def test_the_assignment_message_waits_in_the_outbox_for_the_inspector(
    database_url: str, uow_factory: UowFactory
) -> None:
    ingest(uow_factory, [ANN], settings(database_url))

    with uow_factory() as uow:
        inspection = only_inspection(uow.session)
        assignment = uow.session.scalars(select(Assignment)).one()
        (message,) = outbox(uow.session, "assignment")
        assert message.dedupe_key == f"assignment:{inspection.id}:{assignment.id}"
        assert message.recipient_person_id == inspection.inspector_id
        assert "42AB0000026" in message.payload["text"]
        buttons = [
            element["action_id"]
            for block in message.payload["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
        ]
        assert buttons == ["inspection.start", "inspection.decline"]


@pytest.mark.usefixtures("directory")
def test_with_everyone_at_capacity_a_review_waits_and_each_admin_is_alerted_once(
    database_url: str, uow_factory: UowFactory
) -> None:
    report = ingest(uow_factory, [ANN] * 4, settings(database_url, inspector_capacity=1))

    assert (report.assigned, report.queued) == (3, 1)
    with uow_factory() as uow:
        waiting = uow.session.scalars(select(Inspection).where(Inspection.status == "queued")).one()
        lead = uow.session.scalars(select(Person).where(Person.email == "lead@example.test")).one()
        (alert,) = outbox(uow.session, "admin_alert")
        assert (waiting.inspector_id, waiting.due_at) == (None, None)
        assert alert.dedupe_key == f"unassigned:{waiting.id}:0:{lead.id}"
        assert alert.recipient_person_id == lead.id
        assert "at capacity" in alert.payload["text"] + str(alert.payload["blocks"])


@pytest.mark.usefixtures("directory")
def test_many_reviews_waiting_after_one_import_make_one_digest_per_admin(
    database_url: str, uow_factory: UowFactory
) -> None:
    report = ingest(uow_factory, [ANN] * 5, settings(database_url, inspector_capacity=0))

    assert report.queued == 5
    with uow_factory() as uow:
        (digest,) = outbox(uow.session, "admin_alert")
        assert (
            digest.payload["text"] == "Inspections waiting: 5 sampled reviews with nobody eligible"
        )


@pytest.mark.usefixtures("directory")
def test_retry_assigns_waiting_reviews_once_someone_is_free_and_then_does_nothing(
    database_url: str, uow_factory: UowFactory
) -> None:
    ingest(uow_factory, [ANN] * 4, settings(database_url, inspector_capacity=1))
    later = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    roomier = settings(database_url, inspector_capacity=2)

    with uow_factory() as uow:
        first = retry_queued_assignments(uow, now=later, settings=roomier)
    with uow_factory() as uow:
        second = retry_queued_assignments(uow, now=later, settings=roomier)

    assert (first, second) == (RetryOutcome(1, 0), RetryOutcome(0, 0))
    with uow_factory() as uow:
        assert None not in holders(uow.session)
        assert len(outbox(uow.session, "assignment")) == 4
        actions = uow.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("inspection.assigned") == 1  # the retried one


@pytest.mark.usefixtures("directory")
def test_retry_with_still_nobody_eligible_keeps_the_review_queued_without_a_new_alert(
    database_url: str, uow_factory: UowFactory
) -> None:
    config = settings(database_url, inspector_capacity=0)
    ingest(uow_factory, [ANN], config)

    with uow_factory() as uow:
        outcome = retry_queued_assignments(uow, now=NOW, settings=config)

    assert outcome == RetryOutcome(0, 1)
    with uow_factory() as uow:
        assert len(outbox(uow.session, "admin_alert")) == 1


def decline(
    uow_factory: UowFactory, config: Settings, inspection_id: int, who: str | int
) -> DeclineOutcome:
    with uow_factory() as uow:
        return decline_inspection(
            uow,
            inspection_id=inspection_id,
            inspector=who,
            reason="conflict of interest",
            now=NOW,
            settings=config,
        )


def current_holder(uow_factory: UowFactory) -> tuple[int, Person | None]:
    with uow_factory() as uow:
        inspection = only_inspection(uow.session)
        person = (
            uow.session.get(Person, inspection.inspector_id) if inspection.inspector_id else None
        )
        return inspection.id, person


@pytest.mark.usefixtures("directory")
def test_declining_hands_the_review_on_and_never_back_until_nobody_is_left(
    database_url: str, uow_factory: UowFactory
) -> None:
    config = settings(database_url)
    ingest(uow_factory, [ANN], config)
    seen = []
    for _ in range(3):  # Eve, Gus and Jo are the only independent inspectors for Ann
        inspection_id, holder = current_holder(uow_factory)
        assert holder is not None and holder.slack_user_id is not None
        seen.append(holder.email)
        outcome = decline(uow_factory, config, inspection_id, holder.slack_user_id)

    assert sorted(seen) == [
        "eve.manager@example.test",
        "gus.inspector@example.test",
        "jo.inspector@example.test",
    ]
    assert (outcome.status, outcome.new_inspector_id) == ("queued", None)
    with uow_factory() as uow:
        ended = uow.session.scalars(select(Assignment).order_by(Assignment.id)).all()
        assert [(a.end_reason, a.decline_reason) for a in ended] == [
            ("declined", "conflict of interest")
        ] * 3
        live = uow.session.scalars(
            select(Reminder).where(Reminder.cancelled_at.is_(None), Reminder.sent_at.is_(None))
        ).all()
        assert live == []
        (alert,) = outbox(uow.session, "admin_alert")
        assert alert.dedupe_key.startswith(f"unassigned:{inspection_id}:3:")


@pytest.mark.usefixtures("directory")
def test_a_repeated_decline_changes_nothing(database_url: str, uow_factory: UowFactory) -> None:
    config = settings(database_url)
    ingest(uow_factory, [ANN], config)
    inspection_id, holder = current_holder(uow_factory)
    assert holder is not None
    first = decline(uow_factory, config, inspection_id, holder.id)

    again = decline(uow_factory, config, inspection_id, holder.id)

    assert again.repeated and again.new_inspector_id == first.new_inspector_id
    with uow_factory() as uow:
        assert len(uow.session.scalars(select(Assignment)).all()) == 2


@pytest.mark.usefixtures("directory")
def test_only_the_assigned_inspector_can_decline_and_only_with_a_reason(
    database_url: str, uow_factory: UowFactory
) -> None:
    config = settings(database_url)
    ingest(uow_factory, [ANN], config)
    inspection_id, holder = current_holder(uow_factory)
    assert holder is not None

    with pytest.raises(Refused, match="not assigned to you"):
        decline(uow_factory, config, inspection_id, "U0FAY0001")
    with pytest.raises(NotInDirectory):
        decline(uow_factory, config, inspection_id, "U0NOBODY1")
    with uow_factory() as uow, pytest.raises(ValueError, match="reason is required"):
        decline_inspection(
            uow,
            inspection_id=inspection_id,
            inspector=holder.id,
            reason=" ",
            now=NOW,
            settings=config,
        )
    still = current_holder(uow_factory)[1]
    assert still is not None and still.id == holder.id


@pytest.mark.usefixtures("directory")
def test_a_started_inspection_cannot_be_declined(
    database_url: str, uow_factory: UowFactory
) -> None:
    config = settings(database_url)
    ingest(uow_factory, [ANN], config)
    with uow_factory() as uow:
        inspection = only_inspection(uow.session)
        inspection.status = "in_progress"
        holder_id = inspection.inspector_id
        uow.commit()
    assert holder_id is not None

    with pytest.raises(Refused, match="already started"):
        decline(uow_factory, config, inspection.id, holder_id)


def markings(session: Session) -> dict[str, list[tuple[str, str, str | None]]]:
    """URN -> (purpose, status, inspector's email) of each inspection, primary first."""
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    for inspection in session.scalars(select(Inspection).order_by(Inspection.id)):
        found.setdefault(inspection.case_review.urn, []).append(
            (inspection.purpose, inspection.status, email_of(session, inspection.inspector_id))
        )
    return found


@pytest.mark.usefixtures("directory")
def test_a_double_marked_review_goes_to_two_distinct_independent_inspectors(
    database_url: str, uow_factory: UowFactory
) -> None:
    report = ingest(uow_factory, [ANN, ANN, CAT], settings(database_url), policy=DOUBLE_MARKED)

    assert (report.selected, report.double_marked, report.assigned) == (3, 3, 6)
    # For Ann: not Dan (her manager) nor Fay (her unit); for Cat, not Eve (her manager).
    everyone = {f"{name}@example.test" for name in ("dan.manager", "eve.manager", "fay.inspector",
                                                     "gus.inspector", "jo.inspector")}  # fmt: skip
    independent = {
        ANN: everyone - {"dan.manager@example.test", "fay.inspector@example.test"},
        CAT: everyone - {"eve.manager@example.test"},
    }
    with uow_factory() as uow:
        found = markings(uow.session)
        for urn, lawyer in zip(sorted(found), (ANN, ANN, CAT), strict=True):
            (purpose, _, first), (second_purpose, _, second) = found[urn]
            assert (purpose, second_purpose) == ("primary", "double")
            assert first != second and {first, second} <= independent[lawyer]
        messages = outbox(uow.session, "assignment")
        blind = [m for m in messages if "Blind second marking" in str(m.payload["blocks"])]
        assert (len(messages), len(blind)) == (6, 3)


@pytest.mark.usefixtures("directory")
def test_a_second_marking_nobody_else_can_take_waits_quietly_and_never_goes_to_the_first(
    database_url: str, uow_factory: UowFactory
) -> None:
    # Area independence leaves Eve and Jo for Ann; with Jo away, Eve takes the review and its
    # second marking waits, without an alert to the admins (it is not the live case).
    with uow_factory() as uow:
        mark_away(uow.session, person_email="jo.inspector@example.test",
                  starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 31), reason=None,
                  now=NOW)  # fmt: skip
        uow.commit()
    config = settings(database_url, independence="area")
    report = ingest(uow_factory, [ANN], config, policy=DOUBLE_MARKED)

    assert (report.assigned, report.queued) == (1, 1)
    with uow_factory() as uow:
        assert list(markings(uow.session).values()) == [
            [("primary", "assigned", "eve.manager@example.test"), ("double", "queued", None)]
        ]
        assert outbox(uow.session, "admin_alert") == []
    with uow_factory() as uow:  # Eve has room, but holds the first marking: still waiting
        assert retry_queued_assignments(uow, now=NOW, settings=config) == RetryOutcome(0, 1)
