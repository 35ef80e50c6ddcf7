"""The shared machinery of our SaaS emulators: an HTTP server, routing, fault knobs, rate limiting and a
request log. Each service (tests/emulators/<service>/emulator.py) subclasses Service and adds its routes,
its error envelope, its auth check, its state and its seeding. Standard library only.

Control endpoints live under /_emulator/ (no auth, never part of the emulated API):
  GET  /_emulator/health            {"ok": true}
  GET  /_emulator/knobs             current knobs
  POST /_emulator/knobs             merge a JSON object into the knobs (see KNOB_DEFAULTS)
  GET  /_emulator/requests          the request log: [{"t", "method", "path", "status", "outcome"}]
  GET  /_emulator/stats             counts, and the most requests seen in any 1-second window
  POST /_emulator/reset-log         clears the request log and the fault counters
  GET  /_emulator/state             the service's whole state (service-defined)
  POST /_emulator/seed              {"count": N, ...service options} (service-defined)
  POST /_emulator/reset             empties the service's state (service-defined)
A test reads /_emulator/state to prove what landed, and /_emulator/stats to prove the rate was kept.
"""

import argparse
import json
import re
import sys
import threading
import time
import traceback
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

# Knobs every emulator understands. Services may add their own (documented in their README section).
KNOB_DEFAULTS = {
    # Requests allowed in any sliding 1-second window (0: no limit). Over it: the service's 429.
    "rate_limit_per_second": 0,
    # The next N service requests get the service's 429 (a "storm"), whatever the rate.
    "storm_429": 0,
    # Seconds sent in Retry-After with a 429 (services that send the header at all).
    "retry_after_seconds": 1,
    # Faults on the Nth matching service request (1-based; each entry counts the requests it matches since it
    # was set, the start or the last reset-log): [{"nth": 5, "status": 500, "apply": false}] -> the 5th request
    # gets a 500; with "apply": true the request is carried out first and only its answer is replaced (the
    # worst case for a client: it happened, but the client cannot know). Optional "method" and "path" (a regex)
    # narrow which requests the entry counts.
    "fail": [],
    # [{"nth": 3, "seconds": 5}] -> request 3 waits that long before it is handled (client timeouts).
    "delay": [],
    # Text values containing one of these strings fail validation with the service's per-record error.
    "reject_values": [],
    # Largest page a list endpoint serves (services keep their real default when null).
    "max_page_size": None,
}


