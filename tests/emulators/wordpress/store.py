"""The site's posts (every post type in one id space, as wp_posts is), terms, users, and the rules WordPress
applies when posts are written: parameter validation (400 rest_invalid_param with data.params), unique slugs,
dates in the site's timezone and in GMT, default category, future/publish status flips, trash. Posts are kept
as WordPress stores them (raw text, dates without a zone); present() shapes them for a response."""

import datetime
import re

import render
import post_types
from emulator import HttpError

DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
FMT = "%Y-%m-%dT%H:%M:%S"


def now_gmt():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)


def parse_date(text, gmt_offset_hours, is_gmt):
    """A WordPress date string as a naive GMT datetime (None when invalid). A zone in the text wins; without
    one it is GMT for *_gmt parameters and site time otherwise."""
    if not isinstance(text, str):
        return None
    m = DATE_RE.match(text)
    if not m:
        return None
    try:
        value = datetime.datetime(*(int(m.group(i)) for i in range(1, 7)))
    except ValueError:
        return None
    zone = m.group(8)
    if zone == "Z":
        return value
    if zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        return value - sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return value if is_gmt else value - datetime.timedelta(hours=gmt_offset_hours)


def sanitize_title(text):
    """sanitize_title(): lower case, tags and entities gone, anything else a dash."""
    text = re.sub(r"<[^>]*>", "", text or "")
    text = re.sub(r"&[#\w]+;", "", text).lower()
    text = re.sub(r"[^a-z0-9_\-]+", "-", text)
    return re.sub(r"-+", "-", text).strip("-")


def invalid_param(name, message, detail_code="rest_invalid_type"):
    """400 rest_invalid_param: `params` says what is wrong with each parameter, `details` gives the codes."""
    return HttpError(400, "rest_invalid_param", "Invalid parameter(s): %s" % name,
                     extra={"params": {name: message},
                            "details": {name: {"code": detail_code, "message": message, "data": None}}})


