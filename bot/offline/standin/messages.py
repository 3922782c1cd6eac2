"""chat.* methods and response_url posts: messages in conversations."""

from collections.abc import Mapping
from typing import Any

from bot.offline.standin.context import Answer, Ctx, fail, json_arg, with_ids
from bot.offline.standin.limits import message_errors
from bot.offline.standin.records import ResponsePost, ResponseTarget


def _content(params: Mapping[str, Any]) -> dict[str, Any]:
    content = dict(params)
    for key in ("blocks", "attachments", "metadata"):
        if key in content:
            content[key] = json_arg(content[key])
    return content


def _refusal(ctx: Ctx, method: str, params: Mapping[str, Any]) -> Answer | None:
    errors = message_errors(params)
    if not errors:
        return None
    block_errors = any("/blocks" in e for e in errors)
    return ctx.refuse(method, params, errors, "invalid_blocks" if block_errors else "msg_too_long")


def _has_content(params: Mapping[str, Any]) -> bool:
    return bool(params.get("text") or params.get("blocks") or params.get("attachments"))


def post_message(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    params = _content(params)
    if not params.get("channel"):
        return fail("channel_not_found")
    if not _has_content(params):
        return fail("no_text")
    if (refused := _refusal(ctx, "chat.postMessage", params)) is not None:
        return refused
    channel = ctx.state.channel_for(str(params["channel"]))
    message = ctx.state.store_message(
        ctx.state.new_message(
            channel,
            str(params.get("text") or ""),
            with_ids(ctx, params.get("blocks") or []),
            thread_ts=params.get("thread_ts"),
            metadata=_metadata(params.get("metadata")),
        )
    )
    return {"ok": True, "channel": channel, "ts": message.ts, "message": message.to_api()}


def _metadata(given: object) -> dict[str, Any] | None:
    """Slack keeps a message's metadata when it has an event_type and an event_payload."""
    if isinstance(given, dict) and given.get("event_type") and "event_payload" in given:
        return {"event_type": given["event_type"], "event_payload": given["event_payload"]}
    return None


def history(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    """conversations.history: a conversation's messages newest first, from ``oldest`` on
    (exclusive), at most ``limit`` of them (Slack's default 100, its maximum 999); their
    metadata only with ``include_all_metadata``."""
    channel = ctx.state.channel_for(str(params.get("channel") or ""))
    if not channel:
        return fail("channel_not_found")
    oldest = float(params.get("oldest") or 0)
    limit = min(int(params.get("limit") or 100), 999)
    with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
    found = [m for m in reversed(ctx.state.messages_in(channel)) if float(m.ts) > oldest]
    return {
        "ok": True,
        "messages": [m.to_api(with_metadata=with_metadata) for m in found[:limit]],
        "has_more": len(found) > limit,
    }


def update(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    params = _content(params)
    channel = ctx.state.channel_for(str(params.get("channel") or ""))
    ts = str(params.get("ts") or "")
    current = ctx.state.message(channel, ts)
    if current is None:
        return fail("message_not_found")
    if (refused := _refusal(ctx, "chat.update", params)) is not None:
        return refused
    changes: dict[str, Any] = {}
    if params.get("text") is not None:
        changes["text"] = str(params["text"])
    # Slack keeps the previous blocks when the update leaves them out.
    if params.get("blocks") is not None:
        changes["blocks"] = with_ids(ctx, params["blocks"])
    edited = ctx.state.edit_message(channel, ts, **changes)
    if edited is None:
        return fail("message_not_found")
    return {
        "ok": True,
        "channel": channel,
        "ts": ts,
        "text": edited.text,
        "message": edited.to_api(),
    }


def post_ephemeral(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    params = _content(params)
    user_id = str(params.get("user") or "")
    if not params.get("channel"):
        return fail("channel_not_found")
    channel = ctx.state.channel_for(str(params["channel"]))
    # Only the app and its user are in an app DM: a note to anyone else is refused.
    owner = ctx.state.dm_owner(channel)
    if user_id not in ctx.state.users or owner not in (None, user_id):
        return fail("user_not_in_channel")
    if not _has_content(params):
        return fail("no_text")
    if (refused := _refusal(ctx, "chat.postEphemeral", params)) is not None:
        return refused
    message = ctx.state.store_message(
        ctx.state.new_message(
            channel,
            str(params.get("text") or ""),
            with_ids(ctx, params.get("blocks") or []),
            ephemeral_to=user_id,
        )
    )
    return {"ok": True, "message_ts": message.ts}


def delete(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    channel = ctx.state.channel_for(str(params.get("channel") or ""))
    ts = str(params.get("ts") or "")
    if not ctx.state.delete_message(channel, ts):
        return fail("message_not_found")
    return {"ok": True, "channel": channel, "ts": ts}


def response_url_post(ctx: Ctx, key: str, path: str, body: Any) -> tuple[int, str]:
    """A POST to a response_url: (HTTP status, plain-text answer), as hooks.slack.com does."""
    target = ctx.state.response_target(key)
    if target is None:
        return 404, "no_such_response_url"
    if not isinstance(body, dict):
        return 400, "invalid_payload"
    ctx.state.record_response(ResponsePost(path=path, body=body, at=ctx.state.now()))
    if errors := message_errors(body):
        ctx.refuse("response_url", body, errors, "invalid_blocks")
        return 400, "invalid_blocks"
    _apply_response(ctx, target, body)
    return 200, "ok"


def _apply_response(ctx: Ctx, target: ResponseTarget, body: dict[str, Any]) -> None:
    text, blocks = str(body.get("text") or ""), body.get("blocks")
    if target.message_ts is not None and _flag(body.get("delete_original")):
        ctx.state.delete_message(target.channel, target.message_ts)
    elif target.message_ts is not None and _flag(body.get("replace_original")):
        changes: dict[str, Any] = {"text": text}
        if blocks is not None:
            changes["blocks"] = with_ids(ctx, blocks)
        ctx.state.edit_message(target.channel, target.message_ts, **changes)
    elif body.get("response_type") == "in_channel":
        ctx.state.store_message(
            ctx.state.new_message(target.channel, text, with_ids(ctx, blocks or []))
        )
    else:
        # Slack's default for a response is an ephemeral message to the user who acted.
        message = ctx.state.new_message(
            target.channel, text, with_ids(ctx, blocks or []), ephemeral_to=target.user_id
        )
        ctx.state.store_message(message)


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")
