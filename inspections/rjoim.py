"""The RASSO Joint Operational Improvement Meeting agenda: which cases go on it, and which
questions' marks it shows.

Pre-charge decision cases with three or more substantive action plans are put before the
meeting (seed 000, Rec 6). Its list shows the marks of the questionnaire section that holds
the action-plan question: action plans, and the third-party material requests they carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.model import QuestionKind, Questionnaire

RJOIM_THRESHOLD = 3  # substantive action plans on a pre-charge decision case
ACTION_PLAN_MARKER = "action_plan"  # in the id of the question about action plans


@dataclass(frozen=True)
class AgendaQuestion:
    question_id: str
    text: str
    labels: dict[str, str]  # option code -> label shown on the buttons


def action_plan_questions(questionnaire: Questionnaire) -> tuple[AgendaQuestion, ...]:
    """The scale questions of every section holding a question about action plans."""
    found: list[AgendaQuestion] = []
    for section in questionnaire.sections:
        if not any(ACTION_PLAN_MARKER in q.id for q in section.questions):
            continue
        for question in section.questions:
            scale = questionnaire.scale_for(question)
            if question.kind is QuestionKind.SCALE and scale is not None:
                labels = {option.code: option.label for option in scale.options}
                found.append(AgendaQuestion(question.id, question.short_label, labels))
    return tuple(found)
