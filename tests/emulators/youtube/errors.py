"""YouTube's errors: Google's envelope {"error": {"code", "message", "errors": [{"message", "domain",
"reason"}]}} and the reasons and messages the Data API v3 documents for the calls we emulate."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

from emulator import HttpError  # noqa: E402

QUOTA_MESSAGE = ("The request cannot be completed because you have exceeded your "
                 "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.")


def google_error(status, reason, message, domain="global", location=None, location_type=None, headers=None):
    extra = {"domain": domain}
    if location:
        extra["location"] = location
        extra["locationType"] = location_type or "parameter"
    return HttpError(status, reason, message, headers=headers, extra=extra)


def envelope(error):
    detail = {"message": error.message, "domain": error.extra.get("domain", "global"), "reason": error.code}
    for key in ("location", "locationType"):
        if key in error.extra:
            detail[key] = error.extra[key]
    return {"error": {"code": error.status, "message": error.message, "errors": [detail]}}


def missing_credentials():
    return google_error(401, "required",
                        "Request is missing required authentication credential. Expected OAuth 2 access token, "
                        "login cookie or other valid authentication credential. See "
                        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                        location="Authorization", location_type="header")


def invalid_credentials():
    return google_error(401, "authError", "Invalid Credentials", location="Authorization", location_type="header")


def quota_exceeded():
    return google_error(403, "quotaExceeded", QUOTA_MESSAGE, domain="youtube.quota")


def rate_limit_exceeded(status):
    return google_error(status, "rateLimitExceeded", "Resource has been exhausted (e.g. check quota).")


def required_parameter(name):
    return google_error(400, "required", "Required parameter: %s" % name, location=name)


def no_filter(expected):
    return google_error(400, "missingRequiredParameter",
                        "No filter selected. Expected one of: %s" % ", ".join(expected), domain="youtube.parameter")


def unknown_part(part):
    return google_error(400, "unknownPart", "'%s'" % part, location="part")


def invalid_value(name, value, text=None):
    return google_error(400, "invalidValue", text or "Invalid value '%s'. Values must be within the range: [0, 50]"
                        % value, location=name)


def invalid_page_token():
    return google_error(400, "invalidPageToken", "The request specifies an invalid page token.",
                        domain="youtube.parameter", location="pageToken")


def parse_error():
    return google_error(400, "parseError", "Parse Error")


def video_not_found():
    return google_error(404, "videoNotFound",
                        "The video that you are trying to update cannot be found. Check the value of the "
                        "<code>id</code> field in the request body to ensure that it is correct.",
                        domain="youtube.video", location="body.id")


def playlist_not_found():
    return google_error(404, "playlistNotFound",
                        "The playlist identified with the request's <code>playlistId</code> parameter cannot "
                        "be found.", domain="youtube.playlistItem", location="playlistId")


def bad_metadata(reason, message, location):
    return google_error(400, reason, message, domain="youtube.video", location=location, location_type="other")


INVALID_TITLE = "The request metadata specifies an invalid or empty video title."
INVALID_DESCRIPTION = "The request metadata specifies an invalid video description."
INVALID_TAGS = "The request metadata specifies invalid video keywords."
INVALID_CATEGORY = ("The request does not specify a valid <code>snippet.categoryId</code>. Use the "
                    "<code><a href=\"/youtube/v3/docs/videoCategories/list\">videoCategories.list</a></code> "
                    "method to retrieve supported categories.")
INVALID_PUBLISH_AT = ("The request metadata specifies an invalid scheduled publishing time. A scheduled "
                      "publishing time can be set only for a private video.")
INVALID_PRIVACY = "The request metadata specifies an invalid privacy status."
INVALID_METADATA = "The request metadata is invalid."
