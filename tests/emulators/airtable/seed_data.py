"""The seeded base: table "Projects" with one field of every type (writable, computed, and one type a
connector will not know) linked to a small table "Teams". Same count, same data: ids and values are derived
from the record's number, and so are the empty cells (see the README)."""

import datetime

from cells import new_attachment
from helpers import iso_millis
from ids import make_id
from store import Base, Table

BASE_ID = "appScratchEmu0001"  # 17 characters, like every Airtable id
BASE_NAME = "Scratch emulator"
TEAM_COUNT = 5

USERS = [
    {"id": "usrAdaLovelace01", "email": "ada@example.com", "name": "Ada Lovelace"},
    {"id": "usrGraceHopper01", "email": "grace@example.com", "name": "Grace Hopper"},
    {"id": "usrAlanTuring001", "email": "alan@example.com", "name": "Alan Turing"},
]
WHOAMI = {"id": USERS[0]["id"], "email": USERS[0]["email"],
          "scopes": ["data.records:read", "data.records:write", "schema.bases:read", "user.email:read"]}

STATUSES = ["Todo", "In progress", "Done"]
TAGS = ["red", "green", "blue", "urgent"]
EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def fid(table, name):
    return make_id("fld", BASE_ID, table, name)


def field(table, name, kind, options=None, **extra):
    f = {"id": fid(table, name), "name": name, "type": kind}
    if options is not None:
        f["options"] = options
    f.update(extra)
    return f


def choices(table, name, names, colors):
    return {"choices": [{"id": make_id("sel", table, name, n), "name": n, "color": c}
                        for n, c in zip(names, colors)]}


def teams_table():
    t = "Teams"
    return Table(make_id("tbl", BASE_ID, t), t, [
        field(t, "Name", "singleLineText"),
        field(t, "Size", "number", {"precision": 0}),
        field(t, "Lead", "email"),
    ], description="Who works on projects.")


def projects_table(teams):
    p = "Projects"
    teams_link = fid(p, "Teams")
    date_format = {"name": "iso", "format": "YYYY-MM-DD"}
    time_result = {"type": "dateTime", "options": {"dateFormat": date_format, "timeFormat": {
        "name": "24hour", "format": "HH:mm"}, "timeZone": "utc"}}
    return Table(make_id("tbl", BASE_ID, p), p, [
        field(p, "Name", "singleLineText", description="What the project is called"),
        field(p, "Notes", "multilineText"),
        field(p, "Brief", "richText"),
        field(p, "Contact", "email"),
        field(p, "Website", "url"),
        field(p, "Phone", "phoneNumber"),
        field(p, "Budget", "currency", {"precision": 2, "symbol": "$"}),
        field(p, "Headcount", "number", {"precision": 0}),
        field(p, "Weight", "number", {"precision": 3}),
        field(p, "Progress", "percent", {"precision": 0}),
        field(p, "Time spent", "duration", {"durationFormat": "h:mm"}),
        field(p, "Priority", "rating", {"icon": "star", "max": 5, "color": "yellowBright"}),
        field(p, "Active", "checkbox", {"icon": "check", "color": "greenBright"}),
        field(p, "Start date", "date", {"dateFormat": date_format}),
        field(p, "Kickoff", "dateTime", time_result["options"]),
        field(p, "Status", "singleSelect", choices(p, "Status", STATUSES, ["redLight2", "yellowLight2",
                                                                         "greenLight2"])),
        field(p, "Tags", "multipleSelects", choices(p, "Tags", TAGS, ["redBright", "greenBright", "blueBright",
                                                                    "orangeBright"])),
        field(p, "Teams", "multipleRecordLinks", {"linkedTableId": teams.id, "isReversed": False,
                                                  "prefersSingleRecordLink": False}),
        field(p, "Files", "multipleAttachments", {"isReversed": False}),
        field(p, "Owner", "singleCollaborator"),
        field(p, "Barcode", "barcode"),
        field(p, "Summary", "formula",
              {"formula": "{%s} & \" - \" & {%s}" % (fid(p, "Name"), fid(p, "Status")), "isValid": True,
               "referencedFieldIds": [fid(p, "Name"), fid(p, "Status")], "result": {"type": "singleLineText"}},
              _impl={"op": "concat", "parts": [{"field": fid(p, "Name")}, " - ", {"field": fid(p, "Status")}]}),
        field(p, "Budget x2", "formula",
              {"formula": "{%s} * 2" % fid(p, "Budget"), "isValid": True,
               "referencedFieldIds": [fid(p, "Budget")],
               "result": {"type": "currency", "options": {"precision": 2, "symbol": "$"}}},
              _impl={"op": "mul", "field": fid(p, "Budget"), "by": 2}),
        field(p, "Number", "autoNumber"),
        field(p, "Created", "createdTime", {"result": time_result}),
        field(p, "Modified", "lastModifiedTime", {"isValid": True, "referencedFieldIds": [],
                                                  "result": time_result}),
        field(p, "Team count", "count", {"isValid": True, "recordLinkFieldId": teams_link}),
        field(p, "Team size total", "rollup",
              {"isValid": True, "recordLinkFieldId": teams_link, "fieldIdInLinkedTable": fid("Teams", "Size"),
               "referencedFieldIds": [], "result": {"type": "number", "options": {"precision": 0}}}),
        field(p, "Team names", "multipleLookupValues",
              {"isValid": True, "recordLinkFieldId": teams_link, "fieldIdInLinkedTable": fid("Teams", "Name"),
               "result": {"type": "singleLineText"}}),
        field(p, "AI summary", "aiText", {"prompt": ["Summarise ", {"field": {"fieldId": fid(p, "Notes")}}],
                                          "referencedFieldIds": [fid(p, "Notes")]}),
    ], description="Every field type, for the connector tests.")


