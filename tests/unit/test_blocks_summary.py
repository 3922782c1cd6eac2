from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from support.questionnaire_builders import (
    PCD,
    answers,
    mark,
    question,
    questionnaire,
    section,
    written,
)
from test_blocks_support import all_text, assert_valid_message, buttons, elements, review

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, Click, read_click
from bot.slack.blocks.summary import submitted_card, summary_card
from bot.slack.blocks.viewmodels import SubmittedCard, SummaryCard, SummaryRow
from inspections.answers import Answer, Answers
from inspections.runtime import enabled_questions
from inspections.scoring import score_inspection
from questionnaires.loader import default_questionnaire_path, load_questionnaire
from questionnaires.model import QuestionKind, Questionnaire

SHIPPED, _ = load_questionnaire(default_questionnaire_path())


def summary_for(qn: Questionnaire, given: Answers, *, review_type: str = PCD) -> SummaryCard:
    """What a service builds from the runtime and scoring: the view model under test's input."""
    enabled = enabled_questions(qn, review_type=review_type, answers=given)
    result = score_inspection(qn, review_type=review_type, answers=given)
    rows = []
    for q in enabled:
        answer = given.get(q.id)
        scale = qn.scale_for(q)
        option = (
            scale.option(answer.option_code) if scale and answer and answer.option_code else None
        )
        rows.append(
            SummaryRow(
                section_title=qn.section(q.section_id).title,
                question_id=q.id,
                short_text=q.text,
                answer=option.label if option else (answer.text if answer else None),
                reason=answer.reason if answer else None,
                critical_failure=q.id in result.critical_failures,
            )
        )
    missing = sum(1 for q in enabled if q.required and q.id not in given)
    return SummaryCard(
        inspection_id=11,
        card_version=9,
        review=review(review_type=review_type),
        rows=tuple(rows),
        section_scores=tuple((s.title, result.section_scores[s.id]) for s in qn.sections),
        score=result.score,
        critical_failures=tuple(qn.question(i).text for i in result.critical_failures),
        complete=missing == 0,
        missing=missing,
    )


def all_marked(qn: Questionnaire, code: str = "fully_met", *, review_type: str = PCD) -> Answers:
    given: dict[str, Answer] = {}
    # Answer in order so that questions enabled by earlier answers are answered too.
    while q := next(
        (
            q
            for q in enabled_questions(qn, review_type=review_type, answers=given)
            if q.id not in given
        ),
        None,
    ):
        scale = qn.scale_for(q)
        if q.kind is QuestionKind.FREE_TEXT or scale is None:
            given[q.id] = written(q.id)
        else:
            codes = [o.code for o in scale.options]
            given[q.id] = mark(q.id, code if code in codes else codes[0])
    return given


def big(count: int, per_section: int) -> Questionnaire:
    ids = [f"q{n:03d}" for n in range(count)]
    return questionnaire(
        *(
            section(f"s{start}", *(question(i) for i in ids[start : start + per_section]))
            for start in range(0, count, per_section)
        )
    )


def edits(blocks: list[dict[str, Any]]) -> list[Click]:
    """Every edit a summary offers, by button or overflow option, as the listener reads it."""
    found = []
    for element in elements(blocks):
        if element["type"] == "overflow":
            found += [read_click({**element, "selected_option": o}) for o in element["options"]]
        elif actions.EDIT_ACTION.match(element["action_id"]):
            found.append(read_click(element))
    return found


def test_shipped_questionnaire_summary_has_an_edit_button_per_question_and_submit() -> None:
    given = all_marked(SHIPPED)
    card = summary_for(SHIPPED, given)
    payload = summary_card(card)
    assert_valid_message(payload)
    assert edits(payload["blocks"]) == [
        Click(actions.EDIT, ActionValue(11, 9, row.question_id)) for row in card.rows
    ]
    edit_buttons = [b for b in buttons(payload["blocks"]) if b["text"]["text"] == "Edit"]
    assert len(edit_buttons) == len(card.rows)
    submit = buttons(payload["blocks"])[-1]
    assert (submit["text"]["text"], submit["style"]) == ("Submit", "primary")
    assert submit["confirm"]["confirm"]["text"] == "Submit"
    assert read_click(submit) == Click(actions.SUBMIT, ActionValue(11, 9))
    assert "*Overall score: 100.0%*" in all_text(payload["blocks"])


