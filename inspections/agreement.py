"""Agreement between inspectors who marked the same review: Krippendorff's alpha per question
and overall, and each inspector's leniency against the others.

The data are *markings*: one inspector's marks on one case review (a double-marked pair, or
the members of a calibration exercise). A mark is the option's score on the scale (Not met 0,
Partially met 0.5, Fully met 1); Not applicable, yes/no and free-text answers carry no score
and count as missing, as Krippendorff's alpha allows.

Alpha (Krippendorff 2011) is 1 - D_o / D_e: the observed disagreement between marks given to
the same unit over the disagreement expected from all the marks pooled. 1 is perfect
agreement, 0 agreement no better than chance; below 0 is systematic disagreement.
*Nominal* alpha counts any two different marks as equally far apart; *ordinal* alpha uses the
order Not met < Partially met < Fully met, so Partially met against Fully met is a smaller
disagreement than Not met against Fully met. The point estimate is the maintained
`krippendorff` package's (PyPI, `krippendorff.alpha` on value counts); tests check it against
Krippendorff's published example.

Units: for one question, a unit is one case review (the marks its inspectors gave that
question). For the overall figure the units are every (review, question) pair, pooled.

Interval: a 95% percentile bootstrap that resamples **case reviews**, with all their questions
together, never single marks: the marks one inspector gives one review are not independent
(one reading of one file), so resampling marks would understate the uncertainty. For one
question this is the ordinary unit bootstrap; overall it is a cluster bootstrap. A resample in
which every mark is the same has no alpha (0/0) and is left out; how many were is reported.
With fewer than MIN_REVIEWS_FOR_INTERVAL reviews no interval is given: a bootstrap of a
handful of clusters says little.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import krippendorff
import numpy as np

from inspections.feedback import OVERALL_MARK
from inspections.trends import Clusters, Interval, Share, t_quantile
from questionnaires.model import QuestionKind, Questionnaire

# The scored options of the marking scales, in order: Not met < Partially met < Fully met.
SCALE_VALUES: tuple[float, ...] = (0.0, 0.5, 1.0)
MIN_REVIEWS_FOR_INTERVAL = 5
RESAMPLES = 1000
SEED = 20110101  # fixed, so the same marks always give the same interval


class Level(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"  # not reported: the marks are ordered, not equally spaced


@dataclass(frozen=True)
class Marking:
    """One inspector's marks on one case review. `marks` maps question ids to the option's
    score, or None for Not applicable (and any answer without a score); `score` is the
    review's quality score from those marks; `overall` the overall mark's score."""

    review: Hashable
    inspector: str
    marks: Mapping[str, float | None]
    score: float | None = None
    overall: float | None = None


def marking_of(
    questionnaire: Questionnaire,
    *,
    review: Hashable,
    inspector: str,
    option_codes: Mapping[str, str],
    score: float | None,
) -> Marking:
    """One inspection's marks as agreement reads them: every answered question on a scale with
    scored options (yes/no gates and free text left out), Not applicable as None; the overall
    mark apart, as `overall`."""
    marks: dict[str, float | None] = {}
    overall = None
    for question in questionnaire.questions:
        code = option_codes.get(question.id)
        scale = questionnaire.scale_for(question)
        if code is None or question.kind is not QuestionKind.SCALE or scale is None:
            continue
        if all(o.score is None for o in scale.options):
            continue
        option = scale.option(code)
        value = None if option is None or option.not_applicable else option.score
        if question.id == OVERALL_MARK:
            overall = value
        else:
            marks[question.id] = value
    return Marking(review, inspector, marks, score, overall)


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha with its bootstrap interval. `value` is None when undefined (fewer
    than two marks on a shared review, or no variation at all); `interval` is None with fewer
    than MIN_REVIEWS_FOR_INTERVAL reviews. `reviews` counts reviews with at least two marks
    (pairable), `marks` the marks in those reviews."""

    value: float | None
    interval: Interval | None
    reviews: int
    marks: int
    undefined_resamples: int = 0


@dataclass(frozen=True)
class QuestionAgreement:
    question_id: str
    nominal: Alpha
    ordinal: Alpha


@dataclass(frozen=True)
class Agreement:
    questions: tuple[QuestionAgreement, ...]  # in the order the questions were first met
    nominal: Alpha  # all questions pooled
    ordinal: Alpha


