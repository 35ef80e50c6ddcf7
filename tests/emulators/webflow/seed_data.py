"""The emulator's fixed site and collections, and deterministic seed items (same count -> same data).

Site SITE_ID holds two collections: "Posts" (POSTS_ID, every field type) and "Categories" (CATEGORIES_ID,
the target of Posts' Reference and MultiReference fields)."""

import copy
import datetime
import hashlib

from helpers import iso_millis

SITE_ID = "64f0a1b2c3d4e5f6a7b8c9d0"
POSTS_ID = "64f0a1b2c3d4e5f6a7b8c9e1"
CATEGORIES_ID = "64f0a1b2c3d4e5f6a7b8c9e2"
LOCALE_ID = "64f0a1b2c3d4e5f6a7b8c9f3"
WORKSPACE_ID = "64f0a1b2c3d4e5f6a7b8c9f4"
SCHEMA_TIME = "2024-01-15T09:00:00.000Z"
STATUS_OPTIONS = ["Draft", "In review", "Final"]
CATEGORY_COUNT = 5


def object_id(*parts):
    """A 24-hex id, like Webflow's ObjectIds, derived from `parts`."""
    return hashlib.md5(":".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:24]


def site():
    return {"id": SITE_ID, "workspaceId": WORKSPACE_ID, "displayName": "Emulated Blog", "shortName": "emulated-blog",
            "createdOn": "2024-01-10T09:00:00.000Z", "lastUpdated": SCHEMA_TIME, "lastPublished": SCHEMA_TIME,
            "previewUrl": "https://screenshots.webflow.com/sites/%s/preview.png" % SITE_ID, "timeZone": "UTC",
            "customDomains": [], "locales": {"primary": {"id": LOCALE_ID, "cmsLocaleId": LOCALE_ID,
                                                         "displayName": "English", "tag": "en", "enabled": True}}}


def field(collection, slug, kind, name, required=False, editable=True, validations=None):
    f = {"id": object_id("field", collection, slug), "isRequired": required, "isEditable": editable, "type": kind,
         "slug": slug, "displayName": name, "helpText": ""}
    if validations is not None:
        f["validations"] = validations
    return f


def base_fields(collection):
    return [field(collection, "name", "PlainText", "Name", required=True),
            field(collection, "slug", "PlainText", "Slug", required=True)]


def posts_fields():
    c = POSTS_ID
    options = [{"name": n, "id": object_id("option", "status", n)} for n in STATUS_OPTIONS]
    return base_fields(c) + [
        field(c, "summary", "PlainText", "Summary"),
        field(c, "body", "RichText", "Body"),
        field(c, "main-image", "Image", "Main image"),
        field(c, "gallery", "MultiImage", "Gallery"),
        field(c, "video", "VideoLink", "Video"),
        field(c, "website", "Link", "Website"),
        field(c, "contact-email", "Email", "Contact email"),
        field(c, "phone", "Phone", "Phone"),
        field(c, "rating", "Number", "Rating"),
        field(c, "published-on", "DateTime", "Published on"),
        field(c, "featured", "Switch", "Featured"),
        field(c, "accent-color", "Color", "Accent color"),
        field(c, "status", "Option", "Status", validations={"options": options}),
        field(c, "attachment", "File", "Attachment"),
        field(c, "category", "Reference", "Category", validations={"collectionId": CATEGORIES_ID}),
        field(c, "tags", "MultiReference", "Tags", validations={"collectionId": CATEGORIES_ID}),
        # A field the API cannot write: Webflow fills it from the workspace member who made the item.
        field(c, "author", "User", "Author", editable=False),
    ]


def categories_fields():
    c = CATEGORIES_ID
    return base_fields(c) + [field(c, "description", "PlainText", "Description"),
                             field(c, "color", "Color", "Color")]


def collections():
    """[(collection metadata, fields)] for the site, in display order."""
    def meta(cid, name, singular, slug):
        return {"id": cid, "displayName": name, "singularName": singular, "slug": slug, "createdOn": SCHEMA_TIME,
                "lastUpdated": SCHEMA_TIME}
    return [(meta(POSTS_ID, "Posts", "Post", "posts"), posts_fields()),
            (meta(CATEGORIES_ID, "Categories", "Category", "categories"), categories_fields())]


