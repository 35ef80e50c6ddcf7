"""A local Webflow Data API v2 (CMS) for tests: sites, collections with fields, items in a staged and a live
copy, the bulk item endpoints, Webflow's error envelope, 401 and 429. See README.md next to this file.

  python3 -u tests/emulators/webflow/emulator.py --port 0 --seed 1000 [--knob suffix_duplicate_slugs=false]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# The shared framework first: its module is also called `emulator`.
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(1, HERE)

from emulator import HttpError, Response, Service, main, route  # noqa: E402

import seed_data  # noqa: E402
from cms_store import CmsStore, validation_error  # noqa: E402

ID = r"(?P<cid>[^/]+)"
# Item ids never clash with the fixed words of the item routes.
ITEM = r"(?P<item_id>(?!live$|publish$|bulk$)[^/]+)"
MAX_LIMIT = 100


class Webflow(Service):
    name = "webflow"
    EXTRA_KNOBS = {
        # The only token the emulator accepts (Authorization: Bearer <token>).
        "api_token": "webflow-test-token",
        # Creating an item whose slug exists appends a random suffix (true) or fails with validation_error.
        "suffix_duplicate_slugs": True,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.reset()

    # --- the service's envelope, auth and limits -------------------------------------------------------
    def error_body(self, error):
        return {"message": error.message, "code": error.code, "externalReference": None,
                "details": error.extra.get("details", [])}

    def authenticate(self, request):
        header = request.headers.get("authorization", "")
        if header != "Bearer " + str(self.knobs["api_token"]):
            raise HttpError(401, "not_authorized", "Request not authorized")

    def rate_limited(self):
        return HttpError(429, "too_many_requests", "Too Many Requests",
                         headers={"Retry-After": str(self.knobs["retry_after_seconds"]),
                                  "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0"})

    def not_found(self, request):
        return HttpError(404, "resource_not_found", "Requested resource not found: %s" % request.path)

    def invalid_json(self):
        return HttpError(400, "bad_request", "Bad Request: the request body is not valid JSON")

    # --- state -----------------------------------------------------------------------------------------
    def reset(self):
        self.site = seed_data.site()
        self.cms = CmsStore(self)

    def seed(self, options):
        count = int(options.get("count", 0))
        categories = int(options.get("categories", seed_data.CATEGORY_COUNT))
        self.reset()
        self.cms.load(seed_data.seed_items(count, categories))
        return {"site_id": seed_data.SITE_ID,
                "collections": {"posts": seed_data.POSTS_ID, "categories": seed_data.CATEGORIES_ID},
                "count": count, "categories": categories}

    def state(self):
        return {"sites": [self.site], "collections": self.cms.state()}

    # --- helpers ---------------------------------------------------------------------------------------
    def site_of(self, site_id):
        if site_id != self.site["id"]:
            raise HttpError(404, "resource_not_found", "Requested resource not found: The site cannot be found")
        return self.site

    def body(self, request):
        data = request.json(self.invalid_json)
        if not isinstance(data, dict):
            raise HttpError(400, "bad_request", "Bad Request: the request body must be a JSON object")
        return data

    @staticmethod
    def int_arg(request, name, default):
        text = request.arg(name)
        if text is None or text == "":
            return default
        try:
            return int(text)
        except ValueError:
            raise validation_error([{"param": name, "description": "must be an integer"}])

    def list_items(self, request, live):
        offset = self.int_arg(request, "offset", 0)
        limit = self.int_arg(request, "limit", MAX_LIMIT)
        if offset < 0:
            raise validation_error([{"param": "offset", "description": "must be greater than or equal to 0"}])
        if limit < 1 or limit > MAX_LIMIT:
            raise validation_error([{"param": "limit", "description": "must be between 1 and %d" % MAX_LIMIT}])
        limit = min(limit, self.page_size_cap(MAX_LIMIT))
        sort_by = request.arg("sortBy")
        if sort_by not in (None, "createdOn", "lastPublished", "lastUpdated", "name", "slug"):
            raise validation_error([{"param": "sortBy", "description": "unsupported value %r" % sort_by}])
        items, total = self.cms.list_items(request.params["cid"], live, offset, limit, request.arg("name"),
                                           request.arg("slug"), sort_by, request.arg("sortOrder", "asc"))
        return Response(200, {"items": items, "pagination": {"limit": limit, "offset": offset, "total": total}})

    def items_of(self, request, single_ok):
        """The request's items: {"items": [...]} or, where the endpoint allows it, one bare item."""
        data = self.body(request)
        if "items" in data:
            return data["items"], False
        if single_ok:
            return [data], True
        raise validation_error([{"param": "items", "description": "is required"}])

    # --- sites and collections -------------------------------------------------------------------------
    @route("GET", r"/v2/sites")
    def list_sites(self, request):
        return Response(200, {"sites": [self.site]})

    @route("GET", r"/v2/sites/(?P<site_id>[^/]+)")
    def get_site(self, request):
        return Response(200, self.site_of(request.params["site_id"]))

    @route("GET", r"/v2/sites/(?P<site_id>[^/]+)/collections")
    def list_collections(self, request):
        self.site_of(request.params["site_id"])
        return Response(200, {"collections": [c.meta for c in self.cms.collections.values()]})

    @route("GET", r"/v2/collections/" + ID)
    def get_collection(self, request):
        return Response(200, self.cms.collection(request.params["cid"]).describe())

    # --- items, many at a time -------------------------------------------------------------------------
    @route("GET", r"/v2/collections/" + ID + r"/items")
    def list_staged(self, request):
        return self.list_items(request, False)

    @route("GET", r"/v2/collections/" + ID + r"/items/live")
    def list_live(self, request):
        return self.list_items(request, True)

    def create_items(self, request, live):
        items, single = self.items_of(request, True)
        created = self.cms.create(request.params["cid"], items, live)
        return Response(202, created[0] if single else {"items": created})

    @route("POST", r"/v2/collections/" + ID + r"/items")
    def create_staged(self, request):
        return self.create_items(request, False)

    @route("POST", r"/v2/collections/" + ID + r"/items/live")
    def create_live(self, request):
        return self.create_items(request, True)

    @route("PATCH", r"/v2/collections/" + ID + r"/items")
    def update_staged(self, request):
        items, _ = self.items_of(request, False)
        return Response(200, {"items": self.cms.update(request.params["cid"], items, False)})

    @route("PATCH", r"/v2/collections/" + ID + r"/items/live")
    def update_live(self, request):
        items, _ = self.items_of(request, False)
        return Response(200, {"items": self.cms.update(request.params["cid"], items, True)})

    @route("DELETE", r"/v2/collections/" + ID + r"/items")
    def delete_staged(self, request):
        items, _ = self.items_of(request, False)
        self.cms.delete(request.params["cid"], items, False)
        return Response(204)

    @route("DELETE", r"/v2/collections/" + ID + r"/items/live")
    def unpublish(self, request):
        items, _ = self.items_of(request, False)
        self.cms.delete(request.params["cid"], items, True)
        return Response(204)

    @route("POST", r"/v2/collections/" + ID + r"/items/publish")
    def publish(self, request):
        ids = self.body(request).get("itemIds")
        return Response(202, self.cms.publish(request.params["cid"], ids))

    # --- one item --------------------------------------------------------------------------------------
    @route("GET", r"/v2/collections/" + ID + r"/items/" + ITEM)
    def get_staged(self, request):
        return Response(200, self.cms.get_item(request.params["cid"], request.params["item_id"], False))

    @route("GET", r"/v2/collections/" + ID + r"/items/" + ITEM + r"/live")
    def get_live(self, request):
        return Response(200, self.cms.get_item(request.params["cid"], request.params["item_id"], True))

    def update_one(self, request, live):
        item = dict(self.body(request), id=request.params["item_id"])
        return Response(200, self.cms.update(request.params["cid"], [item], live)[0])

    @route("PATCH", r"/v2/collections/" + ID + r"/items/" + ITEM)
    def update_one_staged(self, request):
        return self.update_one(request, False)

    @route("PATCH", r"/v2/collections/" + ID + r"/items/" + ITEM + r"/live")
    def update_one_live(self, request):
        return self.update_one(request, True)

    @route("DELETE", r"/v2/collections/" + ID + r"/items/" + ITEM)
    def delete_one_staged(self, request):
        self.cms.delete(request.params["cid"], [{"id": request.params["item_id"]}], False)
        return Response(204)

    @route("DELETE", r"/v2/collections/" + ID + r"/items/" + ITEM + r"/live")
    def delete_one_live(self, request):
        self.cms.delete(request.params["cid"], [{"id": request.params["item_id"]}], True)
        return Response(204)


if __name__ == "__main__":
    sys.exit(main(Webflow, "Webflow Data API v2 (CMS) emulator"))
