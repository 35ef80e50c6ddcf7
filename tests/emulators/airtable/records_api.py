"""The records endpoints: list (GET and POST listRecords) with offset tokens, create, update (PATCH merges,
PUT replaces, upsert), delete. A write is validated whole before anything is stored: one bad record fails
the request and nothing is applied, as on Airtable."""

import copy
import time

from cells import COMPUTED_TYPES, normalize, is_empty
from emulator import HttpError, Response
from helpers import now_iso_millis
from ids import make_id
from seed_data import USERS

MAX_PAGE_SIZE = 100
MAX_RECORDS_PER_REQUEST = 10
PARAMETER_MESSAGE = "Invalid request: parameter validation failed. Check your request data."


def _bad_request(message=PARAMETER_MESSAGE):
    return HttpError(422, "INVALID_REQUEST_UNKNOWN", message)


def _truthy(value):
    return value is True or value in ("true", "1", 1)


def query_options(request):
    """GET list parameters, in the shape of a listRecords body."""
    options = {}
    for key in ("pageSize", "maxRecords", "offset", "view", "cellFormat", "filterByFormula",
                "returnFieldsByFieldId"):
        value = request.arg(key)
        if value is not None:
            options[key] = value
    if request.args("fields[]"):
        options["fields"] = request.args("fields[]")
    if any(k.startswith("sort[") for k in request.query):
        options["sort"] = True
    return options


def _int_option(options, key, default):
    value = options.get(key, default)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request()


