"""Notion property values: validating and normalising what a client writes (POST /pages, PATCH /pages/{id})
into the shape Notion stores and returns, with Notion's limits and its 400 validation_error messages."""

import re
import uuid

from emulator import HttpError

TEXT_CONTENT_MAX = 2000
RICH_TEXT_ITEMS_MAX = 100
URL_MAX = 2000
EMAIL_MAX = 200
PHONE_MAX = 200
ARRAY_MAX = 100  # multi_select options, relation pages, people
COLORS = ["default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red"]
COMPUTED = {"formula", "rollup", "created_time", "created_by", "last_edited_time", "last_edited_by", "unique_id",
            "button", "verification"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$")


def validation(message):
    return HttpError(400, "validation_error", message)


def body_error(path, expectation, got):
    """Notion's wording for a body that fails its schema."""
    return validation("body failed validation: %s should be %s, instead was `%s`." % (path, expectation, got))


def normalize_id(text):
    """Notion ids are UUIDs, accepted with or without dashes; None when `text` is not one."""
    try:
        return str(uuid.UUID(str(text)))
    except (ValueError, TypeError, AttributeError):
        return None


def default_annotations():
    return {"bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False,
            "color": "default"}


def text_item(content, link=None, **annotations):
    """A rich-text item exactly as Notion returns it."""
    a = default_annotations()
    a.update(annotations)
    return {"type": "text", "text": {"content": content, "link": {"url": link} if link else None},
            "annotations": a, "plain_text": content, "href": link}


def rich_text(items, path):
    """Written rich text -> the stored array (read shape). Enforces the 2000-character and 100-item limits."""
    if not isinstance(items, list):
        raise body_error(path, "an array", type(items).__name__)
    if len(items) > RICH_TEXT_ITEMS_MAX:
        raise body_error(path + ".length", "≤ `%d`" % RICH_TEXT_ITEMS_MAX, len(items))
    out = []
    for i, item in enumerate(items):
        where = "%s[%d]" % (path, i)
        if not isinstance(item, dict):
            raise body_error(where, "an object", item)
        annotations = default_annotations()
        given = item.get("annotations") or {}
        for key, value in given.items():
            if key not in annotations:
                raise body_error(where + ".annotations." + key, "not present", value)
            if key == "color" and value not in COLORS and not str(value).endswith("_background"):
                raise body_error(where + ".annotations.color", "a valid color", value)
            annotations[key] = value
        if "text" in item:
            text = item["text"] or {}
            content = text.get("content")
            if not isinstance(content, str):
                raise body_error(where + ".text.content", "a string", content)
            if len(content) > TEXT_CONTENT_MAX:
                raise body_error(where + ".text.content.length", "≤ `%d`" % TEXT_CONTENT_MAX, len(content))
            link = text.get("link")
            url = None
            if link is not None:
                url = link.get("url") if isinstance(link, dict) else None
                if not isinstance(url, str) or not url:
                    raise body_error(where + ".text.link.url", "a string", url)
                if len(url) > URL_MAX:
                    raise body_error(where + ".text.link.url.length", "≤ `%d`" % URL_MAX, len(url))
            out.append({"type": "text", "text": {"content": content, "link": {"url": url} if url else None},
                        "annotations": annotations, "plain_text": content, "href": url})
        elif "equation" in item:
            expression = (item["equation"] or {}).get("expression")
            if not isinstance(expression, str) or len(expression) > 1000:
                raise body_error(where + ".equation.expression", "a string of ≤ `1000` characters", expression)
            out.append({"type": "equation", "equation": {"expression": expression}, "annotations": annotations,
                        "plain_text": expression, "href": None})
        elif "mention" in item:
            mention = item["mention"] or {}
            out.append({"type": "mention", "mention": mention, "annotations": annotations,
                        "plain_text": item.get("plain_text", ""), "href": item.get("href")})
        else:
            raise body_error(where + ".text", "defined", "undefined")
    return out


def option_value(schema_options, given, path, create_missing, prop_name):
    """A select/status/multi_select choice by name or id -> the stored {id, name, color}."""
    if not isinstance(given, dict):
        raise body_error(path, "an object", given)
    for option in schema_options:
        if ("id" in given and given["id"] == option["id"]) or ("name" in given and given["name"] == option["name"]):
            return {"id": option["id"], "name": option["name"], "color": option["color"]}
    name = given.get("name")
    if not create_missing:  # status options cannot be created through the API
        raise validation("Invalid status option. Status option \"%s\" does not exist for property \"%s\"."
                         % (given.get("name", given.get("id")), prop_name))
    if not isinstance(name, str) or not name:
        raise body_error(path + ".name", "a non-empty string", name)
    if "," in name:
        raise validation("Select option names cannot contain commas: \"%s\"." % name)
    # Notion adds an unknown select name to the property's options (widely observed behaviour).
    option = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "option/" + prop_name + "/" + name))[:8], "name": name,
              "color": COLORS[len(schema_options) % len(COLORS)], "description": None}
    schema_options.append(option)
    return {"id": option["id"], "name": option["name"], "color": option["color"]}


