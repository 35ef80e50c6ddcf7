"""The Data Items endpoints: query (offset and cursor paging), count, and the single and bulk writes with
Wix's per-item results. Every function runs under the service lock and returns a Response or raises
HttpError."""

import base64
import copy
import json

from emulator import HttpError, Response
from store import Violation, check_modifications, matches, modification_values, sorted_items

MAX_OFFSET_LIMIT = 1000
MAX_CURSOR_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_BULK = {"insert": 1000, "update": 1000, "save": 1000, "remove": 1000, "patch": 100}
BULK_ACTION = {"insert": "INSERT", "update": "UPDATE", "save": "UPDATE", "patch": "UPDATE", "remove": "DELETE"}
MAX_REFERENCED = 50  # referenced items included per item and field


def copy_schema(collection):
    return copy.deepcopy(collection.schema)


def validation_error(violations, message=None):
    text = message or "INVALID_ARGUMENT: " + "; ".join("%s: %s" % (v["field"], v["description"]) for v in violations)
    return HttpError(400, "INVALID_ARGUMENT", text, extra={"violations": violations})


def item_not_found(collection, item_id):
    return HttpError(404, "WDE0073", "WDE0073: Item [%s] does not exist in collection [%s]." % (item_id, collection.id),
                     extra={"data": {"itemId": item_id}})


def render(collection, data, service, include=(), fields=None):
    """A dataItem as the API returns it. Referenced items are included (whole) only for the fields named in
    includeReferencedItems; a multi-reference field is otherwise not part of the data at all."""
    out = copy.deepcopy(data)
    for key in include or []:
        f = collection.field(key)
        if f is None:
            continue
        target = service.collections.get(((f.get("typeMetadata") or {}).get("multiReference") or
                                          (f.get("typeMetadata") or {}).get("reference") or {})
                                         .get("referencedCollectionId"))
        if f["type"] == "MULTI_REFERENCE":
            ids = collection.references.get(key, {}).get(data["_id"], [])[:MAX_REFERENCED]
            out[key] = [copy.deepcopy(target.items[i]) for i in ids if target and i in target.items]
        elif f["type"] == "REFERENCE" and isinstance(out.get(key), str) and target and out[key] in target.items:
            out[key] = copy.deepcopy(target.items[out[key]])
    if fields:
        out = {k: v for k, v in out.items() if k in fields or k == "_id"}
    return {"id": data["_id"], "dataCollectionId": collection.id, "data": out}


def require_operation(collection, operation):
    if not collection.allows(operation):
        raise HttpError(403, "WDE0027", "WDE0027: The current user does not have permissions to %s on the %s "
                        "collection." % (operation.lower().replace("_", " "), collection.id))


# --- query -------------------------------------------------------------------------------------------------
def encode_cursor(state):
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(text):
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        raise validation_error([{"field": "query.cursorPaging.cursor", "description": "invalid cursor",
                                 "violatedRule": "FORMAT"}])


def limit_of(paging, field, cap, service):
    limit = paging.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0 or limit > cap:
        raise validation_error([{"field": field, "description": "must be between 0 and %d" % cap,
                                 "violatedRule": "MAX"}])
    return min(limit, service.page_size_cap(cap))  # the max_page_size knob serves fewer, silently


def query(service, body):
    q = body.get("query") or {}
    if not isinstance(q, dict):
        raise validation_error([{"field": "query", "description": "must be an object", "violatedRule": "FORMAT"}])
    cursor_paging = q.get("cursorPaging")
    if cursor_paging is not None and q.get("paging") is not None:
        raise validation_error([{"field": "query", "description": "paging and cursorPaging cannot be used together",
                                 "violatedRule": "OTHER"}])
    include = body.get("includeReferencedItems") or []
    if cursor_paging is not None:
        limit = limit_of(cursor_paging, "query.cursorPaging.limit", MAX_CURSOR_LIMIT, service)
        if cursor_paging.get("cursor"):
            # A cursor carries the query it continues; what else was sent is not used.
            state = decode_cursor(cursor_paging["cursor"])
            cid, query_filter, sort, fields, start = state["c"], state["f"], state["s"], state["p"], state["o"]
        else:
            cid, query_filter, sort, fields, start = (body.get("dataCollectionId"), q.get("filter") or {},
                                                      q.get("sort") or [], q.get("fields") or [], 0)
    else:
        paging = q.get("paging") or {}
        limit = limit_of(paging, "query.paging.limit", MAX_OFFSET_LIMIT, service)
        start = paging.get("offset", 0)
        if not isinstance(start, int) or start < 0:
            raise validation_error([{"field": "query.paging.offset", "description": "must be at least 0",
                                     "violatedRule": "MIN"}])
        cid, query_filter, sort, fields = (body.get("dataCollectionId"), q.get("filter") or {},
                                           q.get("sort") or [], q.get("fields") or [])
    collection = service.collection(cid)
    require_operation(collection, "FIND")
    try:
        hits = [d for d in collection.items.values() if matches(d, query_filter)]
    except Violation as v:
        raise validation_error(v.violations)
    hits = sorted_items(hits, sort)
    page = hits[start:start + limit]
    items = [render(collection, d, service, include, fields) for d in page]
    has_next = start + len(page) < len(hits)
    meta = {"count": len(page), "hasNext": has_next}
    if cursor_paging is not None:
        meta["cursors"] = {}
        if has_next:
            meta["cursors"]["next"] = encode_cursor({"c": cid, "f": query_filter, "s": sort, "p": fields,
                                                     "o": start + len(page)})
        if start > 0:
            meta["cursors"]["prev"] = encode_cursor({"c": cid, "f": query_filter, "s": sort, "p": fields,
                                                     "o": max(0, start - limit)})
    else:
        meta["offset"] = start
    if body.get("returnTotalCount"):
        meta["total"] = len(hits)
        meta["tooManyToCount"] = False
    return Response(200, {"dataItems": items, "pagingMetadata": meta})


