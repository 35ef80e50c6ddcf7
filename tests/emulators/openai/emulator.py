"""A scripted OpenAI-compatible chat-completions server (OpenRouter-style) for the in-server agent loop's tests.
It does not think: a test loads a script of conversations, and each incoming chat request is answered with the
scripted turn its conversation and history select, so runs are deterministic and retries idempotent.

  POST {/api}{/v1}/chat/completions   Authorization: Bearer <api_key>; JSON or text/event-stream answers
  GET  {/api}{/v1}/models[/<id>]      the scripted model ids

Script: POST /_emulator/seed (or /_emulator/script) {"conversations": [...], "default": {...}, "models": [...]}.
Recording: GET /_emulator/chats (also in GET /_emulator/state), cleared by POST /_emulator/reset-log.

Run: python3 -u tests/emulators/openai/emulator.py --port 0 [--api-key test-key] [--script file.json]
See README.md next to this file for the script format and the control endpoints. Standard library only."""

import argparse
import json
import math
import os
import re
import select
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))

from emulator import (KNOB_DEFAULTS, HttpError, Request, Response, Server, Service, make_handler,  # noqa: E402
                      parse_knob, route, write_response)

DEFAULT_API_KEY = "test-key"
DEFAULT_MODEL = "emulator/scripted"
SCRIPT_ENDED = "(script ended)"
PREFIX = r"(?:/api)?(?:/v1)?"
CHAT_PATH = re.compile("^" + PREFIX + r"/chat/completions$")
ROLES = ("system", "developer", "user", "assistant", "tool")
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

TURN_KEYS = {"content", "tool_calls", "error", "raw", "delay_ms", "chunk_delay_ms", "stream_cut_after",
             "expect_tool_result_contains", "usage", "finish_reason", "comment"}
CONVERSATION_KEYS = {"match", "match_system", "name", "turns", "repeat_last", "turn_by", "comment"}
SCRIPT_KEYS = {"conversations", "default", "models", "comment"}
ERROR_KEYS = {"status", "body", "message", "type", "code", "retry_after", "times", "headers"}
TOOL_CALL_KEYS = {"name", "arguments", "id"}

# Default error envelopes per status: (type, code, message), as OpenAI sends them.
ERROR_DEFAULTS = {
    400: ("invalid_request_error", None, "Bad request"),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided"),
    403: ("invalid_request_error", None, "Forbidden"),
    404: ("invalid_request_error", None, "Not found"),
    408: ("server_error", None, "Request timed out"),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests"),
    500: ("server_error", None, "The server had an error while processing your request. Sorry about that!"),
    502: ("server_error", None, "Bad gateway"),
    503: ("server_error", None, "The engine is currently overloaded, please try again later"),
}


class ScriptError(Exception):
    """A script the emulator refuses (POST /_emulator/seed answers 400 with the message)."""


def tokens(chars):
    return int(math.ceil(chars / 4.0))


