"""What the emulated YouTube stores (one channel, its videos and playlists) and the rules of videos.update:
replace semantics per listed part, required title and categoryId, YouTube's metadata limits."""

import copy
import hashlib
import json

import errors
import seed_data

VIDEO_PARTS = {"contentDetails", "fileDetails", "id", "liveStreamingDetails", "localizations", "player",
               "processingDetails", "recordingDetails", "snippet", "statistics", "status", "suggestions",
               "topicDetails"}
UPDATABLE_VIDEO_PARTS = {"snippet", "status", "localizations", "recordingDetails"}
PLAYLIST_PARTS = {"contentDetails", "id", "localizations", "player", "snippet", "status"}
PLAYLIST_ITEM_PARTS = {"contentDetails", "id", "snippet", "status"}
CHANNEL_PARTS = {"auditDetails", "brandingSettings", "contentDetails", "contentOwnerDetails", "id",
                 "localizations", "snippet", "statistics", "status", "topicDetails"}

# snippet/status properties a PUT overwrites; everything else in those parts is kept as it was.
SNIPPET_MUTABLE = ("title", "description", "tags", "categoryId", "defaultLanguage", "defaultAudioLanguage")
STATUS_DEFAULTS = {"privacyStatus": "private", "embeddable": True, "license": "youtube",
                   "publicStatsViewable": True}
STATUS_OPTIONAL = ("publishAt", "selfDeclaredMadeForKids", "containsSyntheticMedia")


