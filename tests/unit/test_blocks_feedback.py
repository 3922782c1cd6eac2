"""Rendering feedback, alerts, challenges and the Home panels within Slack's limits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from support.questionnaire_builders import EA, answers, mark, question, questionnaire, section
from test_blocks_support import all_text, assert_valid_message, assert_valid_view, buttons

from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.challenge_deciders import (
    CommentRequest,
    comment_modal,
    comment_note,
    comment_request,
    decider_modal,
)
from bot.slack.blocks.feedback import FeedbackCard, feedback_message, feedback_modal, manager_copy
from bot.slack.blocks.feedback_alerts import SafeguardNote, alert_message, alert_resolved_message
from bot.slack.blocks.feedback_challenges import (
    ChallengeForm,
    Choice,
    DecisionCard,
    OutcomeCard,
    OutcomeRow,
    challenge_modal,
    decision_message,
    decision_modal,
    outcome_copy,
    outcome_message,
)
from bot.slack.blocks.feedback_home import (
    AlertItem,
    ChallengeItem,
    FeedbackItem,
    FeedbackPanels,
    panel_blocks,
)
from inspections.answers import Answer
from inspections.feedback import FeedbackDocument, ReviewFacts, compose_feedback, manager_summary
from inspections.scoring import score_inspection
from questionnaires.model import Questionnaire

WHEN = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
REVIEW = ReviewFacts("42AB1234525", EA, WHEN, "Lee Lawyer", "Wessex")
LONG = "A long and careful sentence about the review. " * 70  # over 3000 characters


def document(form: Questionnaire, given: dict[str, Answer]) -> FeedbackDocument:
    result = score_inspection(form, review_type=EA, answers=given)
    return compose_feedback(
        form, inspection_id=3, review=REVIEW, answers=given, result=result, key_learning_point=LONG
    )


def small() -> FeedbackDocument:
    form = questionnaire(
        section("case", question("a1"), question("a2", critical=True)),
    )
    return document(
        form, answers(mark("a1", "fully_met"), mark("a2", "not_met", reason="No safety plan."))
    )


def longest() -> FeedbackDocument:
    """30 sections of 10 questions, every mark to develop, every text at its longest."""
    sections = [
        section(
            f"s{s}",
            *(
                dataclasses.replace(question(f"q{s}_{i}"), text=LONG[:2000], guidance=LONG)
                for i in range(10)
            ),
        )
        for s in range(30)
    ]
    form = questionnaire(*sections)
    given = {
        q.id: Answer(q.id, "partially_met", reason=LONG[:3000], comment=LONG[:3000])
        for q in form.questions
    }
    return document(form, given)


def test_feedback_shows_the_score_the_marks_and_the_reply_buttons() -> None:
    payload = feedback_message(FeedbackCard(5, small()))

    assert_valid_message(payload)
    text = all_text(payload["blocks"])
    assert "Overall score: 50.0%" in text
    assert "What you did well" in text and "What to develop" in text
    assert "No safety plan." in text
    assert [b["text"]["text"] for b in buttons(payload["blocks"])] == [
        "Acknowledge",
        "Challenge a mark",
        "View full feedback",
    ]
    assert fa.read_target(buttons(payload["blocks"])[0], "f") == fa.Target("f", 5)


def test_the_longest_questionnaire_fits_and_says_where_to_see_the_rest() -> None:
    card = FeedbackCard(5, longest())

    message = feedback_message(card)
    modal = feedback_modal(card)

    assert_valid_message(message)
    assert_valid_view(modal)
    assert "not shown here, to keep within Slack's limits. Open *View full feedback*" in (
        all_text(message["blocks"])
    )
    assert "Ask the inspection lead for the complete record." in all_text(modal["blocks"])


def test_acknowledged_and_challenged_feedback_offers_only_the_full_view() -> None:
    card = FeedbackCard(5, small(), acknowledged_at=WHEN, challenged=1)

    payload = feedback_message(card)

    assert [b["text"]["text"] for b in buttons(payload["blocks"])] == ["View full feedback"]
    assert "Acknowledged Mon 2 Mar 2026, 14:00. 1 mark challenged" in all_text(payload["blocks"])


def test_the_manager_copy_is_short_and_leaves_out_the_reasons() -> None:
    payload = manager_copy(5, manager_summary(small()), timezone="Europe/London")
    longest_copy = manager_copy(5, manager_summary(longest()), timezone="Europe/London")

    assert_valid_message(payload)
    assert_valid_message(longest_copy)
    assert len(longest_copy["blocks"]) <= 8
    text = all_text(payload["blocks"])
    assert "*Not met*: Synthetic question a2?" in text
    assert "No safety plan." not in text
    assert [b["text"]["text"] for b in buttons(payload["blocks"])] == ["View full feedback"]


def test_alerts_name_the_safeguard_and_the_urn() -> None:
    note = SafeguardNote("42AB1234525", EA, "Wessex", "Lee Lawyer", LONG, "Not met", LONG)

    raised, resolved = alert_message(note), alert_resolved_message(note)

    assert_valid_message(raised)
    assert_valid_message(resolved)
    assert raised["text"].startswith("Safeguard alert on 42AB1234525: A long")
    assert resolved["text"] == "Safeguard alert on 42AB1234525 resolved: now Not met"


def test_the_challenge_modal_offers_the_marks_grouped_when_there_are_many() -> None:
    few = ChallengeForm(5, "42AB1234525", (Choice("a1", "Case", "Q?", "Partially met"),))
    many = ChallengeForm(
        5,
        "42AB1234525",
        tuple(Choice(f"q{i}", f"Section {i // 10}", LONG, "Not met") for i in range(300)),
    )

    small_view = challenge_modal(few, channel="D1", ts="1.2")
    large_view = challenge_modal(many, channel="D1", ts="1.2")

    assert_valid_view(small_view)
    assert_valid_view(large_view)
    picker = large_view["blocks"][1]["element"]
    assert len(picker["option_groups"]) == 30
    assert fa.decode_origin(small_view["private_metadata"], "f") == fa.ModalOrigin(
        fa.Target("f", 5), "D1", "1.2"
    )


def test_the_lead_decides_each_challenged_mark_from_its_own_message() -> None:
    card = DecisionCard(
        9, "42AB1234525", EA, "Lee Lawyer", LONG, "Not met", LONG, LONG, "open",
        inspector_name="Ivy Inspector", inspector_comment=LONG,
    )  # fmt: skip

    open_message = decision_message(card)
    decided = decision_message(
        dataclasses.replace(card, status="amended", outcome_reason="Seen.", new_mark="Fully met")
    )
    modal = decision_modal(
        card, decision="amended", options=[("fully_met", "Fully met")], channel="D1", ts="1.2"
    )

    assert_valid_message(open_message)
    assert_valid_message(decided)
    assert_valid_view(modal)
    assert [b["action_id"] for b in buttons(open_message["blocks"])] == [
        fa.UPHOLD,
        fa.AMEND,
        fa.NAME_DECIDER,
    ]
    named = decision_message(dataclasses.replace(card, lead_view=False))
    assert [b["action_id"] for b in buttons(named["blocks"])] == [fa.UPHOLD, fa.AMEND]
    assert "Ivy Inspector's comment" in all_text(open_message["blocks"])
    assert buttons(decided["blocks"]) == []
    assert "You amended the mark to *Fully met*." in all_text(decided["blocks"])


def test_the_marking_inspector_is_asked_for_a_comment_and_deciders_read_it() -> None:
    choice = Choice("q1", "Case", LONG, "Not met")
    request = CommentRequest(5, "42AB1234525", "Lee Lawyer", (choice,) * 12, LONG)

    asking = comment_request(request)
    answered = comment_request(dataclasses.replace(request, comment=LONG))
    note = comment_note(urn="42AB1234525", inspector_name="Ivy Inspector", comment=LONG)
    modal = comment_modal(5, channel="D1", ts="1.2")
    named = decider_modal(
        DecisionCard(9, "42AB1234525", EA, "Lee Lawyer", LONG, "Not met", LONG, LONG, "open"),
        channel="D1",
        ts="1.2",
    )

    for payload in (asking, answered, note):
        assert_valid_message(payload)
    assert_valid_view(modal)
    assert_valid_view(named)
    assert [b["action_id"] for b in buttons(asking["blocks"])] == [fa.COMMENT]
    assert buttons(answered["blocks"]) == []
    assert "…and 2 more marks" in all_text(asking["blocks"])


def test_the_outcome_lists_each_decision_and_the_new_score() -> None:
    rows = tuple(OutcomeRow(LONG, "amended", "Not met", "Fully met", LONG) for _ in range(80))
    card = OutcomeCard("42AB1234525", EA, "Lee Lawyer", rows, 0.5, 0.75)

    payload, copy = outcome_message(card), outcome_copy(card)

    assert_valid_message(payload)
    assert_valid_message(copy)
    assert "The overall score is now *75.0%* (it was 50.0%)." in all_text(payload["blocks"])
    assert "33 more decisions not shown here." in all_text(payload["blocks"])
    assert "0 marks upheld, 80 marks amended" in all_text(copy["blocks"])


def test_home_panels_stay_within_their_share_of_the_home_tab() -> None:
    item = FeedbackItem(4, "42AB1234525", EA, "Lee Lawyer", WHEN, 0.5)
    panels = FeedbackPanels(
        timezone="Europe/London",
        own=(item,) * 30,
        team=(item,) * 10,
        alerts=(AlertItem("42AB1234525", "Lee Lawyer", LONG, WHEN),) * 30,
        challenges=(ChallengeItem("42AB1234525", "Lee Lawyer", LONG, WHEN),) * 30,
        more_team=25,
    )

    blocks = panel_blocks(panels)

    assert_valid_view({"type": "home", "blocks": blocks})
    assert len(blocks) <= 45
    assert "…and 25 more, not shown here." in all_text(blocks)


def test_good_practice_shows_in_the_feedback_and_the_managers_copy_within_limits() -> None:
    note = "The plan named the forensic expert on day one. " * 70  # over 3000 characters
    with_note = dataclasses.replace(longest(), good_practice=note)
    short = dataclasses.replace(small(), good_practice="Named the expert on day one.")

    for doc in (with_note, short):
        message = feedback_message(FeedbackCard(5, doc))
        modal = feedback_modal(FeedbackCard(5, doc))
        copy = manager_copy(5, manager_summary(doc), timezone="Europe/London")
        assert_valid_message(message)
        assert_valid_view(modal)
        assert_valid_message(copy)
        assert len(copy["blocks"]) <= 9
        for payload in (message["blocks"], modal["blocks"], copy["blocks"]):
            assert "Good practice to share (the inspector's note)" in all_text(payload)
    assert "Named the expert on day one." in all_text(
        feedback_message(FeedbackCard(5, short))["blocks"]
    )
    assert "Good practice" not in all_text(feedback_message(FeedbackCard(5, small()))["blocks"])


def test_a_stored_document_without_good_practice_still_reads() -> None:
    stored = small().to_dict()
    del stored["good_practice"]

    assert FeedbackDocument.from_dict(stored).good_practice is None
    assert FeedbackDocument.from_dict(short_with_note().to_dict()) == short_with_note()


def short_with_note() -> FeedbackDocument:
    return dataclasses.replace(small(), good_practice="Named the expert on day one.")
