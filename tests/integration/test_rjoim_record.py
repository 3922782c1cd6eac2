"""The RJOIM record on a real database: meetings with two forces, issues, actions carried
forward to the next meeting with the same force and their impact recorded there; bad input
stores nothing; only an Area's lead (or the national lead) keeps its record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from support.intake_data import import_fixture_people

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.rjoim import record
from bot.services.rjoim.meetings import meeting_view, next_meeting_view
from storage.models import (
    AuditEvent,
    CaseReview,
    Person,
    RjoimAction,
    RjoimCaseDiscussed,
    RjoimImpact,
    RjoimIssue,
    RjoimMeeting,
)
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 12, 15, 0, tzinfo=UTC)
HAL = "U0HAL0001"  # Hal Head: heads the Wessex unit, so keeps Wessex's RJOIM record
IVY = "U0IVY0001"  # Ivy Head: London North's lead
DAN = "U0DAN0001"  # Dan Manager: a line manager below Hal, not a lead
ANN = "U0ANN0001"  # Ann Lawyer, owner of a CPS action
ATTENDEES = "cps_unit_head: Hal Head\npolice_lead: DI Grey"
# Hampshire (44) and Dorset (55) cases of Wessex: (URN, substantive action plans, completed day)
CASES = [
    ("44HA0000125", 3, date(2026, 1, 5)),
    ("44HA0000225", 4, date(2026, 1, 20)),
    ("44HA0000325", 2, date(2026, 1, 21)),  # too few
    ("55DO0000425", 5, date(2026, 1, 22)),  # Dorset's
]


@pytest.fixture
def world(uow_factory: UowFactory) -> UowFactory:
    import_fixture_people(uow_factory, NOW)
    with uow_factory() as uow:
        ann = uow.session.scalars(select(Person).where(Person.slack_user_id == ANN)).one()
        for n, (urn, plans, day) in enumerate(CASES):
            uow.session.add(
                CaseReview(
                    urn=urn,
                    review_type="pre_charge_decision",
                    area="Wessex",
                    unit=ann.unit,
                    lawyer_id=ann.id,
                    completed_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(
                        hour=12
                    ),
                    action_plan_count=plans,
                    substantive_action_plan_count=plans,
                    outcome="action_plan",
                    source_id=f"rec-{n}",
                    identity_key=f"rec-{n}",
                    received_at=NOW,
                )
            )
        uow.commit()
    return uow_factory


def meeting(uow: UnitOfWork, held_on: date, *, force: str = "44", urns: str = "") -> int:
    return record.record_meeting(
        uow,
        actor_slack_id=HAL,
        area="Wessex",
        force_code=force,
        held_on=held_on,
        next_meeting_on=None,
        attendees=ATTENDEES,
        urns=urns,
        now=max(NOW, datetime.combine(held_on, time(15), tzinfo=UTC)),  # recorded once held
        tz=LONDON,
    ).id


def action(uow: UnitOfWork, meeting_id: int, text: str, **changes: object) -> int:
    values: dict[str, object] = {
        "actor_slack_id": HAL,
        "meeting_id": meeting_id,
        "description": text,
        "agency": "cps",
        "owner_slack_id": ANN,
        "police_owner": "",
        "due_on": date(2026, 2, 2),
        "request_key": None,
        "today": NOW.date(),
        "now": NOW,
    }
    return record.add_action(uow, **(values | changes)).id  # type: ignore[arg-type]


def count(uow_factory: UowFactory, model: type[object]) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_action_open_at_one_meeting_is_on_the_next_ones_agenda_and_its_impact_recorded_there(
    world: UowFactory,
) -> None:
    first = meeting(world(), date(2026, 1, 12), urns="44HA0000125")
    record.add_issue(
        world(),
        actor_slack_id=HAL,
        meeting_id=first,
        theme="third_party_material",
        urn="44HA0000125",
        description="Staggered requests",
        request_key="V1",
        now=NOW,
    )
    record.add_issue(
        world(),
        actor_slack_id=HAL,
        meeting_id=first,
        theme="action_plans",
        urn="",
        description="Plans lack rationale",
        request_key="V2",
        now=NOW,
    )
    cps = action(world(), first, "Brief lawyers on issuing requests together")
    police = action(
        world(),
        first,
        "Cascade the action-plan template",
        agency="police",
        owner_slack_id=None,
        police_owner="DS Patel",
    )
    other_force = action(world(), meeting(world(), date(2026, 1, 12), force="55"), "Dorset's")

    second = meeting(world(), date(2026, 2, 9))
    with world() as uow:
        view = meeting_view(uow.session, uow.session.get_one(RjoimMeeting, second), LONDON)
    assert [row.action.id for row in view.carried] == [cps, police]  # not Dorset's
    # Hampshire's qualifying cases since the first meeting, and no other force's.
    assert [c.urn for c in view.cases] == ["44HA0000225"]

    record.record_impact(
        world(),
        actor_slack_id=HAL,
        meeting_id=second,
        action_id=cps,
        done=True,
        effect="Requests now issued together",
        evidence="3 of 3 files",
        now=NOW,
    )
    record.record_impact(
        world(),
        actor_slack_id=HAL,
        meeting_id=second,
        action_id=police,
        done=False,
        effect="Template not yet cascaded",
        evidence="",
        now=NOW,
    )

    with world() as uow:
        assert uow.session.get_one(RjoimAction, cps).closed_at == NOW
        after = next_meeting_view(uow.session, "Wessex", "44", now=NOW, tz=LONDON)
        [impact] = after.impacts[police]
        held = meeting_view(uow.session, uow.session.get_one(RjoimMeeting, second), LONDON)
        audited = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("rjoim.%"))
        ).all()
    assert [row.action.id for row in after.carried] == [police]  # done ones leave the agenda
    assert (impact.done, impact.effect) == (False, "Template not yet cascaded")
    assert [row.action.id for row in held.carried] == [cps, police]  # what it reviewed
    assert other_force not in [row.action.id for row in after.carried]
    assert sorted(audited) == sorted(
        ["rjoim.meeting_recorded"] * 3
        + ["rjoim.issue_recorded"] * 2
        + ["rjoim.action_recorded"] * 3
        + ["rjoim.impact_recorded"] * 2
    )


def test_the_same_modal_submitted_twice_stores_one_issue(world: UowFactory) -> None:
    first = meeting(world(), date(2026, 1, 12))
    for _ in range(2):
        record.add_issue(
            world(),
            actor_slack_id=HAL,
            meeting_id=first,
            theme="action_plans",
            urn="",
            description="Plans lack rationale",
            request_key="V9",
            now=NOW,
        )
    assert count(world, RjoimIssue) == 1


def test_an_unknown_force_code_is_refused_and_nothing_is_stored(world: UowFactory) -> None:
    with pytest.raises(InvalidInput) as refused:
        meeting(world(), date(2026, 1, 12), force="99")
    assert refused.value.problems == [
        "'99' is not a police force code: use the two digits a URN begins with, e.g. 42"
    ]
    assert count(world, RjoimMeeting) == 0


def test_an_action_without_an_owner_or_due_in_the_past_is_refused_and_nothing_is_stored(
    world: UowFactory,
) -> None:
    first = meeting(world(), date(2026, 1, 12))
    with pytest.raises(InvalidInput) as no_owner:
        action(world(), first, "Nobody's", owner_slack_id=None)
    with pytest.raises(InvalidInput) as past:
        action(world(), first, "Too late", due_on=date(2026, 1, 9))
    with pytest.raises(InvalidInput) as stranger:
        action(world(), first, "A stranger's", owner_slack_id="U0NOBODY1")
    assert no_owner.value.problems == [
        "Every action needs an owner: a person in the directory, or for a police action "
        "the named police officer who owns it."
    ]
    assert past.value.problems == [
        "The due date 2026-01-09 is in the past: give today (2026-01-12) or a later date."
    ]
    assert stranger.value.problems == [refusals.RJOIM_OWNER_NOT_IN_DIRECTORY]
    assert count(world, RjoimAction) == 0


def test_urns_discussed_must_be_the_forces_own(world: UowFactory) -> None:
    with pytest.raises(InvalidInput) as refused:
        meeting(world(), date(2026, 1, 12), urns="44HA0000125, 55DO0000425 nonsense")
    assert refused.value.problems == [
        "55DO0000425 is a case of force 55, not 44.",
        "'nonsense' is not a URN (two digits, two letters, seven digits).",
    ]
    assert (count(world, RjoimMeeting), count(world, RjoimCaseDiscussed)) == (0, 0)


def test_only_the_areas_lead_keeps_its_record_and_refusals_are_audited(world: UowFactory) -> None:
    with pytest.raises(Refused) as line_manager:
        record.record_meeting(
            world(),
            actor_slack_id=DAN,
            area="Wessex",
            force_code="44",
            held_on=date(2026, 1, 12),
            next_meeting_on=None,
            attendees=ATTENDEES,
            urns="",
            now=NOW,
            tz=ZoneInfo("Europe/London"),
        )
    with pytest.raises(Refused) as other_area:
        record.record_meeting(
            world(),
            actor_slack_id=IVY,
            area="Wessex",
            force_code="44",
            held_on=date(2026, 1, 12),
            next_meeting_on=None,
            attendees=ATTENDEES,
            urns="",
            now=NOW,
            tz=ZoneInfo("Europe/London"),
        )
    assert str(line_manager.value) == refusals.NOT_AN_RJOIM_LEAD
    assert str(other_area.value) == refusals.rjoim_other_area("London North")
    first = meeting(world(), date(2026, 1, 12))
    with pytest.raises(Refused) as not_hers:
        record.add_issue(
            world(),
            actor_slack_id=IVY,
            meeting_id=first,
            theme="action_plans",
            urn="",
            description="x",
            request_key=None,
            now=NOW,
        )
    assert str(not_hers.value) == refusals.NO_SUCH_RJOIM_MEETING
    assert count(world, RjoimIssue) == count(world, RjoimImpact) == 0
    with world() as uow:
        refused = uow.session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action.like("refused:rjoim.%"))
        ).all()
    assert sorted(refused) == [
        "dan.manager@example.test",
        "ivy.head@example.test",
        "ivy.head@example.test",
    ]


def test_a_meeting_in_the_future_or_recorded_twice_differently_is_refused(
    world: UowFactory,
) -> None:
    with pytest.raises(InvalidInput) as future:
        record.record_meeting(
            world(),
            actor_slack_id=HAL,
            area="Wessex",
            force_code="44",
            held_on=date(2026, 1, 13),
            next_meeting_on=None,
            attendees=ATTENDEES,
            urns="",
            now=NOW,
            tz=LONDON,
        )
    assert future.value.problems == [
        "The meeting date 2026-01-13 is in the future: record a meeting once it has been held."
    ]
    first = meeting(world(), date(2026, 1, 12))
    assert meeting(world(), date(2026, 1, 12)) == first  # the same form sent again
    with pytest.raises(InvalidInput) as again:
        record.record_meeting(
            world(),
            actor_slack_id=HAL,
            area="Wessex",
            force_code="44",
            held_on=date(2026, 1, 12),
            next_meeting_on=None,
            attendees="cps_unit_head: Someone Else",
            urns="",
            now=NOW,
            tz=LONDON,
        )
    assert again.value.problems == [refusals.rjoim_meeting_exists("44", date(2026, 1, 12))]
    assert count(world, RjoimMeeting) == 1
