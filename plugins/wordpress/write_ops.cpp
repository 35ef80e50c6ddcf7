#include "write_ops.hpp"

#include <cctype>
#include <scratch/plugin_util.hpp>
#include <string>
#include <vector>

#include "post_values.hpp"

namespace scratch::wordpress {

using plugin::Error;
using plugin::json;
using plugin::never_sent;
using plugin::op_error;
using plugin::op_ok;

namespace {

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
  std::string ref(std::size_t i) const { return plugin::op_ref(ops_[i]); }
  std::string kind(std::size_t i) const { return ops_[i].value("op", ""); }
  std::string id(std::size_t i) const { return ops_[i].value("id", ""); }
  std::string what(std::size_t i) const {
    return kind(i) + " of " + (kind(i) == "create" ? "a new post" : "post " + id(i)) + " in " + table_;
  }

  // A malformed call applies nothing.
  void check_ops() const {
    for (std::size_t i = 0; i < ops_.size(); ++i)
      plugin::checked_op_kind(ops_[i], i);
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
    const std::string item = "/" + plugin::url_encode(table_) + "/" + id(i);
    ApiResult result;
    try {
      if (k == "create") {
        result = api_.send("POST", "/" + plugin::url_encode(table_), body);
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
      results_[i] = op_ok(ref(i), id(i));
      return;
    }
    const json& post = result.body;
    if (!post.is_object() || !post.contains("id") || !post["id"].is_number_integer()) {
      results_[i] = k == "create"
                        ? op_error(ref(i), "outcome_unknown",
                                   "WordPress answered the create with " + std::to_string(result.status) +
                                       " but no post; it may or may not have been created",
                                   false)
                        : op_ok(ref(i), id(i));
      return;
    }
    const json record = post_record(post);
    results_[i] = op_ok(ref(i), record["id"], record["fields"]);
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
    results_[i] = op_error(ref(i), e);
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
  const std::string table = plugin::request_table(request);
  const json ops = plugin::request_ops(request);
  return Writer(api, table, ops).run();
}

}  // namespace scratch::wordpress
