"""The Area Performance Review pack, read in one place and drawn in one place for every way it
leaves: the quarterly job (to each Area's leads), `/dip apr` (to whoever asks, in their DM) and
`dipsample apr --format pdf`.

Reading (`read_apr`) needs a session; drawing (`apr_files`) does not, so callers draw outside
any transaction: on SQLite a transaction holds the write lock, and inspectors' clicks would
wait for the charts.

The files: the trend summary as CSV, the trend chart (PNG), the tidy metrics CSV (one row per
metric per review type) and the readable document (PDF: metrics, chart, qualitative page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.people.requester import requester
from bot.services.trends.apr import as_csv as metrics_csv
from bot.services.trends.apr import audit_export, metrics_for
from bot.services.trends.apr_document import apr_pdf
from bot.services.trends.charts import trend_chart
from bot.services.trends.engine import SectionSeries, section_series, summarise
from bot.services.trends.export import as_csv
from bot.services.trends.learning import Feed, feed_of
from bot.services.trends.requests import TrendRequest
from bot.services.trends.summary import allowed_scope, chart_data
from bot.slack.files import encoded
from inspections.apr import Metric
from inspections.periods import Period
from inspections.scopes import Scope, ScopeKind
from inspections.trend_summary import TrendSummary
from storage import audit
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class AprFigures:
    area: str
    quarter: Period
    summary: TrendSummary
    series: SectionSeries
    metrics: list[Metric]
    feed: Feed

    @property
    def stem(self) -> str:
        return f"apr-{file_slug(self.area)}-{self.quarter.label}"


def read_apr(session: Session, *, area: str, quarter: Period, tz: ZoneInfo) -> AprFigures:
    scope = Scope(ScopeKind.AREA, area, area=area)
    summary = summarise(session, scope=scope, period=quarter, review_type=None, tz=tz)
    series = section_series(session, scope=scope, period=quarter, review_type=None, tz=tz)
    metrics = metrics_for(session, area=area, quarter=quarter, tz=tz)
    feed = feed_of(session, quarter=quarter, area=area, tz=tz)
    return AprFigures(area, quarter, summary, series, metrics, feed)


def exported_apr(
    uow: UnitOfWork, *, area: str, quarter: Period, tz: ZoneInfo, actor: str, now: datetime
) -> AprFigures:
    """The whole pack, for `dipsample apr --format pdf`: read once and audited as an export."""
    with uow:
        figures = read_apr(uow.session, area=area, quarter=quarter, tz=tz)
        audit_export(
            uow.session, area=area, quarter=quarter, metrics=len(figures.metrics), actor=actor,
            now=now,
        )  # fmt: skip
        uow.commit()
    return figures


def apr_document(figures: AprFigures) -> bytes:
    chart = trend_chart(chart_data(figures.summary, figures.series))
    return apr_pdf(figures.area, figures.quarter.label, figures.metrics, chart, figures.feed)


def apr_files(figures: AprFigures) -> list[dict[str, str]]:
    """The pack's files, encoded for the outbox (bot.slack.files)."""
    stem = figures.stem
    chart = trend_chart(chart_data(figures.summary, figures.series))
    tidy = metrics_csv(figures.metrics, figures.area, figures.quarter.label)
    document = apr_pdf(figures.area, figures.quarter.label, figures.metrics, chart, figures.feed)
    return [
        encoded(
            as_csv(figures.summary).encode("utf-8"), filename=f"{stem}.csv", title=f"{stem}.csv"
        ),
        encoded(chart, filename=f"{stem}.png", title=f"{stem}.png"),
        encoded(tidy.encode("utf-8"), filename=f"{stem}-metrics.csv", title=f"{stem}-metrics.csv"),
        encoded(document, filename=f"{stem}.pdf", title=f"{stem}.pdf"),
    ]


def file_slug(text: str) -> str:
    """A name fit for a file: lower case, anything but letters and digits a hyphen."""
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def apr_request(
    uow: UnitOfWork, *, slack_user_id: str, request: TrendRequest, now: datetime, tz: ZoneInfo
) -> AprFigures:
    """`/dip apr`: the pack of an Area the person may see (their own as an Area lead or Chief
    Crown Prosecutor; any as a national lead), read and audited; Refused (audited) otherwise."""
    with uow:
        session = uow.session
        person = requester(session, slack_user_id, action="apr", now=now)
        scope = allowed_scope(session, person, request.scope, slack_user_id, now, action="apr")
        assert scope.area is not None  # an "area" request resolves to an Area or is refused
        quarter = request.period(now.astimezone(tz).date())
        figures = read_apr(session, area=scope.area, quarter=quarter, tz=tz)
        audit.record(
            session,
            actor=person.email,
            action="apr.viewed",
            entity_type="trend_scope",
            entity_id=scope.area,
            details={"quarter": quarter.label, "inspections": figures.summary.figures.inspections},
            now=now,
        )
        uow.commit()
    return figures
