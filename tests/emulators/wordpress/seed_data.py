"""Deterministic seed data: users, terms, media, and N posts (plus a few pages and books) that cover every
field and its empty form. The same N gives the same data."""

import datetime

import post_types
from store import FMT

USERS = [
    {"id": 1, "username": "admin", "name": "Ada Admin", "slug": "admin", "email": "ada@example.test",
     "roles": ["administrator"]},
    {"id": 2, "username": "editor", "name": "Eddie Editor", "slug": "editor", "email": "eddie@example.test",
     "roles": ["editor"]},
]

TERMS = {
    "category": [(1, "Uncategorized"), (2, "News"), (3, "Releases"), (4, "Guides")],
    "post_tag": [(5, "wordpress"), (6, "rest-api"), (7, "emulator"), (8, "testing")],
    "genre": [(9, "Fiction"), (10, "History")],
}

# Raw content that differs from what WordPress renders: shortcodes, no <p> (wpautop adds them), blocks.
CONTENTS = [
    "",
    "First paragraph of post %d.\n\nSecond paragraph with a [gallery ids=\"1,2\"] shortcode.",
    "<!-- wp:paragraph -->\n<p>Block content of post %d.</p>\n<!-- /wp:paragraph -->",
    "Line one of post %d\nLine two with <strong>bold</strong> & an ampersand.",
]

BASE_DATE = datetime.datetime(2024, 1, 1, 8, 0, 0)


def terms():
    out = {}
    for taxonomy, rows in TERMS.items():
        out[taxonomy] = [{"id": i, "name": name, "slug": name.lower().replace(" ", "-"), "taxonomy": taxonomy,
                          "count": 0, "description": "", "parent": 0} for i, name in rows]
    return out


def _dated(store, post, gmt, modified_gmt):
    post["date_gmt"] = gmt.strftime(FMT)
    post["date"] = store.local(gmt).strftime(FMT)
    post["modified_gmt"] = modified_gmt.strftime(FMT)
    post["modified"] = store.local(modified_gmt).strftime(FMT)


def media(store, n):
    for i in range(1, n + 1):
        when = BASE_DATE - datetime.timedelta(days=30 - i)
        post = store.blank("attachment", when, 1)
        post.update({"status": "inherit", "slug": "image-%d" % i, "title": "Image %d" % i,
                     "alt_text": "Alt text %d" % i,
                     "source_url": store.home + "/wp-content/uploads/2024/01/image-%d.jpg" % i})
        store.add(post)


def post(store, i):
    """Seeded post i (1-based): every field, with empty values on some."""
    p = store.blank("post", BASE_DATE, 1 + (i % 2))
    gmt = BASE_DATE + datetime.timedelta(hours=i)
    status = "publish"
    if i % 7 == 3:
        status = "draft"
    elif i % 11 == 4:
        status = "pending"
    elif i % 17 == 5:
        status = "private"
    elif i % 19 == 6:
        status = "future"
        gmt = datetime.datetime(2030, 1, 1) + datetime.timedelta(hours=i)
    _dated(store, p, gmt, gmt + datetime.timedelta(minutes=i % 50, seconds=i % 60))
    title = "Post %d" % i
    if i % 5 == 0:
        title = "Tom & Jerry's \"best\" post %d" % i
    if i % 13 == 0:
        title = ""
    p.update({
        "status": status,
        "title": title,
        "content": CONTENTS[i % 4] % i if "%d" in CONTENTS[i % 4] else CONTENTS[i % 4],
        "excerpt": "Excerpt of post %d." % i if i % 3 == 0 else "",
        # Drafts and pending posts have no slug until published, as in WordPress.
        "slug": "" if status in ("draft", "pending") else "post-%d" % i,
        "featured_media": 1 + (i % 3) if i % 3 == 0 else 0,
        "comment_status": "open" if i % 2 else "closed",
        "ping_status": "closed" if i % 4 == 0 else "open",
        "sticky": i % 10 == 1,
        "template": "single-wide" if i % 9 == 0 else "",
        "format": "aside" if i % 6 == 0 else "gallery" if i % 8 == 0 else "standard",
        "password": "secret-%d" % i if i % 23 == 0 and status != "private" else "",
        "meta": {"footnotes": "" if i % 12 else '[{"content":"Note %d","id":"n%d"}]' % (i, i),
                 "reading_time": i % 10},
        "categories": [1] if i % 4 == 0 else [2] if i % 4 == 1 else [2, 3] if i % 4 == 2 else [4],
        "tags": [] if i % 3 == 0 else [5] if i % 3 == 1 else [5, 6],
    })
    store.add(p)


def page(store, i, parent):
    p = store.blank("page", BASE_DATE, 1)
    gmt = BASE_DATE - datetime.timedelta(days=10 - i)
    _dated(store, p, gmt, gmt + datetime.timedelta(hours=1))
    p.update({"status": "draft" if i == 4 else "publish", "title": "Page %d" % i,
              "content": "About page %d.\n\n[contact-form id=\"%d\"]" % (i, i) if i % 2 else "",
              "excerpt": "", "slug": "" if i == 4 else "page-%d" % i, "parent": parent, "menu_order": i,
              "template": "page-full-width" if i == 3 else "", "featured_media": 1 if i == 1 else 0})
    store.add(p)
    return p["id"]


def book(store, i):
    p = store.blank("book", BASE_DATE, 1)
    gmt = BASE_DATE - datetime.timedelta(days=20 - i)
    _dated(store, p, gmt, gmt)
    p.update({"status": "publish", "title": "Book %d" % i, "content": "The story of book %d." % i,
              "excerpt": "A book." if i % 2 else "", "slug": "book-%d" % i,
              "meta": {"isbn": "978-0-00-00000%d-0" % i if i % 3 else "", "pages": 100 + i},
              "genres": [9] if i % 2 else [9, 10]})
    store.add(p)


def build(store, count, pages=5, books=3, images=3):
    """Fills an empty store: media first (ids 1..), then pages, books and the posts, in one id space."""
    store.users = [dict(u) for u in USERS]
    store.terms = terms()
    store.posts = {}
    store.next_id = 1
    media(store, images)
    first = None
    for i in range(1, pages + 1):
        pid = page(store, i, first if i == 2 else 0)  # page 2 is a child of page 1
        first = first or pid
    for i in range(1, books + 1):
        book(store, i)
    for i in range(1, count + 1):
        post(store, i)
    assert all(p["type"] in post_types.TYPES for p in store.posts.values())
