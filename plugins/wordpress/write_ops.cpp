#include "write_ops.hpp"

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "post_values.hpp"
#include "url_encode.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;

namespace {

json op_error(const std::string& ref, const std::string& code, const std::string& message, bool retryable) {
  return {{"ref", ref},
          {"ok", false},
          {"error", {{"code", code}, {"message", message}, {"retryable", retryable}}}};
}

// Host errors that mean the request never left: nothing can have been applied.
bool never_sent(const std::string& code) {
  static const std::set<std::string> codes = {"connect_failed",  "dns_failed", "tls_failed",
                                              "invalid_request", "cancelled",  "rate_limited",
                                              "unsupported"};
  return codes.count(code) > 0;
}

bool numeric_id(const std::string& id) {
  if (id.empty() || id.size() > 19) return false;
  for (const char c : id)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

class Writer {
 public:
  Writer(const WordPressApi& api, const std::string& table, const json& ops)
      : api_(api), table_(table), ops_(ops), results_(ops.size()) {}

  json run() {
    check_ops();
    std::size_t i = 0;
    for (; i < ops_.size() && !stopped_; ++i) {
      if (!applied_any_) api_.host().throw_if_cancelled();
      if (api_.host().cancelled()) {
        stop(i, Error("cancelled", "the publish was cancelled before this operation was sent", true));
        break;
      }
      apply(i);
    }
    json results = json::array();
    for (auto& r : results_)
      results.push_back(std::move(r));
    return {{"results", std::move(results)}};
  }

 private:
  std::string ref(std::size_t i) const {
    const json& r = ops_[i].contains("ref") ? ops_[i]["ref"] : json();
    return r.is_string() ? r.get<std::string>() : r.dump();
  }
  std::string kind(std::size_t i) const { return ops_[i].value("op", ""); }
  std::string id(std::size_t i) const { return ops_[i].value("id", ""); }
  std::string what(std::size_t i) const {
    return kind(i) + " of " + (kind(i) == "create" ? "a new post" : "post " + id(i)) + " in " + table_;
  }

  // A malformed call applies nothing.
  void check_ops() const {
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      const json& op = ops_[i];
      const std::string k = op.is_object() ? op.value("op", "") : "";
      if (k != "create" && k != "update" && k != "delete")
        throw Error("invalid_request", "op " + std::to_string(i) + " is not a create, update or delete");
      if (k != "create" && !(op.contains("id") && op["id"].is_string()))
        throw Error("invalid_request", "op " + std::to_string(i) + " (" + k + ") has no record id");
      if (k != "delete" && op.contains("fields") && !op["fields"].is_object())
        throw Error("invalid_request", "op " + std::to_string(i) + " has fields that are not an object");
    }
  }

  void apply(std::size_t i) {
    const std::string k = kind(i);
    if (k != "create" && !numeric_id(id(i))) {
      results_[i] = op_error(ref(i), "not_found", "\"" + id(i) + "\" is not a WordPress post id", false);
      return;
    }
    json body;
    if (k != "delete") {
      try {
        body = request_body(ops_[i].value("fields", json::object()));
      } catch (const Error& e) {
        results_[i] = op_error(ref(i), e.code(), std::string(e.what()) + " (" + what(i) + ")", false);
        return;
      }
    }
    const std::string item = "/" + url_encode(table_) + "/" + id(i);
    ApiResult result;
    try {
      if (k == "create") {
        result = api_.send("POST", "/" + url_encode(table_), body);
      } else if (k == "update") {
        result = api_.send("POST", item, body);  // POST on an item is WordPress's partial update
      } else {
        result = api_.send("DELETE", item + (api_.settings().force_delete ? "?force=true" : ""));
      }
    } catch (const Error& e) {
      lost(i, e);
      return;
    }
    if (result.ok()) {
      succeeded(i, result);
    } else {
      refused(i, result);
    }
  }

  void succeeded(std::size_t i, const ApiResult& result) {
    applied_any_ = true;
    const std::string k = kind(i);
    if (k == "delete") {
      results_[i] = {{"ref", ref(i)}, {"ok", true}, {"id", id(i)}};
      return;
    }
    const json& post = result.body;
    if (!post.is_object() || !post.contains("id") || !post["id"].is_number_integer()) {
      results_[i] = k == "create"
                        ? op_error(ref(i), "outcome_unknown",
                                   "WordPress answered the create with " + std::to_string(result.status) +
                                       " but no post; it may or may not have been created",
                                   false)
                        : json{{"ref", ref(i)}, {"ok", true}, {"id", id(i)}};
      return;
    }
    const json record = post_record(post);
    results_[i] = {{"ref", ref(i)}, {"ok", true}, {"id", record["id"]}, {"fields", record["fields"]}};
  }

  void refused(std::size_t i, const ApiResult& result) {
    const std::string k = kind(i);
    if (result.status >= 500 && result.status != 501) {
      applied_any_ = true;  // it may have been carried out
      results_[i] = k == "create"
                        ? op_error(ref(i), "outcome_unknown",
                                   "WordPress answered " + result.describe() +
                                       " to the create; the post may or may not have been created",
                                   false)
                        : op_error(ref(i), "connection_failed",
                                   "WordPress answered " + result.describe() + " (" + what(i) + ")", true);
      return;
    }
    if (result.status == 401 || result.status == 403 || result.status == 429) {
      // The site refuses everything now: stop, and say so for the whole call when nothing happened yet.
      const Error e = call_error(result, what(i));
      if (!applied_any_) throw e;
      stop(i, e);
      return;
    }
    if (k == "delete" && result.status == 410) {
      // Already in the trash: for a trash delete that is the goal reached, and not_found tells the server so.
      results_[i] =
          op_error(ref(i), "not_found",
                   "post " + id(i) + " is already in the WordPress trash (" + result.describe() + ")", false);
      return;
    }
    if (k == "delete" && result.status == 501) {
      results_[i] = op_error(ref(i), "unsupported",
                             "WordPress cannot trash " + table_ + " (" + result.describe() +
                                 "): set config.delete_mode to \"force\" to delete them permanently",
                             false);
      return;
    }
    const Error e = call_error(result, what(i));
    results_[i] = op_error(ref(i), e.code(), e.what(), e.retryable());
  }

  // No answer arrived. A create may have been carried out regardless; updates and deletes can be resent.
  void lost(std::size_t i, const Error& e) {
    const bool maybe_sent = !never_sent(e.code());
    if (!maybe_sent && !applied_any_)
      throw Error(e.code(), std::string("WordPress: ") + e.what(), e.retryable());
    if (maybe_sent) applied_any_ = true;
    if (kind(i) == "create" && maybe_sent) {
      results_[i] = op_error(ref(i), "outcome_unknown",
                             std::string("no answer from WordPress to the create (") + e.code() + ": " +
                                 e.what() + "); the post may or may not have been created",
                             false);
    } else {
      results_[i] =
          op_error(ref(i), e.code(), std::string("WordPress: ") + e.what() + " (" + what(i) + ")", true);
    }
  }

  // Op i and every later one fail with `e`, unsent.
  void stop(std::size_t from, const Error& e) {
    for (std::size_t j = from; j < ops_.size(); ++j)
      results_[j] =
          op_error(ref(j), e.code(), std::string(e.what()) + (j == from ? "" : " (not sent)"), e.retryable());
    stopped_ = true;
  }

  const WordPressApi& api_;
  const std::string table_;
  const json& ops_;
  std::vector<json> results_;
  bool applied_any_ = false;
  bool stopped_ = false;
};

}  // namespace

json write_ops(const WordPressApi& api, const json& request) {
  const auto table = request.find("table");
  if (table == request.end() || !table->is_string())
    throw Error("invalid_request", "request.table is required");
  const json ops = request.contains("ops") ? request["ops"] : json::array();
  if (!ops.is_array()) throw Error("invalid_request", "request.ops must be an array");
  return Writer(api, table->get<std::string>(), ops).run();
}

}  // namespace scratch::wordpress
