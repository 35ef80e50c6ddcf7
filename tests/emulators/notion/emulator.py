#!/usr/bin/env python3
"""A local emulator of the Notion API (https://api.notion.com/v1) for connector tests: databases and data
sources, cursor-paged queries, page create/update/archive, search, users/me, Notion's error envelope, limits and
quirks. See README.md. Run: python3 -u tests/emulators/notion/emulator.py --port 0 --seed 1000"""

import os
import sys
import uuid
from urllib.parse import unquote

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# The framework's module is also called `emulator`: it must come before this folder on the path.
sys.path.insert(0, os.path.join(HERE, "..", "common"))

from emulator import HttpError, Response, Service, main, route  # noqa: E402
from store import Store, now_iso, BOT_ID  # noqa: E402
from values import body_error, normalize_id, normalize_value, validation  # noqa: E402

NEW_MODEL_VERSION = "2025-09-03"  # from this version on, schema and queries live on data sources
PAGE_SIZE_MAX = 100
ID = r"(?P<id>[0-9a-fA-F-]{32,36})"


def not_found(kind, object_id):
    return HttpError(404, "object_not_found",
                     "Could not find %s with ID: %s. Make sure the relevant pages and databases are shared with "
                     "your integration." % (kind, object_id))


class Notion(Service):
    name = "notion"
    EXTRA_KNOBS = {
        # The integration secret the emulator accepts (Authorization: Bearer <token>).
        "token": "ntn_emulator_token",
        # Rows one query returns at most before it stops with request_status "incomplete" (Notion: ~10,000).
        "query_result_cap": 10000,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.store = Store()

    # --- framework hooks -----------------------------------------------------------------------------
    def error_body(self, error):
        body = {"object": "error", "status": error.status, "code": error.code, "message": error.message,
                "request_id": str(uuid.uuid4())}
        if error.extra:
            body["additional_data"] = error.extra
        return body

    def authenticate(self, request):
        auth = request.headers.get("authorization", "")
        if auth != "Bearer " + str(self.knobs["token"]):
            raise HttpError(401, "unauthorized", "API token is invalid.")
        version = request.headers.get("notion-version")
        if not version:
            raise HttpError(400, "missing_version",
                            "Notion-Version header failed validation: Notion-Version header should be defined, "
                            "instead was `undefined`.")
        if len(version) != 10 or version[4] != "-" or version[7] != "-" or version < "2021-05-13":
            raise HttpError(400, "validation_error",
                            "Notion-Version header failed validation: `%s` is not a valid version." % version)

    def rate_limited(self):
        return HttpError(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.",
                         headers={"Retry-After": str(self.knobs["retry_after_seconds"])},
                         extra={"rate_limit_reason": "public_api_request_rate_limit"})

    def not_found(self, request):
        return HttpError(400, "invalid_request_url", "Invalid request URL.")

    def invalid_json(self):
        return HttpError(400, "invalid_json", "Error parsing JSON body.")

    def handle(self, request):
        response = super().handle(request)
        response.headers.setdefault("x-notion-request-id", str(uuid.uuid4()))
        return response

    def state(self):
        return self.store.state()

    def seed(self, options):
        return self.store.seed(int(options.get("count", 0)))

    def reset(self):
        self.store.reset()

    # --- helpers -------------------------------------------------------------------------------------
    @staticmethod
    def new_model(request):
        return request.headers.get("notion-version", "") >= NEW_MODEL_VERSION

    def body(self, request):
        body = request.json(self.invalid_json)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise body_error("body", "an object", body)
        return body

    def paging(self, body):
        """(page_size, start_cursor) from a list request's body, validated as Notion does."""
        size = body.get("page_size", PAGE_SIZE_MAX)
        cap = self.page_size_cap(PAGE_SIZE_MAX)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise body_error("body.page_size", "a number ≥ `1`", size)
        if size > cap:
            raise body_error("body.page_size", "≤ `%d`" % cap, size)
        cursor = body.get("start_cursor")
        if "start_cursor" in body and not isinstance(cursor, str):
            raise body_error("body.start_cursor", "a string or `undefined`", "null" if cursor is None else cursor)
        return size, cursor

    @staticmethod
    def page_of(items, size, cursor, key):
        """One page of `items` starting at the item whose key is `cursor`; (page, next_cursor)."""
        start = 0
        if cursor is not None:
            keys = [key(x) for x in items]
            if cursor not in keys:
                raise validation("start_cursor provided is invalid: %s" % cursor)
            start = keys.index(cursor)
        page = items[start:start + size]
        rest = items[start + size:]
        return page, (key(rest[0]) if rest else None)

    def database(self, db_id):
        db = self.store.shared_database(normalize_id(db_id))
        if db is None:
            raise not_found("database", db_id)
        return db

    def data_source(self, ds_id):
        db = self.store.database_by_data_source(normalize_id(ds_id))
        if db is None:
            raise not_found("data source", ds_id)
        return db

    def page(self, page_id):
        page = self.store.shared_page(normalize_id(page_id))
        if page is None:
            raise not_found("page", page_id)
        return page

    def listing(self, results, next_cursor, new_model, incomplete=False):
        kind = "page_or_data_source" if new_model else "page_or_database"
        out = {"object": "list", "results": results, "next_cursor": next_cursor,
               "has_more": next_cursor is not None, "type": kind, kind: {}}
        if incomplete:
            out["request_status"] = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}
        return out

    # --- users ---------------------------------------------------------------------------------------
    @route("GET", r"/v1/users/me")
    def users_me(self, request):
        return Response(200, self.store.users[BOT_ID])

    # --- schema --------------------------------------------------------------------------------------
    @route("GET", r"/v1/databases/" + ID)
    def get_database(self, request):
        return Response(200, self.store.render_database(self.database(request.params["id"]),
                                                        self.new_model(request)))

    @route("GET", r"/v1/data_sources/" + ID)
    def get_data_source(self, request):
        if not self.new_model(request):
            raise HttpError(400, "invalid_request_url", "Invalid request URL.")
        return Response(200, self.store.render_data_source(self.data_source(request.params["id"])))

    # --- queries -------------------------------------------------------------------------------------
    @route("POST", r"/v1/databases/" + ID + "/query")
    def query_database(self, request):
        if self.new_model(request):
            raise HttpError(400, "invalid_request_url", "Invalid request URL.")
        return self.query(request, self.database(request.params["id"]))

    @route("POST", r"/v1/data_sources/" + ID + "/query")
    def query_data_source(self, request):
        if not self.new_model(request):
            raise HttpError(400, "invalid_request_url", "Invalid request URL.")
        return self.query(request, self.data_source(request.params["id"]))

    def query(self, request, db):
        body = self.body(request)
        size, cursor = self.paging(body)
        if body.get("filter"):
            raise HttpError(400, "invalid_request", "Unsupported request: the emulator does not implement filters.")
        include_trash = bool(body.get("in_trash") or body.get("archived"))
        rows = [p for p in self.store.pages.values()
                if p["database_id"] == db["id"] and (include_trash or not p["archived"])]
        rows.sort(key=lambda p: p["seq"])  # Notion's default order is stable; ours is creation order
        for s in reversed(body.get("sorts") or []):
            if not isinstance(s, dict) or s.get("timestamp") not in ("created_time", "last_edited_time"):
                raise HttpError(400, "invalid_request", "Unsupported request: only timestamp sorts are emulated.")
            rows.sort(key=lambda p: p[s["timestamp"]], reverse=s.get("direction") == "descending")
        cap = int(self.knobs.get("query_result_cap") or 0)
        incomplete = cap > 0 and len(rows) > cap
        if incomplete:
            rows = rows[:cap]
        only = None
        if request.args("filter_properties"):
            wanted = set(request.args("filter_properties"))
            only = {p["id"] for p in db["properties"].values() if p["id"] in wanted or unquote(p["id"]) in wanted}
        page, next_cursor = self.page_of(rows, size, cursor, lambda p: p["id"])
        new_model = self.new_model(request)
        results = [self.store.render_page(p, new_model, only) for p in page]
        return Response(200, self.listing(results, next_cursor, new_model, incomplete and next_cursor is None))

    @route("POST", r"/v1/search")
    def search(self, request):
        body = self.body(request)
        size, cursor = self.paging(body)
        new_model = self.new_model(request)
        wanted = (body.get("filter") or {}).get("value")
        allowed = ("page", "data_source") if new_model else ("page", "database")
        if wanted is not None and wanted not in allowed:
            raise body_error("body.filter.value", "`%s` or `%s`" % allowed, wanted)
        text = str(body.get("query") or "").lower()
        items = []
        for db in self.store.databases.values():
            if not db["shared"] or wanted == "page":
                continue
            if text and text not in db["title"][0]["plain_text"].lower():
                continue
            items.append(("d", db))
        if wanted in (None, "page"):
            for p in sorted(self.store.pages.values(), key=lambda p: p["seq"]):
                if self.store.databases[p["database_id"]]["shared"] and not p["archived"]:
                    title = "".join(t["plain_text"] for t in p["values"].get("title", []))
                    if not text or text in title.lower():
                        items.append(("p", p))
        page, next_cursor = self.page_of(items, size, cursor, lambda x: x[1]["id"])
        results = []
        for kind, obj in page:
            if kind == "p":
                results.append(self.store.render_page(obj, new_model))
            elif new_model:
                results.append(self.store.render_data_source(obj))
            else:
                results.append(self.store.render_database(obj, False))
        return Response(200, self.listing(results, next_cursor, new_model))

    # --- pages ---------------------------------------------------------------------------------------
    def written_values(self, db, properties):
        """Validates every written property first, so a refused request changes nothing."""
        if not isinstance(properties, dict):
            raise body_error("body.properties", "an object", properties)
        out = {}
        for key, written in properties.items():
            prop = self.store.find_property(db, key)
            if prop is None:
                raise validation("%s is not a property that exists." % key)
            path = "body.properties.%s" % key
            if not isinstance(written, dict) or prop["type"] not in written:
                raise body_error("%s.%s" % (path, prop["type"]), "defined", "undefined")
            marker = self.rejected_value(written[prop["type"]])
            if marker is not None:
                raise validation("body failed validation: %s.%s contains `%s`, which is not allowed here."
                                 % (path, prop["type"], marker))
            out[prop["id"]] = normalize_value(self.store, prop, written[prop["type"]], "%s.%s" % (path, prop["type"]))
        return out

    @route("POST", r"/v1/pages")
    def create_page(self, request):
        body = self.body(request)
        parent = body.get("parent")
        if not isinstance(parent, dict):
            raise body_error("body.parent", "an object", "undefined" if parent is None else parent)
        new_model = self.new_model(request)
        if "database_id" in parent:
            db = self.database(parent["database_id"])
        elif new_model and "data_source_id" in parent:
            db = self.data_source(parent["data_source_id"])
        else:
            raise body_error("body.parent.database_id", "defined", "undefined")
        if "properties" not in body:
            raise body_error("body.properties", "defined", "undefined")
        values = self.written_values(db, body["properties"])
        children = body.get("children") or []
        if not isinstance(children, list) or len(children) > 100:
            raise body_error("body.children.length", "≤ `100`", len(children) if isinstance(children, list) else 0)
        page = self.store.add_page(db["id"], values, now_iso())
        return Response(200, self.store.render_page(page, new_model))

    @route("GET", r"/v1/pages/" + ID)
    def get_page(self, request):
        page = self.page(request.params["id"])
        only = None
        if request.args("filter_properties"):
            wanted = set(request.args("filter_properties"))
            db = self.store.databases[page["database_id"]]
            only = {p["id"] for p in db["properties"].values() if p["id"] in wanted or unquote(p["id"]) in wanted}
        return Response(200, self.store.render_page(page, self.new_model(request), only))

    @route("PATCH", r"/v1/pages/" + ID)
    def update_page(self, request):
        page = self.page(request.params["id"])
        body = self.body(request)
        db = self.store.databases[page["database_id"]]
        trash = None
        for key in ("archived", "in_trash"):
            if key in body:
                if not isinstance(body[key], bool):
                    raise body_error("body." + key, "a boolean", body[key])
                trash = body[key]
        properties = body.get("properties")
        if page["archived"] and trash is not False and properties:
            raise validation("Can't edit block that is archived. You must unarchive the block before editing.")
        values = self.written_values(db, properties) if properties is not None else {}
        page["values"].update(values)
        if trash is not None:
            page["archived"] = trash
        page["last_edited_time"] = now_iso()
        page["last_edited_by"] = BOT_ID
        return Response(200, self.store.render_page(page, self.new_model(request)))

    @route("GET", r"/v1/pages/" + ID + r"/properties/(?P<prop>[^/]+)")
    def get_page_property(self, request):
        """A property's full value; title, rich_text, relation and people come as a paginated list."""
        page = self.page(request.params["id"])
        db = self.store.databases[page["database_id"]]
        prop = self.store.find_property(db, request.params["prop"])
        if prop is None:
            raise not_found("property", request.params["prop"])
        value = self.store.value_of(page, prop)
        kind = prop["type"]
        if kind not in ("title", "rich_text", "relation", "people"):
            return Response(200, {"object": "property_item", "id": prop["id"], "type": kind, kind: value})
        size = request.arg("page_size", str(PAGE_SIZE_MAX))
        if not size.isdigit() or not 1 <= int(size) <= PAGE_SIZE_MAX:
            raise validation("page_size should be a number between 1 and %d, instead was `%s`." % (PAGE_SIZE_MAX, size))
        items = [{"object": "property_item", "id": prop["id"], "type": kind, kind: v, "_n": str(n)}
                 for n, v in enumerate(value)]
        chunk, next_cursor = self.page_of(items, int(size), request.arg("start_cursor"), lambda x: x["_n"])
        for item in chunk:
            del item["_n"]
        return Response(200, {"object": "list", "results": chunk, "next_cursor": next_cursor,
                              "has_more": next_cursor is not None, "type": "property_item",
                              "property_item": {"id": prop["id"], "next_url": None, "type": kind, kind: {}}})


if __name__ == "__main__":
    sys.exit(main(Notion, "Notion API emulator"))
