"""The inspector's conversation, through the real app, signed requests and the Slack stand-in."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select
from support.inspection_support import (
    button_texts,
    context_text,
    count_rows,
    start,
    stored_inspection,
)
from support.slack_world import Assigned, RunningBot

from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from storage.models import Answer, AnswerRevision, AuditEvent


def test_full_inspection_from_assignment_to_submit(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    started = standin.messages_to(assigned.inspector.slack_id)[0]
    assert "Start inspection" not in button_texts(started)
    first = talk.card()
    assert "Question 1 of" in context_text(first)
    assert {"Yes", "No"} <= set(button_texts(first))

    talk.answer_all_passing()
    summary = talk.card()
    assert "100.0%" in json.dumps(summary.blocks)
    talk.click(summary, text="Submit")

    assert "Inspection submitted" in talk.card().text or "submitted" in talk.card().text
    assert "Submit" not in button_texts(talk.card())
    inspection = stored_inspection(bot, assigned.inspection_id)
    assert inspection.status == "submitted"
    assert inspection.score == 1.0
    assert standin.violations == []


def test_scale_questions_offer_exactly_the_scale_labels(
    assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("No")  # no early-advice meeting: the meeting question follows
    labels = button_texts(talk.card())
    assert labels[:4] == ["Fully met", "Partially met", "Not met", "Not applicable"]


def test_a_mark_needing_a_reason_opens_a_modal_that_insists_on_the_reason(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("No")
    question = talk.question_id()
    talk.click(talk.card(), text="Not met", wait=False)
    standin.wait_for(lambda: standin.views_opened)
    modal = standin.views_opened[-1]

    empty = driver.submit_view(talk.user, modal, {"reason": {"value": ""}})
    assert empty.status == 200
    assert empty.json is not None and empty.json["response_action"] == "errors"
    assert "reason" in empty.json["errors"]
    assert count_rows(bot, Answer, assigned.inspection_id) == 1  # only the gate so far

    before = talk._snapshot()
    done = driver.submit_view(
        talk.user, standin.view(modal.id), {"reason": {"value": "No meeting offer on file."}}
    )
    assert done.status == 200
    standin.wait_for(lambda: talk._snapshot() != before)
    with bot.uow() as uow:
        stored = uow.session.scalars(
            select(Answer).where(
                Answer.inspection_id == assigned.inspection_id, Answer.question_id == question
            )
        ).one()
        assert (stored.option_code, stored.reason) == ("not_met", "No meeting offer on file.")
    assert talk.question_id() != question


def test_back_and_changing_an_earlier_answer(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("Yes")  # there was an early-advice meeting: the meeting question is skipped
    second = talk.question_id()
    talk.click(talk.card(), text="Back")
    assert talk.question_id() == "pcd_ea_meeting_held"
    talk.answer("No")
    assert talk.question_id() == "pcd_meeting_offered"
    assert second != "pcd_meeting_offered"
    with bot.uow() as uow:
        revisions = uow.session.scalars(
            select(AnswerRevision.option_code)
            .where(AnswerRevision.inspection_id == assigned.inspection_id)
            .order_by(AnswerRevision.id)
        ).all()
    assert revisions == ["yes", "no"]


def test_a_condition_brings_a_question_in_and_takes_it_out(
    assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("Yes")
    while talk.question_id() != "ccb_relevant":
        talk.answer("Fully met")
    total_without = talk.position().rsplit(" of ", 1)[1]
    talk.answer("Yes")
    assert talk.question_id() == "ccb_addressed"
    total_with = talk.position().rsplit(" of ", 1)[1]
    assert int(total_with) == int(total_without) + 1
    talk.click(talk.card(), text="Back")
    talk.answer("No")
    assert talk.question_id() == "intoxication_relevant"
    assert talk.position().rsplit(" of ", 1)[1] == total_without


def test_pause_and_resume_after_the_app_is_rebuilt(
    bot: RunningBot,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    serve_bot: Callable[[], RunningBot],
) -> None:
    talk = start(assigned, driver, standin)
    talk.answer("Yes")
    where = talk.question_id()
    talk.click(talk.card(), text="Pause")
    assert "paused" in talk.card().text.lower()
    assert stored_inspection(bot, assigned.inspection_id).status == "paused"

    bot.stop()  # the bot restarts: nothing of the first app is left serving
    rebuilt = serve_bot()
    talk.driver = SlackDriver(
        rebuilt.events_url, signing_secret=driver.signing_secret, standin=standin
    )
    talk.click(talk.card(), text="Resume")
    assert talk.question_id() == where
    assert stored_inspection(rebuilt, assigned.inspection_id).status == "in_progress"


def test_double_clicks_and_slack_retries_record_one_answer(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    card = talk.card()
    first = talk.click(card, text="Yes")
    again = driver.click(talk.user, card, text="Yes")  # the same old card, clicked again
    retried = driver.resend(first.sent, retry_num=1, retry_reason="http_timeout")
    assert (again.status, retried.status) == (200, 200)
    standin.wait_for(lambda: len(standin.ephemerals_to(talk.user)) >= 2)
    assert count_rows(bot, AnswerRevision, assigned.inspection_id) == 1
    notes = [m.text for m in standin.ephemerals_to(talk.user)]
    assert all("nothing was changed" in note for note in notes)


def test_clicks_on_one_card_at_the_same_moment_record_one_answer(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = start(assigned, driver, standin)
    card = talk.card()
    together = threading.Barrier(3, timeout=10)

    def click() -> int:
        own = SlackDriver(bot.events_url, signing_secret=driver.signing_secret, standin=standin)
        together.wait()
        return own.click(talk.user, card, text="Yes").status

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(lambda _: click(), range(3)))

    assert statuses == [200, 200, 200]
    standin.wait_for(lambda: len(standin.ephemerals_to(talk.user)) >= 2)
    assert count_rows(bot, AnswerRevision, assigned.inspection_id) == 1
    notes = [m.text for m in standin.ephemerals_to(talk.user)]
    assert len(notes) == 2 and all("nothing was changed" in note for note in notes)


def test_another_user_cannot_work_on_an_inspectors_review(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    intruder = assigned.other.slack_id
    response = driver.click(intruder, assigned.message, text="Start inspection")
    assert response.status == 200
    standin.wait_for(lambda: standin.ephemerals_to(intruder))
    note = standin.ephemerals_to(intruder)[0]
    assert "only the inspector assigned" in note.text
    # Not in the inspector's DM, where Slack would refuse it: in the intruder's own.
    assert note.channel == standin.dm_channel(intruder)
    assert stored_inspection(bot, assigned.inspection_id).status == "assigned"
    with bot.uow() as uow:
        refusals = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("refused:%"))
        ).all()
    assert refusals == ["refused:start"]