class Store:
    def __init__(self, service):
        self.service = service
        self.posts = {}  # id -> stored post (keys: see blank())
        self.users = []
        self.terms = {}  # taxonomy -> [{id, name, slug, ...}]
        self.next_id = 1

    # --- site knobs -------------------------------------------------------------------------------------
    @property
    def offset(self):
        return float(self.service.knobs.get("gmt_offset_hours") or 0)

    @property
    def home(self):
        return str(self.service.knobs.get("home_url") or "").rstrip("/")

    def trashable(self, type_slug):
        return post_types.TYPES[type_slug]["trash"] and type_slug not in (self.service.knobs.get("untrashable_types")
                                                                    or [])

    def local(self, gmt):
        return gmt + datetime.timedelta(hours=self.offset)

    # --- storage ----------------------------------------------------------------------------------------
    def blank(self, type_slug, when, author):
        """A new post of this type with WordPress's defaults (wp_insert_post and the REST defaults)."""
        t = post_types.TYPES[type_slug]
        fields = post_types.type_fields(type_slug)
        post = {"id": self.next_id, "type": type_slug, "status": "draft", "slug": "", "password": "",
                "date_gmt": when.strftime(FMT), "date": self.local(when).strftime(FMT),
                "modified_gmt": when.strftime(FMT), "modified": self.local(when).strftime(FMT),
                "template": "", "meta": {k: default for k, (_, default) in t["meta"].items()}}
        self.next_id += 1
        post["guid"] = self.home + "/" + (t["shortlink"] % post["id"])
        if "title" in fields:
            post["title"] = ""
        if "content" in fields:
            post["content"] = ""
        if "excerpt" in fields:
            post["excerpt"] = ""
        if "author" in fields:
            post["author"] = author
        if "featured_media" in fields:
            post["featured_media"] = 0
        if "comment_status" in fields:
            default = "closed" if type_slug == "page" else "open"
            post["comment_status"] = default
            post["ping_status"] = default
        if "parent" in fields:
            post["parent"] = 0
        if "menu_order" in fields:
            post["menu_order"] = 0
        if "sticky" in fields:
            post["sticky"] = False
        if "format" in fields:
            post["format"] = "standard"
        for tax in t["taxonomies"]:
            post[post_types.TAXONOMIES[tax]["rest_base"]] = []
        if t.get("media"):
            post.update({"alt_text": "", "media_type": "image", "mime_type": "image/jpeg", "source_url": ""})
        return post

    def add(self, post):
        self.posts[post["id"]] = post
        self.next_id = max(self.next_id, post["id"] + 1)

    def get(self, type_slug, post_id):
        post = self.posts.get(post_id)
        if post is None or post["type"] != type_slug:
            raise HttpError(404, "rest_post_invalid_id", "Invalid post ID.")
        return post

    def user(self, user_id):
        return next((u for u in self.users if u["id"] == user_id), None)

    def term_ids(self, taxonomy):
        return {t["id"] for t in self.terms.get(taxonomy, [])}

    # --- presenting -------------------------------------------------------------------------------------
    def link(self, post):
        t = post_types.TYPES[post["type"]]
        if post["status"] not in ("publish", "private") or not post["slug"] or not t["permalink"]:
            return self.home + "/" + (t["shortlink"] % post["id"])
        local = datetime.datetime.strptime(post["date"], FMT)
        path = t["permalink"].replace("%year%", "%04d" % local.year).replace("%monthnum%", "%02d" % local.month)
        path = path.replace("%day%", "%02d" % local.day)
        slug = post["slug"]
        parent = self.posts.get(post.get("parent") or 0)
        while parent is not None:  # pages nest under their parents
            slug = parent["slug"] + "/" + slug
            parent = self.posts.get(parent.get("parent") or 0)
        for tag in ("%postname%", "%pagename%", "%book%"):
            path = path.replace(tag, slug)
        return self.home + "/" + path

    def present(self, post, context, api_root):
        """The post as the REST API answers it in `context` (view or edit)."""
        edit = context == "edit"
        t = post_types.TYPES[post["type"]]
        out = {}
        protected = bool(post.get("password"))
        for key in post_types.type_fields(post["type"]):
            if key in ("password", "permalink_template", "generated_slug") and not edit:
                continue
            if key == "guid":
                shown = {"rendered": post["guid"].replace("&", "&#038;")}
                if edit:
                    shown["raw"] = post["guid"]
                out[key] = shown
            elif key == "title":
                out[key] = dict({"raw": post["title"]} if edit else {}, rendered=render.title(post["title"]))
            elif key == "content":
                hidden = protected and not edit
                shown = {"raw": post["content"]} if edit else {}
                shown["rendered"] = "" if hidden else render.content(post["content"])
                shown["protected"] = protected
                if edit:
                    shown["block_version"] = 1 if "<!-- wp:" in post["content"] else 0
                out[key] = shown
            elif key == "excerpt":
                shown = {"raw": post["excerpt"]} if edit else {}
                shown["rendered"] = "" if protected and not edit else render.excerpt(post["excerpt"],
                                                                                     post.get("content", ""))
                shown["protected"] = protected
                out[key] = shown
            elif key == "link":
                out[key] = self.link(post)
            elif key == "permalink_template":
                out[key] = self.home + "/" + t["permalink"] if t["permalink"] else None
            elif key == "generated_slug":
                out[key] = post["slug"] or sanitize_title(post.get("title", "")) or str(post["id"])
            elif key == "meta":
                out[key] = dict(post["meta"])
            elif isinstance(post.get(key), list):
                out[key] = list(post[key])
            else:
                out[key] = post.get(key)
        if post["status"] == "trash" and not edit:
            out["status"] = "trash"
        base = api_root + "wp/v2/" + t["rest_base"]
        out["_links"] = {"self": [{"href": "%s/%d" % (base, post["id"])}], "collection": [{"href": base}],
                         "about": [{"href": api_root + "wp/v2/types/" + post["type"]}]}
        return out

    # --- writing ----------------------------------------------------------------------------------------
    def check_rejected(self, body):
        """The framework's reject_values knob: WordPress's per-request validation failure."""
        for key, value in body.items():
            marker = self.service.rejected_value(value)
            if marker is not None:
                raise HttpError(400, "rest_invalid_param", "Invalid parameter(s): %s" % key,
                                extra={"params": {key: "%s contains a value this site does not allow." % key},
                                       "details": {key: {"code": "rest_disallowed_value",
                                                         "message": "%s contains a value this site does not "
                                                                    "allow." % key, "data": None}}})

    @staticmethod
    def as_int(name, value):
        if isinstance(value, bool):
            raise invalid_param(name, "%s is not of type integer." % name)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.match(r"^-?\d+$", value.strip()):
            return int(value)
        raise invalid_param(name, "%s is not of type integer." % name)

    @staticmethod
    def as_bool(name, value):
        if isinstance(value, bool):
            return value
        if value in ("true", "1", 1):
            return True
        if value in ("false", "0", 0, ""):
            return False
        raise invalid_param(name, "%s is not of type boolean." % name)

    @staticmethod
    def as_str(name, value):
        if not isinstance(value, str):
            raise invalid_param(name, "%s is not of type string." % name)
        return value

    @staticmethod
    def as_text(name, value):
        """title, content, excerpt: a string or {"raw": ...}."""
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and isinstance(value.get("raw", ""), str):
            return value.get("raw", "")
        if value is None:
            return ""
        raise invalid_param(name, "%s is not of type string." % name)

    def validate(self, type_slug, body):
        """The parameters of a create or update, checked and normalised; unknown ones are ignored, as the REST
        API ignores them. Raises the first problem WordPress would report."""
        self.check_rejected(body)
        fields = post_types.type_fields(type_slug)
        t = post_types.TYPES[type_slug]
        clean = {}
        for key, value in body.items():
            if key in ("title", "content", "excerpt") and key in fields:
                clean[key] = self.as_text(key, value)
            elif key in ("slug", "password") and key in fields:
                clean[key] = self.as_str(key, value)
            elif key in ("status", "comment_status", "ping_status", "format", "template") and key in fields:
                allowed = post_types.property_schema(type_slug, key)["enum"]
                if not isinstance(value, str) or value not in allowed:
                    raise invalid_param(key, "%s is not one of %s." % (key, ", ".join(allowed)),
                                        "rest_not_in_enum")
                clean[key] = value
            elif key in ("date", "date_gmt"):
                if value is None:
                    clean[key] = None
                    continue
                parsed = parse_date(value, self.offset, key == "date_gmt")
                if parsed is None:
                    raise invalid_param(key, "Invalid date.", "rest_invalid_date")
                clean[key] = parsed
            elif key in ("author", "featured_media", "parent", "menu_order") and key in fields:
                clean[key] = self.as_int(key, value)
            elif key == "sticky" and key in fields:
                clean[key] = self.as_bool(key, value)
            elif key == "meta":
                if not isinstance(value, dict):
                    raise invalid_param("meta", "meta is not of type object.")
                meta = {}
                for mk, mv in value.items():
                    if mk not in t["meta"]:
                        continue  # unregistered meta is ignored
                    kind = t["meta"][mk][0]
                    if mv is None:
                        meta[mk] = None
                    elif kind == "integer":
                        meta[mk] = self.as_int("meta." + mk, mv)
                    else:
                        meta[mk] = self.as_str("meta." + mk, mv)
                clean["meta"] = meta
            elif key in fields and any(post_types.TAXONOMIES[x]["rest_base"] == key for x in t["taxonomies"]):
                if not isinstance(value, list):
                    value = [value] if value not in (None, "") else []
                clean[key] = [self.as_int("%s[%d]" % (key, i), v) for i, v in enumerate(value)]
        if "author" in clean and self.user(clean["author"]) is None:
            raise HttpError(400, "rest_invalid_author", "Invalid author ID.")
        media = clean.get("featured_media")
        if media and (media not in self.posts or self.posts[media]["type"] != "attachment"):
            raise HttpError(400, "rest_invalid_featured_media", "Invalid featured media ID.")
        parent = clean.get("parent")
        if parent and (parent not in self.posts or self.posts[parent]["type"] != type_slug):
            raise HttpError(400, "rest_post_invalid_parent", "Invalid post parent ID.")
        return clean

    def unique_slug(self, post, slug):
        """wp_unique_post_slug(): drafts and pending posts keep any slug; others get -2, -3... on a clash
        with a post of the same type (and, for pages, the same parent)."""
        if post["status"] in ("draft", "pending", "auto-draft") or not slug:
            return slug
        hierarchical = post_types.TYPES[post["type"]]["hierarchical"]

        def taken(candidate):
            for other in self.posts.values():
                if other["id"] == post["id"] or other["type"] != post["type"] or other["slug"] != candidate:
                    continue
                if hierarchical and other.get("parent", 0) != post.get("parent", 0):
                    continue
                return True
            return False

        if not taken(slug):
            return slug
        n = 2
        while taken("%s-%d" % (slug, n)):
            n += 1
        return "%s-%d" % (slug, n)

    def apply(self, post, clean, creating):
        """Writes validated parameters into a post, as wp_insert_post / wp_update_post would."""
        when = now_gmt()
        for key in ("title", "content", "excerpt", "password", "comment_status", "ping_status", "format",
                    "template", "author", "featured_media", "parent", "menu_order", "sticky"):
            if key in clean:
                post[key] = clean[key]
        for key, value in clean.items():
            if key.endswith("]") or key not in post or not isinstance(value, list):
                continue
            taxonomy = next(x for x in post_types.TAXONOMIES if post_types.TAXONOMIES[x]["rest_base"] == key)
            known = self.term_ids(taxonomy)
            ids = []
            for term_id in value:  # unknown integer ids are skipped, as wp_set_object_terms skips them
                if term_id in known and term_id not in ids:
                    ids.append(term_id)
            post[key] = sorted(ids)
        if "categories" in post and not post["categories"]:  # a post is never left without a category
            post["categories"] = [int(self.service.knobs.get("default_category") or 1)]
        if "meta" in clean:
            defaults = post_types.TYPES[post["type"]]["meta"]
            for mk, mv in clean["meta"].items():
                post["meta"][mk] = defaults[mk][1] if mv is None else mv
        if "date" in clean or "date_gmt" in clean:
            gmt = clean.get("date") if "date" in clean else clean.get("date_gmt")
            if gmt is None:
                gmt = when
            post["date_gmt"] = gmt.strftime(FMT)
            post["date"] = self.local(gmt).strftime(FMT)
        if "status" in clean:
            post["status"] = clean["status"]
        elif creating:
            post["status"] = "draft"
        # A future date makes "publish" a scheduled post; a past one publishes a "future" post at once.
        date_gmt = datetime.datetime.strptime(post["date_gmt"], FMT)
        if post["status"] == "publish" and date_gmt > when:
            post["status"] = "future"
        elif post["status"] == "future" and date_gmt <= when:
            post["status"] = "publish"
        if post["status"] == "private" and post.get("password"):
            raise HttpError(400, "rest_invalid_field", "A post can not be private and password protected.")
        if "slug" in clean:
            slug = sanitize_title(clean["slug"])
        else:
            slug = post["slug"]
        if not slug and post["status"] not in ("draft", "pending", "auto-draft"):
            slug = sanitize_title(post.get("title", "")) or str(post["id"])
        post["slug"] = self.unique_slug(post, slug)
        post["modified_gmt"] = when.strftime(FMT)
        post["modified"] = self.local(when).strftime(FMT)

    def create(self, type_slug, body, user_id):
        if body.get("id"):
            raise HttpError(400, "rest_post_exists", "Cannot create existing post.")
        clean = self.validate(type_slug, body)
        post = self.blank(type_slug, now_gmt(), user_id)
        self.apply(post, clean, creating=True)
        self.add(post)
        return post

    def update(self, post, body):
        clean = self.validate(post["type"], body)
        trial = dict(post, meta=dict(post["meta"]))
        self.apply(trial, clean, creating=False)  # all or nothing: a refusal changes nothing
        post.clear()
        post.update(trial)
        return post

    def trash(self, post):
        if post["status"] == "trash":
            raise HttpError(410, "rest_already_trashed", "The post has already been deleted.")
        when = now_gmt()
        post["trash_meta_status"] = post["status"]  # _wp_trash_meta_status, for an untrash
        post["status"] = "trash"
        if post["slug"] and not post["slug"].endswith("__trashed"):
            post["slug"] += "__trashed"
        post["modified_gmt"] = when.strftime(FMT)
        post["modified"] = self.local(when).strftime(FMT)
        return post

    def delete(self, post):
        del self.posts[post["id"]]
        for other in self.posts.values():  # children move up, as wp_delete_post re-parents them
            if other.get("parent") == post["id"]:
                other["parent"] = post.get("parent", 0)