def string_value(value, path, limit):
    if value is None:
        return None
    if not isinstance(value, str):
        raise body_error(path, "a string or `null`", value)
    if len(value) > limit:
        raise body_error(path + ".length", "≤ `%d`" % limit, len(value))
    return value


def normalize_value(store, prop, value, path):
    """A written property value (the inner value under the type key) -> what Notion stores."""
    kind = prop["type"]
    name = prop["name"]
    if kind in COMPUTED:
        raise validation("%s is a %s property and cannot be updated." % (name, kind.replace("_", " ")))
    if kind in ("title", "rich_text"):
        return rich_text(value, path)
    if kind == "number":
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise body_error(path, "a number or `null`", value)
        return value
    if kind == "checkbox":
        if not isinstance(value, bool):
            raise body_error(path, "a boolean", value)
        return value
    if kind in ("select", "status"):
        if value is None:
            return None
        return option_value(prop[kind]["options"], value, path, kind == "select", name)
    if kind == "multi_select":
        if not isinstance(value, list):
            raise body_error(path, "an array", value)
        if len(value) > ARRAY_MAX:
            raise body_error(path + ".length", "≤ `%d`" % ARRAY_MAX, len(value))
        return [option_value(prop[kind]["options"], v, "%s[%d]" % (path, i), True, name)
                for i, v in enumerate(value)]
    if kind == "date":
        if value is None:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("start"), str):
            raise body_error(path + ".start", "a string", value)
        for key in ("start", "end"):
            v = value.get(key)
            if v is not None and (not isinstance(v, str) or not DATE_RE.match(v)):
                raise validation("%s is an invalid date: %s" % (v, path + "." + key))
        return {"start": value["start"], "end": value.get("end"), "time_zone": value.get("time_zone")}
    if kind == "url":
        return string_value(value, path, URL_MAX)
    if kind == "email":
        return string_value(value, path, EMAIL_MAX)
    if kind == "phone_number":
        return string_value(value, path, PHONE_MAX)
    if kind == "people":
        if not isinstance(value, list):
            raise body_error(path, "an array", value)
        out = []
        for i, v in enumerate(value):
            uid = normalize_id(v.get("id") if isinstance(v, dict) else None)
            if uid is None or uid not in store.users:
                raise validation("Could not find user with ID: %s." % (v.get("id") if isinstance(v, dict) else v))
            out.append({"object": "user", "id": uid})
        return out
    if kind == "files":
        if not isinstance(value, list):
            raise body_error(path, "an array", value)
        out = []
        for i, f in enumerate(value):
            where = "%s[%d]" % (path, i)
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                raise body_error(where + ".name", "a string", f)
            if "external" in f:
                url = string_value((f["external"] or {}).get("url"), where + ".external.url", URL_MAX)
                out.append({"name": f["name"], "type": "external", "external": {"url": url}})
            elif "file" in f:
                # Re-sending a Notion-hosted file keeps it (the URL is the one Notion gave out).
                out.append({"name": f["name"], "type": "file", "file": dict(f["file"])})
            else:
                raise body_error(where + ".external", "defined", "undefined")
        return out
    if kind == "relation":
        if not isinstance(value, list):
            raise body_error(path, "an array", value)
        if len(value) > ARRAY_MAX:
            raise body_error(path + ".length", "≤ `%d`" % ARRAY_MAX, len(value))
        out = []
        target = prop["relation"]["database_id"]
        for v in value:
            pid = normalize_id(v.get("id") if isinstance(v, dict) else None)
            page = store.pages.get(pid)
            if page is None or page["database_id"] != target:
                raise validation("Could not find page with ID: %s." % (v.get("id") if isinstance(v, dict) else v))
            out.append({"id": pid})
        return out
    raise validation("Unsupported property type for writing: %s." % kind)