def count(service, body):
    collection = service.collection(body.get("dataCollectionId"))
    require_operation(collection, "COUNT")
    return Response(200, {"totalCount": sum(1 for d in collection.items.values()
                                            if matches(d, body.get("filter") or {}))})


# --- single-item writes ---------------------------------------------------------------------------------------
def data_of(body, where="dataItem"):
    item = body.get("dataItem")
    if not isinstance(item, dict) or not isinstance(item.get("data", {}), dict):
        raise validation_error([{"field": where, "description": "must be an object with data",
                                 "violatedRule": "REQUIRED_FIELD"}])
    return item, item.get("data") or {}


def checked(collection, service, values, prefix):
    try:
        collection.check_values(values, service, prefix)
        collection.check_size(values)
    except Violation as v:
        raise validation_error(v.violations)


def insert_one(service, body):
    collection = service.collection(body.get("dataCollectionId"))
    require_operation(collection, "INSERT")
    item, data = data_of(body)
    checked(collection, service, data, "dataItem.data.")
    item_id = item.get("id") or data.get("_id") or service.new_item_id(collection.id)
    if item_id in collection.items:
        raise HttpError(409, "WDE0074", "WDE0074: An item with _id [%s] already exists in the [%s] collection."
                        % (item_id, collection.id), extra={"data": {"itemId": item_id}})
    stored = collection.insert(item_id, data)
    return Response(200, {"dataItem": render(collection, stored, service)})


def get_one(service, cid, item_id):
    collection = service.collection(cid)
    require_operation(collection, "GET")
    if item_id not in collection.items:
        raise item_not_found(collection, item_id)
    return Response(200, {"dataItem": render(collection, collection.items[item_id], service)})


def replace_one(service, item_id, body):
    """PUT replaces the whole item: the fields it does not send are lost."""
    collection = service.collection(body.get("dataCollectionId"))
    require_operation(collection, "UPDATE")
    _, data = data_of(body)
    checked(collection, service, data, "dataItem.data.")
    if item_id not in collection.items:
        raise item_not_found(collection, item_id)
    return Response(200, {"dataItem": render(collection, collection.replace(item_id, data), service)})


def patch_one(service, item_id, body):
    collection = service.collection(body.get("dataCollectionId"))
    require_operation(collection, "UPDATE")
    patch = body.get("patch") or {}
    if patch.get("dataItemId") not in (None, item_id):
        raise validation_error([{"field": "patch.dataItemId", "description": "must match the path",
                                 "violatedRule": "OTHER"}])
    mods = patch.get("fieldModifications")
    try:
        check_modifications(mods, "patch.")
    except Violation as v:
        raise validation_error(v.violations)
    checked(collection, service, modification_values(mods), "patch.")
    if item_id not in collection.items:
        raise item_not_found(collection, item_id)
    return Response(200, {"dataItem": render(collection, collection.patch(item_id, mods), service)})


def remove_one(service, cid, item_id):
    collection = service.collection(cid)
    require_operation(collection, "REMOVE")
    if item_id not in collection.items:
        raise item_not_found(collection, item_id)
    return Response(200, {"dataItem": render(collection, collection.remove(item_id), service)})


