"""An HTTP server on 127.0.0.1 that records the requests the Elasticsearch client sends and
answers them as a cluster would, from answers each test gives. No Elasticsearch server can be
installed here, so the engine is tested at the request level: the real client, real HTTP, the
exact bodies on the wire."""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    query: str
    body: object  # parsed JSON, a list of parsed NDJSON lines, or None

    @property
    def target(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Answer:
    method: str
    path: re.Pattern
    status: int
    body: object  # or a function of the Request that returns it
    times: int | None  # None: every time
    delay: float = 0  # seconds before answering, as a slow cluster would


@dataclass
class RecordingElasticsearch:
    requests: list[Request] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    url: str = ""

    def answer(
        self,
        method: str,
        path: str,
        body: object = None,
        status: int = 200,
        times: int | None = None,
        delay: float = 0,
    ) -> None:
        """Answer requests whose path matches the regular expression `path`, with `body` or, if it
        is callable, what it returns for the request."""
        self.answers.insert(0, Answer(method, re.compile(path), status, {} if body is None else body, times, delay))

    def sent(self, method: str | None = None, path: str | None = None) -> list[Request]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or re.fullmatch(path, r.path))
        ]

    def _respond(self, request: Request) -> tuple[int, object]:
        for answer in self.answers:
            if answer.method == request.method and answer.path.fullmatch(request.path):
                if answer.times is not None:
                    answer.times -= 1
                    if answer.times == 0:
                        self.answers.remove(answer)
                time.sleep(answer.delay)
                return answer.status, answer.body(request) if callable(answer.body) else answer.body
        if request.path.endswith("/_bulk"):
            return 200, bulk_answer(request.body)
        if request.method == "GET" and "_alias" in request.path:
            return 200, {}  # a cluster with no index yet: a wildcard pattern matches nothing
        return 200, {"acknowledged": True}


SHARDS = {"total": 1, "successful": 1, "failed": 0}


def bulk_answer(lines: list, refused: dict[tuple[str, str], dict] | None = None) -> dict:
    """The bulk API's answer, item by item as the reference shows it: an index creates the
    document (201), a delete of a document that is not there finds nothing (404, no error).
    `refused` maps (operation, id) to the item a cluster answers instead (its status, error)."""
    items, position = [], 0
    while position < len(lines):
        ((operation, meta),) = lines[position].items()
        position += 1 if operation == "delete" else 2
        result, status = ("not_found", 404) if operation == "delete" else ("created", 201)
        item = {
            "_index": meta["_index"],
            "_id": str(meta["_id"]),
            "_version": 1,
            "result": result,
            "_shards": SHARDS,
            "_seq_no": 0,
            "_primary_term": 1,
            "status": status,
        }
        if refused and (operation, str(meta["_id"])) in refused:
            item = {"_index": meta["_index"], "_id": str(meta["_id"]), **refused[(operation, str(meta["_id"]))]}
        items.append({operation: item})
    return {"took": 1, "errors": any("error" in item[op] for item in items for op in item), "items": items}


def _handler(recorder: RecordingElasticsearch):
    class Handler(BaseHTTPRequestHandler):
        def _handle(self):
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            if "ndjson" in (self.headers.get("Content-Type") or ""):
                body = [json.loads(line) for line in raw.splitlines() if line.strip()]
            else:
                body = json.loads(raw) if raw else None
            request = Request(self.command, path, query, body)
            recorder.requests.append(request)
            status, answer = recorder._respond(request)
            payload = b"" if self.command == "HEAD" else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        def log_message(self, *args):
            pass

    return Handler


class RecordingServer:
    def __init__(self):
        self.recorder = RecordingElasticsearch()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.recorder))
        self.recorder.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingElasticsearch:
        self.thread.start()
        return self.recorder

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
