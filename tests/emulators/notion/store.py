"""The Notion emulator's data: users, databases (each with one data source) and pages, the deterministic seed,
and the page/database objects as Notion renders them under 2022-06-28 or 2025-09-03."""

import copy
import datetime
import uuid

from values import text_item

NS = uuid.UUID("6c1f0a52-3b7e-4d0a-9a55-5e0f1c2d3e4f")


def fixed_id(name):
    return str(uuid.uuid5(NS, name))


# Fixed ids, so tests and people can name them without asking (see README.md).
TASKS_DB = fixed_id("database/tasks")
PROJECTS_DB = fixed_id("database/projects")
PRIVATE_DB = fixed_id("database/private")  # exists, but is not shared with the integration
BOT_ID = fixed_id("user/bot")
WORKSPACE_PAGE = fixed_id("page/workspace")
PEOPLE = [
    {"id": fixed_id("user/ada"), "name": "Ada Lovelace", "email": "ada@example.com"},
    {"id": fixed_id("user/grace"), "name": "Grace Hopper", "email": "grace@example.com"},
    {"id": fixed_id("user/alan"), "name": "Alan Turing", "email": "alan@example.com"},
]
SEED_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
RELATION_CAP = 25  # page objects show at most 25 related pages (has_more: true beyond)
LONG_NOTE = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 50)[:2500]


def iso(moment):
    """Notion's timestamp format, rounded down to the minute (Notion does not keep seconds)."""
    return moment.replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:00.000Z")


def now_iso():
    return iso(datetime.datetime.now(datetime.timezone.utc))


def schema(pid, name, kind, config=None):
    return {"id": pid, "name": name, "type": kind, kind: config if config is not None else {}}


def options(names, colors):
    return [{"id": fixed_id("option/" + n)[:8], "name": n, "color": c, "description": None}
            for n, c in zip(names, colors)]


def tasks_schema():
    status_options = options(["Not started", "In progress", "Done"], ["default", "blue", "green"])
    props = [
        schema("title", "Name", "title"),
        schema("N%3Bts", "Notes", "rich_text"),
        schema("EstM", "Estimate", "number", {"format": "number"}),
        schema("Pr%40o", "Priority", "select",
               {"options": options(["High", "Medium", "Low"], ["red", "yellow", "gray"])}),
        schema("tG%5Ds", "Tags", "multi_select",
               {"options": options(["alpha", "beta", "gamma", "delta"], ["blue", "green", "orange", "pink"])}),
        schema("st%3Dt", "Status", "status",
               {"options": status_options,
                "groups": [{"id": fixed_id("group/todo")[:8], "name": "To-do", "color": "gray",
                            "option_ids": [status_options[0]["id"]]},
                           {"id": fixed_id("group/progress")[:8], "name": "In progress", "color": "blue",
                            "option_ids": [status_options[1]["id"]]},
                           {"id": fixed_id("group/complete")[:8], "name": "Complete", "color": "green",
                            "option_ids": [status_options[2]["id"]]}]}),
        schema("D%7Cue", "Due", "date"),
        schema("OwnR", "Owner", "people"),
        schema("F%3Fls", "Attachments", "files"),
        schema("d%3Ane", "Done", "checkbox"),
        schema("W%2Cb", "Website", "url"),
        schema("eM%3Bl", "Contact", "email"),
        schema("Ph%3Dn", "Phone", "phone_number"),
        schema("Sc%5Br", "Score", "formula", {"expression": "prop(\"Estimate\") * 2"}),
        schema("rEl%7B", "Projects", "relation",
               {"database_id": PROJECTS_DB, "type": "single_property", "single_property": {}}),
        schema("R%3Cup", "Project count", "rollup",
               {"function": "count", "relation_property_name": "Projects", "relation_property_id": "rEl%7B",
                "rollup_property_name": "Name", "rollup_property_id": "title"}),
        schema("cR%3Et", "Created", "created_time"),
        schema("cBy%24", "Created by", "created_by"),
        schema("lEt%26", "Last edited", "last_edited_time"),
        schema("lEb%2B", "Last edited by", "last_edited_by"),
        schema("uid%7E", "Task ID", "unique_id", {"prefix": "TASK"}),
    ]
    return {p["name"]: p for p in props}


def empty_value(kind):
    if kind in ("title", "rich_text", "multi_select", "people", "files", "relation"):
        return []
    if kind == "checkbox":
        return False
    return None


