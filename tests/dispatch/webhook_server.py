"""A fake group robot (DingTalk or WeCom) for the channel and delivery tests: a real HTTP server on
127.0.0.1 (port 0: the system picks a free one) in a thread, recording every request it receives.

Modes: "ok" answers HTTP 200 {"errcode": 0}; "fail" HTTP 500; "refuse" HTTP 200 with errcode 310000
(how the robots say no); "hang" answers nothing until ``hang_seconds`` have passed or the server is
stopped (beyond the client's timeout). With a ``secret``, it checks DingTalk's signature — the
``timestamp`` (milliseconds, within an hour) and ``sign`` = base64(HMAC-SHA256(secret,
"timestamp\\nsecret")) in the query — and refuses a request without a good one (errcode 310000,
"sign not match"), as DingTalk does."""

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SIGN_REFUSED = 310000


@dataclass
class Received:
    path: str
    query: dict  # name -> the first value
    headers: dict
    payload: object  # the JSON body, or the raw text when it was no JSON
    signed: bool  # the DingTalk signature checked out (False when no secret is set)
    ok: bool  # answered with success (HTTP 200, errcode 0) in time


class FakeRobot:
    def __init__(self, *, secret="", mode="ok", hang_seconds=5.0, delay_seconds=0.0):
        self.secret = secret
        self.mode = mode
        self.hang_seconds = hang_seconds
        self.delay_seconds = delay_seconds  # every answer waits this long (to interleave two senders)
        self.received = []  # accepted or not, every request that arrived, in order
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}/robot/send?access_token=test-token"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()  # a hanging handler answers now
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def accepted(self):
        """The requests answered with success."""
        with self._lock:
            return [request for request in self.received if request.ok]

    def contents(self):
        """The text of each message received, in order (DingTalk and WeCom carry it alike)."""
        with self._lock:
            return [request.payload["text"]["content"] for request in self.received]

    def _check_sign(self, query):
        try:
            timestamp = int(query["timestamp"])
        except (KeyError, ValueError):
            return False
        if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
            return False
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        ).decode()
        return hmac.compare_digest(query.get("sign", ""), expected)  # parse_qs has unquoted it

    def _handler(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                parts = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(parts.query).items()}
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = body
                signed = bool(robot.secret) and robot._check_sign(query)
                mode = robot.mode
                ok = mode == "ok" and (signed or not robot.secret)
                with robot._lock:
                    robot.received.append(Received(parts.path, query, dict(self.headers), payload, signed, ok))
                if robot.delay_seconds:
                    time.sleep(robot.delay_seconds)
                if mode == "hang":
                    robot._stopping.wait(robot.hang_seconds)
                    return self._answer(200, {"errcode": 0, "errmsg": "ok"})
                if robot.secret and not signed:
                    return self._answer(200, {"errcode": SIGN_REFUSED, "errmsg": "sign not match"})
                if mode == "fail":
                    return self._answer(500, {"errcode": -1, "errmsg": "system busy"})
                if mode == "refuse":
                    return self._answer(200, {"errcode": SIGN_REFUSED, "errmsg": "keywords not in content"})
                return self._answer(200, {"errcode": 0, "errmsg": "ok"})

            def _answer(self, status, answer):
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (its timeout) before the answer

            def log_message(self, *args):
                pass

        return Handler
