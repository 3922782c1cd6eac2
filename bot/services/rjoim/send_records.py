"""The lead's "Send me the records" button: a meeting's CPS record and police-safe record, each
as CSV and PDF, to the lead's own DM through the outbox. Read and drawn outside any write
transaction (on SQLite a transaction holds the write lock while matplotlib draws); the message
and both exports' audit rows are then written together. The dedupe key carries the click's
action_ts, so Slack's retry of one click sends once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.rjoim import record_files
from bot.services.rjoim.leads import lead_and_meeting
from bot.services.rjoim.record_export import audit_export, build_document
from bot.services.trends.apr_pack import file_slug
from bot.slack.blocks.rjoim_home import records_message
from bot.slack.files import FILES_KEY, encoded
from inspections.forces import force_name
from storage import outbox
from storage.uow import UnitOfWork

KIND = "rjoim_records"


def send_records(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    meeting_id: int,
    click: str,
    now: datetime,
    tz: ZoneInfo,
) -> None:
    with uow:
        session = uow.session
        lead, meeting = lead_and_meeting(session, actor_slack_id, meeting_id, "rjoim.send", now)
        area, force, held_on, person_id = (
            meeting.area,
            meeting.force_code,
            meeting.held_on,
            lead.person.id,
        )
        documents = [
            build_document(
                session,
                area=area,
                force=force,
                meeting_id=meeting_id,
                police_safe=safe,
                now=now,
                tz=tz,
            )
            for safe in (False, True)
        ]
    stem = f"rjoim-{file_slug(area)}-{force}-{held_on.isoformat()}"
    files = []
    for document in documents:
        name = f"{stem}-{'police-safe' if document['police_safe'] else 'cps'}"
        files.append(
            encoded(
                record_files.as_csv(document).encode("utf-8"),
                filename=f"{name}.csv",
                title=f"{name}.csv",
            )
        )
        files.append(
            encoded(record_files.as_pdf(document), filename=f"{name}.pdf", title=f"{name}.pdf")
        )
    payload = {**records_message(f"{area} with {force_name(force)}", held_on), FILES_KEY: files}
    with uow:
        sent = outbox.enqueue(
            uow.session,
            dedupe_key=f"rjoim-records:{meeting_id}:{person_id}:{click}",
            kind=KIND,
            recipient_person_id=person_id,
            payload=payload,
            now=now,
        )
        if sent is not None:
            for document in documents:
                audit_export(
                    uow.session,
                    actor=lead.email,
                    document=document,
                    force=force,
                    meeting_id=meeting_id,
                    now=now,
                    to="own DM",
                )
        uow.commit()