Unit = Sequence[float]  # the scored marks different inspectors gave one question of one review


def _value_counts(units: Sequence[Unit], domain: Sequence[float]) -> np.ndarray:
    counts = np.zeros((len(units), len(domain)), dtype=float)
    for row, unit in enumerate(units):
        for value in unit:
            counts[row, domain.index(value)] += 1
    return counts


def alpha_of(
    units: Sequence[Unit], level: Level, *, domain: Sequence[float] = SCALE_VALUES
) -> float | None:
    """Krippendorff's alpha (the `krippendorff` package) over units of marks, each unit the
    values different coders gave it (missing ones left out); `domain` lists the possible values
    in order. None when alpha is undefined: no unit with two values, or no variation at all."""
    pairable = [u for u in units if len(u) >= 2]
    for value in (v for u in pairable for v in u):
        if value not in domain:
            raise ValueError(f"{value} is not one of the values {tuple(domain)}")
    return _alpha_of_counts(_value_counts(pairable, domain), level, domain)


def _alpha_of_counts(counts: np.ndarray, level: Level, domain: Sequence[float]) -> float | None:
    """Alpha from a units x values matrix of counts, every unit with two or more values."""
    if counts.shape[0] == 0 or np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    return float(
        krippendorff.alpha(
            value_counts=counts, value_domain=list(domain), level_of_measurement=level.value
        )
    )