def add_record(table, record_id, created, values):
    table.records[record_id] = {"id": record_id, "createdTime": created, "modifiedTime": created,
                                "autoNumber": table.next_auto_number,
                                "fields": {fid(table.name, k): v for k, v in values.items()
                                           if v is not None and v != [] and v is not False}}
    table.next_auto_number += 1


def project_values(i, team_ids):
    """Record i's values (1-based); None leaves a cell empty."""
    v = {
        "Name": None if i % 97 == 0 else "Project %04d" % i,
        "Notes": None if i % 3 == 0 else "Line 1 of project %d\nLine 2, with \"quotes\" and ünïcode ✓" % i,
        "Brief": None if i % 4 == 0 else "**Bold** plan for %d\n\n- item a\n- item b" % i,
        "Contact": None if i % 5 == 0 else "owner%d@example.com" % i,
        "Website": None if i % 6 == 0 else "https://example.com/projects/%d?ref=a&b=c" % i,
        "Phone": None if i % 7 == 0 else "(555) 010-%04d" % i,
        "Budget": None if i % 8 == 0 else round(i * 12.35, 2),
        "Headcount": i % 40,  # 0 is a value, not an empty cell
        "Weight": None if i % 9 == 0 else i / 8,
        "Progress": None if i % 10 == 0 else (i % 101) / 100,
        "Time spent": None if i % 11 == 0 else i * 90,
        "Priority": None if i % 12 == 0 else 1 + i % 5,
        "Active": i % 2 == 0,
        "Start date": None if i % 13 == 0 else (EPOCH + datetime.timedelta(days=i)).date().isoformat(),
        "Kickoff": None if i % 14 == 0 else iso_millis(EPOCH + datetime.timedelta(hours=i, milliseconds=i % 7)),
        "Status": None if i % 15 == 0 else STATUSES[i % 3],
        "Tags": [t for bit, t in enumerate(TAGS) if i % 16 & (1 << bit)],
        "Teams": [] if i % 17 == 0 else sorted({team_ids[i % TEAM_COUNT], team_ids[(i * 3) % TEAM_COUNT]}),
        "Files": [new_attachment(make_id("att", BASE_ID, "seed", i), "https://dl.airtable.test/%d/plan-%d.png"
                                 % (i, i), "plan-%d.png" % i, 1000 + i)] if i % 4 == 1 else [],
        "Owner": dict(USERS[i % 3]) if i % 3 != 2 else None,
        "Barcode": {"text": "%08d" % (10000000 + i), "type": "ean8"} if i % 5 == 2 else None,
        "AI summary": {"state": "generated", "isStale": i % 2 == 0, "value": "Summary of %d" % i}
        if i % 7 == 3 else None,
    }
    return v


def build(count):
    """A fresh base with `count` projects; returns (base, users)."""
    base = Base(BASE_ID, BASE_NAME)
    teams = teams_table()
    projects = projects_table(teams)
    base.tables = [projects, teams]
    team_ids = []
    for n in range(1, TEAM_COUNT + 1):
        rid = make_id("rec", BASE_ID, "Teams", n)
        team_ids.append(rid)
        add_record(teams, rid, iso_millis(EPOCH), {"Name": "Team %d" % n, "Size": n * 3,
                                                   "Lead": "lead%d@example.com" % n})
    for i in range(1, count + 1):
        add_record(projects, make_id("rec", BASE_ID, "Projects", i),
                   iso_millis(EPOCH + datetime.timedelta(minutes=i)), project_values(i, team_ids))
    return base
