"""The emulated site's configuration: post types (as GET /wp/v2/types shows them), taxonomies, registered
meta, templates, and each type's JSON schema (what OPTIONS /wp/v2/{rest_base} returns). The set of
properties a type's posts carry follows WP_REST_Posts_Controller: base fields, then one per supported feature
and one per REST-visible taxonomy."""

import copy

CONTEXT_ALL = ["view", "edit", "embed"]
CONTEXT_VE = ["view", "edit"]
CONTEXT_EDIT = ["edit"]

POST_STATUSES = ["publish", "future", "draft", "pending", "private"]
FORMATS = ["standard", "aside", "chat", "gallery", "link", "image", "quote", "status", "video", "audio"]

TAXONOMIES = {
    "category": {"name": "Categories", "slug": "category", "rest_base": "categories", "hierarchical": True},
    "post_tag": {"name": "Tags", "slug": "post_tag", "rest_base": "tags", "hierarchical": False},
    "genre": {"name": "Genres", "slug": "genre", "rest_base": "genres", "hierarchical": True},
}

# Per type: REST route, features (post_type_supports), taxonomies, registered meta (key -> (type, default)),
# page templates, and how permalinks look. `trash` is false where the site filters trashing off
# (rest_book_trashable), so DELETE without force is 501 there.
TYPES = {
    "post": {
        "name": "Posts", "rest_base": "posts", "hierarchical": False, "icon": "dashicons-admin-post",
        "supports": ["title", "editor", "author", "thumbnail", "excerpt", "trackbacks", "custom-fields",
                     "comments", "revisions", "post-formats"],
        "taxonomies": ["category", "post_tag"],
        "meta": {"footnotes": ("string", ""), "reading_time": ("integer", 0)},
        "templates": ["", "single-wide"], "trash": True,
        "permalink": "%year%/%monthnum%/%day%/%postname%/", "shortlink": "?p=%d",
    },
    "page": {
        "name": "Pages", "rest_base": "pages", "hierarchical": True, "icon": "dashicons-admin-page",
        "supports": ["title", "editor", "author", "thumbnail", "excerpt", "page-attributes", "custom-fields",
                     "comments", "revisions"],
        "taxonomies": [],
        "meta": {"footnotes": ("string", "")},
        "templates": ["", "page-full-width", "page-no-title"], "trash": True,
        "permalink": "%pagename%/", "shortlink": "?page_id=%d",
    },
    "attachment": {
        "name": "Media", "rest_base": "media", "hierarchical": False, "icon": "dashicons-admin-media",
        "supports": ["title", "author", "comments"], "taxonomies": [], "meta": {}, "templates": [""],
        "trash": False, "permalink": "%postname%/", "shortlink": "?attachment_id=%d", "media": True,
    },
    "nav_menu_item": {
        "name": "Navigation Menu Items", "rest_base": "menu-items", "hierarchical": False,
        "icon": "dashicons-admin-post", "supports": ["title"], "taxonomies": [], "meta": {},
        "templates": [""], "trash": True, "permalink": "", "shortlink": "?p=%d",
    },
    "wp_block": {
        "name": "Patterns", "rest_base": "blocks", "hierarchical": False, "icon": "dashicons-admin-post",
        "supports": ["title", "editor", "revisions", "custom-fields"], "taxonomies": [], "meta": {},
        "templates": [""], "trash": True, "permalink": "", "shortlink": "?p=%d",
    },
    "book": {
        "name": "Books", "rest_base": "books", "hierarchical": False, "icon": "dashicons-book",
        "supports": ["title", "editor", "excerpt", "custom-fields"],
        "taxonomies": ["genre"],
        "meta": {"isbn": ("string", ""), "pages": ("integer", 0)},
        "templates": [""], "trash": False,
        "permalink": "book/%book%/", "shortlink": "?post_type=book&p=%d",
    },
}


def type_by_rest_base(rest_base):
    for slug, t in TYPES.items():
        if t["rest_base"] == rest_base:
            return slug
    return None


