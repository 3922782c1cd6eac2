"""How the versions of one questionnaire follow each other: a new version accounts for every
question of the one before (still asked, renamed, or retired), and a trend counts a renamed
question together with the question it became."""

from __future__ import annotations

from collections.abc import Sequence

from questionnaires.model import Questionnaire


def unaccounted_ids(previous: Questionnaire, offered: Questionnaire) -> list[str]:
    """Question ids of the previous version that the offered one neither asks, nor renames,
    nor retires, in the previous version's order."""
    asked = {q.id for q in offered.questions}
    return [
        q.id
        for q in previous.questions
        if q.id not in asked and q.id not in offered.renamed and q.id not in offered.retired
    ]


def trend_ids(history: Sequence[Questionnaire]) -> list[dict[str, str]]:
    """For each version (oldest first), each question id's id in the newest version that
    continues it: itself when still asked, what it was renamed to, or itself when retired (a
    retired question keeps a series of its own)."""
    if not history:
        return []
    newest = history[-1]
    mapped = [{q.id: q.id for q in newest.questions}]
    for older, newer in zip(reversed(history[:-1]), reversed(history[1:]), strict=True):
        onward = mapped[0]
        mapped.insert(
            0,
            {q.id: onward.get(newer.renamed.get(q.id, q.id), q.id) for q in older.questions},
        )
    return mapped
