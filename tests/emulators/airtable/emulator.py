"""A local Airtable (Web API v0 records API and the Meta API calls a connector needs), for tests.

Run: python3 -u tests/emulators/airtable/emulator.py --port 0 --seed 1000 [--knob penalty_seconds=1]
See README.md next to this file for the endpoints, knobs and seed data."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))

from emulator import HttpError, Response, Service, main, route  # noqa: E402

import records_api  # noqa: E402
import seed_data  # noqa: E402

FORBIDDEN_MESSAGE = ("Invalid permissions, or the requested model was not found. Check that both your user and "
                     "your token have the required permissions, and that the model names and/or ids are "
                     "correct.")

# A base id, then a table id or name; "meta" is the Meta API's own prefix, never a base.
BASE = r"/v0/(?P<base>(?!meta/)[^/]+)"
TABLE = BASE + r"/(?P<table>[^/]+)"


class Airtable(Service):
    name = "airtable"
    EXTRA_KNOBS = {
        # Bearer tokens the emulator accepts; anything else is 401 AUTHENTICATION_REQUIRED.
        "tokens": ["patScratchEmulatorToken.0123456789"],
        # How long an `offset` token stays usable; after it, 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE.
        "iterator_ttl_seconds": 300,
        # Once over rate_limit_per_second, every request gets 429 for this long (Airtable: 30 s).
        "penalty_seconds": 30,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.base = seed_data.build(0)
        self.iterators = {}  # offset token -> where the listing goes on
        self.penalty_until = 0.0
        self.created = 0  # records created through the API (their ids derive from this counter)

    # --- the framework's hooks -------------------------------------------------------------------------
    def error_body(self, error):
        if error.extra.get("short"):  # some 404s carry only a string
            return {"error": error.code}
        return {"error": {"type": error.code, "message": error.message}}

    def authenticate(self, request):
        header = request.headers.get("authorization", "")
        token = header[len("Bearer "):] if header.startswith("Bearer ") else None
        if token is None or token not in (self.knobs.get("tokens") or []):
            raise HttpError(401, "AUTHENTICATION_REQUIRED", "Authentication required")

    def rate_limited(self):
        # Airtable sends no Retry-After: the client must know to wait 30 seconds.
        return HttpError(429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later")

    def over_rate_limit(self, now):
        # Over the limit once, then locked out for the whole penalty, whatever the rate meanwhile.
        if now < self.penalty_until:
            return True
        if super().over_rate_limit(now):
            self.penalty_until = now + float(self.knobs.get("penalty_seconds") or 0)
            return True
        return False

    def not_found(self, request):
        return HttpError(404, "NOT_FOUND", "Not found", extra={"short": True})

    def invalid_json(self):
        return HttpError(400, "INVALID_REQUEST_BODY", "Could not parse request body")

    def state(self):
        return {"bases": [{"id": self.base.id, "name": self.base.name,
                           "tables": [t.state() for t in self.base.tables]}],
                "users": seed_data.USERS}

    def seed(self, options):
        count = int(options.get("count", 0))
        self.base = seed_data.build(count)
        self.iterators = {}
        self.created = 0
        return {"base_id": self.base.id, "tables": {t.name: t.id for t in self.base.tables}, "records": count,
                "token": (self.knobs.get("tokens") or [""])[0]}

    def reset(self):
        self.seed({"count": 0})

    # --- lookups -----------------------------------------------------------------------------------------
    def table_of(self, request):
        if request.params["base"] != self.base.id:
            raise HttpError(403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", FORBIDDEN_MESSAGE)
        table = self.base.table(request.params["table"])
        if table is None:
            raise HttpError(403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", FORBIDDEN_MESSAGE)
        return table

    def body_of(self, request):
        body = request.json(self.invalid_json)
        if not isinstance(body, dict):
            raise HttpError(422, "INVALID_REQUEST_UNKNOWN",
                            "Invalid request: parameter validation failed. Check your request data.")
        return body

    def next_record_id(self, table):
        self.created += 1
        return seed_data.make_id("rec", self.base.id, table.id, "created", self.created)

    # --- Meta API ------------------------------------------------------------------------------------------
    @route("GET", r"/v0/meta/whoami")
    def whoami(self, request):
        return Response(200, seed_data.WHOAMI)

    @route("GET", r"/v0/meta/bases")
    def list_bases(self, request):
        return Response(200, {"bases": [{"id": self.base.id, "name": self.base.name, "permissionLevel": "create"}]})

    @route("GET", r"/v0/meta/bases/(?P<base>[^/]+)/tables")
    def base_schema(self, request):
        if request.params["base"] != self.base.id:
            raise HttpError(403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", FORBIDDEN_MESSAGE)
        return Response(200, {"tables": [t.schema() for t in self.base.tables]})

    # --- records -------------------------------------------------------------------------------------------
    @route("GET", TABLE)
    def list_records(self, request):
        return records_api.list_records(self, self.table_of(request), records_api.query_options(request))

    @route("POST", TABLE + r"/listRecords")
    def list_records_post(self, request):
        return records_api.list_records(self, self.table_of(request), self.body_of(request))

    @route("GET", TABLE + r"/(?P<record>rec[^/]*)")
    def get_record(self, request):
        self.table_of(request)
        table, record = self.base.find_record(request.params["record"])  # any table of the base
        if record is None:
            raise HttpError(404, "MODEL_ID_NOT_FOUND", "Record not found")
        by_id = request.arg("returnFieldsByFieldId", "") in ("true", "1")
        return Response(200, table.render(record, self.base, by_id))

    @route("POST", TABLE)
    def create_records(self, request):
        return records_api.create(self, self.table_of(request), self.body_of(request))

    @route("PATCH", TABLE)
    def patch_records(self, request):
        return records_api.update(self, self.table_of(request), self.body_of(request), replace=False)

    @route("PUT", TABLE)
    def put_records(self, request):
        return records_api.update(self, self.table_of(request), self.body_of(request), replace=True)

    @route("PATCH", TABLE + r"/(?P<record>[^/]+)")
    def patch_record(self, request):
        return records_api.update_one(self, self.table_of(request), request.params["record"],
                                      self.body_of(request), replace=False)

    @route("PUT", TABLE + r"/(?P<record>[^/]+)")
    def put_record(self, request):
        return records_api.update_one(self, self.table_of(request), request.params["record"],
                                      self.body_of(request), replace=True)

    @route("DELETE", TABLE)
    def delete_records(self, request):
        return records_api.delete(self, self.table_of(request), request.args("records[]"), batch=True)

    @route("DELETE", TABLE + r"/(?P<record>[^/]+)")
    def delete_record(self, request):
        return records_api.delete(self, self.table_of(request), [request.params["record"]], batch=False)


if __name__ == "__main__":
    sys.exit(main(Airtable, "A local Airtable Web API emulator"))
