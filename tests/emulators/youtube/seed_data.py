"""The emulator's fixed channel, and deterministic seed videos and playlists (same count -> same data).

Video i (1..N) is published 7 hours after video i-1, so video N is the newest and comes first in the uploads
playlist. The values cycle so that any 15 consecutive videos cover every shape a connector meets: empty and
multi-line descriptions, absent and present tags, every privacy status, hidden like and comment counts, a
scheduled publishAt, defaultLanguage set or not, a count above 2^53."""

import base64
import datetime
import hashlib

CHANNEL_ID = "UCx9EmulatedChannel0001A"
UPLOADS_ID = "UU" + CHANNEL_ID[2:]
CHANNEL_TITLE = "Scratch Emulated Channel"
ACCESS_TOKEN = "ya29.emulator-access-token-0123456789"

# The standard categories (US region); 19 and 29 are assignable too, 18/21 are not (kept out).
CATEGORY_IDS = ["1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"]
SEED_CATEGORIES = ["22", "10", "27", "28", "24"]
PRIVACY = ["public", "unlisted", "private"]
EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)


def _b64id(length, *parts):
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:length]


def video_id(i):
    """11 characters of [A-Za-z0-9_-], like YouTube's."""
    return _b64id(11, "video", i)


def playlist_id(i):
    return "PL" + _b64id(32, "playlist", i).replace("-", "x").replace("_", "y")


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def thumbnails(kind, ident, big=False):
    sizes = [("default", 120, 90), ("medium", 320, 180), ("high", 480, 360)]
    if big:
        sizes += [("standard", 640, 480), ("maxres", 1280, 720)]
    return {name: {"url": "https://i.ytimg.com/%s/%s/%s.jpg" % (kind, ident, name), "width": w, "height": h}
            for name, w, h in sizes}


def channel(video_count):
    return {
        "kind": "youtube#channel",
        "id": CHANNEL_ID,
        "snippet": {"title": CHANNEL_TITLE, "description": "Videos for the Scratch connector tests.",
                    "customUrl": "@scratchemulated", "publishedAt": "2019-06-01T12:00:00Z",
                    "thumbnails": thumbnails("vi", "channel"),
                    "localized": {"title": CHANNEL_TITLE,
                                  "description": "Videos for the Scratch connector tests."},
                    "country": "US"},
        "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS_ID}},
        "statistics": {"viewCount": "123456", "subscriberCount": "1200", "hiddenSubscriberCount": False,
                       "videoCount": str(video_count)},
        "status": {"privacyStatus": "public", "isLinked": True, "longUploadsStatus": "longUploadsUnspecified",
                   "madeForKids": False},
    }


def video(i):
    vid = video_id(i)
    published = EPOCH + datetime.timedelta(hours=7 * i)
    title = "Video %04d" % i
    if i % 10 == 3:
        title = "Vidéo %04d: ünïcode ✓ & \"quotes\"" % i
    if i % 4 == 0:
        description = ""
    elif i % 4 == 1:
        description = "Line one of %d\nLine two\n\nhttps://example.com/v/%d" % (i, i)
    else:
        description = "Description of video %d" % i
    snippet = {"publishedAt": iso(published), "channelId": CHANNEL_ID, "title": title,
               "description": description, "thumbnails": thumbnails("vi", vid, big=(i % 7 == 0)),
               "channelTitle": CHANNEL_TITLE}
    if i % 5 == 1:
        snippet["tags"] = ["tag%d" % (i % 3), "scratch", "two words"]
    elif i % 5 == 2:
        snippet["tags"] = ["single"]
    snippet["categoryId"] = SEED_CATEGORIES[i % len(SEED_CATEGORIES)]
    snippet["liveBroadcastContent"] = "none"
    if i % 3 == 0:
        snippet["defaultLanguage"] = "en"
    if i % 6 == 0:
        snippet["defaultAudioLanguage"] = "en-US"
    snippet["localized"] = {"title": title, "description": description}

    privacy = PRIVACY[i % 3]
    status = {"uploadStatus": "processed", "privacyStatus": privacy,
              "license": "creativeCommon" if i % 8 == 0 else "youtube", "embeddable": i % 9 != 0,
              "publicStatsViewable": i % 12 != 0, "madeForKids": False}
    if privacy == "private" and i % 11 == 5:
        status["publishAt"] = iso(EPOCH + datetime.timedelta(days=4000 + i))
    if i % 4 == 2:
        status["selfDeclaredMadeForKids"] = False

    views = 9007199254740993 if i == 1 else (i * 7919) % 1000003
    statistics = {"viewCount": str(views), "likeCount": str((i * 31) % 5000), "favoriteCount": "0",
                  "commentCount": str((i * 13) % 700)}
    if i % 13 == 0:
        del statistics["likeCount"]  # the owner hid the like count
    if i % 10 == 7:
        del statistics["commentCount"]  # comments are off
    content = {"duration": "PT%dM%dS" % (1 + i % 58, i % 60), "dimension": "2d",
               "definition": "hd" if i % 2 else "sd", "caption": "true" if i % 6 == 1 else "false",
               "licensedContent": i % 2 == 0, "contentRating": {}, "projection": "rectangular"}
    return {"kind": "youtube#video", "id": vid, "snippet": snippet, "status": status, "statistics": statistics,
            "contentDetails": content}


def playlist(i, video_ids):
    """Playlist i holds every (i+1)-th video (ids newest first)."""
    pid = playlist_id(i)
    published = EPOCH + datetime.timedelta(days=30 * i, hours=3)
    title = "Playlist %d" % i
    description = "" if i % 3 == 0 else "Videos picked for playlist %d" % i
    items = video_ids[::i + 1]
    snippet = {"publishedAt": iso(published), "channelId": CHANNEL_ID, "title": title, "description": description,
               "thumbnails": thumbnails("vi", pid), "channelTitle": CHANNEL_TITLE,
               "localized": {"title": title, "description": description}}
    if i % 2 == 0:
        snippet["defaultLanguage"] = "en"
    return {"kind": "youtube#playlist", "id": pid, "snippet": snippet,
            "status": {"privacyStatus": PRIVACY[i % 3]}, "contentDetails": {"itemCount": len(items)},
            "items": items}


def build(count, playlists=7):
    """Videos 1..count (stored oldest first) and `playlists` playlists of them."""
    videos = [video(i) for i in range(1, count + 1)]
    newest_first = [v["id"] for v in reversed(videos)]
    lists = [playlist(i, newest_first) for i in range(1, playlists + 1)] if count else []
    return videos, lists