def text_of(content):
    """The text of a message's content: a string, null, or an array of parts ({type: text, text})."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                out.append(part["text"])
            elif isinstance(part, str):
                out.append(part)
        return "".join(out)
    return json.dumps(content)


def error_envelope(status, message=None, type_=None, code=None):
    d_type, d_code, d_message = ERROR_DEFAULTS.get(status, ("server_error" if status >= 500 else
                                                           "invalid_request_error", None, "Error %d" % status))
    return {"error": {"message": message if message is not None else d_message,
                      "type": type_ if type_ is not None else d_type, "param": None,
                      "code": code if code is not None else d_code}}


def split_text(text, size):
    """`text` in pieces of `size` characters (at least one piece, possibly empty)."""
    size = max(1, int(size))
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def load_script(script):
    """Checks a script and returns its normalised form (raises ScriptError naming the first problem)."""
    if not isinstance(script, dict):
        raise ScriptError("the script must be a JSON object")
    unknown = set(script) - SCRIPT_KEYS
    if unknown:
        raise ScriptError("unknown script keys: %s (known: %s)" % (sorted(unknown), sorted(SCRIPT_KEYS)))
    conversations = script.get("conversations", [])
    if not isinstance(conversations, list):
        raise ScriptError("conversations must be an array")
    convs = [load_conversation(c, "conversations[%d]" % i) for i, c in enumerate(conversations)]
    if script.get("default") is not None:
        default = load_conversation(script["default"], "default")
        default["match"], default["match_system"] = None, None
        default["name"] = default["name"] or "default"
        convs.append(default)
    models = script.get("models")
    if models is not None:
        if not isinstance(models, list) or not models:
            raise ScriptError("models must be a non-empty array of ids (or {id, ...} objects)")
        for m in models:
            if not isinstance(m, str) and not (isinstance(m, dict) and isinstance(m.get("id"), str)):
                raise ScriptError("models: %s is neither an id nor an {id, ...} object" % json.dumps(m))
    return {"conversations": convs, "models": models}


def load_conversation(conv, where):
    if not isinstance(conv, dict):
        raise ScriptError(where + " must be an object")
    unknown = set(conv) - CONVERSATION_KEYS
    if unknown:
        raise ScriptError("%s: unknown keys %s (known: %s)" % (where, sorted(unknown), sorted(CONVERSATION_KEYS)))
    for key in ("match", "match_system", "name"):
        if conv.get(key) is not None and not isinstance(conv[key], str):
            raise ScriptError("%s.%s must be a string" % (where, key))
    turns = conv.get("turns", [])
    if not isinstance(turns, list):
        raise ScriptError(where + ".turns must be an array")
    turn_by = conv.get("turn_by", "assistant_messages")
    if turn_by not in ("assistant_messages", "requests"):
        raise ScriptError(where + ".turn_by must be \"assistant_messages\" or \"requests\"")
    for i, turn in enumerate(turns):
        check_turn(turn, "%s.turns[%d]" % (where, i))
    # Slots: the turns a request can land on. An error turn with "times" is transient: it is served (that many
    # times) before the next slot's turn and takes no slot of its own.
    slots, pending = [], []
    for i, turn in enumerate(turns):
        if "error" in turn and turn["error"].get("times") is not None:
            pending.append(i)
        else:
            slots.append({"turn": i, "before": pending})
            pending = []
    return {"name": conv.get("name") or conv.get("match") or conv.get("match_system") or where,
            "match": conv.get("match"), "match_system": conv.get("match_system"), "turns": turns,
            "repeat_last": bool(conv.get("repeat_last")), "turn_by": turn_by, "slots": slots, "tail": pending}


def check_turn(turn, where):
    if not isinstance(turn, dict):
        raise ScriptError(where + " must be an object")
    unknown = set(turn) - TURN_KEYS
    if unknown:
        raise ScriptError("%s: unknown keys %s (known: %s)" % (where, sorted(unknown), sorted(TURN_KEYS)))
    kinds = [k for k in ("error", "raw") if k in turn]
    answers = "content" in turn or "tool_calls" in turn
    if len(kinds) + (1 if answers else 0) != 1:
        raise ScriptError(where + " needs exactly one of: content and/or tool_calls, error, raw")
    if "content" in turn and turn["content"] is not None and not isinstance(turn["content"], str):
        raise ScriptError(where + ".content must be a string")
    if "tool_calls" in turn:
        calls = turn["tool_calls"]
        if not isinstance(calls, list) or not calls:
            raise ScriptError(where + ".tool_calls must be a non-empty array")
        for j, call in enumerate(calls):
            if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                raise ScriptError("%s.tool_calls[%d] needs a name" % (where, j))
            if set(call) - TOOL_CALL_KEYS:
                raise ScriptError("%s.tool_calls[%d]: unknown keys %s" % (where, j, sorted(set(call) - TOOL_CALL_KEYS)))
    if "error" in turn:
        err = turn["error"]
        if not isinstance(err, dict):
            raise ScriptError(where + ".error must be an object")
        if set(err) - ERROR_KEYS:
            raise ScriptError("%s.error: unknown keys %s (known: %s)" % (where, sorted(set(err) - ERROR_KEYS),
                                                                         sorted(ERROR_KEYS)))
        status = err.get("status", 500)
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise ScriptError(where + ".error.status must be an HTTP error status (400..599)")
        times = err.get("times")
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ScriptError(where + ".error.times must be an integer >= 1")
    if "raw" in turn:
        raw = turn["raw"]
        if not isinstance(raw, dict) or not isinstance(raw.get("body", ""), str):
            raise ScriptError(where + ".raw must be {\"status\", \"body\": \"text\", \"content_type\"}")
    for key in ("delay_ms", "chunk_delay_ms", "stream_cut_after"):
        if key in turn and (isinstance(turn[key], bool) or not isinstance(turn[key], (int, float)) or turn[key] < 0):
            raise ScriptError("%s.%s must be a number >= 0" % (where, key))
    expect = turn.get("expect_tool_result_contains")
    if expect is not None and not isinstance(expect, str) and not (
            isinstance(expect, list) and all(isinstance(e, str) for e in expect)):
        raise ScriptError(where + ".expect_tool_result_contains must be a string or an array of strings")
    if "usage" in turn and not isinstance(turn["usage"], dict):
        raise ScriptError(where + ".usage must be an object")


class StreamResponse(Response):
    """An SSE answer, written event by event by the HTTP handler (outside the service lock)."""

    def __init__(self, events, chunk_delay=0.0, cut_after=None):
        super().__init__(200, None, {"Content-Type": "text/event-stream; charset=utf-8",
                                     "Cache-Control": "no-cache"})
        self.events = events  # [(bytes, is_data_event)]
        self.chunk_delay = chunk_delay
        self.cut_after = cut_after


class OpenAI(Service):
    name = "openai"
    EXTRA_KNOBS = {
        # The one key accepted in Authorization: Bearer <key> (--api-key sets it).
        "api_key": DEFAULT_API_KEY,
        # Refuse message lists OpenAI refuses: a tool message that answers no preceding tool call, an assistant
        # tool call without its tool message, arguments that are not strings, bad tool names, stream_options
        # without stream.
        "strict_messages": True,
        # Characters per streamed content / arguments piece.
        "stream_chunk_chars": 5,
        # SSE comment lines (": OPENROUTER PROCESSING") sent before the first chunk, as OpenRouter does.
        "stream_comments": 0,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.script_source = None
        self.script = {"conversations": [], "models": None}
        self.conv_state = []
        self.chats = []
        self.completion_seq = 0

    # --- the framework's hooks ---------------------------------------------------------------------------
    def error_body(self, error):
        envelope = error_envelope(error.status, error.message, error.extra.get("type"))
        envelope["error"]["code"] = error.code  # exactly what was raised: OpenAI sends null codes too
        envelope["error"]["param"] = error.extra.get("param")
        return envelope

    def authenticate(self, request):
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer ") or not header[len("Bearer "):].strip():
            raise HttpError(401, None, "You didn't provide an API key. You need to provide your API key in an "
                                       "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        key = header[len("Bearer "):].strip()
        if key != self.knobs.get("api_key"):
            shown = key[:3] + "*" * max(0, len(key) - 7) + key[-4:] if len(key) > 7 else key[:1] + "***"
            raise HttpError(401, "invalid_api_key", "Incorrect API key provided: %s." % shown)

    def rate_limited(self):
        return HttpError(429, "rate_limit_exceeded", "Rate limit reached for requests",
                         headers={"Retry-After": str(self.knobs["retry_after_seconds"])}, extra={"type": "requests"})

    def not_found(self, request):
        return HttpError(404, None, "Invalid URL (%s %s)" % (request.method, request.path))

    def invalid_json(self):
        return HttpError(400, None, "We could not parse the JSON body of your request. (HINT: This likely means "
                                    "you aren't using your HTTP library correctly. The OpenAI API expects a JSON "
                                    "payload, but what was sent was not valid JSON.)")

    def state(self):
        return json.loads(json.dumps({
            "script": self.script_source,
            "conversations": [{"name": c["name"], "requests": s["requests"], "errors_served": s["errors_served"]}
                              for c, s in zip(self.script["conversations"], self.conv_state)],
            "chats": self.chats}))

    def seed(self, options):
        """POST /_emulator/seed with a script loads it; {"count": N} alone (the --seed option) does nothing."""
        if set(options) <= {"count"}:
            return {"ok": True, "conversations": len(self.script["conversations"])}
        self.script = load_script(options)
        self.script_source = json.loads(json.dumps(options))
        self.conv_state = [{"requests": 0, "errors_served": {}} for _ in self.script["conversations"]]
        return {"ok": True, "conversations": [c["name"] for c in self.script["conversations"]]}

    def reset(self):
        self.script_source = None
        self.script = {"conversations": [], "models": None}
        self.conv_state = []
        self.chats = []

    def control(self, request):
        name = request.path[len("/_emulator/"):]
        with self.lock:
            if request.method == "POST" and name in ("seed", "script"):
                try:
                    body = request.json(self.invalid_json)
                except HttpError as e:
                    return Response(400, {"error": e.message})
                try:
                    return Response(200, self.seed(body if isinstance(body, dict) else {"conversations": body}))
                except ScriptError as e:
                    return Response(400, {"error": "bad script: " + str(e)})
            if request.method == "GET" and name == "script":
                return Response(200, self.script_source)
            if request.method == "GET" and name == "chats":
                return Response(200, json.loads(json.dumps(self.chats)))
            if request.method == "POST" and name == "reset-chats":
                self.chats = []
                return Response(200, {"ok": True})
            if request.method == "POST" and name == "reset-log":
                self.chats = []
            return super().control(request)

    def handle(self, request):
        """Every chat request is recorded, also the ones refused before the route (auth, 429s, faults)."""
        record = None
        if request.method == "POST" and CHAT_PATH.match(request.path):
            try:
                body = json.loads(request.body.decode("utf-8")) if request.body else None
            except (UnicodeDecodeError, ValueError):
                body = request.body.decode("utf-8", "replace")
            with self.lock:
                record = {"seq": len(self.chats) + 1, "t": time.monotonic(), "path": request.raw_path,
                          "headers": dict(request.headers), "body": body, "stream": False, "model": None,
                          "conversation": None, "conversation_name": None, "assistant_messages": None,
                          "turn": None, "outcome": None, "status": None, "reply": None, "client_closed": False}
                self.chats.append(record)
        request.record = record
        response = super().handle(request)
        if record is not None:
            with self.lock:
                record["status"] = response.status
                if record["outcome"] is None:
                    record["outcome"] = "rejected"  # auth, a bad request, a 429 or an injected fault
                if record["reply"] is None:
                    record["reply"] = response.body
            response.record = record
        return response

    # --- request checks ----------------------------------------------------------------------------------
    def bad(self, message, param=None, code=None):
        return HttpError(400, code, message, extra={"param": param})

    def check_request(self, body):
        if not isinstance(body, dict):
            raise self.bad("The request body must be a JSON object")
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise self.bad("you must provide a model parameter")
        models = self.script.get("models")
        if models is not None and model not in [m if isinstance(m, str) else m["id"] for m in models]:
            raise HttpError(404, "model_not_found",
                            "The model `%s` does not exist or you do not have access to it." % model)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise self.bad("[] is too short - 'messages'" if isinstance(messages, list) else
                           "Missing required parameter: 'messages'.", "messages",
                           None if isinstance(messages, list) else "missing_required_parameter")
        if "stream" in body and not isinstance(body["stream"], bool):
            raise self.bad("Invalid type for 'stream': expected a boolean.", "stream", "invalid_type")
        strict = self.knobs.get("strict_messages")
        for i, m in enumerate(messages):
            if not isinstance(m, dict):
                raise self.bad("Invalid type for 'messages[%d]': expected an object." % i, "messages[%d]" % i,
                               "invalid_type")
            if m.get("role") not in ROLES:
                raise self.bad("Invalid value: '%s'. Supported values are: 'system', 'assistant', 'user', 'tool', "
                               "and 'function'." % m.get("role"), "messages[%d].role" % i, "invalid_value")
            if m["role"] == "tool" and not isinstance(m.get("tool_call_id"), str):
                raise self.bad("Missing required parameter: 'messages[%d].tool_call_id'." % i,
                               "messages[%d].tool_call_id" % i, "missing_required_parameter")
            if strict and m["role"] != "assistant" and "content" not in m:
                raise self.bad("Missing required parameter: 'messages[%d].content'." % i,
                               "messages[%d].content" % i, "missing_required_parameter")
            calls = m.get("tool_calls") if m["role"] == "assistant" else None
            if calls is not None and not isinstance(calls, list):
                raise self.bad("Invalid type for 'messages[%d].tool_calls': expected an array." % i,
                               "messages[%d].tool_calls" % i, "invalid_type")
            for j, call in enumerate(calls or []):
                fn = call.get("function") if isinstance(call, dict) else None
                where = "messages[%d].tool_calls[%d]" % (i, j)
                if not isinstance(fn, dict) or not isinstance(call.get("id"), str):
                    raise self.bad("Invalid '%s': expected {id, type: function, function: {name, arguments}}."
                                   % where, where, "invalid_value")
                if strict and not isinstance(fn.get("arguments"), str):
                    raise self.bad("Invalid type for '%s.function.arguments': expected a string, but got %s "
                                   "instead." % (where, type(fn.get("arguments")).__name__), where +
                                   ".function.arguments", "invalid_type")
        if strict:
            self.check_tool_sequence(messages)
            if "stream_options" in body and not body.get("stream"):
                raise self.bad("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                               "stream_options", "invalid_value")
        tools = body.get("tools")
        if tools is not None:
            if not isinstance(tools, list):
                raise self.bad("Invalid type for 'tools': expected an array.", "tools", "invalid_type")
            for i, tool in enumerate(tools):
                fn = tool.get("function") if isinstance(tool, dict) else None
                if not isinstance(fn, dict) or tool.get("type") != "function" or not isinstance(fn.get("name"), str):
                    raise self.bad("Invalid 'tools[%d]': expected {type: \"function\", function: {name, ...}}." % i,
                                   "tools[%d]" % i, "invalid_value")
                if strict and not TOOL_NAME.match(fn["name"]):
                    raise self.bad("Invalid 'tools[%d].function.name': string does not match pattern. Expected a "
                                   "string that matches the pattern '^[a-zA-Z0-9_-]+$'." % i,
                                   "tools[%d].function.name" % i, "invalid_value")
        return model, messages

    def check_tool_sequence(self, messages):
        """OpenAI's rules: every assistant tool call is answered by a tool message before the next non-tool
        message, and every tool message answers a call of the assistant message before it."""
        open_ids, answered, in_block = [], set(), False
        for i, m in enumerate(messages):
            if m["role"] == "tool":
                if not in_block or m["tool_call_id"] not in open_ids:
                    raise self.bad("Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                                   "message with 'tool_calls'.", "messages.[%d].role" % i)
                answered.add(m["tool_call_id"])
                continue
            if in_block:
                missing = [c for c in open_ids if c not in answered]
                if missing:
                    raise self.bad("An assistant message with 'tool_calls' must be followed by tool messages "
                                   "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                                   "response messages: " + ", ".join(missing), "messages.[%d].role" % i)
            in_block = m["role"] == "assistant" and bool(m.get("tool_calls"))
            open_ids = [c["id"] for c in m.get("tool_calls") or []] if in_block else []
            answered = set()
        if in_block:
            missing = [c for c in open_ids if c not in answered]
            if missing:
                raise self.bad("An assistant message with 'tool_calls' must be followed by tool messages responding "
                               "to each 'tool_call_id'. The following tool_call_ids did not have response messages: "
                               + ", ".join(missing), "messages")

    # --- picking the turn --------------------------------------------------------------------------------
    def find_conversation(self, messages):
        first_user = next((text_of(m.get("content")) for m in messages if m["role"] == "user"), "")
        system = "\n".join(text_of(m.get("content")) for m in messages if m["role"] in ("system", "developer"))
        for index, conv in enumerate(self.script["conversations"]):
            if conv["match"] is not None and conv["match"] not in first_user:
                continue
            if conv["match_system"] is not None and conv["match_system"] not in system:
                continue
            return index, conv, first_user
        return None, None, first_user

    def pick_turn(self, index, conv, messages):
        """(k, turn index or None for "(script ended)", turn, transient?); pending transient errors come first."""
        state = self.conv_state[index]
        if conv["turn_by"] == "requests":
            k = state["requests"]
        else:
            k = sum(1 for m in messages if m["role"] == "assistant")
        slots = conv["slots"]
        slot = slots[k] if k < len(slots) else {"turn": None, "before": conv["tail"]}
        for t in slot["before"]:
            served = state["errors_served"].get(str(t), 0)
            if served < conv["turns"][t]["error"]["times"]:
                state["errors_served"][str(t)] = served + 1
                return k, t, conv["turns"][t], True
        turn_index = slot["turn"]
        if turn_index is None and conv["repeat_last"] and slots:
            turn_index = slots[-1]["turn"]
        turn = conv["turns"][turn_index] if turn_index is not None else {"content": SCRIPT_ENDED}
        return k, turn_index, turn, False

    def check_expectation(self, turn, messages, where):
        expected = turn.get("expect_tool_result_contains")
        if expected is None:
            return None
        wanted = [expected] if isinstance(expected, str) else expected
        tool = next((m for m in reversed(messages) if m["role"] == "tool"), None)
        if tool is None:
            return ("emulator: %s expected the last tool message to contain %s, but the request has no tool "
                    "message" % (where, json.dumps(wanted)))
        got = text_of(tool.get("content"))
        missing = [w for w in wanted if w not in got]
        if missing:
            shown = got if len(got) <= 2000 else got[:2000] + "...(%d chars)" % len(got)
            return ("emulator: %s expected the last tool message (tool_call_id %s) to contain %s, but it was: %s"
                    % (where, json.dumps(tool.get("tool_call_id")), json.dumps(missing), json.dumps(shown)))
        return None

    # --- answers -----------------------------------------------------------------------------------------
    def usage(self, messages, content, calls, override):
        prompt_chars = 0
        for m in messages:
            prompt_chars += len(text_of(m.get("content")))
            for call in m.get("tool_calls") or []:
                args = ((call.get("function") or {}) if isinstance(call, dict) else {}).get("arguments")
                prompt_chars += len(args) if isinstance(args, str) else len(json.dumps(args))
        completion_chars = len(content or "") + sum(len(c["function"]["arguments"]) for c in calls)
        usage = {"prompt_tokens": tokens(prompt_chars), "completion_tokens": tokens(completion_chars)}
        usage.update({k: v for k, v in (override or {}).items() if k != "total_tokens"})
        usage["total_tokens"] = (override or {}).get("total_tokens",
                                                     usage["prompt_tokens"] + usage["completion_tokens"])
        return usage

    def error_answer(self, err):
        status = int(err.get("status", 500))
        body = err.get("body")
        if body is None:
            body = error_envelope(status, err.get("message"), err.get("type"), err.get("code"))
        headers = dict(err.get("headers") or {})
        if err.get("retry_after") is not None:
            ra = err["retry_after"]
            headers["Retry-After"] = str(int(ra)) if float(ra) == int(ra) else str(ra)
        return Response(status, body, headers)

    def raw_answer(self, raw):
        return Response(int(raw.get("status", 200)), None,
                        {"Content-Type": raw.get("content_type", "application/json")},
                        raw=raw.get("body", "").encode("utf-8"))

    def chat_answer(self, body, model, messages, turn, k):
        content = turn.get("content")
        calls = []
        for i, call in enumerate(turn.get("tool_calls") or []):
            args = call.get("arguments", {})
            if not isinstance(args, str):
                args = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
            calls.append({"id": call.get("id") or "call_%d_%d" % (k, i), "type": "function",
                          "function": {"name": call["name"], "arguments": args}})
        finish = turn.get("finish_reason") or ("tool_calls" if calls else "stop")
        usage = self.usage(messages, content, calls, turn.get("usage"))
        self.completion_seq += 1
        base = {"id": "chatcmpl-emu%06d" % self.completion_seq, "created": int(time.time()), "model": model,
                "system_fingerprint": "fp_emulator"}
        reply = {"content": content, "tool_calls": calls, "finish_reason": finish, "usage": usage}
        if not body.get("stream"):
            message = {"role": "assistant", "content": content, "refusal": None}
            if calls:
                message["tool_calls"] = calls
            answer = dict(base, object="chat.completion",
                          choices=[{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                          usage=usage)
            return Response(200, answer), reply
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        size = self.knobs.get("stream_chunk_chars") or 5
        events = [(b": OPENROUTER PROCESSING\n\n", False)] * int(self.knobs.get("stream_comments") or 0)

        def chunk(delta, finish_reason=None):
            c = dict(base, object="chat.completion.chunk",
                     choices=[{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}])
            if include_usage:
                c["usage"] = None
            events.append((b"data: " + json.dumps(c, ensure_ascii=False).encode("utf-8") + b"\n\n", True))

        chunk({"role": "assistant", "content": ""})
        if content:
            for piece in split_text(content, size):
                chunk({"content": piece})
        for i, call in enumerate(calls):
            chunk({"tool_calls": [{"index": i, "id": call["id"], "type": "function",
                                   "function": {"name": call["function"]["name"], "arguments": ""}}]})
            if call["function"]["arguments"]:
                for piece in split_text(call["function"]["arguments"], size):
                    chunk({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
        chunk({}, finish)
        if include_usage:
            c = dict(base, object="chat.completion.chunk", choices=[], usage=usage)
            events.append((b"data: " + json.dumps(c).encode("utf-8") + b"\n\n", True))
        events.append((b"data: [DONE]\n\n", True))
        return StreamResponse(events, float(turn.get("chunk_delay_ms", 0)) / 1000.0,
                              turn.get("stream_cut_after")), reply

    # --- the API -----------------------------------------------------------------------------------------
    @route("POST", PREFIX + r"/chat/completions")
    def chat_completions(self, request):
        record = request.record
        body = request.json(self.invalid_json)
        model, messages = self.check_request(body)
        record["model"] = model
        record["stream"] = bool(body.get("stream"))
        index, conv, first_user = self.find_conversation(messages)
        if conv is None:
            record["outcome"] = "no_conversation"
            raise self.bad("emulator: no scripted conversation matches the first user message %s (%d conversations "
                           "loaded)" % (json.dumps(first_user[:500]), len(self.script["conversations"])),
                           code="no_scripted_conversation")
        k, turn_index, turn, transient = self.pick_turn(index, conv, messages)
        record.update(conversation=index, conversation_name=conv["name"], assistant_messages=sum(
            1 for m in messages if m["role"] == "assistant"), turn=turn_index)
        where = "turn %s of conversation %s" % (turn_index, json.dumps(conv["name"]))
        failed = self.check_expectation(turn, messages, where)
        if failed:
            record["outcome"] = "expectation_failed"
            record["reply"] = failed
            raise self.bad(failed, code="expectation_failed")
        if not transient:
            self.conv_state[index]["requests"] += 1
        if "error" in turn:
            response = self.error_answer(turn["error"])
            record["outcome"], record["reply"] = "error", response.body
        elif "raw" in turn:
            response = self.raw_answer(turn["raw"])
            record["outcome"], record["reply"] = "raw", turn["raw"].get("body", "")
        else:
            response, reply = self.chat_answer(body, model, messages, turn, k)
            record["reply"] = reply
            record["outcome"] = ("script_ended" if turn_index is None else
                                 "tool_calls" if reply["tool_calls"] else "content")
        response.pause = float(turn.get("delay_ms", 0)) / 1000.0
        return response

    def model_object(self, m):
        obj = {"id": m, "object": "model", "created": 1700000000, "owned_by": "emulator"}
        return dict(obj, **m) if isinstance(m, dict) else obj

    @route("GET", PREFIX + r"/models")
    def list_models(self, request):
        models = self.script.get("models") or [DEFAULT_MODEL]
        return Response(200, {"object": "list", "data": [self.model_object(m) for m in models]})

    @route("GET", PREFIX + r"/models/(?P<id>.+)")
    def get_model(self, request):
        models = self.script.get("models") or [DEFAULT_MODEL]
        for m in models:
            if (m if isinstance(m, str) else m["id"]) == request.params["id"]:
                return Response(200, self.model_object(m))
        raise HttpError(404, "model_not_found",
                        "The model `%s` does not exist or you do not have access to it." % request.params["id"])


def client_hung_up(conn, seconds):
    """Waits `seconds`, returning True as soon as the client closes its end (a cancelled request)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            readable, _, _ = select.select([conn], [], [], min(left, 0.05))
            if readable and not conn.recv(1, socket.MSG_PEEK):
                return True
        except OSError:
            return True
        if readable:
            time.sleep(min(max(left, 0), 0.05))  # pipelined bytes, not a hang-up: keep waiting


