"""The emulated CMS: collections with a staged and a live copy of each item, and the write rules of
Webflow's bulk item endpoints (all-or-nothing validation, slugs, publishing). No HTTP here: the routes in
emulator.py parse requests and call these methods, which raise HttpError with Webflow's codes."""

import collections
import copy
import os

import seed_data
from emulator import HttpError
from fields import FieldError, normalize
from helpers import now_iso_millis

MAX_BULK_ITEMS = 100


def validation_error(details):
    return HttpError(400, "validation_error", "Validation Error", extra={"details": details})


class Collection:
    def __init__(self, meta, fields):
        self.meta = meta
        self.fields = fields
        self.by_slug = {f["slug"]: f for f in fields}
        self.items = collections.OrderedDict()  # staged copies, in creation order
        self.live = {}  # item id -> the published copy

    def describe(self):
        return dict(self.meta, fields=copy.deepcopy(self.fields))


class CmsStore:
    def __init__(self, service):
        self.service = service  # for knobs and rejected_value
        self.created = 0
        self.collections = collections.OrderedDict()
        for meta, fields in seed_data.collections():
            self.collections[meta["id"]] = Collection(meta, fields)

    # --- lookups -------------------------------------------------------------------------------------
    def collection(self, cid):
        c = self.collections.get(cid)
        if c is None:
            raise HttpError(404, "resource_not_found", "Requested resource not found: The collection cannot be found")
        return c

    def has_item(self, cid, item_id):
        c = self.collections.get(cid)
        return c is not None and item_id in c.items

    def new_id(self):
        self.created += 1
        return seed_data.object_id("created", self.created, os.getpid())

    # --- seeding and state ---------------------------------------------------------------------------
    def load(self, items_by_collection):
        for cid, items in items_by_collection.items():
            c = self.collection(cid)
            c.items.clear()
            c.live.clear()
            for it in items:
                c.items[it["id"]] = it
                if it["lastPublished"] is not None:
                    c.live[it["id"]] = seed_data.live_copy(it)

    def state(self):
        out = []
        for c in self.collections.values():
            d = c.describe()
            d["items"] = copy.deepcopy(list(c.items.values()))
            d["liveItems"] = copy.deepcopy([c.live[i] for i in c.items if i in c.live])
            out.append(d)
        return out

    # --- reads ---------------------------------------------------------------------------------------
    def list_items(self, cid, live, offset, limit, name=None, slug=None, sort_by=None, sort_order="asc"):
        c = self.collection(cid)
        items = [c.live[i] for i in c.items if i in c.live] if live else list(c.items.values())
        if name is not None:
            items = [i for i in items if i["fieldData"].get("name") == name]
        if slug is not None:
            items = [i for i in items if i["fieldData"].get("slug") == slug]
        if sort_by:
            def key(i):
                v = i["fieldData"].get(sort_by) if sort_by in ("name", "slug") else i.get(sort_by)
                return (v is None, v or "")
            items = sorted(items, key=key, reverse=sort_order == "desc")  # stable: ties keep creation order
        return items[offset:offset + limit], len(items)

    def get_item(self, cid, item_id, live):
        c = self.collection(cid)
        found = c.live.get(item_id) if live else c.items.get(item_id)
        if found is None:
            raise HttpError(404, "resource_not_found", "Requested resource not found: Item not found")
        return found

    # --- writes --------------------------------------------------------------------------------------
    @staticmethod
    def check_count(items, key="items"):
        if not isinstance(items, list) or not items:
            raise validation_error([{"param": key, "description": "must be a non-empty array"}])
        if len(items) > MAX_BULK_ITEMS:
            raise validation_error([{"param": key, "description": "must contain at most %d items (got %d)"
                                     % (MAX_BULK_ITEMS, len(items))}])

    def check_fields(self, c, label, field_data, errors):
        """Normalized fieldData (None for cleared fields) and errors for `label` (e.g. items[3])."""
        out = {}
        if field_data is None:
            return out
        if not isinstance(field_data, dict):
            errors.append({"param": label + ".fieldData", "description": "must be an object"})
            return out
        for slug, value in field_data.items():
            param = "%s.fieldData.%s" % (label, slug)
            f = c.by_slug.get(slug)
            if f is None:
                errors.append({"param": param, "description": "Field '%s' is not defined in the collection" % slug})
                continue
            if not f.get("isEditable", True):
                errors.append({"param": param, "description": "Field '%s' is not editable" % slug})
                continue
            marker = self.service.rejected_value(value)
            if marker is not None:
                errors.append({"param": param, "description": "Invalid value: contains '%s'" % marker})
                continue
            try:
                out[slug] = normalize(f, value, self.has_item)
            except FieldError as e:
                errors.append({"param": param, "description": str(e)})
        return out

    @staticmethod
    def check_flags(label, item, errors):
        for key in ("isArchived", "isDraft"):
            if key in item and not isinstance(item[key], bool):
                errors.append({"param": "%s.%s" % (label, key), "description": "must be a boolean"})

    def unique_slug(self, c, slug, own_id, taken, label, errors):
        """Webflow appends a random suffix to a duplicate slug (or, with the knob off, refuses it)."""
        used = taken | {i["fieldData"].get("slug") for iid, i in c.items.items() if iid != own_id}
        if slug not in used:
            return slug
        if not self.service.knobs.get("suffix_duplicate_slugs", True):
            errors.append({"param": label + ".fieldData.slug",
                           "description": "Unique value is already in database: '%s'" % slug})
            return slug
        while True:
            candidate = "%s-%s" % (slug, os.urandom(3).hex()[:5])
            if candidate not in used:
                return candidate

    def create(self, cid, items, live):
        c = self.collection(cid)
        self.check_count(items)
        errors, prepared, taken = [], [], set()
        for n, item in enumerate(items):
            label = "items[%d]" % n
            if not isinstance(item, dict):
                errors.append({"param": label, "description": "must be an object"})
                continue
            self.check_flags(label, item, errors)
            data = self.check_fields(c, label, item.get("fieldData"), errors)
            for required in ("name", "slug"):
                if not data.get(required):
                    errors.append({"param": "%s.fieldData.%s" % (label, required), "description": "Field is required"})
            if data.get("slug"):
                data["slug"] = self.unique_slug(c, data["slug"], None, taken, label, errors)
                taken.add(data["slug"])
            prepared.append((item, data))
        if errors:
            raise validation_error(errors)
        created = []
        for item, data in prepared:
            t = now_iso_millis()
            new = {"id": self.new_id(), "cmsLocaleId": seed_data.LOCALE_ID, "lastPublished": t if live else None,
                   "lastUpdated": t, "createdOn": t, "isArchived": item.get("isArchived", False),
                   "isDraft": False if live else item.get("isDraft", False),
                   "fieldData": {k: v for k, v in data.items() if v is not None}}
            c.items[new["id"]] = new
            if live:
                c.live[new["id"]] = copy.deepcopy(new)
            created.append(copy.deepcopy(new))
        return created

    def find_all(self, c, items, live):
        """The staged items the request names (404 for any unknown id; 409 for live writes to never-published
        items); nothing is changed when one is missing."""
        missing, found = [], []
        for n, item in enumerate(items):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str) or item_id not in c.items:
                missing.append({"param": "items[%d].id" % n, "description": "Item not found: %s" % (item_id,)})
            else:
                found.append(c.items[item_id])
        if missing:
            raise HttpError(404, "resource_not_found", "Requested resource not found: Item not found",
                            extra={"details": missing})
        if live and any(i["id"] not in c.live for i in found):
            raise HttpError(409, "conflict", "Conflict: Conflict with server data: Live PATCH updates can't be "
                                             "applied to items that have never been published")
        return found

    def update(self, cid, items, live):
        c = self.collection(cid)
        self.check_count(items)
        targets = self.find_all(c, items, live)
        errors, prepared, taken = [], [], set()
        for n, (item, target) in enumerate(zip(items, targets)):
            label = "items[%d]" % n
            self.check_flags(label, item, errors)
            data = self.check_fields(c, label, item.get("fieldData"), errors)
            for required in ("name", "slug"):
                if required in data and not data[required]:
                    errors.append({"param": "%s.fieldData.%s" % (label, required), "description": "Field is required"})
            if data.get("slug") and data["slug"] != target["fieldData"].get("slug"):
                data["slug"] = self.unique_slug(c, data["slug"], target["id"], taken, label, errors)
                taken.add(data["slug"])
            prepared.append((item, target, data))
        if errors:
            raise validation_error(errors)
        updated = []
        for item, target, data in prepared:
            t = now_iso_millis()
            for slug, value in data.items():
                if value is None:
                    target["fieldData"].pop(slug, None)
                else:
                    target["fieldData"][slug] = value
            for key in ("isArchived", "isDraft"):
                if key in item:
                    target[key] = item[key]
            target["lastUpdated"] = t
            if live:
                target["lastPublished"] = t
                target["isDraft"] = False
                c.live[target["id"]] = copy.deepcopy(target)
            updated.append(copy.deepcopy(target))
        return updated

    def delete(self, cid, items, live):
        c = self.collection(cid)
        self.check_count(items)
        targets = self.find_all(c, items, False)
        for target in targets:
            if live:  # unpublish: the live copy goes, the item becomes a draft
                c.live.pop(target["id"], None)
                target["isDraft"] = True
                target["lastUpdated"] = now_iso_millis()
            else:
                c.items.pop(target["id"], None)
                c.live.pop(target["id"], None)

    def publish(self, cid, item_ids):
        c = self.collection(cid)
        self.check_count(item_ids, "itemIds")
        published, errors = [], []
        for item_id in item_ids:
            target = c.items.get(item_id) if isinstance(item_id, str) else None
            if target is None:
                errors.append("Staging item ID %s not found." % (item_id,))
                continue
            t = now_iso_millis()
            target["lastPublished"] = t
            target["isDraft"] = False
            c.live[item_id] = copy.deepcopy(target)
            published.append(item_id)
        return {"publishedItemIds": published, "errors": errors}
