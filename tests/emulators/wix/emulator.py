"""A local Wix Data API v2 (collections and data items, the calls a connector needs) for tests.

Run: python3 -u tests/emulators/wix/emulator.py --port 0 --seed 1000 [--knob strict_types=false]
See README.md next to this file for the endpoints, knobs and seed data."""

import os
import sys
from collections import deque

HERE = os.path.dirname(os.path.abspath(__file__))
# The shared framework first: its module is also called `emulator`.
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(1, HERE)

from emulator import HttpError, Response, Service, main, route  # noqa: E402

import items_api  # noqa: E402
import seed_data  # noqa: E402
from store import Collection  # noqa: E402

V2 = r"/wix-data/v2"
# Item ids never clash with the fixed words after /items/.
ITEM = V2 + r"/items/(?P<item>(?!query$|count$)[^/]+)"


class Wix(Service):
    name = "wix"
    EXTRA_KNOBS = {
        # API keys accepted in `Authorization: <key>` (no "Bearer"); anything else is 401.
        "api_keys": [seed_data.API_KEY],
        # The one site the keys reach; `wix-site-id` must name it (missing or another: 403).
        "site_id": seed_data.SITE_ID,
        # Values of the wrong type for a known field are refused (validationError). Real Wix stores them
        # anyway; the check catches a connector that encodes a type wrongly. Unknown keys are always stored.
        "strict_types": True,
        # How the bulk endpoints refuse an item's values: "per_item" (results[i].itemMetadata.error, the others
        # applied) or "request" (400 validationError for the whole request, nothing applied).
        "bulk_validation": "per_item",
        # Wix's own quota: requests per app instance in any sliding 60 s (0: off). Over it: 429 WDE0014.
        "rate_limit_per_minute": 0,
        # Send Retry-After (retry_after_seconds) with a 429; Wix documents none.
        "send_retry_after": False,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.minute = deque()
        self.created = 0  # items created through the API (their ids derive from this counter)
        self.seed({"count": 0})

    # --- the framework's hooks -------------------------------------------------------------------------
    def error_body(self, error):
        if error.extra.get("violations") is not None:
            return {"message": error.message,
                    "details": {"validationError": {"fieldViolations": error.extra["violations"]}}}
        return {"message": error.message,
                "details": {"applicationError": {"code": error.code, "description": error.message,
                                                 "data": error.extra.get("data", {})}}}

    def authenticate(self, request):
        key = request.headers.get("authorization", "")
        if key not in (self.knobs.get("api_keys") or []):
            raise HttpError(401, "UNAUTHENTICATED", "UNAUTHENTICATED: the API key or access token is not valid")
        site = request.headers.get("wix-site-id")
        if not site:
            raise HttpError(403, "PERMISSION_DENIED", "PERMISSION_DENIED: an API key call to a site-level API "
                            "needs the wix-site-id header")
        if site != self.knobs.get("site_id"):
            raise HttpError(403, "PERMISSION_DENIED",
                            "PERMISSION_DENIED: the API key has no access to site %s" % site)

    def rate_limited(self):
        headers = {}
        if self.knobs.get("send_retry_after"):
            headers["Retry-After"] = str(self.knobs["retry_after_seconds"])
        return HttpError(429, "WDE0014", "WDE0014: Requests per minute quota exceeded.", headers=headers)

    def over_rate_limit(self, now):
        limited = super().over_rate_limit(now)
        per_minute = self.knobs.get("rate_limit_per_minute") or 0
        self.minute.append(now)
        while self.minute and now - self.minute[0] >= 60.0:
            self.minute.popleft()
        return limited or (per_minute > 0 and len(self.minute) > per_minute)

    def not_found(self, request):
        return HttpError(404, "NOT_FOUND", "NOT_FOUND: no such endpoint %s %s" % (request.method, request.path))

    def invalid_json(self):
        return HttpError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT: the request body is not valid JSON")

    def state(self):
        return {"site_id": self.knobs.get("site_id"),
                "collections": [c.state() for c in self.collections.values()]}

    def seed(self, options):
        count = int(options.get("count", 0))
        built = seed_data.build(count)
        self.collections = {cid: Collection(schema, items, refs) for cid, (schema, items, refs) in built.items()}
        self.created = 0
        return {"site_id": self.knobs.get("site_id"), "api_key": (self.knobs.get("api_keys") or [""])[0],
                "collections": list(self.collections), "records": count}

    def reset(self):
        self.seed({"count": 0})

    # --- helpers -----------------------------------------------------------------------------------------
    def collection(self, cid):
        if not isinstance(cid, str) or not cid:
            raise HttpError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT: dataCollectionId must not be empty",
                            extra={"violations": [{"field": "dataCollectionId", "description": "must not be empty",
                                                   "violatedRule": "REQUIRED_FIELD"}]})
        found = self.collections.get(cid)
        if found is None:
            raise HttpError(404, "WDE0025", "WDE0025: The %s collection does not exist. You cannot work with a "
                            "collection using the Data API before it is created in the Editor." % cid,
                            extra={"data": {"collectionId": cid}})
        return found

    def new_item_id(self, cid):
        self.created += 1
        return seed_data.make_id(cid, "created", self.created)

    def body_of(self, request):
        body = request.json(self.invalid_json)
        if not isinstance(body, dict):
            raise HttpError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT: the request body must be a JSON object")
        return body

    # --- Data Collections API --------------------------------------------------------------------------------
    @route("GET", V2 + r"/collections")
    def list_collections(self, request):
        try:
            limit = int(request.arg("paging.limit", "50"))
            offset = int(request.arg("paging.offset", "0"))
        except ValueError:
            raise HttpError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT: paging.limit and paging.offset are numbers")
        if limit < 1 or limit > 1000 or offset < 0:
            raise HttpError(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT: paging.limit must be 1..1000",
                            extra={"violations": [{"field": "paging.limit", "description": "must be 1..1000",
                                                   "violatedRule": "MAX"}]})
        all_cols = list(self.collections.values())
        page = all_cols[offset:offset + limit]
        return Response(200, {"collections": [items_api.copy_schema(c) for c in page],
                              "pagingMetadata": {"count": len(page), "offset": offset, "total": len(all_cols),
                                                 "tooManyToCount": False,
                                                 "hasNext": offset + len(page) < len(all_cols)}})

    @route("GET", V2 + r"/collections/(?P<cid>.+)")
    def get_collection(self, request):
        return Response(200, {"collection": items_api.copy_schema(self.collection(request.params["cid"]))})

    # --- Data Items API ----------------------------------------------------------------------------------------
    @route("POST", V2 + r"/items/query")
    def query_items(self, request):
        return items_api.query(self, self.body_of(request))

    @route("POST", V2 + r"/items/count")
    def count_items(self, request):
        return items_api.count(self, self.body_of(request))

    @route("POST", V2 + r"/items")
    def insert_item(self, request):
        return items_api.insert_one(self, self.body_of(request))

    @route("GET", ITEM)
    def get_item(self, request):
        return items_api.get_one(self, request.arg("dataCollectionId"), request.params["item"])

    @route("PUT", ITEM)
    def update_item(self, request):
        return items_api.replace_one(self, request.params["item"], self.body_of(request))

    @route("PATCH", ITEM)
    def patch_item(self, request):
        return items_api.patch_one(self, request.params["item"], self.body_of(request))

    @route("DELETE", ITEM)
    def remove_item(self, request):
        return items_api.remove_one(self, request.arg("dataCollectionId"), request.params["item"])

    @route("POST", V2 + r"/bulk/items/(?P<action>insert|update|save|patch|remove)")
    def bulk(self, request):
        return items_api.bulk(self, request.params["action"], self.body_of(request))


if __name__ == "__main__":
    sys.exit(main(Wix, "A local Wix Data API v2 emulator"))
