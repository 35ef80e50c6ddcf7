"""A local YouTube Data API v3 (channels, playlistItems, videos list/update, playlists) for tests, with the
daily quota.

Run: python3 -u tests/emulators/youtube/emulator.py --port 0 --seed 1000 [--knob daily_quota=500]
See README.md next to this file for the endpoints, knobs and seed data."""

import base64
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
sys.path.insert(1, os.path.dirname(os.path.abspath(__file__)))

from emulator import HttpError, Response, Service, main, route  # noqa: E402

import errors  # noqa: E402
import seed_data  # noqa: E402
import store  # noqa: E402

API = r"/youtube/v3"
LIST_COST = 1
UPDATE_COST = 50
CHANNEL_FILTERS = ["forUsername", "managedByMe", "categoryId", "mine", "mySubscribers", "id", "idParam",
                   "forHandle"]


class YouTube(Service):
    name = "youtube"
    EXTRA_KNOBS = {
        # The OAuth access token the emulator accepts (it belongs to the one channel); others get 401.
        "access_token": seed_data.ACCESS_TOKEN,
        # The project's daily quota in units; a request that does not fit gets 403 quotaExceeded.
        "daily_quota": 10000,
        # The status of the rate-limit answer (reason rateLimitExceeded): 429, or 403 as Google also sends.
        "rate_limit_status": 429,
    }

    def __init__(self, knobs=None):
        super().__init__(knobs)
        self.store = store.Store(0)
        self.quota_used = 0

    # --- the framework's hooks -------------------------------------------------------------------------
    def error_body(self, error):
        return errors.envelope(error)

    def authenticate(self, request):
        header = request.headers.get("authorization", "")
        if not header:
            raise errors.missing_credentials()
        token = header[len("Bearer "):] if header.startswith("Bearer ") else None
        if token != self.knobs.get("access_token"):
            raise errors.invalid_credentials()

    def rate_limited(self):
        # Google sends no Retry-After: clients back off exponentially.
        return errors.rate_limit_exceeded(int(self.knobs.get("rate_limit_status") or 429))

    def not_found(self, request):
        return errors.google_error(404, "notFound", "Not Found")

    def invalid_json(self):
        return errors.parse_error()

    def state(self):
        out = self.store.state()
        out["quota"] = {"used": self.quota_used, "daily": self.knobs.get("daily_quota")}
        return out

    def seed(self, options):
        count = int(options.get("count", 0))
        self.store = store.Store(count, int(options.get("playlists", 7)))
        return {"channel_id": seed_data.CHANNEL_ID, "uploads": seed_data.UPLOADS_ID, "videos": count,
                "playlists": len(self.store.playlists), "access_token": self.knobs.get("access_token")}

    def reset(self):
        self.store = store.Store(0)
        self.quota_used = 0

    # --- helpers -----------------------------------------------------------------------------------------
    def charge(self, units):
        """Spends quota before the work, as Google does; nothing is spent when it does not fit."""
        if self.quota_used + units > int(self.knobs.get("daily_quota") or 0):
            raise errors.quota_exceeded()
        self.quota_used += units

    def page(self, request, ids):
        """maxResults (0..50, default 5) and an opaque pageToken over `ids`: (slice, start, next, prev, size)."""
        raw = request.arg("maxResults")
        size = 5
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                raise errors.invalid_value("maxResults", raw)
            if size < 0 or size > 50:
                raise errors.invalid_value("maxResults", raw)
        size = min(size, self.page_size_cap(50))
        start = 0
        token = request.arg("pageToken")
        if token:
            start = decode_token(token)
            if start is None or start > len(ids):
                raise errors.invalid_page_token()
        end = start + size
        next_token = encode_token(end) if end < len(ids) and size > 0 else None
        prev_token = encode_token(max(start - size, 0)) if start > 0 else None
        return ids[start:end], start, next_token, prev_token, size

    def list_response(self, kind, items, total, size, next_token=None, prev_token=None):
        body = {"kind": kind, "etag": store.etag([i["etag"] for i in items])}
        if next_token:
            body["nextPageToken"] = next_token
        if prev_token:
            body["prevPageToken"] = prev_token
        body["pageInfo"] = {"totalResults": total, "resultsPerPage": size}
        body["items"] = items
        return Response(200, body)

    def rejected(self, value):
        return self.rejected_value(value) is not None

    # --- channels ----------------------------------------------------------------------------------------
    @route("GET", API + r"/channels")
    def list_channels(self, request):
        parts = store.parse_parts(request.arg("part"), store.CHANNEL_PARTS)
        if not any(request.arg(f) for f in CHANNEL_FILTERS):
            raise errors.no_filter(CHANNEL_FILTERS)
        self.charge(LIST_COST)
        ids = [i for i in (request.arg("id") or "").split(",") if i]
        mine = request.arg("mine") == "true"
        found = [self.store.channel] if mine or seed_data.CHANNEL_ID in ids else []
        items = [store.render(c, parts) for c in found]
        return self.list_response("youtube#channelListResponse", items, len(items), 5)

    # --- playlistItems -----------------------------------------------------------------------------------
    @route("GET", API + r"/playlistItems")
    def list_playlist_items(self, request):
        parts = store.parse_parts(request.arg("part"), store.PLAYLIST_ITEM_PARTS)
        playlist_id = request.arg("playlistId")
        if not playlist_id and not request.arg("id"):
            raise errors.no_filter(["id", "playlistId"])
        self.charge(LIST_COST)
        if not playlist_id:
            raise errors.invalid_value("id", request.arg("id"), "Filtering by item id is not emulated")
        playlist = self.store.playlist(playlist_id)
        if playlist is None:
            raise errors.playlist_not_found()
        ids = [vid for vid in playlist["items"] if vid in self.store.videos]
        chunk, start, next_token, prev_token, size = self.page(request, ids)
        items = [store.render(self.store.playlist_item(playlist_id, start + n, vid), parts)
                 for n, vid in enumerate(chunk)]
        return self.list_response("youtube#playlistItemListResponse", items, len(ids), size, next_token,
                                  prev_token)

    # --- videos ------------------------------------------------------------------------------------------
    @route("GET", API + r"/videos")
    def list_videos(self, request):
        parts = store.parse_parts(request.arg("part"), store.VIDEO_PARTS)
        if not request.arg("id") and not request.arg("chart") and not request.arg("myRating"):
            raise errors.no_filter(["chart", "id", "myRating"])
        self.charge(LIST_COST)
        if not request.arg("id"):
            raise errors.invalid_value("chart", request.arg("chart"), "Only listing by id is emulated")
        ids = [i.strip() for i in request.arg("id").split(",") if i.strip()]
        if len(ids) > 50:
            raise errors.invalid_value("id", request.arg("id"),
                                       "The request specifies more than 50 video ids in the id parameter.")
        # Unknown ids are skipped silently; the answer follows the order asked for.
        items = [store.render(self.store.videos[i], parts) for i in ids if i in self.store.videos]
        return self.list_response("youtube#videoListResponse", items, len(items), len(items))

    @route("PUT", API + r"/videos")
    def update_video(self, request):
        parts = store.parse_parts(request.arg("part"), store.VIDEO_PARTS)
        for p in parts:
            if p not in store.UPDATABLE_VIDEO_PARTS and p != "id":
                raise errors.google_error(400, "unexpectedPart", "'%s'" % p, location="part")
        self.charge(UPDATE_COST)
        body = request.json(self.invalid_json)
        if not isinstance(body, dict):
            raise errors.parse_error()
        video = self.store.update_video(body, parts, self.rejected)
        return Response(200, store.render(video, parts))

    # --- playlists ---------------------------------------------------------------------------------------
    @route("GET", API + r"/playlists")
    def list_playlists(self, request):
        parts = store.parse_parts(request.arg("part"), store.PLAYLIST_PARTS)
        if not any(request.arg(f) for f in ("channelId", "id", "mine")):
            raise errors.no_filter(["channelId", "id", "mine"])
        self.charge(LIST_COST)
        lists = self.store.playlists
        if request.arg("id"):
            wanted = set(request.arg("id").split(","))
            lists = [p for p in lists if p["id"] in wanted]
        elif request.arg("mine") != "true" and request.arg("channelId") != seed_data.CHANNEL_ID:
            lists = []
        chunk, _, next_token, prev_token, size = self.page(request, lists)
        items = [store.render(self.store.playlist_resource(p), parts) for p in chunk]
        return self.list_response("youtube#playlistListResponse", items, len(lists), size, next_token,
                                  prev_token)


def encode_token(offset):
    """An opaque token like YouTube's ("EAAaBlBUOkNESQ"), carrying the offset."""
    return "EAAa" + base64.urlsafe_b64encode(("PT:%d" % offset).encode("ascii")).decode("ascii").rstrip("=")


def decode_token(token):
    if not token.startswith("EAAa"):
        return None
    text = token[4:]
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    if not decoded.startswith("PT:") or not decoded[3:].isdigit():
        return None
    return int(decoded[3:])


if __name__ == "__main__":
    sys.exit(main(YouTube, "A local YouTube Data API v3 for tests"))