def etag(value):
    digest = hashlib.sha1(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()
    return digest[:27]


def parse_parts(text, known):
    """The `part` parameter as a list; 400 for a missing or unknown part."""
    if text is None or not text.strip():
        raise errors.required_parameter("part")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for p in parts:
        if p not in known:
            raise errors.unknown_part(p)
    return parts


def render(resource, parts):
    """Only the requested parts (plus kind, etag and id, which every resource carries)."""
    out = {"kind": resource["kind"], "etag": etag(resource), "id": resource["id"]}
    for p in parts:
        if p != "id" and p in resource:
            out[p] = copy.deepcopy(resource[p])
    return out


class Store:
    def __init__(self, count=0, playlists=7):
        videos, lists = seed_data.build(count, playlists)
        self.videos = {v["id"]: v for v in videos}
        self.order = [v["id"] for v in videos]  # upload order, oldest first
        self.playlists = lists
        self.channel = seed_data.channel(len(videos))

    def uploads(self):
        """The uploads playlist: newest first, as YouTube lists it."""
        return sorted(self.order, key=lambda vid: self.videos[vid]["snippet"]["publishedAt"], reverse=True)

    def playlist(self, playlist_id):
        if playlist_id == seed_data.UPLOADS_ID:
            return {"id": playlist_id, "items": self.uploads()}
        for p in self.playlists:
            if p["id"] == playlist_id:
                return p
        return None

    def playlist_item(self, playlist_id, position, video_id):
        """A playlistItem resource: snippet title/description follow the video's current ones."""
        v = self.videos[video_id]
        s = v["snippet"]
        item_id = seed_data._b64id(40, "item", playlist_id, video_id)
        return {"kind": "youtube#playlistItem", "id": item_id,
                "snippet": {"publishedAt": s["publishedAt"], "channelId": seed_data.CHANNEL_ID,
                            "title": s["title"], "description": s["description"],
                            "thumbnails": copy.deepcopy(s["thumbnails"]), "channelTitle": seed_data.CHANNEL_TITLE,
                            "playlistId": playlist_id, "position": position,
                            "resourceId": {"kind": "youtube#video", "videoId": video_id},
                            "videoOwnerChannelTitle": seed_data.CHANNEL_TITLE,
                            "videoOwnerChannelId": seed_data.CHANNEL_ID},
                "contentDetails": {"videoId": video_id, "videoPublishedAt": s["publishedAt"]},
                "status": {"privacyStatus": v["status"]["privacyStatus"]}}

    def playlist_resource(self, p):
        return {k: v for k, v in p.items() if k != "items"}

    def state(self):
        return {"channel": copy.deepcopy(self.channel),
                "videos": [copy.deepcopy(self.videos[vid]) for vid in self.order],
                "uploads": self.uploads(),
                "playlists": copy.deepcopy(self.playlists)}

    # --- videos.update -----------------------------------------------------------------------------------
    def update_video(self, body, parts, rejected_value):
        """Applies a PUT /videos body for `parts`; returns the stored video. Nothing changes on an error."""
        video_id = body.get("id")
        if not isinstance(video_id, str) or not video_id:
            raise errors.google_error(400, "required", "Required", location="body.id")
        if video_id not in self.videos:
            raise errors.video_not_found()
        current = self.videos[video_id]
        updated = copy.deepcopy(current)
        if "snippet" in parts:
            updated["snippet"] = self.replaced_snippet(current["snippet"], body.get("snippet"), rejected_value)
        if "status" in parts:
            updated["status"] = self.replaced_status(current["status"], body.get("status"))
        for p in ("localizations", "recordingDetails"):
            if p in parts:
                value = body.get(p)
                if isinstance(value, dict) and value:
                    updated[p] = copy.deepcopy(value)
                else:
                    updated.pop(p, None)
        self.videos[video_id] = updated
        return updated

    @staticmethod
    def replaced_snippet(current, sent, rejected_value):
        if not isinstance(sent, dict):
            raise errors.bad_metadata("invalidVideoMetadata", errors.INVALID_METADATA, "body.snippet")
        title = sent.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 100 or "<" in title or ">" in title:
            raise errors.bad_metadata("invalidTitle", errors.INVALID_TITLE, "body.snippet.title")
        description = sent.get("description", "")
        if description is None:
            description = ""
        if (not isinstance(description, str) or len(description.encode("utf-8")) > 5000 or "<" in description
                or ">" in description):
            raise errors.bad_metadata("invalidDescription", errors.INVALID_DESCRIPTION, "body.snippet.description")
        tags = sent.get("tags")
        if tags is not None:
            if (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)
                    or sum(len(t) + (2 if " " in t else 0) for t in tags) + max(len(tags) - 1, 0) > 500
                    or any("<" in t or ">" in t for t in tags)):
                raise errors.bad_metadata("invalidTags", errors.INVALID_TAGS, "body.snippet.tags")
        category = sent.get("categoryId")
        if not isinstance(category, str) or category not in seed_data.CATEGORY_IDS:
            raise errors.bad_metadata("invalidCategoryId", errors.INVALID_CATEGORY, "body.snippet.categoryId")
        # The tests' marker: fail the property that carries it with its own reason.
        if rejected_value(title):
            raise errors.bad_metadata("invalidTitle", errors.INVALID_TITLE, "body.snippet.title")
        if rejected_value(description):
            raise errors.bad_metadata("invalidDescription", errors.INVALID_DESCRIPTION, "body.snippet.description")
        if rejected_value(tags):
            raise errors.bad_metadata("invalidTags", errors.INVALID_TAGS, "body.snippet.tags")

        snippet = {k: copy.deepcopy(v) for k, v in current.items() if k not in SNIPPET_MUTABLE + ("localized",)}
        snippet["title"] = title
        snippet["description"] = description
        if tags:  # an empty list is stored as no tags, as YouTube does
            snippet["tags"] = list(tags)
        snippet["categoryId"] = category
        for key in ("defaultLanguage", "defaultAudioLanguage"):
            if isinstance(sent.get(key), str) and sent[key]:
                snippet[key] = sent[key]
        snippet["localized"] = {"title": title, "description": description}
        return snippet

    @staticmethod
    def replaced_status(current, sent):
        if not isinstance(sent, dict):
            raise errors.bad_metadata("invalidVideoMetadata", errors.INVALID_METADATA, "body.status")
        status = {k: v for k, v in current.items() if k not in tuple(STATUS_DEFAULTS) + STATUS_OPTIONAL}
        for key, default in STATUS_DEFAULTS.items():
            value = sent.get(key, default)
            status[key] = default if value is None else value
        if status["privacyStatus"] not in seed_data.PRIVACY:
            raise errors.bad_metadata("invalidPrivacyStatus", errors.INVALID_PRIVACY, "body.status.privacyStatus")
        if status["license"] not in ("youtube", "creativeCommon"):
            raise errors.bad_metadata("invalidLicense", errors.INVALID_METADATA, "body.status.license")
        for key in ("embeddable", "publicStatsViewable"):
            if not isinstance(status[key], bool):
                raise errors.bad_metadata("invalidVideoMetadata", errors.INVALID_METADATA, "body.status." + key)
        for key in STATUS_OPTIONAL:
            if sent.get(key) is not None:
                status[key] = sent[key]
        if "publishAt" in status and status["privacyStatus"] != "private":
            raise errors.bad_metadata("invalidPublishAt", errors.INVALID_PUBLISH_AT, "body.status.publishAt")
        # Keep the stored key order stable: YouTube's order, then whatever else was there.
        ordered = {}
        for key in ("uploadStatus", "failureReason", "rejectionReason", "privacyStatus", "publishAt", "license",
                    "embeddable", "publicStatsViewable", "madeForKids", "selfDeclaredMadeForKids",
                    "containsSyntheticMedia"):
            if key in status:
                ordered[key] = status[key]
        ordered.update({k: v for k, v in status.items() if k not in ordered})
        return ordered
