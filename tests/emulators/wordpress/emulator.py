"""A local WordPress REST API (core wp/v2: post types, posts/pages/custom types, users/me, terms) for tests:
Application Password auth, bare-array listings with X-WP-Total / X-WP-TotalPages / Link headers, raw vs
rendered text under context=edit, trash and force delete, WordPress's {"code","message","data"} errors.
See README.md next to this file.

  python3 -u tests/emulators/wordpress/emulator.py --port 0 --seed 1000 [--knob gmt_offset_hours=0]
"""

import base64
import math
import os
import sys
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
# The shared framework first: its module is also called `emulator`.
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(1, HERE)

from emulator import HttpError, Response, Service, main, route  # noqa: E402

import seed_data  # noqa: E402
import post_types  # noqa: E402
from store import Store, invalid_param  # noqa: E402

V2 = r"/wp-json/wp/v2"
# A post type's rest_base; the fixed routes of wp/v2 are never one.
BASE = r"(?P<base>(?!(?:types|taxonomies|users|categories|tags|genres)$)[a-z0-9_-]+)"
ITEM = V2 + "/" + BASE + r"/(?P<id>\d+)"
TERM_BASES = {t["rest_base"]: slug for slug, t in post_types.TAXONOMIES.items()}
MAX_PER_PAGE = 100
CRITICAL_ERROR = ("<p>There has been a critical error on this website.</p><p><a href=\"https://wordpress.org/"
                  "documentation/article/faq-troubleshooting/\">Learn more about troubleshooting WordPress.</a></p>")


