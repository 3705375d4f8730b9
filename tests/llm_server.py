"""A scripted OpenAI-compatible chat completions server on 127.0.0.1, for tests and benchmarks.

It answers ``POST /v1/chat/completions`` with scripted replies (a list consumed in order,
then a default, or a function of the request body), records every request body, and
counts the requests in flight at once. Started on a free port in a background thread;
``stop()`` (or the context manager) shuts it down.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs


@attrs.define
class Reply:
    """One scripted answer: a chat completion with ``content``, or an HTTP error ``status``,
    or a ``raw`` body; ``delay`` seconds before answering; ``drop`` closes the connection
    without answering; ``cut`` sends only the first ``cut`` bytes of the body (announcing
    its full length) and closes the connection."""

    content: str | None = "ok"
    status: int = 200
    finish_reason: str = "stop"
    headers: dict[str, str] = attrs.Factory(dict)
    delay: float = 0.0
    raw: bytes | None = None
    drop: bool = False
    usage: tuple[int, int] = (10, 5)
    choices: bool = True
    refusal: str | None = None
    cut: int | None = None


Script = Callable[[dict[str, Any]], Reply]


class ScriptedServer:
    def __init__(
        self,
        replies: list[Reply] | None = None,
        default: Reply | Script | None = None,
        delay: float = 0.0,
    ) -> None:
        self.replies = list(replies or [])
        self.default = default if default is not None else Reply()
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self.completed = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                data = self.rfile.read(length)
                try:
                    body = json.loads(data)
                except ValueError:  # a client killed while sending: not a request
                    self.close_connection = True
                    return
                with server.lock:
                    server.requests.append(body)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    reply = server._next(body)
                try:
                    time.sleep(server.delay + reply.delay)
                    if reply.drop:
                        self.close_connection = True
                        self.connection.close()
                        return
                    self._send(reply, body)
                finally:
                    with server.lock:
                        server.in_flight -= 1
                        server.completed += 1

            def _send(self, reply: Reply, body: dict[str, Any]) -> None:
                if reply.raw is not None:
                    payload = reply.raw
                elif reply.status != 200:
                    payload = json.dumps(
                        {"error": {"message": f"scripted {reply.status}", "type": "test"}}
                    ).encode()
                else:
                    message = {"role": "assistant", "content": reply.content}
                    if reply.refusal:
                        message["refusal"] = reply.refusal
                    choices = [
                        {"index": 0, "message": message, "finish_reason": reply.finish_reason}
                    ]
                    payload = json.dumps(
                        {
                            "id": "chatcmpl-test",
                            "object": "chat.completion",
                            "created": 0,
                            "model": body.get("model", "test"),
                            "choices": choices if reply.choices else [],
                            "usage": {
                                "prompt_tokens": reply.usage[0],
                                "completion_tokens": reply.usage[1],
                                "total_tokens": sum(reply.usage),
                            },
                        }
                    ).encode()
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if reply.cut is not None:
                    self.wfile.write(payload[: reply.cut])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.close()
                    return
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default backlog (5) resets bursts of connections

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def _next(self, body: dict[str, Any]) -> Reply:
        if self.replies:
            return self.replies.pop(0)
        if callable(self.default):
            return self.default(body)
        return self.default

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ScriptedServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def echo_seed(body: dict[str, Any]) -> Reply:
    """A reply whose text names the request's seed and last user message."""
    last = body["messages"][-1]["content"]
    return Reply(content=f"seed={body.get('seed')} said={last}")


def main() -> None:
    """Serve one fixed answer after a delay until killed: ``python -m tests.llm_server``."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--content", default="ok")
    args = parser.parse_args()
    server = ScriptedServer(default=Reply(content=args.content), delay=args.delay)
    print(server.url, flush=True)
    server.thread.join()


if __name__ == "__main__":
    main()
