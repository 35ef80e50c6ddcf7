"""What the emulated Wix Data holds and the rules of writing it: collections (schema as the Data Collections
API describes it), items stored as their `data` object (system fields included, Date and Time values as
{"$date": ...}), multi-reference relations kept apart from the items (as Wix does: they are not part of an
item's data), value checks, field modifications (PATCH), and query filters and sorts."""

import copy
import datetime
import json
import re
from collections import OrderedDict

from helpers import iso_millis, now_iso_millis

SYSTEM_KEYS = ("_id", "_createdDate", "_updatedDate", "_owner")
MAX_ITEM_BYTES = 500 * 1024
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$")
TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")


class Violation(Exception):
    """Values Wix refuses: becomes a validationError (whole request) or a bulk item's error."""

    def __init__(self, violations):
        super().__init__("; ".join("%s: %s" % (v["field"], v["description"]) for v in violations))
        self.violations = violations


def now_date():
    return {"$date": now_iso_millis()}


def normalize_datetime(text):
    """The UTC form with milliseconds Wix returns for what was written ("…:ss" or an offset is accepted)."""
    m = DATETIME_RE.match(text) if isinstance(text, str) else None
    if not m:
        return None
    day, hh, mm, ss, frac, zone = m.groups()
    try:
        moment = datetime.datetime.strptime("%s %s:%s:%s" % (day, hh, mm, ss or "00"), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    moment = moment.replace(microsecond=int((frac or "0")[:6].ljust(6, "0")))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment -= sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return iso_millis(moment)  # naive, already UTC


def is_date(text):
    if not isinstance(text, str) or not DATE_RE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def type_problem(ftype, value):
    """Why `value` does not fit a field of type `ftype` (None when it does). null always fits."""
    if value is None:
        return None
    strings = ("TEXT", "RICH_TEXT", "URL", "IMAGE", "DOCUMENT", "VIDEO", "AUDIO", "PAGE_LINK", "LANGUAGE")
    if ftype in strings and not isinstance(value, str):
        return "expected a string"
    if ftype == "NUMBER" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "expected a number"
    if ftype == "BOOLEAN" and not isinstance(value, bool):
        return "expected a boolean"
    if ftype == "DATE" and not is_date(value):
        return "expected a date string YYYY-MM-DD"
    if ftype == "DATETIME" and not (isinstance(value, dict) and list(value) == ["$date"]
                                    and normalize_datetime(value["$date"])):
        return 'expected {"$date": "YYYY-MM-DDTHH:mm:ss.sssZ"}'
    if ftype == "TIME" and not (isinstance(value, str) and TIME_RE.match(value)):
        return "expected a time string HH:mm:ss.sss"
    if ftype == "ARRAY_STRING" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return "expected an array of strings"
    if ftype in ("ARRAY", "MEDIA_GALLERY", "ARRAY_DOCUMENT") and not isinstance(value, list):
        return "expected an array"
    if ftype in ("OBJECT", "ADDRESS", "RICH_CONTENT") and not isinstance(value, dict):
        return "expected an object"
    if ftype == "REFERENCE" and not isinstance(value, (str, dict)):
        return "expected the referenced item's ID"
    return None


def normalized(value):
    """Stored form: every {"$date": ...} in UTC with milliseconds."""
    if isinstance(value, dict):
        if list(value) == ["$date"] and isinstance(value["$date"], str):
            return {"$date": normalize_datetime(value["$date"]) or value["$date"]}
        return {k: normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


class Collection:
    def __init__(self, schema, items, references):
        self.schema = schema
        self.id = schema["id"]
        self.items = OrderedDict((d["_id"], d) for d in items)  # insertion order: the order without a sort
        self.references = references  # {field key: {item id: [referenced ids]}}
        for f in self.fields_of_type("MULTI_REFERENCE"):
            self.references.setdefault(f, {})

    def field(self, key):
        for f in self.schema["fields"]:
            if f["key"] == key:
                return f
        return None

    def fields_of_type(self, ftype):
        return [f["key"] for f in self.schema["fields"] if f["type"] == ftype]

    def allows(self, operation):
        return operation in self.schema.get("capabilities", {}).get("dataOperations", [])

    def state(self):
        return {"id": self.id, "displayName": self.schema["displayName"],
                "collectionType": self.schema["collectionType"], "fields": copy.deepcopy(self.schema["fields"]),
                "items": [copy.deepcopy(d) for d in self.items.values()],
                "references": copy.deepcopy(self.references)}

    # --- checks ------------------------------------------------------------------------------------------
    def check_values(self, values, service, prefix=""):
        """Raises Violation for values Wix would refuse: a reject_values marker, a value of the wrong type for
        a known field (knob strict_types), a system field, a multi-reference written as data. Unknown keys
        are stored as they are (the schema is not enforced for them)."""
        problems = []
        for key, value in values.items():
            where = prefix + key
            if key in SYSTEM_KEYS[1:]:
                problems.append({"field": where, "description": "system field %s is read-only" % key,
                                 "violatedRule": "OTHER"})
                continue
            f = self.field(key.split(".")[0])
            if f is not None and f["type"] == "MULTI_REFERENCE":
                problems.append({"field": where, "description": "multi-reference field %s is managed with the "
                                 "reference endpoints, not as item data" % key, "violatedRule": "OTHER"})
                continue
            marker = service.rejected_value(value)
            if marker is not None:
                problems.append({"field": where, "description": "value is not accepted (contains \"%s\")" % marker,
                                 "violatedRule": "OTHER"})
                continue
            if f is not None and "." not in key and service.knobs.get("strict_types"):
                problem = type_problem(f["type"], value)
                if problem:
                    problems.append({"field": where, "description": "%s field %s: %s" % (f["type"], key, problem),
                                     "violatedRule": "FORMAT"})
        if problems:
            raise Violation(problems)

    @staticmethod
    def check_size(data):
        if len(json.dumps(data)) > MAX_ITEM_BYTES:
            raise Violation([{"field": "dataItem.data", "description": "WDE0009: Document is too large.",
                              "violatedRule": "MAX_SIZE"}])

    # --- writes (the callers hold the service lock and have checked the values) -------------------------------
    def insert(self, item_id, data):
        stamp = now_date()
        stored = {"_id": item_id}
        stored.update({k: normalized(v) for k, v in data.items() if k not in SYSTEM_KEYS})
        stored["_createdDate"] = stamp
        stored["_updatedDate"] = copy.deepcopy(stamp)
        stored["_owner"] = data.get("_owner") or "a1b2c3d4-0000-4000-8000-00000000beef"
        for key in self.fields_of_type("PAGE_LINK"):  # a dynamic page's address, made from the display field
            title = str(stored.get(self.schema.get("displayField") or "", "") or item_id)
            stored[key] = "/%s/%s" % (self.id.lower(), re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"))
        self.items[item_id] = stored
        return stored

    def replace(self, item_id, data):
        """PUT: the item becomes exactly `data` plus the system fields; everything else is gone."""
        old = self.items[item_id]
        stored = {"_id": item_id}
        stored.update({k: normalized(v) for k, v in data.items() if k not in SYSTEM_KEYS})
        stored["_createdDate"] = old["_createdDate"]
        stored["_updatedDate"] = now_date()
        stored["_owner"] = old.get("_owner")
        self.items[item_id] = stored
        return stored

    def patch(self, item_id, modifications):
        data = self.items[item_id]
        for mod in modifications:
            apply_modification(data, mod)
        data["_updatedDate"] = now_date()
        return data

    def remove(self, item_id):
        data = self.items.pop(item_id)
        for refs in self.references.values():
            refs.pop(item_id, None)
        return data


def modification_values(modifications):
    """{fieldPath: value} of a PATCH's modifications, for the value checks."""
    out = {}
    for mod in modifications:
        options = next((v for k, v in mod.items() if k.endswith("Options") and isinstance(v, dict)), {})
        out[mod.get("fieldPath", "")] = options.get("value")
    return out


def check_modifications(modifications, prefix):
    """Shape errors of fieldModifications (Violation)."""
    if not isinstance(modifications, list) or not modifications:
        raise Violation([{"field": prefix + "fieldModifications", "description": "must not be empty",
                          "violatedRule": "MIN_SIZE"}])
    actions = {"SET_FIELD": "setFieldOptions", "REMOVE_FIELD": None, "INCREMENT_FIELD": "incrementFieldOptions",
               "APPEND_TO_ARRAY": "appendToArrayOptions", "REMOVE_FROM_ARRAY": "removeFromArrayOptions"}
    for n, mod in enumerate(modifications):
        where = "%sfieldModifications[%d]" % (prefix, n)
        if not isinstance(mod, dict) or not isinstance(mod.get("fieldPath"), str) or not mod["fieldPath"]:
            raise Violation([{"field": where + ".fieldPath", "description": "must not be empty",
                              "violatedRule": "REQUIRED_FIELD"}])
        if mod.get("action") not in actions:
            raise Violation([{"field": where + ".action", "description": "must be one of " + ", ".join(actions),
                              "violatedRule": "OTHER"}])
        options = actions[mod["action"]]
        if options and not (isinstance(mod.get(options), dict) and "value" in mod[options]):
            raise Violation([{"field": where + "." + options + ".value", "description": "is required",
                              "violatedRule": "REQUIRED_FIELD"}])
        if mod["fieldPath"] in SYSTEM_KEYS:
            raise Violation([{"field": where + ".fieldPath", "description": "system field %s is read-only"
                              % mod["fieldPath"], "violatedRule": "OTHER"}])


def apply_modification(data, mod):
    path = mod["fieldPath"].split(".")
    parent = data
    for part in path[:-1]:
        if not isinstance(parent.get(part), dict):
            parent[part] = {}
        parent = parent[part]
    key = path[-1]
    action = mod["action"]
    if action == "SET_FIELD":
        parent[key] = normalized(copy.deepcopy(mod["setFieldOptions"]["value"]))
    elif action == "REMOVE_FIELD":
        parent.pop(key, None)
    elif action == "INCREMENT_FIELD":
        current = parent.get(key)
        parent[key] = (current if isinstance(current, (int, float)) else 0) + mod["incrementFieldOptions"]["value"]
    elif action == "APPEND_TO_ARRAY":
        current = parent.get(key) if isinstance(parent.get(key), list) else []
        parent[key] = current + [copy.deepcopy(mod["appendToArrayOptions"]["value"])]
    elif action == "REMOVE_FROM_ARRAY":
        current = parent.get(key) if isinstance(parent.get(key), list) else []
        parent[key] = [v for v in current if v != mod["removeFromArrayOptions"]["value"]]


# --- queries ---------------------------------------------------------------------------------------------
def value_at(data, path):
    value = data
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def comparable(value):
    """Dates compare by their text; mixed types by a type rank, as a database would."""
    if isinstance(value, dict) and list(value) == ["$date"]:
        return (3, value["$date"])
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (4, json.dumps(value, sort_keys=True))


def matches(data, query_filter):
    """Wix's filter language, the operators a client uses: $eq $ne $gt $gte $lt $lte $in $hasSome $contains
    $startsWith $exists, combined with $and $or $not; {"field": value} means $eq."""
    if not query_filter:
        return True
    for key, cond in query_filter.items():
        if key == "$and":
            if not all(matches(data, c) for c in cond):
                return False
        elif key == "$or":
            if not any(matches(data, c) for c in cond):
                return False
        elif key == "$not":
            if matches(data, cond):
                return False
        elif isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond) and list(cond) != ["$date"]:
            value = value_at(data, key)
            for op, operand in cond.items():
                if not compare(op, value, operand):
                    return False
        elif not compare("$eq", value_at(data, key), cond):
            return False
    return True


def compare(op, value, operand):
    if op == "$eq":
        return comparable(value) == comparable(operand)
    if op == "$ne":
        return comparable(value) != comparable(operand)
    if op in ("$gt", "$gte", "$lt", "$lte"):
        if value is None:
            return False
        a, b = comparable(value), comparable(operand)
        if a[0] != b[0]:
            return False
        return {"$gt": a > b, "$gte": a >= b, "$lt": a < b, "$lte": a <= b}[op]
    if op == "$in":
        return any(comparable(value) == comparable(o) for o in operand or [])
    if op == "$hasSome":
        values = value if isinstance(value, list) else [value]
        return any(comparable(v) == comparable(o) for v in values for o in operand or [])
    if op == "$contains":
        return isinstance(value, str) and str(operand).lower() in value.lower()
    if op == "$startsWith":
        return isinstance(value, str) and value.lower().startswith(str(operand).lower())
    if op == "$exists":
        return (value is not None) == bool(operand)
    raise Violation([{"field": "query.filter", "description": "unsupported operator " + op, "violatedRule": "OTHER"}])


def sorted_items(items, sort):
    """Stable multi-key sort; ties keep insertion order."""
    out = list(items)
    for spec in reversed(sort or []):
        name = spec.get("fieldName")
        out.sort(key=lambda d: comparable(value_at(d, name)), reverse=spec.get("order", "ASC") == "DESC")
    return out
