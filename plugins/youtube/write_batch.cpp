#include "write_batch.hpp"

#include <algorithm>
#include <optional>
#include <scratch/plugin_util.hpp>
#include <string>
#include <vector>

#include "read_page.hpp"
#include "record_fields.hpp"
#include "video_update.hpp"

namespace scratch::youtube {

using plugin::Error;
using plugin::json;

namespace {

// Why the ops after a refusal are not sent at all: a spent quota or a refused token fails them too, and
// every PUT would cost 50 units or another refusal.
struct Stop {
  std::string code, message;
  bool retryable;
};

}  // namespace

json write_videos(const YouTubeApi& api, plugin::Host& host, const json& ops) {
  std::vector<json> results(ops.size());
  std::vector<std::size_t> updates;  // indexes of the ops to send
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const json& op = ops[i];
    const json ref = op.is_object() ? op.value("ref", json()) : json();
    const std::string kind = op.is_object() ? op.value("op", "") : "";
    if (kind == "create" || kind == "delete") {
      results[i] = plugin::op_error(
          ref, "read_only",
          "the YouTube connector cannot " + kind + " videos: upload or delete them in YouTube Studio", false);
    } else if (kind != "update" || !op.contains("id") || !op["id"].is_string()) {
      results[i] =
          plugin::op_error(ref, "invalid_request", "each op needs op \"update\" and a video id", false);
    } else {
      updates.push_back(i);
      const std::string id = op["id"].get<std::string>();
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }

  // The read of read-modify-write: one videos.list for the whole batch (at most 50 ids). Nothing is sent
  // that changes a video before it, so its failure fails the call; but a spent quota is answered per op,
  // so that the host does not try the ops one by one against a quota that is gone until midnight.
  json current = json::object();
  std::optional<Stop> stop;
  try {
    if (!ids.empty()) current = fetch_videos(api, ids);
  } catch (const Error& e) {
    if (e.code() != "quota_exceeded") throw;
    stop = Stop{e.code(), e.what(), false};
  }

  bool applied = false;
  for (const std::size_t i : updates) {
    const json& op = ops[i];
    const json ref = op.value("ref", json());
    const std::string id = op["id"].get<std::string>();
    if (stop) {
      results[i] = plugin::op_error(ref, stop->code, stop->message + " (not sent)", stop->retryable);
      continue;
    }
    if (host.cancelled()) {
      if (!applied) throw Error("cancelled", "the call was cancelled", true);
      stop = Stop{"cancelled", "the publish was cancelled before this video", true};
      results[i] = plugin::op_error(ref, stop->code, stop->message, true);
      continue;
    }
    if (!current.contains(id)) {
      results[i] = plugin::op_error(ref, "not_found",
                                    "YouTube has no video " + id + " on this channel (deleted?)", false);
      continue;
    }
    VideoUpdate update;
    try {
      update = build_update(current[id], op.value("fields", json::object()));
    } catch (const Error& e) {
      results[i] = plugin::op_error(ref, e);
      continue;
    }

    ApiResult answer;
    try {
      answer = api.send("PUT", "/videos?part=" + plugin::url_encode(update.parts), update.body);
    } catch (const Error& e) {
      // No answer: the PUT may or may not have landed, but sending it again is harmless.
      results[i] = plugin::op_error(ref, e.code(), "updating video " + id + ": " + e.what(), true);
      continue;
    }
    if (answer.ok()) {
      applied = true;
      current[id] = merge_answer(current[id], answer.body);
      results[i] = plugin::op_ok(ref, id, video_fields(current[id]));
      continue;
    }
    const Error error = call_error(answer, "updating video " + id);
    // A 403 "forbidden" concerns this video (another channel's); a 401 concerns the token and every video.
    const bool stops_all = answer.quota_exceeded() || answer.rate_limited() || answer.status == 401;
    if (stops_all) {
      // Nothing changed yet: the whole call failing lets the host wait (429) or report it once.
      if (!applied && !answer.quota_exceeded()) throw error;
      stop = Stop{error.code(), error.what(), error.retryable()};
      results[i] = plugin::op_error(ref, error);
      continue;
    }
    if (answer.status >= 500) {
      // An update is safe to send again: the next publish retries it.
      results[i] = plugin::op_error(ref, "connection_failed", error.what(), true);
      continue;
    }
    results[i] =
        plugin::op_error(ref, error_code_of(answer),
                         "YouTube refused the update of video " + id + ": " + answer.describe(), false);
  }
  return {{"results", json(results)}};
}

}  // namespace scratch::youtube
