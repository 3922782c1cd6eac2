"""The RJOIM record through Slack: the Area's lead (the Unit Head) records a meeting with two
issues and two actions through the App Home panel's modals; the owner of the CPS action is
reminded once, the working day before it is due; once it is overdue the manager's weekly digest
lists it. Bad input gets its message under the input, and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from support.slack_world import ADMIN, LAWYER, MANAGER, Member, RunningBot

from bot import refusals
from bot.clock import ManualClock
from bot.jobs import periodic as jobs
from bot.jobs.outbox import DispatchReport
from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from bot.offline.standin.records import StoredView
from bot.slack.blocks import rjoim_record as rb
from storage.models import AuditEvent, RjoimAction, RjoimImpact, RjoimIssue, RjoimMeeting

LEAD = MANAGER  # Mo Manager heads the London North unit: the Area's RJOIM lead
V = rb.VALUE


def home(standin: SlackStandIn, driver: SlackDriver, user_id: str, wanted: str) -> StoredView:
    driver.app_home_opened(user_id)
    return standin.wait_for(
        lambda: (
            standin.has_home_view(user_id)
            and wanted in json.dumps(standin.home_view(user_id).blocks)
            and standin.home_view(user_id)
        )
    )


def open_modal(
    standin: SlackStandIn, driver: SlackDriver, surface: StoredView, action_id: str
) -> StoredView:
    before = len(standin.modals_opened_for(LEAD.slack_id))
    assert driver.click(LEAD.slack_id, surface, action_id=action_id).status == 200
    standin.wait_for(lambda: len(standin.modals_opened_for(LEAD.slack_id)) > before)
    return standin.modals_opened_for(LEAD.slack_id)[-1]


def submit(driver: SlackDriver, modal: StoredView, values: dict[str, Any]) -> Any:
    response = driver.submit_view(LEAD.slack_id, modal, {b: {V: v} for b, v in values.items()})
    assert response.status == 200
    return response.json


def counts(bot: RunningBot) -> tuple[int, int, int]:
    with bot.uow() as uow:
        return tuple(  # type: ignore[return-value]
            uow.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (RjoimMeeting, RjoimIssue, RjoimAction)
        )


def test_a_meeting_with_two_issues_and_two_actions_then_one_reminder_then_the_digest(
    bot: RunningBot,
    driver: SlackDriver,
    standin: SlackStandIn,
    directory: tuple[Member, ...],
    clock: ManualClock,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    panel = home(standin, driver, LEAD.slack_id, "Record an RJOIM meeting")
    modal = open_modal(standin, driver, panel, rb.RECORD_MEETING)
    bad = {
        rb.FORCE: "01",
        rb.HELD_ON: "2026-03-02",
        rb.ATTENDEES: "cps_unit_head: Mo Manager\npolice_lead: DI Grey",
        rb.URNS: "01MP0000126 42AB0000126",
    }
    assert submit(driver, modal, bad) == {
        "response_action": "errors",
        "errors": {rb.URNS: "42AB0000126 is a case of force 42, not 01."},
    }
    assert counts(bot) == (0, 0, 0)
    assert submit(driver, modal, bad | {rb.URNS: "01MP0000126"}) is None  # closed

    panel = home(standin, driver, LEAD.slack_id, "Add issue")
    for theme, urn, text in [
        ("third_party_material", "01MP0000126", "Requests for counselling notes were staggered"),
        ("action_plans", "", "Action plans do not explain the purpose of each task"),
    ]:
        modal = open_modal(standin, driver, panel, rb.ADD_ISSUE)
        assert submit(driver, modal, {rb.THEME: theme, rb.URN: urn, rb.DESCRIPTION: text}) is None

    modal = open_modal(standin, driver, panel, rb.ADD_ACTION)
    past = {
        rb.DESCRIPTION: "Brief the unit",
        rb.AGENCY: "cps",
        rb.OWNER: LAWYER.slack_id,
        rb.DUE_ON: "2026-02-27",
    }
    assert submit(driver, modal, past) == {
        "response_action": "errors",
        "errors": {
            rb.DUE_ON: "The due date 2026-02-27 is in the past: give today (2026-03-02) or a "
            "later date."
        },
    }
    assert submit(driver, modal, past | {rb.DUE_ON: "2026-03-06"}) is None
    modal = open_modal(standin, driver, panel, rb.ADD_ACTION)
    police = {
        rb.DESCRIPTION: "Issue third-party requests together",
        rb.AGENCY: "police",
        rb.POLICE_OWNER: "DS Patel",
        rb.DUE_ON: "2026-03-06",
    }
    assert submit(driver, modal, police) is None

    assert counts(bot) == (1, 2, 2)
    with bot.uow() as uow:
        actions = uow.session.scalars(select(RjoimAction).order_by(RjoimAction.id)).all()
        assert [(a.agency, a.police_owner) for a in actions] == [
            ("cps", None),
            ("police", "DS Patel"),
        ]
        audited = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("rjoim.%"))
        ).all()
    assert sorted(audited) == sorted(
        ["rjoim.meeting_recorded"]
        + ["rjoim.issue_recorded"] * 2
        + ["rjoim.action_recorded"] * 2
        + ["rjoim.meeting_viewed"] * 4  # each issue and action modal opened
    )
    panel = home(standin, driver, LEAD.slack_id, "Issue third-party requests together")
    assert "2 open action(s)" in json.dumps(panel.blocks)
    # They carry forward onto the force's agenda.
    driver.slash_command(LEAD.slack_id, "/dip", "rjoim 01")
    agenda = standin.wait_for(
        lambda: next(
            (m for m in standin.messages_to(LEAD.slack_id) if m.text.startswith("RJOIM agenda")),
            None,
        )
    )
    listed = json.dumps(agenda.blocks)
    assert "Open actions from earlier meetings" in listed
    assert "Metropolitan Police: Brief the unit (owner Lara Lawyer, due 2026-03-06)" in listed

    def remind(at: datetime) -> None:
        clock.set(at)
        jobs.run_rjoim_reminders(at, session_factory=bot.session_factory, settings=bot.settings)
        deliver_outbox()

    # Due Friday 6 March: reminded from 09:00 on Thursday 5th (GMT), once.
    remind(datetime(2026, 3, 5, 8, 59, tzinfo=UTC))
    assert standin.messages_to(LAWYER.slack_id) == []
    remind(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    remind(datetime(2026, 3, 5, 14, 0, tzinfo=UTC))
    remind(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    [reminder] = standin.messages_to(LAWYER.slack_id)
    assert reminder.text == "RJOIM action due 2026-03-06: Brief the unit"

    def digest(at: datetime) -> str:
        clock.set(at)
        jobs.run_weekly_digest(at, session_factory=bot.session_factory, settings=bot.settings)
        deliver_outbox()
        return json.dumps(standin.last_message_to(LEAD.slack_id).blocks)

    not_yet = digest(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    overdue = digest(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))
    assert "RJOIM actions overdue" not in not_yet
    assert "RJOIM actions overdue" in overdue
    assert "Metropolitan Police: Brief the unit (owner Lara Lawyer, due 2026-03-06)" in overdue
    assert "Metropolitan Police: Issue third-party requests together (owner DS Patel" in overdue


def test_leads_see_their_scope_and_someone_who_is_not_a_lead_sees_no_panel_nor_records(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    lawyer_home = home(standin, driver, LAWYER.slack_id, "")
    assert "Record an RJOIM meeting" not in json.dumps(lawyer_home.blocks)
    panel = home(standin, driver, LEAD.slack_id, "Record an RJOIM meeting")
    assert "Joint meetings with the police, for London North." in json.dumps(panel.blocks)
    national = home(standin, driver, ADMIN.slack_id, "Record an RJOIM meeting")
    assert "Joint meetings with the police, for every Area." in json.dumps(national.blocks)
    response = driver.click(LAWYER.slack_id, panel, action_id=rb.RECORD_MEETING)
    assert response.status == 200
    standin.wait_for(
        lambda: standin.ephemerals_to(LAWYER.slack_id) or standin.messages_to(LAWYER.slack_id)
    )
    notes = standin.ephemerals_to(LAWYER.slack_id) + standin.messages_to(LAWYER.slack_id)
    assert "the RJOIM record is kept by each Area" in notes[-1].text
    assert standin.modals_opened_for(LAWYER.slack_id) == []


def test_the_lead_gets_both_records_in_their_dm_and_the_police_one_names_no_lawyer(
    bot: RunningBot,
    driver: SlackDriver,
    standin: SlackStandIn,
    directory: tuple[Member, ...],
    clock: ManualClock,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    panel = home(standin, driver, LEAD.slack_id, "Record an RJOIM meeting")
    modal = open_modal(standin, driver, panel, rb.RECORD_MEETING)
    submit(
        driver,
        modal,
        {rb.FORCE: "01", rb.HELD_ON: "2026-03-02", rb.ATTENDEES: "cps_unit_head: Mo Manager"},
    )
    panel = home(standin, driver, LEAD.slack_id, "Add action")
    modal = open_modal(standin, driver, panel, rb.ADD_ACTION)
    submit(
        driver,
        modal,
        {
            rb.DESCRIPTION: "Lara Lawyer to brief the unit",
            rb.AGENCY: "cps",
            rb.OWNER: LAWYER.slack_id,
            rb.DUE_ON: "2026-03-06",
        },
    )

    assert driver.click(LEAD.slack_id, panel, action_id=rb.SEND_RECORDS).status == 200
    # The note comes once the records are written to the outbox.
    standin.wait_for(
        lambda: any(
            n.text == refusals.RJOIM_RECORDS_ON_THEIR_WAY
            for n in standin.ephemerals_to(LEAD.slack_id) + standin.messages_to(LEAD.slack_id)
        )
    )
    assert deliver_outbox().sent == 1
    assert deliver_outbox().sent == 1  # the files, into the message's thread

    [message] = [m for m in standin.messages_to(LEAD.slack_id) if m.text.startswith("RJOIM")]
    assert message.text == "RJOIM record: London North with Metropolitan Police, 2026-03-02"
    files = {f.filename: f.content for f in standin.files}
    stem = "rjoim-london-north-01-2026-03-02"
    assert sorted(files) == sorted(
        f"{stem}-{kind}.{ext}" for kind in ("cps", "police-safe") for ext in ("csv", "pdf")
    )
    police = files[f"{stem}-police-safe.csv"].decode("utf-8")
    cps = files[f"{stem}-cps.csv"].decode("utf-8")
    assert "[name] to brief the unit" in police and "Lara" not in police
    assert "lara.lawyer@example.test" in cps
    for member in directory:
        assert member.name not in police and member.email not in police
    assert files[f"{stem}-cps.pdf"].startswith(b"%PDF")


def test_at_the_next_meeting_the_lead_records_the_impact_of_an_open_action(
    bot: RunningBot,
    driver: SlackDriver,
    standin: SlackStandIn,
    directory: tuple[Member, ...],
    clock: ManualClock,
) -> None:
    meeting = {rb.FORCE: "01", rb.ATTENDEES: "cps_unit_head: Mo Manager"}
    panel = home(standin, driver, LEAD.slack_id, "Record an RJOIM meeting")
    submit(
        driver,
        open_modal(standin, driver, panel, rb.RECORD_MEETING),
        meeting | {rb.HELD_ON: "2026-03-02"},
    )
    panel = home(standin, driver, LEAD.slack_id, "Add action")
    submit(
        driver,
        open_modal(standin, driver, panel, rb.ADD_ACTION),
        {
            rb.DESCRIPTION: "Brief the unit",
            rb.AGENCY: "cps",
            rb.OWNER: LAWYER.slack_id,
            rb.DUE_ON: "2026-03-20",
        },
    )

    # The same meeting has nothing earlier to assess.
    assert driver.click(LEAD.slack_id, panel, action_id=rb.RECORD_IMPACT).status == 200
    standin.wait_for(
        lambda: any(
            n.text == refusals.RJOIM_NO_OPEN_ACTIONS
            for n in standin.ephemerals_to(LEAD.slack_id) + standin.messages_to(LEAD.slack_id)
        )
    )

    clock.set(datetime(2026, 3, 30, 10, 0, tzinfo=UTC))
    panel = home(standin, driver, LEAD.slack_id, "Record an RJOIM meeting")
    submit(
        driver,
        open_modal(standin, driver, panel, rb.RECORD_MEETING),
        meeting | {rb.HELD_ON: "2026-03-30"},
    )
    panel = home(standin, driver, LEAD.slack_id, "last met 2026-03-30")
    modal = open_modal(standin, driver, panel, rb.RECORD_IMPACT)
    assert "Brief the unit" in json.dumps(modal.blocks)
    with bot.uow() as uow:
        action_id = uow.session.scalars(select(RjoimAction.id)).one()
    assert submit(driver, modal, {rb.ACTION: str(action_id), rb.DONE: "yes"}) == {
        "response_action": "errors",
        "errors": {rb.EFFECT: "Describe the effect observed (or why there was none)."},
    }
    done = {
        rb.ACTION: str(action_id),
        rb.DONE: "yes",
        rb.EFFECT: "Requests now go together",
        rb.EVIDENCE: "5 files checked",
    }
    assert submit(driver, modal, done) is None

    with bot.uow() as uow:
        action = uow.session.get_one(RjoimAction, action_id)
        [impact] = uow.session.scalars(select(RjoimImpact)).all()
        assert action.closed_at == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
        assert (impact.done, impact.effect, impact.evidence) == (
            True,
            "Requests now go together",
            "5 files checked",
        )
    # The Home tab the submission republished: nothing left open.
    standin.wait_for(
        lambda: "No open actions." in json.dumps(standin.home_view(LEAD.slack_id).blocks)
    )