def supports(type_slug, feature):
    return feature in TYPES[type_slug]["supports"]


def type_fields(type_slug):
    """The properties of a post of this type, in WordPress's order."""
    t = TYPES[type_slug]
    fields = ["id", "date", "date_gmt", "guid", "modified", "modified_gmt", "password", "slug", "status",
              "type", "link"]
    if t.get("media"):
        fields.remove("password")
    for feature, key in (("title", "title"), ("editor", "content"), ("excerpt", "excerpt"),
                         ("author", "author"), ("thumbnail", "featured_media")):
        if supports(type_slug, feature):
            fields.append(key)
    if t["hierarchical"]:
        fields.append("parent")
    if supports(type_slug, "page-attributes"):
        fields.append("menu_order")
    if supports(type_slug, "comments"):
        fields += ["comment_status", "ping_status"]
    if type_slug == "post":
        fields.append("sticky")
    fields.append("template")
    if supports(type_slug, "post-formats"):
        fields.append("format")
    fields.append("meta")
    fields += [TAXONOMIES[tax]["rest_base"] for tax in t["taxonomies"]]
    if t.get("media"):
        fields += ["alt_text", "media_type", "mime_type", "source_url"]
    fields += ["permalink_template", "generated_slug"]
    return fields


def _text_object(description, extra=None):
    props = {
        "raw": {"description": description + ", as it exists in the database.", "type": "string",
                "context": CONTEXT_EDIT},
        "rendered": {"description": "HTML " + description.lower() + ", transformed for display.",
                     "type": "string", "context": CONTEXT_ALL, "readonly": True},
    }
    props.update(extra or {})
    return {"description": description + " of the post.", "type": "object", "context": CONTEXT_ALL,
            "arg_options": {"sanitize_callback": None, "validate_callback": None}, "properties": props}