class WordPress(Service):
    name = "wordpress"
    EXTRA_KNOBS = {
        # Application Passwords by username (spaces as WordPress shows them; they are ignored when checking).
        "application_passwords": {"admin": "abcd EFGH 1234 ijkl MNOP 5678",
                                  "editor": "wxyz WXYZ 9876 mnop QRST 4321"},
        # The site address: post links and guids are made from it (API links use the request's Host).
        "home_url": "https://wp.example.test",
        # The site's timezone (Settings > General): `date`/`modified` are this far ahead of the *_gmt ones.
        "gmt_offset_hours": 2,
        # Post types whose trash is switched off besides `book` (DELETE without force: 501).
        "untrashable_types": [],
        # The category a post gets when it is left with none.
        "default_category": 1,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.store = Store(self)
        seed_data.build(self.store, 0)

    # --- the framework's hooks -------------------------------------------------------------------------
    def error_body(self, error):
        code, message = error.code, error.message
        if code == "injected_fault" and error.status == 500:
            code, message = "internal_server_error", CRITICAL_ERROR
        data = {"status": error.status}
        data.update(error.extra)
        body = {"code": code, "message": message, "data": data}
        if code == "internal_server_error":
            body["additional_errors"] = []
        return body

    def authenticate(self, request):
        """Basic auth with an Application Password; no header is an anonymous visitor. A wrong password fails
        every request, not only the ones that need a login (rest_authentication_errors)."""
        request.user = None
        header = request.headers.get("authorization", "")
        if not header:
            return
        if not header.startswith("Basic "):
            return  # other schemes are for other plugins: WordPress carries on anonymously
        try:
            username, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise HttpError(401, "invalid_username", "Unknown username. Check again or try your email address.")
        user = next((u for u in self.store.users if username in (u["username"], u["email"])), None)
        if user is None:
            raise HttpError(401, "invalid_username", "Unknown username. Check again or try your email address.")
        expected = (self.knobs.get("application_passwords") or {}).get(user["username"])
        if expected is None or password.replace(" ", "") != expected.replace(" ", ""):
            raise HttpError(401, "incorrect_password", "The provided password is an invalid application password.")
        request.user = user

    def rate_limited(self):
        # Core has no limit; hosts and security plugins answer like this.
        return HttpError(429, "rest_too_many_requests", "Too many requests. Please slow down.",
                         headers={"Retry-After": str(self.knobs["retry_after_seconds"])})

    def not_found(self, request):
        return HttpError(404, "rest_no_route", "No route was found matching the URL and request method.")

    def method_not_allowed(self, request):
        return self.not_found(request)  # WordPress answers rest_no_route for a known path too

    def invalid_json(self):
        return HttpError(400, "rest_invalid_json", "Invalid JSON body passed.",
                         extra={"json_error_code": 4, "json_error_message": "Syntax error"})

    def find_route(self, request):
        # Sites without pretty permalinks: /?rest_route=/wp/v2/posts.
        rest_route = request.arg("rest_route")
        if rest_route and request.path in ("/", "/index.php"):
            request.path = "/wp-json" + rest_route
        return super().find_route(request)

    def state(self):
        s = self.store
        return {"site": {"home": s.home, "gmt_offset_hours": s.offset},
                "users": s.users, "terms": s.terms,
                "types": {slug: {"rest_base": t["rest_base"], "trash": s.trashable(slug)}
                          for slug, t in post_types.TYPES.items()},
                "posts": [s.posts[i] for i in sorted(s.posts)]}

    def seed(self, options):
        count = int(options.get("count", 0))
        seed_data.build(self.store, count, int(options.get("pages", 5)), int(options.get("books", 3)))
        ids = sorted(i for i, p in self.store.posts.items() if p["type"] == "post")
        return {"posts": count, "first_post_id": ids[0] if ids else None, "users": seed_data.USERS}

    def reset(self):
        seed_data.build(self.store, 0, pages=0, books=0)

    # --- helpers ---------------------------------------------------------------------------------------
    @staticmethod
    def api_root(request):
        return "http://%s/wp-json/" % request.headers.get("host", "localhost")

    def post_type(self, request):
        type_slug = post_types.type_by_rest_base(request.params["base"])
        if type_slug is None:
            raise self.not_found(request)
        return type_slug

    def body_of(self, request):
        body = request.json(self.invalid_json)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise self.invalid_json()
        return body

    @staticmethod
    def int_arg(request, name, default, minimum, maximum=None):
        raw = request.arg(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise invalid_param(name, "%s is not of type integer." % name)
        if value < minimum or (maximum is not None and value > maximum):
            if maximum is None:
                raise invalid_param(name, "%s must be greater than or equal to %d" % (name, minimum),
                                    "rest_out_of_bounds")
            raise invalid_param(name, "%s must be between %d (inclusive) and %d (inclusive)"
                                % (name, minimum, maximum), "rest_out_of_bounds")
        return value

    def context_of(self, request, default="view"):
        context = request.arg("context", default)
        if context not in ("view", "embed", "edit"):
            raise invalid_param("context", "context is not one of view, embed, and edit.")
        if context == "edit" and request.user is None:
            raise HttpError(401, "rest_forbidden_context",
                            "Sorry, you are not allowed to edit posts in this post type.")
        return context

    def paged(self, request, items, present):
        """A bare JSON array of one page, with WordPress's paging headers (and its 400 past the end)."""
        cap = self.page_size_cap(MAX_PER_PAGE)
        per_page = self.int_arg(request, "per_page", 10, 1, cap)
        page = self.int_arg(request, "page", 1, 1)
        offset = self.int_arg(request, "offset", 0, 0)
        total = len(items)
        pages = int(math.ceil(total / float(per_page))) if total else 0
        if total and page > pages:
            raise HttpError(400, "rest_post_invalid_page_number",
                            "The page number requested is larger than the number of pages available.")
        start = offset if offset else (page - 1) * per_page
        body = [present(item) for item in items[start:start + per_page]]
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        params = {k: v[0] for k, v in request.query.items() if k != "page"}
        base = self.api_root(request).rstrip("/") + request.path[len("/wp-json"):]
        links = []
        if page > 1:
            links.append('<%s?%s>; rel="prev"' % (base, urlencode(dict(params, page=min(page - 1, pages)))))
        if page < pages:
            links.append('<%s?%s>; rel="next"' % (base, urlencode(dict(params, page=page + 1))))
        if links:
            headers["Link"] = ", ".join(links)
        return Response(200, body, headers)

    # --- discovery -------------------------------------------------------------------------------------
    @route("GET", r"/wp-json/?")
    def index(self, request):
        routes = {"/wp/v2/" + t["rest_base"]: {"namespace": "wp/v2", "methods": ["GET", "POST"]}
                  for t in post_types.TYPES.values()}
        routes["/wp/v2/types"] = {"namespace": "wp/v2", "methods": ["GET"]}
        routes["/wp/v2/users/me"] = {"namespace": "wp/v2", "methods": ["GET"]}
        return Response(200, {"name": "Emulated WordPress", "description": "Just another WordPress site",
                              "url": self.store.home, "home": self.store.home,
                              "gmt_offset": self.store.offset, "timezone_string": "",
                              "namespaces": ["oembed/1.0", "wp/v2"],
                              "authentication": {"application-passwords": {"endpoints": {
                                  "authorization": self.store.home + "/wp-admin/authorize-application.php"}}},
                              "routes": routes})

    @route("GET", V2 + r"/types")
    def list_types(self, request):
        edit = self.context_of(request) == "edit"
        out = {}
        for slug in post_types.TYPES:
            if request.user is None and slug in ("nav_menu_item", "wp_block"):
                continue  # not public: edit_posts needed to see them
            out[slug] = post_types.type_object(slug, self.api_root(request), edit)
        return Response(200, out)

    @route("GET", V2 + r"/types/(?P<type>[a-z0-9_-]+)")
    def get_type(self, request):
        slug = request.params["type"]
        if slug not in post_types.TYPES:
            raise HttpError(404, "rest_type_invalid", "Invalid post type.")
        return Response(200, post_types.type_object(slug, self.api_root(request), self.context_of(request) == "edit"))

    @route("GET", V2 + r"/taxonomies")
    def list_taxonomies(self, request):
        out = {}
        for slug, tax in post_types.TAXONOMIES.items():
            types = [t for t, d in post_types.TYPES.items() if slug in d["taxonomies"]]
            out[slug] = {"name": tax["name"], "slug": slug, "description": "", "types": types,
                         "hierarchical": tax["hierarchical"], "rest_base": tax["rest_base"],
                         "rest_namespace": "wp/v2"}
        return Response(200, out)

    @route("OPTIONS", V2 + "/" + BASE)
    def describe_collection(self, request):
        type_slug = self.post_type(request)
        list_args = {
            "context": {"type": "string", "enum": ["view", "embed", "edit"], "default": "view"},
            "page": {"type": "integer", "default": 1, "minimum": 1},
            "per_page": {"type": "integer", "default": 10, "minimum": 1, "maximum": MAX_PER_PAGE},
            "offset": {"type": "integer"},
            "order": {"type": "string", "enum": ["asc", "desc"], "default": "desc"},
            "orderby": {"type": "string", "enum": self.orderby_values(type_slug), "default": "date"},
            "status": {"type": "array", "default": "publish",
                       "items": {"type": "string", "enum": post_types.POST_STATUSES + ["trash", "any"]}},
        }
        schema = post_types.schema(type_slug)
        create_args = {k: v for k, v in schema["properties"].items() if not v.get("readonly")}
        return Response(200, {"namespace": "wp/v2", "methods": ["GET", "POST"],
                              "endpoints": [{"methods": ["GET"], "args": list_args},
                                            {"methods": ["POST"], "args": create_args}],
                              "schema": schema},
                        {"Allow": "GET, POST"})

    # --- users and terms -------------------------------------------------------------------------------
    def present_user(self, user, edit):
        out = {"id": user["id"], "name": user["name"], "url": "", "description": "",
               "link": self.store.home + "/author/" + user["slug"] + "/", "slug": user["slug"],
               "avatar_urls": {"24": "https://secure.gravatar.com/avatar/%d?s=24" % user["id"]}, "meta": []}
        if edit:
            out.update({"username": user["username"], "email": user["email"], "roles": user["roles"],
                        "registered_date": "2023-12-01T00:00:00+00:00"})
        return out

    @route("GET", V2 + r"/users/me")
    def users_me(self, request):
        if request.user is None:
            raise HttpError(401, "rest_not_logged_in", "You are not currently logged in.")
        return Response(200, self.present_user(request.user, self.context_of(request) == "edit"))

    @route("GET", V2 + r"/users")
    def list_users(self, request):
        edit = self.context_of(request) == "edit"
        return self.paged(request, self.store.users, lambda u: self.present_user(u, edit))

    @route("GET", V2 + r"/(?P<terms>categories|tags|genres)")
    def list_terms(self, request):
        taxonomy = TERM_BASES[request.params["terms"]]
        return self.paged(request, self.store.terms.get(taxonomy, []),
                          lambda t: dict(t, link=self.store.home + "/" + taxonomy + "/" + t["slug"] + "/", meta=[]))

    # --- posts of any type -----------------------------------------------------------------------------
    @staticmethod
    def orderby_values(type_slug):
        values = ["author", "date", "id", "include", "modified", "parent", "relevance", "slug", "include_slugs",
                  "title"]
        if post_types.supports(type_slug, "page-attributes"):
            values.append("menu_order")
        return values

    def statuses_of(self, request, type_slug):
        raw = request.args("status") + request.args("status[]")
        statuses = [s.strip() for value in raw for s in value.split(",") if s.strip()]
        if not statuses:
            statuses = ["inherit"] if type_slug == "attachment" else ["publish"]
        allowed = post_types.POST_STATUSES + ["trash", "any", "inherit", "auto-draft"]
        for i, status in enumerate(statuses):
            if status not in allowed:
                raise invalid_param("status", "status[%d] is not one of %s." % (i, ", ".join(allowed)))
            if status not in ("publish", "inherit") and request.user is None:
                raise HttpError(401, "rest_forbidden_status", "Status is forbidden.")
        return statuses

    @route("GET", V2 + "/" + BASE)
    def list_posts(self, request):
        type_slug = self.post_type(request)
        context = self.context_of(request)
        statuses = self.statuses_of(request, type_slug)
        orderby = request.arg("orderby", "date")
        if orderby not in self.orderby_values(type_slug):
            raise invalid_param("orderby", "orderby is not one of %s." % ", ".join(self.orderby_values(type_slug)))
        order = request.arg("order", "desc")
        if order not in ("asc", "desc"):
            raise invalid_param("order", "order is not one of asc and desc.")

        def wanted(post):
            if post["type"] != type_slug:
                return False
            if "any" in statuses:
                return post["status"] not in ("trash", "auto-draft")
            return post["status"] in statuses

        items = [p for p in self.store.posts.values() if wanted(p)]
        include = [int(x) for v in request.args("include") + request.args("include[]")
                   for x in v.split(",") if x.strip().isdigit()]
        exclude = {int(x) for v in request.args("exclude") + request.args("exclude[]")
                   for x in v.split(",") if x.strip().isdigit()}
        if include:
            items = [p for p in items if p["id"] in include]
        items = [p for p in items if p["id"] not in exclude]
        slugs = [s for v in request.args("slug") for s in v.split(",") if s]
        if slugs:
            items = [p for p in items if p["slug"] in slugs]
        search = (request.arg("search") or "").lower()
        if search:
            items = [p for p in items if search in (p.get("title", "") + " " + p.get("content", "")).lower()]
        keys = {"date": lambda p: p["date_gmt"], "modified": lambda p: p["modified_gmt"], "id": lambda p: 0,
                "slug": lambda p: p["slug"], "title": lambda p: p.get("title", "").lower(),
                "author": lambda p: p.get("author", 0), "parent": lambda p: p.get("parent", 0),
                "menu_order": lambda p: p.get("menu_order", 0), "relevance": lambda p: p["date_gmt"],
                "include": lambda p: include.index(p["id"]) if p["id"] in include else 0,
                "include_slugs": lambda p: slugs.index(p["slug"]) if p["slug"] in slugs else 0}
        items.sort(key=lambda p: (keys[orderby](p), p["id"]), reverse=order == "desc")
        root = self.api_root(request)
        return self.paged(request, items, lambda p: self.store.present(p, context, root))

    @route("GET", ITEM)
    def get_post(self, request):
        post = self.store.get(self.post_type(request), int(request.params["id"]))
        context = self.context_of(request)
        if post["status"] not in ("publish", "inherit") and request.user is None:
            raise HttpError(401, "rest_forbidden", "Sorry, you are not allowed to do that.")
        return Response(200, self.store.present(post, context, self.api_root(request)))

    @route("POST", V2 + "/" + BASE)
    def create_post(self, request):
        type_slug = self.post_type(request)
        if request.user is None:
            raise HttpError(401, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.")
        if type_slug == "attachment":
            raise HttpError(400, "rest_upload_no_data", "No data supplied.")
        post = self.store.create(type_slug, self.body_of(request), request.user["id"])
        root = self.api_root(request)
        location = "%swp/v2/%s/%d" % (root, request.params["base"], post["id"])
        return Response(201, self.store.present(post, "edit", root), {"Location": location})

    def update_post(self, request):
        type_slug = self.post_type(request)
        post = self.store.get(type_slug, int(request.params["id"]))
        if request.user is None:
            raise HttpError(401, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
        self.store.update(post, self.body_of(request))
        return Response(200, self.store.present(post, "edit", self.api_root(request)))

    @route("POST", ITEM)
    def post_item(self, request):
        return self.update_post(request)

    @route("PUT", ITEM)
    def put_item(self, request):
        return self.update_post(request)  # PUT is a partial update too in WordPress

    @route("PATCH", ITEM)
    def patch_item(self, request):
        return self.update_post(request)

    @route("DELETE", ITEM)
    def delete_post(self, request):
        type_slug = self.post_type(request)
        post = self.store.get(type_slug, int(request.params["id"]))
        if request.user is None:
            raise HttpError(401, "rest_cannot_delete", "Sorry, you are not allowed to delete this post.")
        force = (request.arg("force") or "").lower() in ("1", "true", "yes")
        root = self.api_root(request)
        if force:
            previous = self.store.present(post, "edit", root)
            self.store.delete(post)
            return Response(200, {"deleted": True, "previous": previous})
        if not self.store.trashable(type_slug):
            raise HttpError(501, "rest_trash_not_supported",
                            "The post does not support trashing. Set 'force=true' to delete.")
        self.store.trash(post)
        return Response(200, self.store.present(post, "edit", root))

if __name__ == "__main__":
    sys.exit(main(WordPress, "A local WordPress REST API (wp/v2) emulator"))
