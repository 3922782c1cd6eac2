"""A trend summary composed from the database's aggregates (tallies), never from answer rows.

Tallies come grouped by period bucket, breakdown group (an Area, unit or lawyer), section and
question. Summing a few hundred tallies into sections, rows and the headline is all that
happens here; the statistics are in inspections.trends.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from inspections.feedback import OVERALL_MARK
from inspections.interventions import InterventionFigures
from inspections.periods import Period
from inspections.scopes import Scope
from inspections.timeliness import Timeliness
from inspections.trends import Change, Clusters, Share, change_between, is_suppressed, mean

THEMES = 5


@dataclass(frozen=True)
class MarkTally:
    """Marks given on one question in one bucket and group (N/A and unscored answers excluded)."""

    bucket: int
    group: str | None
    section_id: str
    question_id: str
    marks: int
    fully_met: int
    not_met: int
    critical_failures: int  # critical questions marked Not met
    scored: bool  # the question counts towards the quality score (weight above zero)
    weight_total: float = 0.0  # the question's weight, once per mark
    points_total: float = 0.0  # weight x score, summed over the marks


@dataclass(frozen=True)
class InspectionTally:
    bucket: int
    group: str | None
    inspections: int
    score_total: float
    scored: int  # inspections that have a score
    clusters: Clusters = field(default_factory=Clusters)  # their marks' grouping


@dataclass(frozen=True)
class Figures:
    inspections: int
    mean_score: float | None
    fully_met: Share  # of the marks on scored questions
    critical_failures: int
    # Reviews whose overall mark is the top one (Fully met): the share of reviews meeting the
    # standard, one per inspection, so its interval counts reviews, not marks.
    meeting_standard: Share = field(default_factory=Share)

    @property
    def suppressed(self) -> bool:
        return is_suppressed(self.inspections)


@dataclass(frozen=True)
class SectionFigures:
    section_id: str
    title: str
    fully_met: Share
    previous: Share
    change: Change
    at_least: int  # inspections marked in the section, at least (the most marks on one question)
    previous_at_least: int  # the same, in the previous period
    # The section's quality score over all its marks in the period: weighted as in an
    # inspection's own score, pooled across inspections.
    mean_score: float | None = None

    @property
    def suppressed(self) -> bool:
        return is_suppressed(self.at_least)

    @property
    def stated_change(self) -> Change | None:
        return stated(self.change, self.at_least, self.previous_at_least)


@dataclass(frozen=True)
class QuestionFigures:
    question_id: str
    section_id: str
    text: str
    marks: int  # one per inspection, so also the inspections marked on the question
    fully_met: int
    not_met: int
    critical_failures: int
    scored: bool = True  # counts towards the quality score, so it can be a theme
    previous: Share = field(default_factory=Share)  # the question's marks, previous period

    @property
    def change(self) -> Change:
        return change_between(self.share, self.previous)

    @property
    def stated_change(self) -> Change | None:
        # One mark per inspection: marks count inspections.
        return stated(self.change, self.marks, self.previous.trials)

    @property
    def partially_met(self) -> int:
        return self.marks - self.fully_met - self.not_met

    @property
    def not_fully_met(self) -> int:
        return self.marks - self.fully_met

    @property
    def share(self) -> Share:
        return Share(self.fully_met, self.marks)

    @property
    def suppressed(self) -> bool:
        return is_suppressed(self.marks)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: Figures
    previous: Figures  # the same group in the previous period

    @property
    def change(self) -> Change:
        return change_between(self.figures.fully_met, self.previous.fully_met)

    @property
    def stated_change(self) -> Change | None:
        return stated(self.change, self.figures.inspections, self.previous.inspections)


@dataclass(frozen=True)
class TrendSummary:
    scope: Scope
    period: Period
    previous_period: Period
    review_type: str | None
    figures: Figures
    previous: Figures
    change: Change
    sections: tuple[SectionFigures, ...]
    questions: tuple[QuestionFigures, ...]
    themes: tuple[QuestionFigures, ...]  # the highest rate not fully met first
    rows: tuple[Row, ...]
    interventions: InterventionFigures | None = None  # raised in the period, in the scope
    timeliness: Timeliness | None = None  # reviews completed in the period, in the scope

    @property
    def suppressed(self) -> bool:
        return self.figures.suppressed

    @property
    def stated_change(self) -> Change | None:
        return stated(self.change, self.figures.inspections, self.previous.inspections)


def stated(change: Change, inspections: int, previous_inspections: int) -> Change | None:
    """A change is only stated between two groups that are both shown (5 inspections or
    more): against a hidden one it would say something about those few inspections."""
    if is_suppressed(inspections) or is_suppressed(previous_inspections):
        return None
    return change


@dataclass(frozen=True)
class Labels:
    """Titles from the questionnaire, in its order, and names for the breakdown groups."""

    sections: Mapping[str, str]
    questions: Mapping[str, str]
    groups: Mapping[str, str]


PREVIOUS, CURRENT = 0, 1


def figures_of(marks: Iterable[MarkTally], inspections: Iterable[InspectionTally]) -> Figures:
    all_marks = list(marks)
    mark_list = [m for m in all_marks if m.scored]
    overall = [m for m in all_marks if m.question_id == OVERALL_MARK]
    inspection_list = list(inspections)
    return Figures(
        inspections=sum(t.inspections for t in inspection_list),
        mean_score=mean(
            sum(t.score_total for t in inspection_list), sum(t.scored for t in inspection_list)
        ),
        fully_met=_marks_share(mark_list, inspection_list),
        critical_failures=sum(m.critical_failures for m in mark_list),
        meeting_standard=Share(sum(m.fully_met for m in overall), sum(m.marks for m in overall)),
    )


def _marks_share(marks: Sequence[MarkTally], inspections: Sequence[InspectionTally]) -> Share:
    """The share of scored marks fully met, with how the marks group into inspections; when
    the tallies do not say (no per-inspection counts stored), counted cautiously as one trial
    per inspection."""
    clusters = sum((t.clusters for t in inspections), Clusters())
    fully, total = sum(m.fully_met for m in marks), sum(m.marks for m in marks)
    if clusters.n == 0 and total:
        return Share(fully, total, at_least=sum(t.scored for t in inspections) or 1)
    return Share(fully, total, clusters=clusters)


def compose(
    *,
    scope: Scope,
    period: Period,
    review_type: str | None,
    marks: Sequence[MarkTally],
    inspections: Sequence[InspectionTally],
    labels: Labels,
) -> TrendSummary:
    """Bucket PREVIOUS is the previous period, CURRENT the one asked for."""
    current = [m for m in marks if m.bucket == CURRENT]
    previous = [m for m in marks if m.bucket == PREVIOUS]
    figures = figures_of(current, (t for t in inspections if t.bucket == CURRENT))
    before = figures_of(previous, (t for t in inspections if t.bucket == PREVIOUS))
    questions = _questions(current, labels, previous)
    # A question marked in fewer than 5 inspections is no theme: its count would point at them.
    # Ranked by rate, not count: 2 of 8 before 5 of 24 (one mark per inspection, so each rate
    # has a plain Wilson interval); ties by count, then questionnaire order (a stable sort).
    themes = sorted(
        (q for q in questions if q.scored and not q.suppressed and q.not_fully_met > 0),
        key=lambda q: (-q.not_fully_met / q.marks, -q.not_fully_met),
    )[:THEMES]
    return TrendSummary(
        scope=scope,
        period=period,
        previous_period=period.previous(),
        review_type=review_type,
        figures=figures,
        previous=before,
        change=change_between(figures.fully_met, before.fully_met),
        sections=_sections(current, previous, labels),
        questions=tuple(questions),
        themes=tuple(themes),
        rows=_rows(marks, inspections, labels),
    )


def section_shares(marks: Iterable[MarkTally]) -> dict[str, Share]:
    found: dict[str, Share] = defaultdict(Share)
    for m in marks:
        found[m.section_id] += Share(m.fully_met, m.marks)
    return dict(found)


def _sections(
    current: Sequence[MarkTally], previous: Sequence[MarkTally], labels: Labels
) -> tuple[SectionFigures, ...]:
    now, before = section_shares(current), section_shares(previous)
    weights: dict[str, float] = defaultdict(float)
    points: dict[str, float] = defaultdict(float)
    for m in current:
        if m.scored:
            weights[m.section_id] += m.weight_total
            points[m.section_id] += m.points_total
    widest, widest_before = section_reach(current, labels), section_reach(previous, labels)

    def cautious(shares: dict[str, Share], reach: dict[str, int], section_id: str) -> Share:
        # A section's marks per inspection are not counted apart from the others', so its
        # interval counts each inspection reaching it as one trial: wider, never too narrow.
        return replace(shares.get(section_id, Share()), at_least=reach[section_id])

    return tuple(
        SectionFigures(
            section_id=section_id,
            title=title,
            fully_met=cautious(now, widest, section_id),
            previous=cautious(before, widest_before, section_id),
            change=change_between(
                cautious(now, widest, section_id), cautious(before, widest_before, section_id)
            ),
            at_least=widest[section_id],
            previous_at_least=widest_before[section_id],
            mean_score=points[section_id] / weights[section_id] if weights[section_id] else None,
        )
        for section_id, title in labels.sections.items()
        if section_id in now or section_id in before
    )


def section_reach(marks: Sequence[MarkTally], labels: Labels) -> dict[str, int]:
    """Per section, the most marks on one of its questions: inspections marked, at least. A
    section reaching fewer than 5 inspections is hidden, in the text and in the chart alike."""
    widest: dict[str, int] = defaultdict(int)
    for question in _questions(marks, labels):
        widest[question.section_id] = max(widest[question.section_id], question.marks)
    return widest


def _questions(
    marks: Sequence[MarkTally], labels: Labels, previous: Sequence[MarkTally] = ()
) -> list[QuestionFigures]:
    before: dict[str, Share] = defaultdict(Share)
    for m in previous:
        before[m.question_id] += Share(m.fully_met, m.marks)
    totals: dict[tuple[str, str], list[int]] = {}
    scored: dict[str, bool] = {}
    for m in marks:
        total = totals.setdefault((m.section_id, m.question_id), [0, 0, 0, 0])
        for index, value in enumerate((m.marks, m.fully_met, m.not_met, m.critical_failures)):
            total[index] += value
        scored[m.question_id] = scored.get(m.question_id, False) or m.scored
    order = {question_id: index for index, question_id in enumerate(labels.questions)}
    return [
        QuestionFigures(
            question_id=question_id,
            section_id=section_id,
            text=labels.questions.get(question_id, question_id),
            marks=t[0],
            fully_met=t[1],
            not_met=t[2],
            critical_failures=t[3],
            scored=scored[question_id],
            previous=before.get(question_id, Share()),
        )
        for (section_id, question_id), t in sorted(
            totals.items(), key=lambda item: order.get(item[0][1], len(order))
        )
    ]


def _rows(
    marks: Sequence[MarkTally], inspections: Sequence[InspectionTally], labels: Labels
) -> tuple[Row, ...]:
    """A row per group with inspections in the period asked for, beside its previous period."""
    marks_by: dict[tuple[int, str], list[MarkTally]] = defaultdict(list)
    for m in marks:
        if m.group is not None:
            marks_by[(m.bucket, m.group)].append(m)
    inspections_by: dict[tuple[int, str], list[InspectionTally]] = defaultdict(list)
    for t in inspections:
        if t.group is not None:
            inspections_by[(t.bucket, t.group)].append(t)
    groups = sorted(
        {group for bucket, group in inspections_by if bucket == CURRENT},
        key=lambda g: labels.groups.get(g, g).lower(),
    )
    return tuple(
        Row(
            group,
            labels.groups.get(group, group),
            figures_of(marks_by[(CURRENT, group)], inspections_by[(CURRENT, group)]),
            figures_of(marks_by[(PREVIOUS, group)], inspections_by[(PREVIOUS, group)]),
        )
        for group in groups
    )