def property_schema(type_slug, key):
    t = TYPES[type_slug]
    protected = {"protected": {"description": "Whether it is protected with a password.", "type": "boolean",
                               "context": CONTEXT_ALL, "readonly": True}}
    simple = {
        "id": {"description": "Unique identifier for the post.", "type": "integer", "context": CONTEXT_ALL,
               "readonly": True},
        "date": {"description": "The date the post was published, in the site's timezone.",
                 "type": ["string", "null"], "format": "date-time", "context": CONTEXT_ALL},
        "date_gmt": {"description": "The date the post was published, as GMT.", "type": ["string", "null"],
                     "format": "date-time", "context": CONTEXT_VE},
        "guid": {"description": "The globally unique identifier for the post.", "type": "object",
                 "context": CONTEXT_VE, "readonly": True,
                 "properties": {"raw": {"type": "string", "context": CONTEXT_EDIT, "readonly": True},
                                "rendered": {"type": "string", "context": CONTEXT_VE, "readonly": True}}},
        "modified": {"description": "The date the post was last modified, in the site's timezone.",
                     "type": "string", "format": "date-time", "context": CONTEXT_VE, "readonly": True},
        "modified_gmt": {"description": "The date the post was last modified, as GMT.", "type": "string",
                         "format": "date-time", "context": CONTEXT_VE, "readonly": True},
        "password": {"description": "A password to protect access to the content and excerpt.",
                     "type": "string", "context": CONTEXT_EDIT},
        "slug": {"description": "An alphanumeric identifier for the post unique to its type.", "type": "string",
                 "context": CONTEXT_ALL},
        "status": {"description": "A named status for the post.", "type": "string", "enum": POST_STATUSES,
                   "context": CONTEXT_VE},
        "type": {"description": "Type of post.", "type": "string", "context": CONTEXT_ALL, "readonly": True},
        "link": {"description": "URL to the post.", "type": "string", "format": "uri", "context": CONTEXT_ALL,
                 "readonly": True},
        "parent": {"description": "The ID for the parent of the post.", "type": "integer", "context": CONTEXT_VE},
        "title": _text_object("The title"),
        "content": _text_object("The content", dict(protected, block_version={
            "description": "Version of the content block format used by the post.", "type": "integer",
            "context": CONTEXT_EDIT, "readonly": True})),
        "excerpt": _text_object("The excerpt", protected),
        "author": {"description": "The ID for the author of the post.", "type": "integer", "context": CONTEXT_ALL},
        "featured_media": {"description": "The ID of the featured media for the post.", "type": "integer",
                           "context": CONTEXT_VE},
        "comment_status": {"description": "Whether or not comments are open on the post.", "type": "string",
                           "enum": ["open", "closed"], "context": CONTEXT_VE},
        "ping_status": {"description": "Whether or not the post can be pinged.", "type": "string",
                        "enum": ["open", "closed"], "context": CONTEXT_VE},
        "menu_order": {"description": "The order of the post in relation to other posts.", "type": "integer",
                       "context": CONTEXT_VE},
        "sticky": {"description": "Whether or not the post should be treated as sticky.", "type": "boolean",
                   "context": CONTEXT_VE},
        "template": {"description": "The theme file to use to display the post.", "type": "string",
                     "context": CONTEXT_VE, "enum": t["templates"]},
        "format": {"description": "The format for the post.", "type": "string", "enum": FORMATS,
                   "context": CONTEXT_VE},
        "meta": {"description": "Meta fields.", "type": "object", "context": CONTEXT_VE,
                 "properties": {k: {"type": kind, "description": "", "default": default, "context": CONTEXT_VE}
                                for k, (kind, default) in t["meta"].items()}},
        "permalink_template": {"description": "Permalink template for the post.", "type": ["string", "null"],
                               "context": CONTEXT_EDIT, "readonly": True},
        "generated_slug": {"description": "Slug automatically generated from the post title.",
                           "type": "string", "context": CONTEXT_EDIT, "readonly": True},
        "alt_text": {"description": "Alternative text to display when attachment is not displayed.",
                     "type": "string", "context": CONTEXT_ALL},
        "media_type": {"description": "Attachment type.", "type": "string", "enum": ["image", "file"],
                       "context": CONTEXT_ALL, "readonly": True},
        "mime_type": {"description": "The attachment MIME type.", "type": "string", "context": CONTEXT_ALL,
                      "readonly": True},
        "source_url": {"description": "URL to the original attachment file.", "type": "string",
                       "format": "uri", "context": CONTEXT_ALL, "readonly": True},
    }
    if key in simple:
        return copy.deepcopy(simple[key])
    for tax in t["taxonomies"]:
        if TAXONOMIES[tax]["rest_base"] == key:
            return {"description": "The terms assigned to the post in the %s taxonomy." % tax, "type": "array",
                    "items": {"type": "integer"}, "context": CONTEXT_VE}
    raise KeyError(key)


def schema(type_slug):
    return {"$schema": "http://json-schema.org/draft-04/schema#", "title": type_slug, "type": "object",
            "properties": {key: property_schema(type_slug, key) for key in type_fields(type_slug)}}


def type_object(type_slug, api_root, edit):
    """One entry of GET /wp/v2/types."""
    t = TYPES[type_slug]
    out = {"description": "", "hierarchical": t["hierarchical"], "has_archive": False, "name": t["name"],
           "slug": type_slug, "icon": t["icon"], "taxonomies": list(t["taxonomies"]),
           "rest_base": t["rest_base"], "rest_namespace": "wp/v2"}
    if edit:
        out["supports"] = {feature: True for feature in t["supports"]}
        out["viewable"] = type_slug not in ("nav_menu_item", "wp_block")
        out["labels"] = {"name": t["name"], "singular_name": t["name"].rstrip("s")}
    out["_links"] = {"collection": [{"href": api_root + "wp/v2/types"}],
                     "wp:items": [{"href": api_root + "wp/v2/" + t["rest_base"]}]}
    return out
