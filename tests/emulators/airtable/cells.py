"""Cell values as Airtable handles them (cellFormat=json): validating and normalising what a write sends,
computing read-only fields, and dropping empty values from every answer."""

import datetime
import re
import sys
import os

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

from emulator import HttpError  # noqa: E402
from helpers import iso_millis  # noqa: E402

from ids import make_id  # noqa: E402

# Fields whose values Airtable computes; a write to one is refused.
COMPUTED_TYPES = {"formula", "rollup", "multipleLookupValues", "count", "autoNumber", "createdTime",
                  "lastModifiedTime", "createdBy", "lastModifiedBy", "button", "aiText", "externalSyncSource"}

TEXT_TYPES = {"singleLineText", "multilineText", "richText", "email", "url", "phoneNumber"}
NUMBER_TYPES = {"number", "currency", "percent", "duration"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_empty(value):
    """Airtable never returns these: an empty cell is an absent key."""
    return value is None or value is False or value == "" or value == [] or value == {}


def without_empty(fields):
    return {k: v for k, v in fields.items() if not is_empty(v)}


def invalid_value(field, detail=None):
    message = 'Field "%s" cannot accept the provided value' % field["name"]
    return HttpError(422, "INVALID_VALUE_FOR_COLUMN", message + (": " + detail if detail else ""))


def computed_refusal(field):
    return HttpError(422, "INVALID_VALUE_FOR_COLUMN",
                     'Field "%s" cannot accept a value because the field is computed' % field["name"])


def _choice_names(field):
    return [c["name"] for c in (field.get("options") or {}).get("choices", [])]


def _add_choice(field, name):
    choices = field.setdefault("options", {}).setdefault("choices", [])
    choices.append({"id": make_id("sel", field["id"], name), "name": name, "color": "grayLight2"})


def _select_name(field, value, typecast):
    if not isinstance(value, str):
        raise invalid_value(field)
    if value in _choice_names(field):
        return value
    if typecast:
        _add_choice(field, value)
        return value
    # The real message quotes the name twice.
    raise HttpError(422, "INVALID_MULTIPLE_CHOICE_OPTIONS",
                    'Insufficient permissions to create new select option ""%s""' % value)


def _number(field, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_value(field)
    return value


def _date(field, value):
    if not isinstance(value, str):
        raise invalid_value(field)
    if _DATE.match(value):
        try:
            datetime.date.fromisoformat(value)
            return value
        except ValueError:
            raise invalid_value(field)
    return _datetime(field, value)[:10]  # a datetime written to a date field keeps its (UTC) day


def _datetime(field, value):
    if not isinstance(value, str):
        raise invalid_value(field)
    text = value
    if _DATE.match(text):
        text += "T00:00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise invalid_value(field)
    if moment.tzinfo is None:  # the field's zone; every seeded dateTime field is in UTC
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return iso_millis(moment)


def _links(field, value, base, typecast):
    if not isinstance(value, list):
        raise invalid_value(field)
    linked = base.table(field["options"]["linkedTableId"])
    out = []
    for item in value:
        record_id = item.get("id") if isinstance(item, dict) else item
        if not isinstance(record_id, str):
            raise invalid_value(field)
        if record_id not in linked.records:
            match = None
            if typecast:  # typecast matches linked records by their primary field's value
                for other in linked.records.values():
                    if other["fields"].get(linked.primary_field_id) == record_id:
                        match = other["id"]
                        break
            if match is None:
                raise HttpError(422, "ROW_DOES_NOT_EXIST", "Record ID %s does not exist" % record_id)
            record_id = match
        if record_id not in out:
            out.append(record_id)
    return out


def _attachments(field, value, current, record_key):
    """Existing attachments are kept by id (whatever else the object says); new ones come as {url, filename?}
    and get an id, a type and thumbnails the way Airtable fills them in."""
    if not isinstance(value, list):
        raise invalid_value(field)
    existing = {a["id"]: a for a in (current or []) if isinstance(a, dict) and "id" in a}
    out = []
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise HttpError(422, "INVALID_ATTACHMENT_OBJECT", "Invalid attachment object for field %s" %
                            field["name"])
        if "id" in item:
            if item["id"] not in existing:
                raise HttpError(422, "INVALID_ATTACHMENT_OBJECT",
                                "Attachment %s is not in field %s of this record" % (item["id"], field["name"]))
            out.append(existing[item["id"]])
            continue
        url = item.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise HttpError(422, "INVALID_ATTACHMENT_OBJECT", "Attachment objects need a url")
        filename = item.get("filename") or url.rstrip("/").rsplit("/", 1)[-1] or "file"
        out.append(new_attachment(make_id("att", record_key, field["id"], n, url), url, filename, None))
    return out


def new_attachment(att_id, url, filename, size):
    lower = filename.lower()
    kind = ("image/png" if lower.endswith(".png") else "image/jpeg" if lower.endswith((".jpg", ".jpeg"))
            else "application/pdf" if lower.endswith(".pdf") else "application/octet-stream")
    attachment = {"id": att_id, "url": url, "filename": filename, "size": size if size is not None else 0,
                  "type": kind}
    if kind.startswith("image/"):
        attachment.update({"width": 64, "height": 48, "thumbnails": {
            "small": {"url": url + "?thumb=small", "width": 48, "height": 36},
            "large": {"url": url + "?thumb=large", "width": 64, "height": 48},
            "full": {"url": url + "?thumb=full", "width": 3000, "height": 3000}}})
    return attachment


def _collaborator(field, value, users):
    if not isinstance(value, dict):
        raise invalid_value(field)
    for user in users:
        if ("id" in value and value["id"] == user["id"]) or ("id" not in value and value.get("email") ==
                                                             user["email"]):
            return dict(user)
    raise invalid_value(field, "unknown collaborator")


def _barcode(field, value):
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        raise invalid_value(field)
    out = {"text": value["text"]}
    if isinstance(value.get("type"), str):
        out["type"] = value["type"]
    return out


def normalize(field, value, *, base, users, current, typecast, record_key):
    """The value a write stores for `field`; None clears the cell. Raises the service's 422."""
    kind = field["type"]
    if kind in COMPUTED_TYPES:
        raise computed_refusal(field)
    if is_empty(value) and not (kind == "multipleAttachments" and value == []):
        return None
    if kind in TEXT_TYPES:
        if not isinstance(value, str):
            if typecast and isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            raise invalid_value(field)
        return value
    if kind in NUMBER_TYPES:
        if typecast and isinstance(value, str):
            try:
                value = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                raise invalid_value(field)
        return _number(field, value)
    if kind == "rating":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= field["options"]["max"]:
            raise invalid_value(field)
        return value
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise invalid_value(field)
        return value or None
    if kind == "date":
        return _date(field, value)
    if kind == "dateTime":
        return _datetime(field, value)
    if kind == "singleSelect":
        return _select_name(field, value, typecast)
    if kind == "multipleSelects":
        if not isinstance(value, list):
            raise invalid_value(field)
        out = []
        for name in value:
            name = _select_name(field, name, typecast)
            if name not in out:
                out.append(name)
        return out
    if kind == "multipleRecordLinks":
        return _links(field, value, base, typecast)
    if kind == "multipleAttachments":
        return _attachments(field, value, current, record_key) or None
    if kind == "singleCollaborator":
        return _collaborator(field, value, users)
    if kind == "multipleCollaborators":
        if not isinstance(value, list):
            raise invalid_value(field)
        return [_collaborator(field, v, users) for v in value]
    if kind == "barcode":
        return _barcode(field, value)
    raise invalid_value(field, "unsupported field type " + kind)


def computed_value(field, record, table, base):
    """The value of a read-only field for `record` (None when empty)."""
    kind = field["type"]
    impl = field.get("_impl") or {}
    if kind == "autoNumber":
        return record["autoNumber"]
    if kind == "createdTime":
        return record["createdTime"]
    if kind == "lastModifiedTime":
        return record["modifiedTime"]
    if kind in ("count", "rollup", "multipleLookupValues"):
        options = field["options"]
        linked_table = base.table(table.field(options["recordLinkFieldId"])["options"]["linkedTableId"])
        linked = [linked_table.records[r] for r in record["fields"].get(options["recordLinkFieldId"], [])
                  if r in linked_table.records]
        if kind == "count":
            return len(linked)
        values = [r["fields"].get(options["fieldIdInLinkedTable"]) for r in linked]
        values = [v for v in values if not is_empty(v)]
        if kind == "rollup":  # SUM(values)
            return sum(v for v in values if isinstance(v, (int, float)))
        return values
    if kind == "formula":
        if impl.get("op") == "concat":
            parts = []
            for part in impl["parts"]:
                if isinstance(part, dict):
                    v = record["fields"].get(part["field"])
                    parts.append("" if v is None else str(v))
                else:
                    parts.append(part)
            return "".join(parts)
        if impl.get("op") == "mul":
            v = record["fields"].get(impl["field"])
            return None if v is None else v * impl["by"]
        return None
    # Stored computed values (aiText, button, ...): whatever the seed put there.
    return record["fields"].get(field["id"])