def list_records(service, table, options):
    for unsupported in ("filterByFormula", "sort"):
        if options.get(unsupported):
            raise _bad_request("The emulator does not implement %s" % unsupported)
    if options.get("cellFormat", "json") != "json":
        raise _bad_request("The emulator implements cellFormat=json only")
    view = options.get("view")
    if view is not None and view not in ("Grid view", "viw" + table.id[3:]):
        raise HttpError(422, "VIEW_NAME_NOT_FOUND", 'Could not find view "%s" in table %s' % (view, table.name))
    page_size = _int_option(options, "pageSize", MAX_PAGE_SIZE)
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise _bad_request()
    page_size = min(page_size, service.page_size_cap(MAX_PAGE_SIZE))
    max_records = _int_option(options, "maxRecords", 0)
    only = None
    if options.get("fields") is not None:
        only = set()
        for key in options["fields"] if isinstance(options["fields"], list) else [options["fields"]]:
            f = table.field(key)
            if f is None:
                raise HttpError(422, "UNKNOWN_FIELD_NAME", 'Unknown field name: "%s"' % key)
            only.add(f["id"])

    ids = list(table.records.keys())
    start, served = 0, 0
    token = options.get("offset")
    if token:
        it = service.iterators.get(token)
        ttl = float(service.knobs.get("iterator_ttl_seconds") or 0)
        if it is None or it["table"] != table.id or time.monotonic() - it["created"] > ttl:
            service.iterators.pop(token, None)
            raise HttpError(422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE", "LIST_RECORDS_ITERATOR_NOT_AVAILABLE")
        # Continue after the last record served; if that one was deleted, from the same position.
        start = ids.index(it["after"]) + 1 if it["after"] in table.records else min(it["position"], len(ids))
        served = it["served"]
    end = min(start + page_size, len(ids))
    if max_records > 0:
        end = min(end, start + max(0, max_records - served))
    by_id = _truthy(options.get("returnFieldsByFieldId"))
    page = [table.render(table.records[i], service.base, by_id, only) for i in ids[start:end]]
    body = {"records": page}
    served += len(page)
    if end < len(ids) and (max_records <= 0 or served < max_records) and page:
        # Offsets look like the real ones (itr.../rec...) and are opaque to clients.
        service.created_tokens = getattr(service, "created_tokens", 0) + 1
        token = make_id("itr", table.id, service.created_tokens, time.monotonic()) + "/" + ids[end - 1]
        service.iterators[token] = {"table": table.id, "after": ids[end - 1], "position": end, "served": served,
                                    "created": time.monotonic()}
        body["offset"] = token
    return Response(200, body)


def _records_of(body, what):
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise HttpError(422, "INVALID_RECORDS", '"records" must be an array of 1 to %d objects to %s.' %
                        (MAX_RECORDS_PER_REQUEST, what))
    if len(records) > MAX_RECORDS_PER_REQUEST:
        raise HttpError(422, "INVALID_RECORDS", "You can %s up to %d records per request, got %d." %
                        (what, MAX_RECORDS_PER_REQUEST, len(records)))
    for r in records:
        if not isinstance(r, dict) or not isinstance(r.get("fields", {}), dict):
            raise _bad_request()
    return records


def _check_rejected(service, table, fields):
    """The reject_values knob: a marked value fails like a value Airtable refuses for its column."""
    for key, value in fields.items():
        if service.rejected_value(value) is not None:
            f = table.field(key)
            name = f["name"] if f else key
            raise HttpError(422, "INVALID_VALUE_FOR_COLUMN",
                            'Field "%s" cannot accept the provided value: "%s" is not allowed' %
                            (name, service.rejected_value(value)))


def _normalized(service, table, fields, current, typecast, record_key):
    """{field id: value or None} for a write's fields; raises the request's 422."""
    _check_rejected(service, table, fields)
    out = {}
    for key, value in fields.items():
        f = table.field(key)
        if f is None:
            raise HttpError(422, "UNKNOWN_FIELD_NAME", 'Unknown field name: "%s"' % key)
        out[f["id"]] = normalize(f, value, base=service.base, users=USERS, current=current.get(f["id"]),
                                 typecast=typecast, record_key=record_key)
    return out


def _apply(table, record, changes, replace):
    before = copy.deepcopy(record["fields"])
    if replace:  # PUT: every writable field not given is cleared
        for f in table.fields:
            if f["type"] not in COMPUTED_TYPES and f["id"] not in changes:
                record["fields"].pop(f["id"], None)
    for fid, value in changes.items():
        if is_empty(value):
            record["fields"].pop(fid, None)
        else:
            record["fields"][fid] = value
    if record["fields"] != before:
        record["modifiedTime"] = now_iso_millis()


def _rendered(service, table, records, by_id):
    return [table.render(r, service.base, by_id) for r in records]


def create(service, table, body):
    single = "records" not in body and isinstance(body.get("fields"), dict)
    records = [{"fields": body["fields"]}] if single else _records_of(body, "create")
    typecast = _truthy(body.get("typecast"))
    staged = []
    for n, r in enumerate(records):
        staged.append(_normalized(service, table, r.get("fields", {}), {}, typecast, ("new", service.created, n)))
    created = []
    for changes in staged:
        now = now_iso_millis()
        record = {"id": service.next_record_id(table), "createdTime": now, "modifiedTime": now,
                  "autoNumber": table.next_auto_number, "fields": {}}
        table.next_auto_number += 1
        _apply(table, record, changes, replace=False)
        record["modifiedTime"] = now
        table.records[record["id"]] = record
        created.append(record)
    rendered = _rendered(service, table, created, _truthy(body.get("returnFieldsByFieldId")))
    return Response(200, rendered[0] if single else {"records": rendered})


def _not_found(record_id):
    return HttpError(404, "MODEL_ID_NOT_FOUND", "Could not find a record with ID %s" % record_id)


def update(service, table, body, replace):
    records = _records_of(body, "update")
    typecast = _truthy(body.get("typecast"))
    upsert = body.get("performUpsert")
    merge_on = []
    if upsert is not None:
        keys = upsert.get("fieldsToMergeOn") if isinstance(upsert, dict) else None
        if not isinstance(keys, list) or not 1 <= len(keys) <= 3:
            raise _bad_request()
        for key in keys:
            f = table.field(key)
            if f is None:
                raise HttpError(422, "UNKNOWN_FIELD_NAME", 'Unknown field name: "%s"' % key)
            merge_on.append(f["id"])
    plan = []  # (record or None for a create, changes)
    for n, r in enumerate(records):
        record = None
        if "id" in r:
            record = table.records.get(r["id"])
            if record is None:
                raise _not_found(r["id"])
        elif not merge_on:
            raise _bad_request()
        changes = _normalized(service, table, r.get("fields", {}), record["fields"] if record else {}, typecast,
                              (r.get("id"), n))
        if record is None:  # upsert: match on the merge fields
            matches = [x for x in table.records.values()
                       if all(x["fields"].get(fid) == changes.get(fid) for fid in merge_on)]
            if len(matches) > 1:
                raise _bad_request("More than one record matches fieldsToMergeOn")
            record = matches[0] if matches else None
        plan.append((record, changes))
    out, created_ids, updated_ids = [], [], []
    for record, changes in plan:
        if record is None:
            now = now_iso_millis()
            record = {"id": service.next_record_id(table), "createdTime": now, "modifiedTime": now,
                      "autoNumber": table.next_auto_number, "fields": {}}
            table.next_auto_number += 1
            _apply(table, record, changes, replace=False)
            record["modifiedTime"] = now
            table.records[record["id"]] = record
            created_ids.append(record["id"])
        else:
            _apply(table, record, changes, replace)
            updated_ids.append(record["id"])
        out.append(record)
    body_out = {"records": _rendered(service, table, out, _truthy(body.get("returnFieldsByFieldId")))}
    if merge_on:
        body_out["createdRecords"] = created_ids
        body_out["updatedRecords"] = updated_ids
    return Response(200, body_out)


def update_one(service, table, record_id, body, replace):
    record = table.records.get(record_id)
    if record is None:
        raise _not_found(record_id)
    fields = body.get("fields", {})
    if not isinstance(fields, dict):
        raise _bad_request()
    changes = _normalized(service, table, fields, record["fields"], _truthy(body.get("typecast")), (record_id, 0))
    _apply(table, record, changes, replace)
    return Response(200, table.render(record, service.base, _truthy(body.get("returnFieldsByFieldId"))))


def delete(service, table, record_ids, batch):
    if batch and (not record_ids or len(record_ids) > MAX_RECORDS_PER_REQUEST):
        raise HttpError(422, "INVALID_RECORDS",
                        '"records" must be an array of up to %d record IDs.' % MAX_RECORDS_PER_REQUEST)
    for record_id in record_ids:
        if record_id not in table.records:
            raise _not_found(record_id)
    for record_id in record_ids:
        table.records.pop(record_id, None)
        # Link cells elsewhere in the base lose the deleted record.
        for other in service.base.tables:
            for f in other.fields:
                if f["type"] == "multipleRecordLinks" and f["options"]["linkedTableId"] == table.id:
                    for r in other.records.values():
                        links = r["fields"].get(f["id"])
                        if links and record_id in links:
                            links.remove(record_id)
                            if not links:
                                del r["fields"][f["id"]]
    deleted = [{"id": i, "deleted": True} for i in record_ids]
    return Response(200, {"records": deleted} if batch else deleted[0])
