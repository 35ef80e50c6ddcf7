"""A local "Jotter" API for the Lua connector examples (scripts-lua/examples): a small JSON REST service of the
kind an AI builder writes a custom connector for. Two APIs in one server, with two auth styles and two paging
styles, so both examples (notes.lua and catalog.lua) run against it:

  /v1/...          notes and folders: `Authorization: Bearer <token>`, keyset cursors (`cursor` + `limit`)
  /v1/catalog/...  products: `X-Api-Key: <key>`, page numbers (`page` + `per_page`), bulk updates of <= 50

Run: python3 -u tests/emulators/notes/emulator.py --port 0 --seed 250
See README.md next to this file for the endpoints, knobs and seed data. Standard library only."""

import base64
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))

from emulator import HttpError, Response, Service, main, route  # noqa: E402

TOKEN = "jot_test_token_0123456789"
READ_ONLY_TOKEN = "jot_readonly_token_0123456789"
API_KEY = "cat_live_key_abcdef"
TAGS = ["work", "home", "idea", "urgent", "later"]
CATEGORIES = ["books", "games", "music", "tools", "garden"]
NOTES_MAX_LIMIT = 100
NOTES_DEFAULT_LIMIT = 20
CATALOG_MAX_PER_PAGE = 100
CATALOG_DEFAULT_PER_PAGE = 25
BULK_MAX = 50
TITLE_MAX = 200
EPOCH = 1704067200  # 2024-01-01T00:00:00Z


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def is_date(value):
    try:
        time.strptime(value, "%Y-%m-%d")
        return len(value) == 10
    except (TypeError, ValueError):
        return False