def at(minutes):
    return datetime.datetime(2024, 3, 1, 8, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(minutes=minutes)


def item(cid, n, field_data, published, archived=False):
    created = at(n * 37)
    updated = created + datetime.timedelta(hours=n % 5, seconds=n % 60)
    return {"id": object_id("item", cid, n), "cmsLocaleId": LOCALE_ID,
            "lastPublished": iso_millis(updated + datetime.timedelta(minutes=10)) if published else None,
            "lastUpdated": iso_millis(updated), "createdOn": iso_millis(created), "isArchived": archived,
            "isDraft": not published, "fieldData": field_data}


def image(i, k, alt):
    url = "https://cdn.prod.website-files.com/%s/img-%d-%d.png" % (SITE_ID, i, k)
    return {"fileId": object_id("asset", i, k), "url": url, "alt": alt}


def category_items(count=CATEGORY_COUNT):
    out = []
    for k in range(1, count + 1):
        data = {"name": "Category %d" % k, "slug": "category-%d" % k,
                "description": "Posts about topic %d" % k, "color": "#%02x%02x%02x" % (40 * k, 200 - 30 * k, 90)}
        out.append(item(CATEGORIES_ID, k, data, published=True))
    return out


def post_item(i, category_ids):
    """Post number i (1-based). Empty values are absent from fieldData, as Webflow returns them."""
    d = {"name": "Post %d" % i, "slug": "post-%d" % i}
    if i % 7:
        d["summary"] = "Summary of post %d, \"quoted\" and unicode: caf\u00e9 \u2013 \u00fc" % i
    if i % 9:
        d["body"] = ("<h2>Post %d</h2><p>Some <strong>bold</strong> text &amp; a "
                     "<a href=\"https://example.com/%d\">link</a>.</p>\n<ul><li>one</li><li>two</li></ul>" % (i, i))
    if i % 5:
        d["main-image"] = image(i, 0, "Cover of post %d" % i if i % 2 else None)
    if i % 4:
        d["gallery"] = [image(i, k, "Gallery %d" % k) for k in range(1, i % 3 + 1)]
    if i % 6:
        d["video"] = "https://www.youtube.com/watch?v=vid%05d" % i
    if i % 10:
        d["website"] = "https://example.com/posts/%d" % i
    if i % 11:
        d["contact-email"] = "author%d@example.com" % i
    if i % 12:
        d["phone"] = "+1 555 %04d" % (i % 10000)
    if i % 8:
        d["rating"] = (i % 10) + (0.5 if i % 2 else 0)
    if i % 13:
        d["published-on"] = iso_millis(at(0) + datetime.timedelta(days=i % 400, hours=i % 24))
    d["featured"] = i % 2 == 0
    if i % 14:
        d["accent-color"] = "#%06x" % ((i * 2654435761) & 0xFFFFFF)
    if i % 10 != 9:
        d["status"] = object_id("option", "status", STATUS_OPTIONS[i % 3])
    if i % 4 == 1:
        d["attachment"] = {"fileId": object_id("file", i), "url": "https://cdn.prod.website-files.com/%s/doc-%d.pdf"
                           % (SITE_ID, i)}
    if category_ids and i % 6 != 5:
        d["category"] = category_ids[i % len(category_ids)]
    if category_ids and i % 5 != 4:
        d["tags"] = [] if i % 5 == 3 else sorted({category_ids[i % len(category_ids)],
                                                   category_ids[(i + 1) % len(category_ids)]})
    if i % 2 == 0:
        d["author"] = object_id("user", i % 3)
    return item(POSTS_ID, i, d, published=i % 3 != 0, archived=i % 17 == 0)


def seed_items(count, categories=CATEGORY_COUNT):
    """{collection id: [items]} for `count` posts."""
    cats = category_items(categories)
    ids = [c["id"] for c in cats]
    return {CATEGORIES_ID: cats, POSTS_ID: [post_item(i, ids) for i in range(1, count + 1)]}


def live_copy(item_):
    return copy.deepcopy(item_)