def make_openai_handler(service):
    """The framework's handler, plus: a scripted pause before answering, and SSE answers written chunk by chunk
    (chunked transfer encoding), both outside the service lock and noticing a client that hangs up."""

    class Handler(make_handler(service)):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(self.command, self.path, dict(self.headers.items()), body)
            if request.path.startswith("/_emulator/"):
                response = service.control(request)
            else:
                response = service.handle(request)
            record = getattr(response, "record", None)
            try:
                if getattr(response, "pause", 0) and client_hung_up(self.connection, response.pause):
                    return self._hung_up(record)
                if isinstance(response, StreamResponse):
                    self._stream(response, record)
                else:
                    self._send(response)
            except (BrokenPipeError, ConnectionResetError):
                self._hung_up(record)

        def _hung_up(self, record):
            self.close_connection = True
            if record is not None:
                with service.lock:
                    record["client_closed"] = True

        def _send(self, response):
            write_response(self, response)

        def _stream(self, response, record):
            self.send_response(200)
            for k, v in response.headers.items():
                self.send_header(k, v)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            sent = 0
            for i, (event, is_data) in enumerate(response.events):
                if is_data and response.cut_after is not None and sent >= response.cut_after:
                    self.close_connection = True  # cut: no [DONE], no closing chunk, the connection just ends
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if i and response.chunk_delay and client_hung_up(self.connection, response.chunk_delay):
                    return self._hung_up(record)
                self.wfile.write(b"%x\r\n" % len(event) + event + b"\r\n")
                self.wfile.flush()
                sent += 1 if is_data else 0
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return Handler


