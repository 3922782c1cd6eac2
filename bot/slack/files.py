"""Files carried by an outbox message (the quarterly pack's CSV and chart), and their upload.

An outbox payload is JSON, so a file travels base64-encoded under payload["files"]; the
dispatcher, once it has posted the message, uploads them into its thread with files_upload_v2
(getUploadURLExternal, the upload, completeUploadExternal).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk import WebClient

FILES_KEY = "files"


def encoded(content: bytes, *, filename: str, title: str) -> dict[str, str]:
    return {
        "filename": filename,
        "title": title,
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def decoded(entry: Mapping[str, Any]) -> tuple[str, str, bytes]:
    """(filename, title, content) of one encoded file."""
    return str(entry["filename"]), str(entry["title"]), base64.b64decode(entry["content_base64"])


def upload_payload_files(
    client: WebClient, payload: Mapping[str, Any], *, channel: str, thread_ts: str | None
) -> int:
    """Uploads the payload's files, if any, to the channel (in the thread); how many."""
    files: Sequence[Mapping[str, Any]] = payload.get(FILES_KEY) or []
    if not files:
        return 0
    uploads = []
    for entry in files:
        filename, title, content = decoded(entry)
        uploads.append({"content": content, "filename": filename, "title": title})
    client.files_upload_v2(file_uploads=uploads, channel=channel, thread_ts=thread_ts)
    return len(uploads)