class Jotter(Service):
    name = "notes"
    EXTRA_KNOBS = {
        # Bearer tokens the notes API accepts (read and write), and ones that may only read (writes: 403).
        "tokens": [TOKEN],
        "read_only_tokens": [READ_ONLY_TOKEN],
        # Keys the catalog API accepts in X-Api-Key.
        "api_keys": [API_KEY],
        # Send X-Total-Count on GET /v1/notes.
        "total_count_header": True,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.clock = EPOCH + 86400 * 400  # writes stamp updated_at from this clock, one second per write
        self.seed({"count": 0})

    # --- the framework's hooks ---------------------------------------------------------------------------
    def error_body(self, error):
        self.request_seq = getattr(self, "request_seq", 0) + 1
        body = {"type": error.code, "message": error.message, "request_id": "req_%06d" % self.request_seq}
        body.update(error.extra)
        return {"error": body}

    def authenticate(self, request):
        if request.path.startswith("/v1/catalog/"):
            key = request.headers.get("x-api-key")
            if not key:
                raise HttpError(401, "missing_api_key", "Send your API key in the X-Api-Key header")
            if key not in (self.knobs.get("api_keys") or []):
                raise HttpError(401, "invalid_api_key", "The API key is not valid")
            return
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            raise HttpError(401, "unauthorized", "Missing bearer token: send Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": 'Bearer realm="jotter"'})
        token = header[len("Bearer "):]
        if token in (self.knobs.get("tokens") or []):
            return
        if token in (self.knobs.get("read_only_tokens") or []):
            if request.method != "GET":
                raise HttpError(403, "insufficient_scope", "This token may only read (scope notes:read)")
            return
        raise HttpError(401, "unauthorized", "The access token is invalid or expired",
                        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})

    def rate_limited(self):
        return HttpError(429, "rate_limited", "Rate limit exceeded: slow down",
                         headers={"Retry-After": str(self.knobs["retry_after_seconds"])})

    def not_found(self, request):
        return HttpError(404, "not_found", "No route for %s %s" % (request.method, request.path))

    def invalid_json(self):
        return HttpError(400, "invalid_json", "The request body is not valid JSON")

    def state(self):
        return {"folders": list(self.folders.values()), "notes": list(self.notes.values()),
                "products": list(self.products.values())}

    def seed(self, options):
        count = int(options.get("count", 0))
        products = int(options.get("products", count))
        self.folders = {}
        for i, name in enumerate(["Inbox", "Projects", "Journal"], start=1):
            self.folders[i] = {"id": i, "name": name, "created_at": iso(EPOCH + i)}
        self.notes = {}
        for i in range(1, count + 1):
            self.notes[i] = {
                "id": i,
                "title": "Note %04d" % i,
                "body": None if i % 7 == 0 else "Line one of note %d\nLine two" % i,
                "pinned": i % 5 == 0,
                "tags": [] if i % 3 == 0 else [TAGS[i % len(TAGS)], TAGS[(i * 2) % len(TAGS)]][: 1 + i % 2],
                "due_date": None if i % 4 == 0 else "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28),
                "folder_id": None if i % 6 == 0 else 1 + i % 3,
                "created_at": iso(EPOCH + 60 * i),
                "updated_at": iso(EPOCH + 60 * i + 30),
            }
        self.next_note = count + 1
        self.products = {}
        for i in range(1, products + 1):
            self.products[i] = {
                "id": i,
                "sku": "SKU-%05d" % i,
                "name": "Product %d" % i,
                "description": None if i % 9 == 0 else "A fine product, number %d." % i,
                "price": round(1 + (i * 37 % 10000) / 100.0, 2),
                "stock": i * 13 % 200,
                "active": i % 8 != 0,
                "category": CATEGORIES[i % len(CATEGORIES)],
                "updated_at": iso(EPOCH + 120 * i),
            }
        return {"token": TOKEN, "api_key": API_KEY, "notes": count, "products": products}

    def reset(self):
        self.seed({"count": 0})

    # --- helpers -----------------------------------------------------------------------------------------
    def tick(self):
        self.clock += 1
        return iso(self.clock)

    def body_object(self, request):
        body = request.json(self.invalid_json)
        if not isinstance(body, dict):
            raise HttpError(400, "invalid_request", "The request body must be a JSON object")
        return body

    def int_arg(self, request, name, default, low, high):
        text = request.arg(name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise HttpError(400, "invalid_request", "%s must be an integer, got '%s'" % (name, text),
                            extra={"param": name})
        if value < low or value > high:
            raise HttpError(400, "invalid_request", "%s must be between %d and %d" % (name, low, high),
                            extra={"param": name})
        return value

    def note_url(self, note):
        return "https://jotter.example/n/%d" % note["id"]

    def public_note(self, note):
        return dict(note, url=self.note_url(note))

    def validation(self, field, message):
        return HttpError(422, "validation_error", "%s: %s" % (field, message), extra={"field": field})

    def check_note_fields(self, body, creating):
        writable = {"title", "body", "pinned", "tags", "due_date", "folder_id"}
        for key in body:
            if key in ("id", "created_at", "updated_at", "url"):
                raise self.validation(key, "is read-only")
            if key not in writable:
                raise self.validation(key, "unknown field")
        if creating or "title" in body:
            title = body.get("title")
            if not isinstance(title, str) or not title.strip():
                raise self.validation("title", "is required")
            if len(title) > TITLE_MAX:
                raise self.validation("title", "is longer than %d characters" % TITLE_MAX)
        if "body" in body and body["body"] is not None and not isinstance(body["body"], str):
            raise self.validation("body", "must be a string or null")
        if "pinned" in body and not isinstance(body["pinned"], bool):
            raise self.validation("pinned", "must be true or false")
        if "tags" in body:
            tags = body["tags"]
            if not isinstance(tags, list) or any(t not in TAGS for t in tags):
                raise self.validation("tags", "must be a list of: " + ", ".join(TAGS))
        if "due_date" in body and body["due_date"] is not None and not is_date(body["due_date"]):
            raise self.validation("due_date", "must be YYYY-MM-DD or null")
        if "folder_id" in body and body["folder_id"] is not None:
            fid = body["folder_id"]
            if isinstance(fid, bool) or not isinstance(fid, int) or fid not in self.folders:
                raise self.validation("folder_id", "no folder %s" % json.dumps(fid))
        marker = self.rejected_value(body)
        if marker:
            raise self.validation("body", "contains a refused value '%s'" % marker)

    def find_note(self, request):
        try:
            note = self.notes.get(int(request.params["id"]))
        except ValueError:
            note = None
        if note is None:
            raise HttpError(404, "not_found", "Note %s not found" % request.params["id"])
        return note

    # --- notes API ---------------------------------------------------------------------------------------
    @route("GET", r"/v1/me")
    def me(self, request):
        return Response(200, {"id": "usr_1", "name": "Ada Lovelace", "email": "ada@jotter.example"})

    @route("GET", r"/v1/folders")
    def list_folders(self, request):
        return Response(200, {"data": list(self.folders.values()), "next_cursor": None})

    @route("GET", r"/v1/notes")
    def list_notes(self, request):
        limit = self.int_arg(request, "limit", NOTES_DEFAULT_LIMIT, 1, NOTES_MAX_LIMIT)
        limit = min(limit, self.page_size_cap(NOTES_MAX_LIMIT))
        after = 0
        cursor = request.arg("cursor")
        if cursor:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
                after = int(decoded["after"])
            except Exception:
                raise HttpError(400, "invalid_cursor", "The cursor is not valid", extra={"param": "cursor"})
        ids = sorted(i for i in self.notes if i > after)
        page = ids[:limit]
        more = len(ids) > limit
        next_cursor = None
        if more:
            next_cursor = base64.urlsafe_b64encode(json.dumps({"after": page[-1]}).encode()).decode().rstrip("=")
        headers = {"X-Total-Count": str(len(self.notes))} if self.knobs.get("total_count_header") else {}
        return Response(200, {"data": [self.public_note(self.notes[i]) for i in page], "has_more": more,
                              "next_cursor": next_cursor}, headers)

    @route("GET", r"/v1/notes/(?P<id>[^/]+)")
    def get_note(self, request):
        return Response(200, self.public_note(self.find_note(request)))

    @route("POST", r"/v1/notes")
    def create_note(self, request):
        body = self.body_object(request)
        self.check_note_fields(body, creating=True)
        now = self.tick()
        note = {"id": self.next_note, "title": body["title"], "body": body.get("body"),
                "pinned": body.get("pinned", False), "tags": body.get("tags", []),
                "due_date": body.get("due_date"), "folder_id": body.get("folder_id"),
                "created_at": now, "updated_at": now}
        self.notes[note["id"]] = note
        self.next_note += 1
        return Response(201, self.public_note(note))

    @route("PATCH", r"/v1/notes/(?P<id>[^/]+)")
    def update_note(self, request):
        note = self.find_note(request)
        body = self.body_object(request)
        self.check_note_fields(body, creating=False)
        note.update(body)
        note["updated_at"] = self.tick()
        return Response(200, self.public_note(note))

    @route("DELETE", r"/v1/notes/(?P<id>[^/]+)")
    def delete_note(self, request):
        note = self.find_note(request)
        del self.notes[note["id"]]
        return Response(204)

    # --- catalog API -------------------------------------------------------------------------------------
    @route("GET", r"/v1/catalog/products")
    def list_products(self, request):
        page = self.int_arg(request, "page", 1, 1, 10 ** 6)
        per_page = self.int_arg(request, "per_page", CATALOG_DEFAULT_PER_PAGE, 1, CATALOG_MAX_PER_PAGE)
        per_page = min(per_page, self.page_size_cap(CATALOG_MAX_PER_PAGE))
        ids = sorted(self.products)
        chunk = ids[(page - 1) * per_page: page * per_page]
        total_pages = (len(ids) + per_page - 1) // per_page
        return Response(200, {"products": [self.products[i] for i in chunk], "page": page,
                              "per_page": per_page, "total": len(ids), "total_pages": total_pages})

    @route("GET", r"/v1/catalog/products/(?P<id>\d+)")
    def get_product(self, request):
        product = self.products.get(int(request.params["id"]))
        if product is None:
            raise HttpError(404, "not_found", "Product %s not found" % request.params["id"])
        return Response(200, product)

    def apply_product_changes(self, product, changes):
        """Checks then applies `changes` to `product`; raises HttpError(422) naming the first bad field."""
        if not isinstance(changes, dict) or not changes:
            raise self.validation("changes", "must be a non-empty object")
        for key, value in changes.items():
            if key in ("id", "sku", "updated_at"):
                raise self.validation(key, "is read-only")
            if key == "name":
                if not isinstance(value, str) or not value.strip():
                    raise self.validation(key, "is required")
            elif key == "description":
                if value is not None and not isinstance(value, str):
                    raise self.validation(key, "must be a string or null")
            elif key == "price":
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise self.validation(key, "must be a number >= 0")
            elif key == "stock":
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise self.validation(key, "must be an integer >= 0")
            elif key == "active":
                if not isinstance(value, bool):
                    raise self.validation(key, "must be true or false")
            elif key == "category":
                if value not in CATEGORIES:
                    raise self.validation(key, "must be one of: " + ", ".join(CATEGORIES))
            else:
                raise self.validation(key, "unknown field")
        marker = self.rejected_value(changes)
        if marker:
            raise self.validation("name", "contains a refused value '%s'" % marker)
        product.update(changes)
        product["updated_at"] = self.tick()

    @route("POST", r"/v1/catalog/products/bulk-update")
    def bulk_update(self, request):
        body = self.body_object(request)
        updates = body.get("updates")
        if not isinstance(updates, list) or not updates:
            raise HttpError(400, "invalid_request", "updates must be a non-empty array")
        if len(updates) > BULK_MAX:
            raise HttpError(400, "batch_too_large", "At most %d updates per request, got %d" % (BULK_MAX, len(updates)))
        results = []
        for index, update in enumerate(updates):
            pid = update.get("id") if isinstance(update, dict) else None
            product = self.products.get(pid) if isinstance(pid, int) and not isinstance(pid, bool) else None
            if product is None:
                results.append({"index": index, "id": pid, "ok": False,
                                "error": {"type": "not_found", "message": "Product %s not found" % json.dumps(pid)}})
                continue
            try:
                self.apply_product_changes(product, update.get("changes"))
            except HttpError as e:
                results.append({"index": index, "id": pid, "ok": False,
                                "error": dict({"type": e.code, "message": e.message}, **e.extra)})
                continue
            results.append({"index": index, "id": pid, "ok": True, "product": product})
        return Response(200, {"results": results})


if __name__ == "__main__":
    sys.exit(main(Jotter, "A local notes + catalog REST API for the Lua connector examples"))
