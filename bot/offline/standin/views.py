"""views.* methods, and what a view_submission answer does to the open modal."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.offline.standin.context import Answer, Ctx, fail, json_arg, with_ids
from bot.offline.standin.limits import view_errors
from bot.offline.standin.records import StoredView

MAX_STACKED_MODALS = 3  # Slack refuses a fourth with push_limit_reached


def _view_object(
    ctx: Ctx,
    view: Mapping[str, Any],
    *,
    view_id: str,
    root_view_id: str,
    previous_view_id: str | None,
) -> dict[str, Any]:
    """The view object as Slack returns it and sends it back in payloads."""
    team_id = ctx.state.team_id
    obj: dict[str, Any] = {
        "id": view_id,
        "team_id": team_id,
        "type": view["type"],
        "blocks": with_ids(ctx, list(view["blocks"])),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": ctx.state.new_hash(),
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_view_id,
        "app_id": ctx.state.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": team_id,
        "bot_id": ctx.state.bot_id,
    }
    for key in ("title", "submit", "close"):
        if view.get(key) is not None:
            obj[key] = view[key]
    if view["type"] == "modal":
        obj["previous_view_id"] = previous_view_id
    return obj


def _checked_view(
    ctx: Ctx, method: str, params: Mapping[str, Any], kind: str
) -> tuple[dict[str, Any] | None, Answer | None]:
    view = json_arg(params.get("view"))
    if errors := view_errors(view):
        return None, ctx.refuse(method, params, errors, "invalid_blocks")
    if view["type"] != kind:
        return None, fail("invalid_arguments")
    return dict(view), None


def _trigger(params: Mapping[str, Any]) -> str:
    return str(params.get("trigger_id") or params.get("interactivity_pointer") or "")


def open_modal(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    view, refused = _checked_view(ctx, "views.open", params, "modal")
    if view is None:
        return refused or fail("invalid_arguments")
    user_id, error = ctx.state.exchange_trigger(_trigger(params))
    if user_id is None:
        return fail(error or "invalid_trigger_id")
    view_id = ctx.state.next_id("V")
    obj = _view_object(ctx, view, view_id=view_id, root_view_id=view_id, previous_view_id=None)
    ctx.state.store_view(StoredView(id=view_id, user_id=user_id, view=obj, opened_by="views.open"))
    return {"ok": True, "view": obj}


def push(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    view, refused = _checked_view(ctx, "views.push", params, "modal")
    if view is None:
        return refused or fail("invalid_arguments")
    user_id, error = ctx.state.exchange_trigger(_trigger(params))
    if user_id is None:
        return fail(error or "invalid_trigger_id")
    return push_view(ctx, user_id, view, opened_by="views.push")


def push_view(ctx: Ctx, user_id: str, view: dict[str, Any], *, opened_by: str) -> Answer:
    stack = open_modals(ctx, user_id)
    if not stack:
        return fail("not_found")
    if len(stack) >= MAX_STACKED_MODALS:
        return fail("push_limit_reached")
    top = stack[-1]
    view_id = ctx.state.next_id("V")
    obj = _view_object(
        ctx,
        view,
        view_id=view_id,
        root_view_id=str(top.view["root_view_id"]),
        previous_view_id=top.id,
    )
    ctx.state.store_view(StoredView(id=view_id, user_id=user_id, view=obj, opened_by=opened_by))
    return {"ok": True, "view": obj}


def update(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    with ctx.state.lock:  # the hash check and the replacement are one step
        current = ctx.state.find_view(
            view_id=params.get("view_id"), external_id=params.get("external_id")
        )
        if current is None or current.closed:
            return fail("not_found")
        if params.get("hash") and params["hash"] != current.view["hash"]:
            return fail("hash_conflict")
        view, refused = _checked_view(ctx, "views.update", params, current.type)
        if view is None:
            return refused or fail("invalid_arguments")
        return {"ok": True, "view": replace_view(ctx, current, view, opened_by=current.opened_by)}


def replace_view(
    ctx: Ctx, current: StoredView, view: dict[str, Any], *, opened_by: str
) -> dict[str, Any]:
    obj = _view_object(
        ctx,
        view,
        view_id=current.id,
        root_view_id=str(current.view["root_view_id"]),
        previous_view_id=current.view.get("previous_view_id"),
    )
    ctx.state.store_view(replace(current, view=obj, opened_by=opened_by))
    return obj


def publish(ctx: Ctx, params: Mapping[str, Any]) -> Answer:
    user_id = str(params.get("user_id") or "")
    if user_id not in ctx.state.users:
        return fail("user_not_found")
    view, refused = _checked_view(ctx, "views.publish", params, "home")
    if view is None:
        return refused or fail("invalid_arguments")
    with ctx.state.lock:  # one Home tab per user, even when two threads publish at once
        existing_id = ctx.state.home_views.get(user_id)
        existing = ctx.state.views.get(existing_id) if existing_id else None
        if existing and params.get("hash") and params["hash"] != existing.view["hash"]:
            return fail("hash_conflict")
        view_id = existing.id if existing else ctx.state.next_id("V")
        obj = _view_object(ctx, view, view_id=view_id, root_view_id=view_id, previous_view_id=None)
        stored = StoredView(id=view_id, user_id=user_id, view=obj, opened_by="views.publish")
        ctx.state.store_view(stored)
    return {"ok": True, "view": obj}


def open_modals(ctx: Ctx, user_id: str) -> list[StoredView]:
    """The user's stack of open modals, root first."""
    with ctx.state.lock:
        views = [ctx.state.views[i] for i in ctx.state.view_order]
    modals = [v for v in views if v.user_id == user_id and v.type == "modal" and not v.closed]
    if not modals:
        return []
    root = modals[-1].view["root_view_id"]
    return [v for v in modals if v.view["root_view_id"] == root]


def close(ctx: Ctx, stored: StoredView, *, whole_stack: bool) -> None:
    targets = open_modals(ctx, stored.user_id) if whole_stack else [stored]
    for view in targets:
        ctx.state.store_view(replace(view, closed=True))


def apply_submission_answer(ctx: Ctx, stored: StoredView, answer: Any) -> None:
    """Do what Slack does with the app's answer to a view_submission."""
    action = answer.get("response_action") if isinstance(answer, dict) else None
    if action == "errors":
        return  # the modal stays open and shows the errors inline
    if action in ("update", "push"):
        params = {"view": answer.get("view")}
        view, _ = _checked_view(ctx, f"view_submission.{action}", params, "modal")
        if view is None:
            return
        if action == "update":
            replace_view(ctx, stored, view, opened_by="view_submission.update")
        else:
            push_view(ctx, stored.user_id, view, opened_by="view_submission.push")
        return
    close(ctx, stored, whole_stack=action == "clear")