# --- bulk writes ---------------------------------------------------------------------------------------------
def bulk(service, action, body):
    """Per-item results in request order (itemMetadata.originalIndex); an item's problem fails that item alone
    unless the bulk_validation knob is "request", which refuses the whole request for a bad value."""
    collection = service.collection(body.get("dataCollectionId"))
    require_operation(collection, "BULK_" + ("UPDATE" if action == "patch" else action.upper()))
    key = {"remove": "dataItemIds", "patch": "patches"}.get(action, "dataItems")
    entries = body.get(key)
    if not isinstance(entries, list) or not entries:
        raise validation_error([{"field": key, "description": "must not be empty", "violatedRule": "MIN_SIZE"}],
                               "WDE0080: %s must not be empty" % key)
    if len(entries) > MAX_BULK[action]:
        raise validation_error([{"field": key, "description": "must contain at most %d items" % MAX_BULK[action],
                                 "violatedRule": "MAX_SIZE"}])

    # Shape and value checks first: with bulk_validation=request a bad value refuses the request untouched.
    problems = [None] * len(entries)
    for n, entry in enumerate(entries):
        try:
            problems[n] = precheck(collection, service, action, key, n, entry)
        except Violation as v:
            if service.knobs.get("bulk_validation") == "request" or v.violations[0].get("shape"):
                for violation in v.violations:
                    violation.pop("shape", None)
                raise validation_error(v.violations)
            problems[n] = v

    results, successes = [], 0
    for n, entry in enumerate(entries):
        result = {"action": BULK_ACTION[action], "itemMetadata": {"originalIndex": n, "success": False}}
        if isinstance(problems[n], Violation):
            result["itemMetadata"]["error"] = {
                "code": "WDE0075", "description": "Validation failed: " + str(problems[n]),
                "data": {"fieldViolations": problems[n].violations}}
            item_id = entry_id(action, entry)
            if item_id:
                result["itemMetadata"]["id"] = item_id
            results.append(result)
            continue
        outcome = apply_entry(collection, service, action, entry)
        result["itemMetadata"].update(outcome["meta"])
        if outcome.get("stored") is not None:
            successes += 1
            if action == "save" and outcome.get("inserted"):
                result["action"] = "INSERT"
            if body.get("returnEntity") and action != "remove":
                result["dataItem"] = render(collection, outcome["stored"], service)
        results.append(result)
    return Response(200, {"results": results,
                          "bulkActionMetadata": {"totalSuccesses": successes,
                                                 "totalFailures": len(entries) - successes,
                                                 "undetailedFailures": 0}})


def entry_id(action, entry):
    if action == "remove":
        return entry if isinstance(entry, str) else None
    if action == "patch":
        return entry.get("dataItemId") if isinstance(entry, dict) else None
    if isinstance(entry, dict):
        return entry.get("id") or (entry.get("data") or {}).get("_id")
    return None


def precheck(collection, service, action, key, n, entry):
    prefix = "%s[%d]." % (key, n)
    if action == "remove":
        if not isinstance(entry, str) or not entry:
            raise Violation([{"field": prefix[:-1], "description": "must be an item ID", "violatedRule": "FORMAT",
                              "shape": True}])
        return None
    if action == "patch":
        if not isinstance(entry, dict) or not entry.get("dataItemId"):
            raise Violation([{"field": prefix + "dataItemId", "description": "must not be empty",
                              "violatedRule": "REQUIRED_FIELD", "shape": True}])
        try:
            check_modifications(entry.get("fieldModifications"), prefix)
        except Violation as v:
            v.violations[0]["shape"] = True
            raise
        collection.check_values(modification_values(entry["fieldModifications"]), service, prefix)
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("data", {}), dict):
        raise Violation([{"field": prefix + "data", "description": "must be an object", "violatedRule": "FORMAT",
                          "shape": True}])
    if action in ("update",) and not entry_id(action, entry):
        raise Violation([{"field": prefix + "id", "description": "must not be empty",
                          "violatedRule": "REQUIRED_FIELD", "shape": True}])
    data = entry.get("data") or {}
    collection.check_values(data, service, prefix + "data.")
    collection.check_size(data)
    return None


def apply_entry(collection, service, action, entry):
    """One bulk item: {"meta": itemMetadata fields, "stored": the item's data after it or None on failure}."""
    item_id = entry_id(action, entry)
    if action == "remove" or action == "patch" or action == "update":
        if item_id not in collection.items:
            return {"meta": {"id": item_id, "error": {
                "code": "WDE0073",
                "description": "Item [%s] does not exist in collection [%s]." % (item_id, collection.id),
                "data": {"itemId": item_id}}}}
        if action == "remove":
            return {"meta": {"id": item_id, "success": True}, "stored": collection.remove(item_id)}
        if action == "patch":
            return {"meta": {"id": item_id, "success": True},
                    "stored": collection.patch(item_id, entry["fieldModifications"])}
        return {"meta": {"id": item_id, "success": True},
                "stored": collection.replace(item_id, entry.get("data") or {})}
    data = entry.get("data") or {}
    if action == "save" and item_id in collection.items:
        return {"meta": {"id": item_id, "success": True}, "stored": collection.replace(item_id, data)}
    if item_id and item_id in collection.items:
        return {"meta": {"id": item_id, "error": {
            "code": "WDE0074", "description": "An item with _id [%s] already exists in the [%s] collection."
            % (item_id, collection.id), "data": {"itemId": item_id}}}}
    item_id = item_id or service.new_item_id(collection.id)
    return {"meta": {"id": item_id, "success": True}, "stored": collection.insert(item_id, data), "inserted": True}
