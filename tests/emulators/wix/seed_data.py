"""The emulated site's fixed collections (schemas as the Data Collections API describes them) and the
deterministic seed items: the same count always gives the same data."""

import datetime
import hashlib
import uuid

from helpers import iso_millis

SITE_ID = "5e1f0c2a-7b3d-4c8e-9a6f-1d2e3f4a5b6c"
API_KEY = "IST.eyJraWQiOiJFbXVsYXRvciJ9.wix-emulator-api-key"
OWNER_ID = "a1b2c3d4-0000-4000-8000-00000000beef"
BOOKS = "Books"
AUTHORS = "Authors"
MEMBERS = "Members/PublicData"
AUTHOR_COUNT = 5

# What a native (user-created) collection allows, and what a Wix app collection shown read-only allows.
ALL_OPERATIONS = ["AGGREGATE", "BULK_INSERT", "BULK_REMOVE", "BULK_SAVE", "BULK_UPDATE", "COUNT", "DISTINCT",
                  "FIND", "GET", "INSERT", "INSERT_REFERENCE", "IS_REFERENCED", "QUERY_REFERENCED", "REMOVE",
                  "REMOVE_REFERENCE", "REPLACE_REFERENCES", "SAVE", "TRUNCATE", "UPDATE"]
READ_OPERATIONS = ["COUNT", "DISTINCT", "FIND", "GET", "QUERY_REFERENCED", "IS_REFERENCED"]

BASE_TIME = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def make_id(*parts):
    """A GUID derived from the parts (Wix item ids are GUIDs; ours are stable across runs)."""
    return str(uuid.UUID(hashlib.md5("/".join(str(p) for p in parts).encode()).hexdigest()))


def wix_date(moment):
    """{"$date": ...} as Wix returns a Date and Time value: UTC with milliseconds."""
    return {"$date": iso_millis(moment)}


def field(key, name, ftype, system=False, **metadata):
    out = {"key": key, "displayName": name, "type": ftype, "systemField": system, "encrypted": False,
           "capabilities": {"sortable": ftype not in ("MULTI_REFERENCE", "OBJECT", "RICH_CONTENT"),
                            "queryOperators": ["EQ", "NE", "GT", "GTE", "LT", "LTE", "HAS_SOME",
                                               "STARTS_WITH", "CONTAINS", "EXISTS", "IN"]}}
    if metadata:
        out["typeMetadata"] = metadata
    return out


def system_fields():
    return [field("_id", "ID", "TEXT", True), field("_createdDate", "Created Date", "DATETIME", True),
            field("_updatedDate", "Updated Date", "DATETIME", True), field("_owner", "Owner", "TEXT", True)]


def collection(cid, name, display_field, fields, ctype="NATIVE", operations=None):
    return {"id": cid, "collectionType": ctype, "displayName": name, "displayField": display_field,
            "fields": system_fields() + fields,
            "permissions": {"insert": "ADMIN", "update": "ADMIN", "remove": "ADMIN", "read": "ANYONE"},
            "capabilities": {"dataOperations": operations or ALL_OPERATIONS,
                             "collectionOperations": ["UPDATE", "REMOVE"] if ctype == "NATIVE" else []},
            "pagingModes": ["OFFSET", "CURSOR"], "plugins": [], "revision": "3",
            "_createdDate": wix_date(BASE_TIME), "_updatedDate": wix_date(BASE_TIME)}


def schemas():
    """The three collections: Books (every field type), Authors (what Books references) and a Wix app
    collection that can only be read."""
    books = collection(BOOKS, "Books", "title", [
        field("title", "Title", "TEXT"),
        field("summary", "Summary", "RICH_TEXT"),
        field("pages", "Pages", "NUMBER"),
        field("price", "Price", "NUMBER"),
        field("inStock", "In stock", "BOOLEAN"),
        field("published", "Published on", "DATE"),
        field("releaseAt", "Release", "DATETIME"),
        field("readingTime", "Reading time", "TIME"),
        field("cover", "Cover", "IMAGE"),
        field("website", "Website", "URL"),
        field("tags", "Tags", "ARRAY_STRING"),
        field("meta", "Metadata", "OBJECT"),
        field("store", "Store address", "ADDRESS"),
        field("gallery", "Gallery", "MEDIA_GALLERY"),
        field("author", "Author", "REFERENCE", reference={"referencedCollectionId": AUTHORS}),
        field("coAuthors", "Co-authors", "MULTI_REFERENCE",
              multiReference={"referencedCollectionId": AUTHORS, "referencingFieldKey": "books",
                              "referencingDisplayName": "Books"}),
        field("link-books-title", "Books (Title)", "PAGE_LINK"),
    ])
    authors = collection(AUTHORS, "Authors", "name", [
        field("name", "Name", "TEXT"),
        field("bio", "Bio", "RICH_TEXT"),
        field("born", "Born", "DATE"),
    ])
    members = collection(MEMBERS, "Members Public Data", "nickname", [
        field("nickname", "Nickname", "TEXT"),
        field("slug", "Slug", "TEXT"),
        field("profilePhoto", "Profile photo", "IMAGE"),
    ], ctype="WIX_APP", operations=READ_OPERATIONS)
    return [books, authors, members]


