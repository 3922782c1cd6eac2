"""The Web API methods the stand-in implements, by name."""

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from bot.offline.standin import messages, views
from bot.offline.standin.context import Answer, Ctx, fail, json_arg
from bot.offline.standin.records import StoredFile

Handler = Callable[[Ctx, Mapping[str, Any]], Answer]


def auth_test(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    state = ctx.state
    return {
        "ok": True,
        "url": "https://standin.slack.invalid/",
        "team": "Stand-in workspace",
        "user": "dipsample",
        "team_id": state.team_id,
        "user_id": state.bot_user_id,
        "bot_id": state.bot_id,
        "is_enterprise_install": False,
    }


def api_test(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    return {"ok": True, "args": dict(params)}


def users_lookup_by_email(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    user = ctx.state.user_by_email(str(params.get("email") or ""))
    if user is None:
        return fail("users_not_found")
    return {"ok": True, "user": user.to_api()}


def users_info(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    user = ctx.state.users.get(str(params.get("user") or ""))
    if user is None:
        return fail("user_not_found")
    return {"ok": True, "user": user.to_api()}


def conversations_open(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    if params.get("channel"):
        return {"ok": True, "channel": {"id": str(params["channel"])}}
    user_ids = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
    if not user_ids:
        return fail("users_list_not_supplied")
    if any(u not in ctx.state.users for u in user_ids):
        return fail("user_not_found")
    if len(user_ids) == 1:
        channel_id = ctx.state.dm_channel(user_ids[0])
    else:  # a group DM: one stable id per set of people
        digest = hashlib.sha1(",".join(sorted(user_ids)).encode()).hexdigest()[:10].upper()
        channel_id = f"G{digest}"
    return {"ok": True, "no_op": False, "already_open": False, "channel": {"id": channel_id}}


def files_get_upload_url(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    filename = str(params.get("filename") or "")
    try:
        length = int(params.get("length") or 0)
    except (TypeError, ValueError):
        return fail("invalid_arguments")
    if not filename or length <= 0:
        return fail("invalid_arguments")
    file_id = ctx.state.start_upload(filename, length)
    return {"ok": True, "upload_url": f"{ctx.base_url}upload/{file_id}", "file_id": file_id}


def files_complete_upload(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    files = json_arg(params.get("files"))
    if not isinstance(files, list) or not files:
        return fail("invalid_arguments")
    channels = [c for c in str(params.get("channels") or "").split(",") if c]
    channel = params.get("channel_id") or (channels[0] if channels else None)
    channel = ctx.state.channel_for(str(channel)) if channel else None
    with ctx.state.lock:
        if any(str(f.get("id")) not in ctx.state.uploaded for f in files):
            return fail("file_not_found")
        stored = [
            StoredFile(
                id=str(f["id"]),
                filename=ctx.state.uploads[str(f["id"])][0],
                title=f.get("title"),
                channel=channel,
                initial_comment=params.get("initial_comment"),
                content=ctx.state.uploaded.pop(str(f["id"])),
                thread_ts=params.get("thread_ts"),
            )
            for f in files
        ]
        for one in stored:
            ctx.state.complete_upload(one)
    answers = [
        {
            "id": f.id,
            "name": f.filename,
            "title": f.title or f.filename,
            "size": len(f.content),
            "channels": [f.channel] if f.channel else [],
        }
        for f in stored
    ]
    return {"ok": True, "files": answers}


def apps_connections_open(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    """Socket Mode: where to open the WebSocket (a test's server; see SlackStandIn)."""
    url = ctx.state.socket_mode_url
    return {"ok": True, "url": url} if url else fail("not_allowed_token_type")


METHODS: dict[str, Handler] = {
    "apps.connections.open": apps_connections_open,
    "api.test": api_test,
    "auth.test": auth_test,
    "users.lookupByEmail": users_lookup_by_email,
    "users.info": users_info,
    "conversations.open": conversations_open,
    "conversations.history": messages.history,
    "chat.postMessage": messages.post_message,
    "chat.update": messages.update,
    "chat.postEphemeral": messages.post_ephemeral,
    "chat.delete": messages.delete,
    "views.open": views.open_modal,
    "views.push": views.push,
    "views.update": views.update,
    "views.publish": views.publish,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}


def call(ctx: Ctx, method: str, params: Mapping[str, Any]) -> Answer:
    handler = METHODS.get(method)
    if handler is None:
        return fail("unknown_method")
    return handler(ctx, params)
