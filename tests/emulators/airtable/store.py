"""What the emulated Airtable holds: bases with tables (schema as the Meta API describes it) and records.

A record is stored as {"id", "createdTime", "modifiedTime", "autoNumber", "fields"}: `fields` maps field ids to
non-empty values of the writable fields (and of stored computed ones such as aiText); formulas, lookups,
rollups, counts and the time fields are computed when a record is rendered."""

import copy
from collections import OrderedDict

from cells import COMPUTED_TYPES, computed_value, is_empty


class Table:
    def __init__(self, table_id, name, fields, description=None):
        self.id = table_id
        self.name = name
        self.description = description
        self.fields = fields  # Meta API field objects; keys starting with "_" are the emulator's own
        self.primary_field_id = fields[0]["id"]
        self.records = OrderedDict()  # id -> record, in creation order (the list order without sort/view)
        self.next_auto_number = 1

    def field(self, key):
        """A field by id or by name (both are accepted wherever Airtable takes a field)."""
        for f in self.fields:
            if f["id"] == key:
                return f
        for f in self.fields:
            if f["name"] == key:
                return f
        return None

    def schema(self):
        out = {"id": self.id, "name": self.name, "primaryFieldId": self.primary_field_id,
               "fields": [{k: v for k, v in f.items() if not k.startswith("_")} for f in self.fields],
               "views": [{"id": "viw" + self.id[3:], "name": "Grid view", "type": "grid"}]}
        if self.description:
            out["description"] = self.description
        return out

    def render(self, record, base, by_id, only=None):
        """The record as the API returns it: every non-empty value, computed ones included, keyed by field
        name (or id with returnFieldsByFieldId); `only` limits it to those fields."""
        fields = {}
        for f in self.fields:
            if only is not None and f["id"] not in only:
                continue
            if f["type"] in COMPUTED_TYPES:
                value = computed_value(f, record, self, base)
            else:
                value = record["fields"].get(f["id"])
            if not is_empty(value):
                fields[f["id"] if by_id else f["name"]] = copy.deepcopy(value)
        return {"id": record["id"], "createdTime": record["createdTime"], "fields": fields}

    def state(self):
        return {"id": self.id, "name": self.name,
                "fields": [{k: v for k, v in f.items() if not k.startswith("_")} for f in self.fields],
                "records": [copy.deepcopy(r) for r in self.records.values()]}


class Base:
    def __init__(self, base_id, name):
        self.id = base_id
        self.name = name
        self.tables = []

    def table(self, key):
        """A table by id or name; None when there is none."""
        for t in self.tables:
            if t.id == key:
                return t
        for t in self.tables:
            if t.name == key:
                return t
        return None

    def find_record(self, record_id):
        """Record ids are unique per base, and GET .../{anyTable}/{recordId} finds a record of any table."""
        for t in self.tables:
            if record_id in t.records:
                return t, t.records[record_id]
        return None, None
