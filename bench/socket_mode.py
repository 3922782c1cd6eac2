"""Socket Mode: how soon a request is acknowledged, steadily and first after Slack asks for a
reconnect, with slack_sdk's builtin adapter as Bolt builds it, the same as `dipsample serve`
builds it (bot.bootstrap.LoggedSocketModeHandler), and Bolt's websocket-client adapter (which
needs the websocket-client package: `pip install websocket-client`).

    .venv/bin/python bench/socket_mode.py [--reconnects 5]

A bare Bolt app (it only acknowledges a slash command) is connected to a local WebSocket
server (tests/support/socket_mode.py) through the local Slack stand-in.

2026-12-06, 2 cores, first acknowledgement after a reconnect, median of 5 (of 20):
builtin 3100 ms (3099 ms), as serve builds it 128 ms (127 ms), websocket-client 11.5 ms (but
in 2 of 3 runs it did not reconnect within 10 s). Steady: 11 ms for all three (Bolt's 10 ms
look for ack()).

The builtin client's 3 s: after the "disconnect" it opens the new connection, then closes the
old one, which waits for the receiving thread to let go of the old socket, and that thread is
waiting in recv() for up to the socket's 3 s read timeout (slack_sdk builtin/connection.py,
disconnect(); builtin/internals.py, _receive_messages()). Shorter timeouts moved it one for
one (1 s: 1096 ms, 0.3 s: 390 ms, 0.05 s: 143 ms). serve's handler cuts the old socket's
timeout to 10 ms when the "disconnect" arrives; most of the 128 ms left is the receiving
thread's 0.1 s pause before it reads the new connection (builtin/client.py, IntervalRunner).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler as BuiltinHandler
from slack_sdk import WebClient
from support.socket_mode import SocketModeServer

from bot.bootstrap import LoggedSocketModeHandler
from bot.offline.standin import SlackStandIn

BOT_TOKEN, APP_TOKEN = "xoxb-bench", "xapp-1-bench"
COMMAND = {"command": "/dip", "text": "help", "user_id": "U0BENCH001", "channel_id": "D0BENCH"}
STEADY = 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reconnects", type=int, default=5)
    args = parser.parse_args()
    adapters: list[tuple[str, Any]] = [
        ("builtin", BuiltinHandler),
        ("builtin, as serve builds it", LoggedSocketModeHandler),
    ]
    try:
        from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler
    except ImportError:
        print("websocket-client: skipped (pip install websocket-client to compare)")
    else:
        adapters.append(("websocket-client", SocketModeHandler))
    for name, handler in adapters:
        steady, first = measure(handler, args.reconnects)
        print(
            f"{name}: steady ack median {statistics.median(steady) * 1000:.1f} ms; "
            f"first ack after a reconnect median {statistics.median(first) * 1000:.1f} ms, "
            f"max {max(first) * 1000:.1f} ms over {len(first)} reconnects"
        )
    return 0


def measure(handler_class: Any, reconnects: int) -> tuple[list[float], list[float]]:
    with SocketModeServer() as server, SlackStandIn(tokens={BOT_TOKEN, APP_TOKEN}) as standin:
        standin.serve_socket_mode_at(server.url)
        base_url = standin.api_url if standin.api_url.endswith("/") else standin.api_url + "/"
        app = App(client=WebClient(token=BOT_TOKEN, base_url=base_url), signing_secret="")
        app.command("/dip")(lambda ack: ack())
        handler = handler_class(app, APP_TOKEN, web_client=WebClient(APP_TOKEN, base_url))
        handler.connect()
        try:
            server.wait_for_connections(1)
            steady = [
                server.acknowledged_after(*server.envelope("slash_commands", COMMAND))
                for _ in range(STEADY)
            ]
            first = []
            for _ in range(reconnects):
                before = server.connections
                server.ask_to_reconnect()
                try:
                    server.wait_for_connections(before + 1)
                except TimeoutError:
                    print("  it did not reconnect within 10 s")
                    break
                first.append(server.acknowledged_after(*server.envelope("slash_commands", COMMAND)))
        finally:
            handler.close()
    return steady, first


if __name__ == "__main__":
    sys.exit(main())