def bootstrap_alpha(
    clusters: Sequence[Sequence[Unit]],
    level: Level,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Alpha:
    """Alpha over all the units of all clusters (a cluster is one review's units), with the
    95% percentile interval from resampling whole clusters with replacement."""
    clusters = [[u for u in c if len(u) >= 2] for c in clusters]
    clusters = [c for c in clusters if c]
    units = [u for c in clusters for u in c]
    value = alpha_of(units, level)
    marks = sum(len(u) for u in units)
    if value is None or len(clusters) < MIN_REVIEWS_FOR_INTERVAL:
        return Alpha(value, None, len(clusters), marks)
    # Each review's rows of counts, once; a resample stacks the rows of the reviews it drew.
    counts = [_value_counts(c, SCALE_VALUES) for c in clusters]
    draw = random.Random(seed)
    estimates: list[float] = []
    for _ in range(resamples):
        picked = draw.choices(range(len(clusters)), k=len(clusters))
        stacked = np.concatenate([counts[i] for i in picked])
        estimate = _alpha_of_counts(stacked, level, SCALE_VALUES)
        if estimate is not None:
            estimates.append(estimate)
    undefined = resamples - len(estimates)
    if len(estimates) < 2:
        return Alpha(value, None, len(clusters), marks, undefined)
    low, high = np.quantile(estimates, [0.025, 0.975])
    return Alpha(value, Interval(float(low), float(high)), len(clusters), marks, undefined)


def _by_review(markings: Sequence[Marking]) -> dict[Hashable, list[Marking]]:
    grouped: dict[Hashable, list[Marking]] = defaultdict(list)
    for marking in markings:
        grouped[marking.review].append(marking)
    return {review: group for review, group in grouped.items() if len(group) >= 2}


def _scored(group: Sequence[Marking], question_id: str) -> list[float]:
    marks = (m.marks.get(question_id) for m in group)
    return [mark for mark in marks if mark is not None]


def agreement(
    markings: Sequence[Marking], *, resamples: int = RESAMPLES, seed: int = SEED
) -> Agreement:
    """Alpha per question and overall, nominal and ordinal, over reviews marked by two or more
    inspectors (reviews marked once are ignored)."""
    reviews = _by_review(markings)
    question_ids: list[str] = []
    for group in reviews.values():
        for marking in group:
            question_ids.extend(q for q in marking.marks if q not in question_ids)
    # review -> question -> the scored marks given to it
    units = {
        review: {q: _scored(group, q) for q in question_ids} for review, group in reviews.items()
    }

    def pooled(level: Level) -> Alpha:
        clusters = [list(by_question.values()) for by_question in units.values()]
        return bootstrap_alpha(clusters, level, resamples=resamples, seed=seed)

    def one(question_id: str, level: Level) -> Alpha:
        clusters = [[by_question[question_id]] for by_question in units.values()]
        return bootstrap_alpha(clusters, level, resamples=resamples, seed=seed)

    return Agreement(
        questions=tuple(
            QuestionAgreement(q, one(q, Level.NOMINAL), one(q, Level.ORDINAL)) for q in question_ids
        ),
        nominal=pooled(Level.NOMINAL),
        ordinal=pooled(Level.ORDINAL),
    )


@dataclass(frozen=True)
class Difference:
    """A mean of per-review differences with its 95% t interval (None with fewer than two
    reviews)."""

    mean: float | None
    interval: Interval | None
    reviews: int


@dataclass(frozen=True)
class InspectorFigures:
    """One inspector's consistency figures over the shared reviews they marked.

    - `score_difference`: per review, their score minus the mean score of the other inspectors
      of the same review; the mean over reviews (above 0: more lenient than the others), with
      Student's t interval over reviews (each review one observation, so the marks within an
      inspection are not treated as independent).
    - `not_applicable`: their Not applicable marks out of their marks on scored scales, with
      the interval for marks grouped into inspections (trends.Clusters); `others_not_applicable`
      the same for the other inspectors of the same reviews, for comparison.
    - `overall_agrees`: their inspections whose overall mark is the scale mark nearest their
      own score (Not met below 0.25, Partially met to below 0.75, Fully met from 0.75), out of
      their inspections with both; a share of inspections, so a plain Wilson interval.
    """

    inspector: str
    reviews: int
    score_difference: Difference
    not_applicable: Share
    others_not_applicable: Share
    overall_agrees: Share


def nearest_mark(score: float) -> float:
    """The scale mark a score is nearest to: Not met (0) below 0.25, Partially met (0.5) from
    0.25 to below 0.75, Fully met (1) from 0.75."""
    if score < 0.25:
        return 0.0
    return 0.5 if score < 0.75 else 1.0


def _mean_difference(differences: Sequence[float]) -> Difference:
    if not differences:
        return Difference(None, None, 0)
    centre = statistics.fmean(differences)
    if len(differences) < 2:
        return Difference(centre, None, 1)
    half = t_quantile(len(differences) - 1) * statistics.stdev(differences)
    half /= math.sqrt(len(differences))
    return Difference(centre, Interval(centre - half, centre + half), len(differences))


def _not_applicable_share(markings: Sequence[Marking]) -> Share:
    per_inspection = [
        (sum(v is None for v in m.marks.values()), len(m.marks)) for m in markings if m.marks
    ]
    y = sum(a for a, _ in per_inspection)
    n = sum(b for _, b in per_inspection)
    clusters = Clusters(
        len(per_inspection),
        sum(a * a for a, _ in per_inspection),
        sum(a * b for a, b in per_inspection),
        sum(b * b for _, b in per_inspection),
    )
    return Share(y, n, clusters)


def inspector_figures(markings: Sequence[Marking]) -> list[InspectorFigures]:
    """Each inspector's figures (see InspectorFigures), sorted by inspector. `marks` should
    hold only the questions on scored scales (a yes/no gate is not Not applicable)."""
    reviews = _by_review(markings)
    inspectors = sorted({m.inspector for group in reviews.values() for m in group})
    figures = []
    for inspector in inspectors:
        own: list[Marking] = []
        others: list[Marking] = []
        differences: list[float] = []
        for group in reviews.values():
            mine = [m for m in group if m.inspector == inspector]
            if not mine:
                continue
            theirs = [m for m in group if m.inspector != inspector]
            own.extend(mine)
            others.extend(theirs)
            other_scores = [m.score for m in theirs if m.score is not None]
            if mine[0].score is not None and other_scores:
                differences.append(mine[0].score - statistics.fmean(other_scores))
        pairs = [(m.score, m.overall) for m in own if m.score is not None]
        with_overall = [(score, given) for score, given in pairs if given is not None]
        agrees = sum(nearest_mark(score) == given for score, given in with_overall)
        figures.append(
            InspectorFigures(
                inspector=inspector,
                reviews=len(own),
                score_difference=_mean_difference(differences),
                not_applicable=_not_applicable_share(own),
                others_not_applicable=_not_applicable_share(others),
                overall_agrees=Share(agrees, len(with_overall)),
            )
        )
    return figures