class HttpError(Exception):
    """Raised by handlers: becomes the service's error envelope with this status and code."""

    def __init__(self, status, code, message, headers=None, extra=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra or {}


class Response:
    def __init__(self, status=200, body=None, headers=None, raw=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.raw = raw  # bytes sent as they are (body ignored)


class Request:
    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.path = unquote(parts.path)
        self.raw_path = parts.path
        self.query_string = parts.query
        self.query = parse_qs(parts.query, keep_blank_values=True)
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.params = {}  # filled from the route's named groups

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name):
        return self.query.get(name, [])

    def json(self, invalid):
        """The body as JSON; `invalid()` builds the HttpError for a body that is not JSON."""
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise invalid()


def route(method, pattern):
    """Marks a Service method as the handler of METHOD requests whose path matches `pattern` (a regex,
    anchored at both ends; named groups become request.params)."""

    def mark(fn):
        fn._route = (method, re.compile("^" + pattern + "$"))
        return fn

    return mark


class Service:
    """Subclass per emulated service. Override error_body, authenticate, rate_limited, state, seed, reset."""

    name = "service"
    EXTRA_KNOBS = {}  # the service's own knobs and their defaults

    def __init__(self, knobs=None):
        self.lock = threading.RLock()  # handlers run on many threads; service state is guarded by it
        self.knobs = json.loads(json.dumps(dict(KNOB_DEFAULTS, **self.EXTRA_KNOBS)))
        self.knobs.update(knobs or {})
        self.routes = []
        for attr in dir(self):
            fn = getattr(self, attr)
            if callable(fn) and hasattr(fn, "_route"):
                self.routes.append((fn._route[0], fn._route[1], fn))
        self.log = []  # [{"t", "method", "path", "status", "outcome"}]
        self.window = deque()  # arrival times within the last second, for the rate limit
        self.counter = 0  # service requests seen since the last reset-log
        self.fault_counts = {}  # (knob, entry index) -> requests that entry matched, for "nth"

    # --- to override ---------------------------------------------------------------------------------
    def error_body(self, error):
        """The service's error envelope for an HttpError."""
        return {"error": {"code": error.code, "message": error.message}}

    def authenticate(self, request):
        """Raise HttpError when the request's credentials are refused."""

    def rate_limited(self):
        """The HttpError for a request over the rate limit (or in a 429 storm)."""
        return HttpError(429, "rate_limited", "Too many requests",
                         headers={"Retry-After": str(self.knobs["retry_after_seconds"])})

    def over_rate_limit(self, now):
        """True when this request must get a 429. The default: a sliding 1-second window."""
        limit = self.knobs.get("rate_limit_per_second") or 0
        if limit <= 0:
            return False
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        return len(self.window) > limit  # the window already holds this request

    def not_found(self, request):
        return HttpError(404, "not_found", "Not found: %s %s" % (request.method, request.path))

    def method_not_allowed(self, request):
        """The error for a path some route serves with another method (a service may answer not_found)."""
        return HttpError(405, "method_not_allowed", "Method %s not allowed here" % request.method)

    def invalid_json(self):
        return HttpError(400, "invalid_json", "The body is not valid JSON")

    def state(self):
        return {}

    def seed(self, options):
        return {}

    def reset(self):
        pass

    # --- helpers for services ------------------------------------------------------------------------
    def rejected_value(self, value):
        """The reject_values marker found in a (nested) value, or None."""
        markers = self.knobs.get("reject_values") or []
        if not markers:
            return None
        stack = [value]
        while stack:
            v = stack.pop()
            if isinstance(v, str):
                for m in markers:
                    if m in v:
                        return m
            elif isinstance(v, dict):
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)
        return None

    def page_size_cap(self, default_cap):
        cap = self.knobs.get("max_page_size")
        return cap if isinstance(cap, int) and cap > 0 else default_cap

    # --- dispatch ------------------------------------------------------------------------------------
    def control(self, request):
        """The /_emulator/ endpoints."""
        name = request.path[len("/_emulator/"):]
        with self.lock:
            if request.method == "GET" and name == "health":
                return Response(200, {"ok": True, "service": self.name})
            if request.method == "GET" and name == "knobs":
                return Response(200, self.knobs)
            if request.method == "POST" and name == "knobs":
                body = request.json(self.invalid_json) or {}
                unknown = [k for k in body if k not in self.knobs]
                if unknown:
                    return Response(400, {"error": "unknown knobs: " + ", ".join(unknown)})
                self.knobs.update(body)
                if "fail" in body or "delay" in body:
                    self.fault_counts = {}  # new fault lists count from their own first match
                return Response(200, self.knobs)
            if request.method == "GET" and name == "requests":
                return Response(200, self.log)
            if request.method == "GET" and name == "stats":
                return Response(200, self.stats())
            if request.method == "POST" and name == "reset-log":
                self.log = []
                self.counter = 0
                self.fault_counts = {}
                self.window.clear()
                return Response(200, {"ok": True})
            if request.method == "GET" and name == "state":
                return Response(200, self.state())
            if request.method == "POST" and name == "seed":
                return Response(200, self.seed(request.json(self.invalid_json) or {}))
            if request.method == "POST" and name == "reset":
                self.reset()
                return Response(200, {"ok": True})
        return Response(404, {"error": "no such control endpoint"})

    def stats(self):
        times = [e["t"] for e in self.log]
        peak, start = 0, 0
        for end in range(len(times)):
            while times[end] - times[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
        by_method, by_status = {}, {}
        for e in self.log:
            by_method[e["method"]] = by_method.get(e["method"], 0) + 1
            by_status[str(e["status"])] = by_status.get(str(e["status"]), 0) + 1
        return {"requests": len(times), "max_per_second": peak, "by_method": by_method, "by_status": by_status,
                "first_t": times[0] if times else None, "last_t": times[-1] if times else None}

    def find_route(self, request):
        path_matched = False
        for method, pattern, fn in self.routes:
            m = pattern.match(request.path)
            if m:
                path_matched = True
                if method == request.method:
                    request.params = m.groupdict()
                    return fn
        if path_matched:
            raise self.method_not_allowed(request)
        raise self.not_found(request)

    def matching_fault(self, kind, request):
        """The fault of `kind` this request triggers: each entry counts only the requests it matches (its
        method and path), and fires on the nth of them."""
        hit = None
        for index, fault in enumerate(self.knobs.get(kind) or []):
            if fault.get("method") and fault["method"] != request.method:
                continue
            if fault.get("path") and not re.search(fault["path"], request.path):
                continue
            key = (kind, index)
            self.fault_counts[key] = self.fault_counts.get(key, 0) + 1
            if hit is None and self.fault_counts[key] == fault.get("nth"):
                hit = fault
        return hit

    def handle(self, request):
        """One service request: log, rate limit, faults, auth, the route. Returns (Response, outcome)."""
        now = time.monotonic()
        with self.lock:
            self.counter += 1
            n = self.counter
            self.window.append(now)
            entry = {"t": now, "method": request.method, "path": request.raw_path, "status": None,
                     "outcome": "handled", "n": n}
            self.log.append(entry)
            storm = self.knobs.get("storm_429") or 0
            if storm > 0:
                self.knobs["storm_429"] = storm - 1
            limited = storm > 0 or self.over_rate_limit(now)
            fault = self.matching_fault("fail", request)
            delay = self.matching_fault("delay", request)
        try:
            if delay:
                time.sleep(float(delay.get("seconds", 1)))
            if limited:
                entry["outcome"] = "rate_limited"
                raise self.rate_limited()
            if fault and not fault.get("apply"):
                entry["outcome"] = "fault"
                raise HttpError(int(fault.get("status", 500)), "injected_fault", "Injected fault")
            self.authenticate(request)
            handler = self.find_route(request)
            with self.lock:
                response = handler(request)
            if fault:  # applied, but the answer is lost
                entry["outcome"] = "fault_after_apply"
                raise HttpError(int(fault.get("status", 500)), "injected_fault", "Injected fault")
        except HttpError as e:
            body = self.error_body(e)
            response = Response(e.status, body, e.headers)
        except Exception:  # a bug in the emulator: say so loudly
            traceback.print_exc()
            response = Response(500, {"error": "emulator bug: " + traceback.format_exc(limit=3)})
        entry["status"] = response.status
        return response


def write_response(handler, response):
    """Writes a Response (JSON body, raw bytes or nothing) on a BaseHTTPRequestHandler."""
    if response.raw is not None:
        data = response.raw
    elif response.body is None:
        data = b""
    else:
        data = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
    handler.send_response(response.status)
    headers = {k.lower(): (k, v) for k, v in response.headers.items()}
    if data and "content-type" not in headers:
        handler.send_header("Content-Type", "application/json; charset=utf-8")
    for k, v in headers.values():
        handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(data)


def make_handler(service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = service.name + "-emulator"

        def log_message(self, fmt, *args):  # quiet: the request log is the record
            pass

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(self.command, self.path, dict(self.headers.items()), body)
            if request.path.startswith("/_emulator/"):
                response = service.control(request)
            else:
                response = service.handle(request)
            write_response(self, response)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def parse_knob(text):
    """--knob name=value, value as JSON when it parses (numbers, lists, objects), else a string."""
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def main(service_class, description):
    """The command line every emulator shares:
      --host 127.0.0.1 --port 0 (0 picks a free port) --seed N --knob name=value (repeatable)
    Prints one line `LISTENING <port>` on stdout once it accepts connections (tests read it)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="seed the default table with N records")
    parser.add_argument("--knob", action="append", default=[], help="name=value (value as JSON)")
    args = parser.parse_args()
    knobs = dict(parse_knob(k) for k in args.knob)
    unknown = [k for k in knobs if k not in KNOB_DEFAULTS and k not in service_class.EXTRA_KNOBS]
    if unknown:
        parser.error("unknown knobs: " + ", ".join(unknown))
    service = service_class(knobs)
    if args.seed:
        service.seed({"count": args.seed})
    server = Server((args.host, args.port), make_handler(service))
    print("LISTENING %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit("run a service's emulator, e.g. tests/emulators/airtable/emulator.py")