class Store:
    def __init__(self):
        self.reset()

    def reset(self):
        self.users = {BOT_ID: {"object": "user", "id": BOT_ID, "name": "Scratch Emulator Bot", "avatar_url": None,
                               "type": "bot", "bot": {"owner": {"type": "workspace", "workspace": True},
                                                      "workspace_name": "Emulated workspace"}}}
        for p in PEOPLE:
            self.users[p["id"]] = {"object": "user", "id": p["id"], "name": p["name"], "avatar_url": None,
                                   "type": "person", "person": {"email": p["email"]}}
        self.databases = {}
        self.pages = {}
        self.seq = 0  # insertion order: the tie-break of every listing

    # --- building ------------------------------------------------------------------------------------
    def add_database(self, db_id, title, properties, shared=True):
        self.databases[db_id] = {
            "id": db_id, "data_source_id": fixed_id("data_source/" + db_id), "title": [text_item(title)],
            "properties": properties, "created_time": iso(SEED_EPOCH), "last_edited_time": iso(SEED_EPOCH),
            "shared": shared, "next_unique": 1}
        return self.databases[db_id]

    def add_page(self, db_id, values, created=None, edited=None, page_id=None):
        """`values` by property id; missing writable properties get Notion's empty value."""
        db = self.databases[db_id]
        self.seq += 1
        page_id = page_id or fixed_id("page/%s/%d" % (db_id, self.seq))
        stored = {}
        for prop in db["properties"].values():
            if prop["id"] in values:
                stored[prop["id"]] = values[prop["id"]]
            elif prop["type"] == "status":
                stored[prop["id"]] = self.default_status(prop)
            else:
                stored[prop["id"]] = empty_value(prop["type"])
        created = created or now_iso()
        page = {"id": page_id, "database_id": db_id, "seq": self.seq, "created_time": created,
                "last_edited_time": edited or created, "created_by": BOT_ID, "last_edited_by": BOT_ID,
                "archived": False, "unique_number": db["next_unique"], "values": stored}
        db["next_unique"] += 1
        self.pages[page_id] = page
        return page

    @staticmethod
    def default_status(prop):
        opts = prop["status"]["options"]
        return {"id": opts[0]["id"], "name": opts[0]["name"], "color": opts[0]["color"]} if opts else None

    def seed(self, count):
        self.reset()
        projects = self.add_database(PROJECTS_DB, "Projects", {
            "Name": schema("title", "Name", "title"),
            "Budget": schema("bUd%3F", "Budget", "number", {"format": "dollar"})})
        project_ids = []
        for i in range(1, 31):
            t = iso(SEED_EPOCH + datetime.timedelta(minutes=i))
            project_ids.append(self.add_page(projects["id"], {"title": [text_item("Project %d" % i)],
                                                              "bUd%3F": i * 1000}, t, t)["id"])
        private = self.add_database(PRIVATE_DB, "Private notes", {"Name": schema("title", "Name", "title")},
                                    shared=False)
        for i in range(1, 4):
            self.add_page(private["id"], {"title": [text_item("Secret %d" % i)]})
        tasks = self.add_database(TASKS_DB, "Tasks", tasks_schema())
        props = tasks["properties"]
        for i in range(1, count + 1):
            created = SEED_EPOCH + datetime.timedelta(hours=1, minutes=i)
            edited = created + datetime.timedelta(minutes=i % 7)
            self.add_page(tasks["id"], self.seed_values(i, props, project_ids), iso(created), iso(edited))
        return {"database_id": TASKS_DB, "data_source_id": tasks["data_source_id"], "count": count,
                "projects_database_id": PROJECTS_DB}

    @staticmethod
    def pick(prop, name):
        for o in prop[prop["type"]]["options"]:
            if o["name"] == name:
                return {"id": o["id"], "name": o["name"], "color": o["color"]}
        raise KeyError(name)

    def seed_values(self, i, props, project_ids):
        """Task i's values: every property type, empty values included, the same for the same i."""
        v = {}
        if i % 97 == 0:
            v["title"] = []  # an untitled page
        elif i % 10 == 0:
            v["title"] = [text_item("Task "), text_item(str(i), bold=True)]
        else:
            v["title"] = [text_item("Task %d" % i)]
        if i % 50 == 0:
            v["N%3Bts"] = [text_item(LONG_NOTE[:2000]), text_item(LONG_NOTE[2000:])]
        elif i % 4 == 0:
            v["N%3Bts"] = []
        elif i % 4 == 1:
            v["N%3Bts"] = [text_item("Notes for task %d\nsecond line" % i)]
        elif i % 4 == 2:
            v["N%3Bts"] = [text_item("See "), text_item("the docs", link="https://example.com/docs/%d" % i),
                           text_item(" and "), text_item("this", bold=True, italic=True), text_item(", "),
                           text_item("run()", code=True), text_item(" "), text_item("old", strikethrough=True),
                           text_item(" in red", color="red", underline=True)]
        else:
            v["N%3Bts"] = [text_item("Plain note %d with *stars*, [brackets] and snake_case" % i)]
        v["EstM"] = None if i % 6 == 0 else (i * 1.5 if i % 3 == 0 else i)
        v["Pr%40o"] = None if i % 5 == 0 else self.pick(props["Priority"], ["High", "Medium", "Low"][i % 3])
        v["tG%5Ds"] = [self.pick(props["Tags"], n) for b, n in enumerate(["alpha", "beta", "gamma", "delta"])
                       if (i >> b) & 1]
        v["st%3Dt"] = self.pick(props["Status"], ["Not started", "In progress", "Done"][i % 3])
        day = "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)
        v["D%7Cue"] = [None,
                       {"start": day, "end": None, "time_zone": None},
                       {"start": day + "T10:30:00.000+00:00", "end": None, "time_zone": None},
                       {"start": day, "end": "2025-%02d-%02d" % (1 + i % 12, 1 + i % 28), "time_zone": None},
                       {"start": day + "T09:00:00.000", "end": None, "time_zone": "Europe/Berlin"}][i % 5]
        v["OwnR"] = [] if i % 3 == 0 else [{"object": "user", "id": PEOPLE[i % 3]["id"]}]
        if i % 7 == 0:
            v["OwnR"] = [{"object": "user", "id": PEOPLE[0]["id"]}, {"object": "user", "id": PEOPLE[2]["id"]}]
        if i % 8 == 0:
            v["F%3Fls"] = [{"name": "spec-%d.pdf" % i, "type": "external",
                            "external": {"url": "https://files.example.com/spec-%d.pdf" % i}}]
        elif i % 8 == 1:
            v["F%3Fls"] = [{"name": "photo-%d.png" % i, "type": "file",
                            "file": {"url": "https://prod-files-secure.s3.us-west-2.amazonaws.com/%d/photo.png" % i,
                                     "expiry_time": "2030-01-01T00:00:00.000Z"}}]
        else:
            v["F%3Fls"] = []
        v["d%3Ane"] = i % 2 == 0
        v["W%2Cb"] = None if i % 3 == 0 else "https://example.com/tasks/%d" % i
        v["eM%3Bl"] = None if i % 4 == 0 else "owner%d@example.com" % i
        v["Ph%3Dn"] = None if i % 5 == 0 else "+1 555 01%02d" % (i % 100)
        if i % 100 == 0:
            v["rEl%7B"] = [{"id": p} for p in project_ids]  # more than 25: truncated in page objects
        elif i % 3 == 0:
            v["rEl%7B"] = []
        else:
            v["rEl%7B"] = [{"id": project_ids[i % 30]}]
        return v

    # --- lookups -------------------------------------------------------------------------------------
    def shared_database(self, db_id):
        db = self.databases.get(db_id)
        return db if db and db["shared"] else None

    def database_by_data_source(self, ds_id):
        for db in self.databases.values():
            if db["data_source_id"] == ds_id and db["shared"]:
                return db
        return None

    def shared_page(self, page_id):
        page = self.pages.get(page_id)
        return page if page and self.databases[page["database_id"]]["shared"] else None

    @staticmethod
    def find_property(db, key):
        """A property by name or id (ids also URL-decoded, as clients may send either)."""
        from urllib.parse import unquote
        if key in db["properties"]:
            return db["properties"][key]
        for prop in db["properties"].values():
            if key == prop["id"] or key == unquote(prop["id"]):
                return prop
        return None

    # --- rendering -----------------------------------------------------------------------------------
    def value_of(self, page, prop):
        """A property's value as Notion returns it (computed ones computed here)."""
        kind = prop["type"]
        stored = page["values"].get(prop["id"], empty_value(kind))
        if kind == "formula":
            estimate = page["values"].get("EstM")
            return {"type": "number", "number": estimate * 2 if isinstance(estimate, (int, float)) else None}
        if kind == "rollup":
            relation = page["values"].get(prop["rollup"]["relation_property_id"]) or []
            return {"type": "number", "number": len(relation), "function": prop["rollup"]["function"]}
        if kind == "created_time":
            return page["created_time"]
        if kind == "last_edited_time":
            return page["last_edited_time"]
        if kind == "created_by":
            return {"object": "user", "id": page["created_by"]}
        if kind == "last_edited_by":
            return {"object": "user", "id": page["last_edited_by"]}
        if kind == "unique_id":
            return {"prefix": prop["unique_id"].get("prefix"), "number": page["unique_number"]}
        return copy.deepcopy(stored)

    def render_property(self, page, prop, truncate=True):
        value = self.value_of(page, prop)
        out = {"id": prop["id"], "type": prop["type"], prop["type"]: value}
        if prop["type"] == "relation":
            out["has_more"] = truncate and len(value) > RELATION_CAP
            if truncate:
                out["relation"] = value[:RELATION_CAP]
        return out

    def render_page(self, page, new_model, only=None, truncate=True):
        db = self.databases[page["database_id"]]
        properties = {}
        for name, prop in db["properties"].items():
            if only is not None and prop["id"] not in only:
                continue
            properties[name] = self.render_property(page, prop, truncate)
        if new_model:
            parent = {"type": "data_source_id", "data_source_id": db["data_source_id"], "database_id": db["id"]}
        else:
            parent = {"type": "database_id", "database_id": db["id"]}
        title = "".join(t["plain_text"] for t in page["values"].get("title", []))
        slug = "-".join(title.split()) or "Untitled"
        return {"object": "page", "id": page["id"], "created_time": page["created_time"],
                "last_edited_time": page["last_edited_time"],
                "created_by": {"object": "user", "id": page["created_by"]},
                "last_edited_by": {"object": "user", "id": page["last_edited_by"]},
                "cover": None, "icon": None, "parent": parent, "archived": page["archived"],
                "in_trash": page["archived"], "properties": properties,
                "url": "https://www.notion.so/%s-%s" % (slug, page["id"].replace("-", "")), "public_url": None}

    def render_schema(self, db, new_model):
        props = copy.deepcopy(db["properties"])
        for prop in props.values():
            if prop["type"] == "relation" and new_model:
                target = self.databases[prop["relation"]["database_id"]]
                prop["relation"]["data_source_id"] = target["data_source_id"]
        return props

    def render_database(self, db, new_model):
        base = {"id": db["id"], "created_time": db["created_time"], "last_edited_time": db["last_edited_time"],
                "created_by": {"object": "user", "id": BOT_ID}, "last_edited_by": {"object": "user", "id": BOT_ID},
                "title": copy.deepcopy(db["title"]), "description": [], "icon": None, "cover": None,
                "is_inline": False, "archived": False, "in_trash": False,
                "url": "https://www.notion.so/" + db["id"].replace("-", ""), "public_url": None}
        if new_model:  # a container of data sources; the schema lives on the data source
            return dict(base, object="database", parent={"type": "page_id", "page_id": WORKSPACE_PAGE},
                        data_sources=[{"id": db["data_source_id"], "name": db["title"][0]["plain_text"]}])
        return dict(base, object="database", parent={"type": "page_id", "page_id": WORKSPACE_PAGE},
                    properties=self.render_schema(db, False))

    def render_data_source(self, db):
        return {"object": "data_source", "id": db["data_source_id"], "created_time": db["created_time"],
                "last_edited_time": db["last_edited_time"], "title": copy.deepcopy(db["title"]),
                "description": [], "icon": None, "cover": None, "archived": False, "in_trash": False,
                "is_inline": False, "parent": {"type": "database_id", "database_id": db["id"]},
                "database_parent": {"type": "page_id", "page_id": WORKSPACE_PAGE},
                "properties": self.render_schema(db, True),
                "created_by": {"object": "user", "id": BOT_ID}, "last_edited_by": {"object": "user", "id": BOT_ID},
                "url": "https://www.notion.so/" + db["id"].replace("-", ""), "public_url": None}

    def state(self):
        """Everything stored, pages with full (untruncated) values keyed by property name."""
        return {
            "users": list(self.users.values()),
            "databases": {db["id"]: {"id": db["id"], "data_source_id": db["data_source_id"],
                                     "title": db["title"][0]["plain_text"], "shared": db["shared"],
                                     "properties": copy.deepcopy(db["properties"])}
                          for db in self.databases.values()},
            "pages": {p["id"]: dict(self.render_page(p, False, truncate=False), database_id=p["database_id"])
                      for p in sorted(self.pages.values(), key=lambda p: p["seq"])},
        }