def system(cid, i, created):
    return {"_id": make_id(cid, i), "_createdDate": wix_date(created), "_updatedDate": wix_date(created),
            "_owner": OWNER_ID}


def author_items():
    names = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov"]
    out = []
    for i, name in enumerate(names, start=1):
        data = system(AUTHORS, i, BASE_TIME + datetime.timedelta(seconds=i))
        data.update({"name": name, "bio": "<p>%s wrote things.</p>" % name,
                     "born": (datetime.date(1815, 12, 10) + datetime.timedelta(days=9000 * i)).isoformat()})
        out.append(data)
    return out


def member_items():
    out = []
    for i, nick in enumerate(["reader-one", "reader-two", "reader-three"], start=1):
        data = system(MEMBERS, i, BASE_TIME + datetime.timedelta(seconds=i))
        data.update({"nickname": nick, "slug": nick,
                     "profilePhoto": "https://static.wixstatic.com/media/member-%d.png" % i})
        out.append(data)
    return out


TAGS = ["fiction", "science", "history", "classic", "new"]


def book_item(i, author_ids):
    """Book i (1-based). Gaps are deliberate: absent keys (no value), an empty string, an empty array, a
    zero, false, and a key the schema does not know (legacyCode: Wix stores what it is given)."""
    created = BASE_TIME + datetime.timedelta(minutes=i)
    data = system(BOOKS, i, created)
    data["title"] = "Book %04d" % i
    if i % 6 != 0:
        data["summary"] = "<p>Summary of <strong>book %d</strong></p>" % i
    data["pages"] = 0 if i % 50 == 0 else 100 + i
    if i % 7 != 0:
        data["price"] = round(9.99 + i * 0.25, 2)
    if i % 9 != 0:
        data["inStock"] = i % 2 == 0
    if i % 5 != 0:
        data["published"] = (datetime.date(2020, 1, 1) + datetime.timedelta(days=i)).isoformat()
    if i % 8 != 0:
        data["releaseAt"] = wix_date(BASE_TIME + datetime.timedelta(hours=i, milliseconds=i))
    if i % 3 == 1:
        data["readingTime"] = "%02d:%02d:00.000" % (i % 24, i % 60)
    if i % 4 != 0:
        data["cover"] = "wix:image://v1/emu_cover_%d.jpg/cover-%d.jpg#originWidth=600&originHeight=900" % (i, i)
    data["website"] = "" if i % 10 == 0 else "https://books.example.com/%d" % i
    data["tags"] = [] if i % 3 == 0 else [TAGS[i % 5]] + ([TAGS[(i + 1) % 5]] if i % 2 else [])
    if i % 11 != 0:
        data["meta"] = {"isbn": "978-%010d" % i, "edition": i % 3 + 1, "dims": {"w": 15, "h": 23}}
    if i % 2 == 1:
        data["store"] = {"formatted": "%d Main St, Springfield, USA" % i, "city": "Springfield",
                         "country": "US", "location": {"latitude": 39.78 + i / 1000, "longitude": -89.65}}
    if i % 12 == 1:
        data["gallery"] = [{"type": "image", "src": "wix:image://v1/emu_gal_%d.jpg/g.jpg" % i, "title": "G%d" % i}]
    if i % 13 != 0:
        data["author"] = author_ids[(i - 1) % len(author_ids)]
    data["link-books-title"] = "/books/book-%04d" % i
    if i % 5 == 1:
        data["legacyCode"] = "LC-%d" % i
    return data


def build(count):
    """Collections with their items: {cid: (schema, [data...], {field: {item_id: [ids]}})}."""
    cols = {c["id"]: c for c in schemas()}
    authors = author_items()
    author_ids = [a["_id"] for a in authors]
    books = [book_item(i, author_ids) for i in range(1, count + 1)]
    co_authors = {}
    for i, book in enumerate(books, start=1):
        if i % 4 == 1:
            co_authors[book["_id"]] = [author_ids[i % 5], author_ids[(i + 2) % 5]]
    return {
        BOOKS: (cols[BOOKS], books, {"coAuthors": co_authors}),
        AUTHORS: (cols[AUTHORS], authors, {}),
        MEMBERS: (cols[MEMBERS], member_items(), {}),
    }
