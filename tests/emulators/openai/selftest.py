"""Self-test of the scripted OpenAI emulator: starts it on a free port and checks what the C++ tests rely on.
Run: python3 tests/emulators/openai/selftest.py   (exit 0 on success). Standard library only (urllib)."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
KEY = "sk-selftest-key"
CHECKS = [0]


def check(cond, what, detail=None):
    CHECKS[0] += 1
    if not cond:
        raise AssertionError(what + ("" if detail is None else ": " + json.dumps(detail)[:1500]))


class Emulator:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-u", os.path.join(HERE, "emulator.py"), "--port", "0",
                                      "--api-key", KEY], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("LISTENING "):
            self.proc.kill()
            raise RuntimeError("emulator did not start: %r %s" % (line, self.proc.stderr.read().decode()))
        self.port = int(line.split()[1])
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        return self.proc.stderr.read().decode()

    def call(self, method, path, body=None, key=KEY, timeout=10, raw=False):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if key is not None:
            req.add_header("Authorization", "Bearer " + key)
        try:
            r = urllib.request.urlopen(req, timeout=timeout)
            status, headers, text = r.status, r.headers, (r if raw else r.read().decode())
        except urllib.error.HTTPError as e:
            status, headers, text = e.code, e.headers, e.read().decode()
        if raw and status == 200:
            return status, headers, text
        try:
            return status, headers, json.loads(text) if text else None
        except ValueError:
            return status, headers, text

    def control(self, method, name, body=None):
        status, _, answer = self.call(method, "/_emulator/" + name, body, key=None)
        return status, answer

    def chat(self, messages, stream=False, include_usage=False, model="test/model", path="/v1/chat/completions",
             **extra):
        body = dict({"model": model, "messages": messages, "tools": TOOLS}, **extra)
        if stream:
            body["stream"] = True
            if include_usage:
                body["stream_options"] = {"include_usage": True}
        return self.call("POST", path, body, raw=stream)


TOOLS = [{"type": "function", "function": {"name": "fetch_records", "description": "Reads records",
                                           "parameters": {"type": "object", "properties": {}}}}]

SCRIPT = {
    "conversations": [
        # First: conversations are tried in order, and a summariser's transcript repeats the first user message.
        {"match_system": "SUMMARISE", "name": "summariser", "turns": [{"content": "A summary.",
                                                                       "usage": {"prompt_tokens": 1000}}]},
        {"match": "list the tables", "name": "tools", "turns": [
            {"tool_calls": [{"name": "fetch_records", "arguments": {"table": "tasks", "limit": 5}},
                            {"name": "fetch_records", "arguments": "{\"table\": \"notes\", \"limit\": "}],
             "content": "Let me look."},
            {"content": "There are 3 tasks and some notes.", "expect_tool_result_contains": "tasks: 3"},
        ]},
        {"match": "loop forever", "repeat_last": True, "turns": [
            {"tool_calls": [{"name": "fetch_records", "arguments": {"page": 1}}]},
        ]},
        {"match": "flaky", "turns": [
            {"error": {"status": 429, "retry_after": 2, "times": 2}},
            {"content": "finally"},
            {"error": {"status": 500, "body": {"error": {"message": "upstream exploded", "code": 502}}}},
        ]},
        {"match": "slow", "turns": [{"content": "late answer", "delay_ms": 1500}]},
        {"match": "cut", "turns": [{"content": "this stream is cut short", "stream_cut_after": 3}]},
        {"match": "by request", "turn_by": "requests", "turns": [{"content": "first"}, {"content": "second"}]},
    ],
    "default": {"turns": [{"content": "default answer"}]},
}


def read_sse(response):
    """The data payloads of an SSE answer, in order (urllib undoes the chunked transfer encoding)."""
    events, comments = [], 0
    for line in response:
        line = line.decode("utf-8").rstrip("\r\n")
        if line.startswith("data: "):
            payload = line[len("data: "):]
            events.append(payload if payload == "[DONE]" else json.loads(payload))
        elif line.startswith(":"):
            comments += 1
    return events, comments


def assemble(events):
    """The message the chunks add up to, as an OpenAI client reassembles it."""
    content, calls, finish, usage = "", {}, None, None
    for e in events[:-1]:
        if e.get("usage"):
            usage = e["usage"]
        for choice in e["choices"]:
            delta = choice["delta"]
            content += delta.get("content") or ""
            for tc in delta.get("tool_calls") or []:
                slot = calls.setdefault(tc["index"], {"id": None, "name": None, "arguments": "", "pieces": 0})
                if tc.get("id"):
                    slot["id"], slot["name"] = tc["id"], tc["function"]["name"]
                if tc["function"].get("arguments"):
                    slot["arguments"] += tc["function"]["arguments"]
                    slot["pieces"] += 1
            finish = choice.get("finish_reason") or finish
    return content, [calls[i] for i in sorted(calls)], finish, usage


def user(text):
    return [{"role": "system", "content": "You are Scratch's assistant."}, {"role": "user", "content": text}]


def after_tools(first, call_ids, result):
    messages = user(first)
    messages.append({"role": "assistant", "content": "Let me look.", "tool_calls": [
        {"id": cid, "type": "function", "function": {"name": "fetch_records", "arguments": "{}"}} for cid in call_ids]})
    for cid in call_ids:
        messages.append({"role": "tool", "tool_call_id": cid, "content": result})
    return messages


def run(emu):
    status, health = emu.control("GET", "health")
    check(status == 200 and health["service"] == "openai", "health", health)

    # -- script loading ---------------------------------------------------------------------------------------
    status, answer = emu.control("POST", "seed", {"conversations": [{"match": "x", "turns": [{"contnet": "typo"}]}]})
    check(status == 400 and "contnet" in answer["error"], "a script with a typo is refused", answer)
    status, answer = emu.control("POST", "seed", SCRIPT)
    check(status == 200 and answer["conversations"][:2] == ["summariser", "tools"] and answer["conversations"][-1] == "default",
          "script loads", answer)
    check(emu.control("GET", "script")[1] == SCRIPT, "GET /_emulator/script gives the script back")

    # -- auth -------------------------------------------------------------------------------------------------
    status, _, body = emu.call("POST", "/v1/chat/completions", {"model": "m", "messages": user("hi")}, key="wrong")
    check(status == 401 and body["error"]["code"] == "invalid_api_key", "wrong key: 401 invalid_api_key", body)
    status, _, body = emu.call("POST", "/v1/chat/completions", {"model": "m", "messages": user("hi")}, key=None)
    check(status == 401 and "API key" in body["error"]["message"], "no key: 401", body)

    # -- non-streaming tool calls, malformed arguments passed through, usage -----------------------------------
    status, _, body = emu.chat(user("please list the tables"))
    check(status == 200 and body["object"] == "chat.completion", "tool-call answer", body)
    choice = body["choices"][0]
    check(choice["finish_reason"] == "tool_calls", "finish_reason tool_calls", choice)
    calls = choice["message"]["tool_calls"]
    check([c["id"] for c in calls] == ["call_0_0", "call_0_1"], "tool call ids", calls)
    check(calls[0]["type"] == "function" and calls[0]["function"]["name"] == "fetch_records", "tool call shape")
    check(json.loads(calls[0]["function"]["arguments"]) == {"table": "tasks", "limit": 5}, "object arguments")
    check(calls[1]["function"]["arguments"] == "{\"table\": \"notes\", \"limit\": ", "malformed arguments verbatim")
    check(choice["message"]["content"] == "Let me look.", "content next to tool calls")
    chars = len("You are Scratch's assistant.") + len("please list the tables")
    usage = body["usage"]
    check(usage["prompt_tokens"] == -(-chars // 4), "prompt_tokens = ceil(chars / 4)", usage)
    out_chars = len("Let me look.") + sum(len(c["function"]["arguments"]) for c in calls)
    check(usage["completion_tokens"] == -(-out_chars // 4) and usage["total_tokens"] ==
          usage["prompt_tokens"] + usage["completion_tokens"], "completion and total tokens", usage)
    status, _, again = emu.chat(user("please list the tables"))
    check(again["choices"] == body["choices"], "a retry gets the same turn (idempotent)")
    status, _, alt = emu.chat(user("please list the tables"), path="/chat/completions")
    check(status == 200 and alt["choices"][0]["finish_reason"] == "tool_calls", "/chat/completions without /v1")

    # -- streaming tool calls ---------------------------------------------------------------------------------
    status, headers, response = emu.chat(user("please list the tables"), stream=True, include_usage=True)
    check(status == 200 and headers["Content-Type"].startswith("text/event-stream"), "stream content type")
    events, _ = read_sse(response)
    check(events[-1] == "[DONE]", "stream ends with [DONE]", events[-1])
    check(all(e["object"] == "chat.completion.chunk" for e in events[:-1]), "chunk objects")
    check(events[0]["choices"][0]["delta"].get("role") == "assistant", "first chunk carries the role", events[0])
    check(events[-2]["choices"] == [] and events[-2]["usage"]["total_tokens"] == usage["total_tokens"],
          "usage chunk before [DONE]", events[-2])
    check(events[-3]["choices"][0]["finish_reason"] == "tool_calls", "finish chunk", events[-3])
    content, scalls, finish, susage = assemble(events)
    check(content == "Let me look." and finish == "tool_calls", "streamed content", content)
    check([(c["id"], c["name"]) for c in scalls] == [("call_0_0", "fetch_records"), ("call_0_1", "fetch_records")],
          "streamed tool call ids and names", scalls)
    check([c["arguments"] for c in scalls] == [c["function"]["arguments"] for c in calls],
          "streamed arguments add up to the same strings (malformed too)", scalls)
    check(all(c["pieces"] >= 2 for c in scalls), "arguments split across several chunks", scalls)
    first_tc = next(e for e in events[:-1] if e["choices"] and e["choices"][0]["delta"].get("tool_calls"))
    check(first_tc["choices"][0]["delta"]["tool_calls"][0]["id"] == "call_0_0", "first tool chunk has the id")

    # -- expect_tool_result_contains, then a streamed final answer ---------------------------------------------
    status, _, body = emu.chat(after_tools("please list the tables", ["call_0_0", "call_0_1"], "notes: 7"))
    msg = body["error"]["message"]
    check(status == 400 and body["error"]["code"] == "expectation_failed" and "tasks: 3" in msg and "notes: 7" in msg,
          "a wrong tool result fails loudly, saying what was expected and what came", body)
    status, _, response = emu.chat(after_tools("please list the tables", ["call_0_0", "call_0_1"], "tasks: 3"),
                                   stream=True)
    events, _ = read_sse(response)
    content, _, finish, susage = assemble(events)
    check(content == "There are 3 tasks and some notes." and finish == "stop", "streamed final answer", content)
    check(len([e for e in events[:-1] if e["choices"] and e["choices"][0]["delta"].get("content")]) >= 3,
          "content split across several chunks")
    check(susage is None and all("usage" not in e for e in events[:-1]), "no usage chunk unless asked")
    status, _, body = emu.chat(after_tools("please list the tables", ["call_0_0", "call_0_1"], "tasks: 3") +
                               [{"role": "assistant", "content": "There are 3 tasks and some notes."},
                                {"role": "user", "content": "and more?"}])
    check(body["choices"][0]["message"]["content"] == "(script ended)", "past the last turn: (script ended)", body)

    # -- OpenAI's message rules --------------------------------------------------------------------------------
    bad = user("please list the tables") + [{"role": "tool", "tool_call_id": "call_x", "content": "?"}]
    status, _, body = emu.chat(bad)
    check(status == 400 and "preceeding" in body["error"]["message"], "a stray tool message is refused", body)
    bad = after_tools("please list the tables", ["call_0_0"], "x")[:-1] + [{"role": "user", "content": "next"}]
    status, _, body = emu.chat(bad)
    check(status == 400 and "call_0_0" in body["error"]["message"], "an unanswered tool call is refused", body)

    # -- repeat_last ---------------------------------------------------------------------------------------
    messages = user("loop forever please")
    ids = []
    for k in range(6):
        status, _, body = emu.chat(messages)
        call = body["choices"][0]["message"]["tool_calls"][0]
        check(status == 200 and body["choices"][0]["finish_reason"] == "tool_calls", "repeat_last turn %d" % k, body)
        ids.append(call["id"])
        messages = messages + [{"role": "assistant", "content": None, "tool_calls": [call]},
                               {"role": "tool", "tool_call_id": call["id"], "content": "page"}]
    check(len(set(ids)) == 6, "repeated tool calls get fresh ids", ids)

    # -- errors, Retry-After, "times" -------------------------------------------------------------------------
    for attempt in range(2):
        status, headers, body = emu.chat(user("a flaky one"))
        check(status == 429 and headers["Retry-After"] == "2", "429 with Retry-After, attempt %d" % attempt, body)
        check(body["error"]["code"] == "rate_limit_exceeded" and "message" in body["error"], "OpenAI envelope", body)
    status, _, body = emu.chat(user("a flaky one"))
    check(status == 200 and body["choices"][0]["message"]["content"] == "finally", "after `times` failures", body)
    flaky = user("a flaky one") + [{"role": "assistant", "content": "finally"}, {"role": "user", "content": "more"}]
    for attempt in range(2):
        status, headers, body = emu.chat(flaky)
        check(status == 500 and body == {"error": {"message": "upstream exploded", "code": 502}} and
              "Retry-After" not in headers, "a permanent error turn with its body verbatim", body)

    # -- delay_ms and a client that gives up --------------------------------------------------------------------
    started = time.monotonic()
    try:
        emu.call("POST", "/v1/chat/completions", {"model": "m", "messages": user("slow one")}, timeout=0.3)
        check(False, "the delayed answer should time out")
    except (urllib.error.URLError, socket.timeout, TimeoutError):
        pass
    check(time.monotonic() - started < 1.2, "client timed out before the delay ended")
    time.sleep(0.4)
    chats = emu.control("GET", "chats")[1]
    check(chats[-1]["conversation_name"] == "slow" and chats[-1]["client_closed"] is True,
          "the recording notes the client hung up", chats[-1])
    started = time.monotonic()
    status, _, body = emu.chat(user("slow one"))
    check(status == 200 and time.monotonic() - started >= 1.4, "delay_ms delays the answer")

    # -- a stream cut short ------------------------------------------------------------------------------------
    status, _, response = emu.chat(user("cut please"), stream=True)
    try:
        events, _ = read_sse(response)
    except http.client.IncompleteRead:
        events = ["incomplete"]
    check("[DONE]" not in events and len(events) <= 3, "stream_cut_after ends the stream early", events)

    # -- turn_by requests, match_system, usage override, default, models ---------------------------------------
    answers = [emu.chat(user("answer by request"))[2]["choices"][0]["message"]["content"] for _ in range(3)]
    check(answers == ["first", "second", "(script ended)"], "turn_by requests", answers)
    summary = [{"role": "system", "content": "SUMMARISE the chat"}, {"role": "user", "content": "list the tables..."}]
    status, _, body = emu.chat(summary)
    check(body["choices"][0]["message"]["content"] == "A summary." and body["usage"]["prompt_tokens"] == 1000,
          "match_system picks the summariser (listed first); usage override", body)
    status, _, body = emu.chat(user("anything else"))
    check(body["choices"][0]["message"]["content"] == "default answer", "default conversation", body)
    status, _, body = emu.call("GET", "/v1/models")
    check(status == 200 and body["object"] == "list" and body["data"][0]["id"], "models list", body)
    emu.control("POST", "seed", {"models": ["test/model"], "conversations": [{"match": "", "turns": [
        {"content": "hello"}]}]})
    status, _, body = emu.chat(user("hi"), model="other/model")
    check(status == 404 and body["error"]["code"] == "model_not_found", "unknown model with scripted models", body)
    status, _, body = emu.call("GET", "/v1/models")
    check([m["id"] for m in body["data"]] == ["test/model"], "scripted models listed", body)
    emu.control("POST", "seed", {"conversations": [{"match": "only this", "turns": [{"content": "x"}]}]})
    status, _, body = emu.chat(user("something unscripted"))
    check(status == 400 and body["error"]["code"] == "no_scripted_conversation", "no conversation matches", body)

    # -- framework knobs answer in OpenAI's envelope --------------------------------------------------------------
    emu.control("POST", "knobs", {"storm_429": 1})
    status, headers, body = emu.chat(user("only this"))
    check(status == 429 and body["error"]["code"] == "rate_limit_exceeded" and headers["Retry-After"] == "1",
          "storm_429 knob", body)

    # -- recording -------------------------------------------------------------------------------------------
    status, chats = emu.control("GET", "chats")
    first = chats[0]
    check(first["status"] == 401 and first["outcome"] == "rejected", "rejected requests are recorded", first)
    tool_calls = [c for c in chats if c["outcome"] == "tool_calls" and c["conversation_name"] == "tools"]
    check(tool_calls and tool_calls[0]["turn"] == 0 and tool_calls[0]["assistant_messages"] == 0 and
          tool_calls[0]["headers"]["authorization"] == "Bearer " + KEY and tool_calls[0]["body"]["tools"] == TOOLS,
          "a recorded chat: body, headers, conversation and turn", tool_calls[:1])
    failed = [c for c in chats if c["outcome"] == "expectation_failed"]
    check(len(failed) == 1 and "tasks: 3" in failed[0]["reply"], "the failed expectation is recorded", failed)
    streamed = [c for c in chats if c["stream"]]
    check(streamed and streamed[0]["reply"]["tool_calls"][1]["function"]["arguments"].endswith("\"limit\": "),
          "a streamed chat's reply is recorded", streamed[:1])
    check([c["seq"] for c in chats] == list(range(1, len(chats) + 1)), "seq numbers")
    state = emu.control("GET", "state")[1]
    check(len(state["chats"]) == len(chats) and state["script"]["conversations"][0]["match"] == "only this",
          "state has the chats and the script")
    check(emu.control("POST", "reset-log")[0] == 200 and emu.control("GET", "chats")[1] == [], "reset-log clears")
    emu.chat(user("only this"))
    check(len(emu.control("GET", "chats")[1]) == 1 and emu.control("POST", "reset-chats")[0] == 200 and
          emu.control("GET", "chats")[1] == [], "reset-chats clears")
    check(emu.control("POST", "reset")[0] == 200 and emu.control("GET", "script")[1] is None, "reset")


def main():
    emu = Emulator()
    try:
        run(emu)
    except Exception:
        err = emu.stop()
        if err:
            sys.stderr.write("emulator stderr:\n" + err)
        raise
    err = emu.stop()
    if err.strip():
        sys.stderr.write("emulator wrote to stderr:\n" + err)
        return 1
    print("openai emulator selftest: OK (%d checks, port %d)" % (CHECKS[0], emu.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