def main():
    """The shared command line (--host, --port 0, --seed, --knob name=value) plus --api-key and --script.
    Prints `LISTENING <port>` on stdout once it accepts connections."""
    parser = argparse.ArgumentParser(description="A scripted OpenAI-compatible chat-completions server for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0, help="accepted for the shared command line; no effect")
    parser.add_argument("--knob", action="append", default=[], help="name=value (value as JSON)")
    parser.add_argument("--api-key", default=None, help="the accepted bearer key (default %s)" % DEFAULT_API_KEY)
    parser.add_argument("--script", default=None, help="a script file (JSON) to load at start")
    args = parser.parse_args()
    knobs = dict(parse_knob(k) for k in args.knob)
    unknown = [k for k in knobs if k not in KNOB_DEFAULTS and k not in OpenAI.EXTRA_KNOBS]
    if unknown:
        parser.error("unknown knobs: " + ", ".join(unknown))
    if args.api_key is not None:
        knobs["api_key"] = args.api_key
    service = OpenAI(knobs)
    if args.script:
        with open(args.script, encoding="utf-8") as f:
            try:
                service.seed(json.load(f))
            except ScriptError as e:
                parser.error("bad script %s: %s" % (args.script, e))
    server = Server((args.host, args.port), make_openai_handler(service))
    print("LISTENING %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
