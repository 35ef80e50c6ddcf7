"""Webflow CMS field values: checks a written `fieldData` value against its field's type and returns it as
Webflow stores it (section 3.5 of third-party-apis.md). A bad value raises FieldError; the caller turns it
into the whole request's 400 validation_error, naming the item and the field."""

import datetime
import hashlib
import re

from helpers import iso_millis


class FieldError(Exception):
    pass


TEXT_TYPES = {"PlainText", "RichText", "VideoLink", "Link", "Email", "Phone", "Color"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\(.*\)|[a-zA-Z]+)$")


def parse_datetime(text):
    if not isinstance(text, str) or not text:
        raise FieldError("Expected an ISO 8601 date string")
    value = text.strip()
    if value.endswith("Z") or value.endswith("z"):
        value = value[:-1] + "+00:00"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value += "T00:00:00+00:00"
    try:
        dt = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise FieldError("Invalid date: %r" % text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt


def file_id_for(url):
    """Uploading a file by URL gives it an asset id; derived from the URL so results are deterministic."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:24]


def image_value(value, with_alt):
    if not isinstance(value, dict):
        raise FieldError("Expected an object with a url or a fileId")
    url, file_id = value.get("url"), value.get("fileId")
    if url is not None and not isinstance(url, str):
        raise FieldError("url must be a string")
    if file_id is not None and not isinstance(file_id, str):
        raise FieldError("fileId must be a string")
    if not url and not file_id:
        raise FieldError("Expected a url or a fileId")
    if url and not url.startswith(("http://", "https://")):
        raise FieldError("Remote file url must be a public http(s) address")
    out = {"fileId": file_id or file_id_for(url),
           "url": url or "https://uploads-ssl.webflow.com/files/%s" % file_id}
    if with_alt:
        alt = value.get("alt")
        if alt is not None and not isinstance(alt, str):
            raise FieldError("alt must be a string")
        out["alt"] = alt
    return out


def normalize(field, value, lookup_item):
    """The stored form of `value` for `field` (a field object of the collection). None clears the field.
    `lookup_item(collection_id, item_id)` is true when the referenced item exists."""
    kind = field["type"]
    if value is None:
        if field.get("isRequired"):
            raise FieldError("Field is required")
        return None
    if kind in TEXT_TYPES:
        if not isinstance(value, str):
            raise FieldError("Expected a string")
        if kind == "Email" and value and not EMAIL_RE.match(value):
            raise FieldError("Invalid email address: %r" % value)
        if kind in ("Link", "VideoLink") and value and not value.startswith(("http://", "https://")):
            raise FieldError("Invalid URL: %r" % value)
        if kind == "Color" and value and not COLOR_RE.match(value):
            raise FieldError("Invalid color: %r" % value)
        if field["slug"] == "slug" and not SLUG_RE.match(value):
            raise FieldError("Slug must be lowercase letters, digits and hyphens: %r" % value)
        if field["slug"] in ("name", "slug") and not value:
            raise FieldError("Field is required")
        return value
    if kind == "Number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FieldError("Expected a number")
        return value
    if kind == "Switch":
        if not isinstance(value, bool):
            raise FieldError("Expected a boolean")
        return value
    if kind == "DateTime":
        return iso_millis(parse_datetime(value))
    if kind == "Option":
        ids = [o["id"] for o in field["validations"]["options"]]
        if value not in ids:
            raise FieldError("Invalid option id: %r" % (value,))
        return value
    if kind == "Reference":
        target = field["validations"]["collectionId"]
        if not isinstance(value, str) or not lookup_item(target, value):
            raise FieldError("Referenced item not found: %r" % (value,))
        return value
    if kind == "MultiReference":
        target = field["validations"]["collectionId"]
        if not isinstance(value, list):
            raise FieldError("Expected an array of item ids")
        for v in value:
            if not isinstance(v, str) or not lookup_item(target, v):
                raise FieldError("Referenced item not found: %r" % (v,))
        return list(value)
    if kind == "Image":
        return image_value(value, True)
    if kind == "MultiImage":
        if not isinstance(value, list):
            raise FieldError("Expected an array of images")
        return [image_value(v, True) for v in value]
    if kind == "File":
        return image_value(value, False)
    raise FieldError("Field of type %s cannot be written through the API" % kind)