def test_forty_questions_fit_in_fifty_blocks_each_with_its_own_edit_button() -> None:
    qn = big(40, per_section=5)
    given = all_marked(qn, "not_met")  # every row with a reason: the tallest rows
    payload = summary_card(summary_for(qn, given))
    assert_valid_message(payload)
    edit_buttons = [b for b in buttons(payload["blocks"]) if b["text"]["text"] == "Edit"]
    assert [read_click(b).value.question_id for b in edit_buttons] == [q.id for q in qn.questions]
    assert "_Section s5_\n*Synthetic question q005?*\nNot met" in all_text(payload["blocks"])


def test_sixty_questions_are_grouped_with_an_edit_menu_and_every_one_stays_editable() -> None:
    qn = big(60, per_section=20)
    payload = summary_card(summary_for(qn, all_marked(qn)))
    assert_valid_message(payload)
    menus = [e for e in elements(payload["blocks"]) if e["type"] == "overflow"]
    assert len(menus) == 12
    assert [c.value.question_id for c in edits(payload["blocks"])] == [q.id for q in qn.questions]


def test_a_questionnaire_too_long_for_one_message_is_capped_and_says_so() -> None:
    qn = big(300, per_section=30)
    payload = summary_card(summary_for(qn, all_marked(qn)))
    assert_valid_message(payload)
    shown = len(edits(payload["blocks"]))
    assert f"{300 - shown} more questions not shown here" in all_text(payload["blocks"])


def test_an_incomplete_inspection_says_how_many_remain_and_offers_resume_not_submit() -> None:
    qn = big(10, per_section=5)
    given = dict(list(all_marked(qn).items())[:7])
    payload = summary_card(summary_for(qn, given))
    assert_valid_message(payload)
    assert "3 questions still need an answer." in all_text(payload["blocks"])
    last = buttons(payload["blocks"])[-1]
    assert read_click(last) == Click(actions.RESUME, ActionValue(11, 9))
    assert all(b["action_id"] != actions.SUBMIT for b in buttons(payload["blocks"]))
    assert "_Not answered yet_" in all_text(payload["blocks"])


def test_section_scores_and_critical_failures_are_shown() -> None:
    qn = questionnaire(
        section("a", question("a1"), question("a2")),
        section("b", question("b1", critical=True)),
    )
    given = answers(mark("a1", "fully_met"), mark("a2", "partially_met"), mark("b1", "not_met"))
    payload = summary_card(summary_for(qn, given))
    text = all_text(payload["blocks"])
    assert "*Overall score: 50.0%*\nSection a: 75.0%\nSection b: 0.0%" in text
    assert ":warning: *Safety or decision points that failed*\n• Synthetic question b1?" in text
    assert ":warning: *Synthetic question b1?*\nNot met\n>Synthetic reason." in text


def test_an_unscored_inspection_says_not_scored() -> None:
    qn = questionnaire(section("a", question("a1")))
    payload = summary_card(summary_for(qn, answers(mark("a1", "not_applicable"))))
    assert "*Overall score: not scored*" in all_text(payload["blocks"])


@pytest.mark.parametrize("count", [10, 40, 120])
def test_long_reasons_and_texts_are_shortened_not_rejected_in_every_layout(count: int) -> None:
    rows = tuple(
        SummaryRow(
            section_title=f"{n // 10} " + "S & " * 200,
            question_id=f"q{n:03d}",
            short_text="T <" * 1000,
            answer="Not met",
            reason="R & " * 750,
            critical_failure=True,
        )
        for n in range(count)
    )
    sections = tuple((f"{n} " + "S & " * 200, 0.0) for n in range(count // 10))
    card = SummaryCard(11, 9, review(), rows, sections, 0.0, ("T <" * 1000,) * count, True)
    payload = summary_card(card)
    assert_valid_message(payload)
    assert len(edits(payload["blocks"])) == count


def test_the_submitted_card_is_locked_and_shows_the_score() -> None:
    payload = submitted_card(
        SubmittedCard(review(), 0.725, submitted_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    )
    assert_valid_message(payload)
    assert buttons(payload["blocks"]) == []
    text = all_text(payload["blocks"])
    assert "submitted on Wed 1 Jul 2026, 09:00 with an overall score of *72.5%*" in text
    assert payload["text"] == "Inspection of 42AB1234525 submitted: 72.5%"
