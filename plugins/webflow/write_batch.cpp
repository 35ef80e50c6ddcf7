#include "write_batch.hpp"

#include <map>
#include <optional>
#include <scratch/plugin_util.hpp>
#include <vector>

#include "record_codec.hpp"
#include "spec.hpp"

namespace scratch::webflow {

using plugin::Error;
using plugin::HttpResponse;
using plugin::json;
using plugin::never_sent;
using plugin::op_error;
using plugin::op_ok;

namespace {

enum class Kind { Create, Update, Delete };

struct Pending {
  std::size_t index;  // into ops and results
  json item;          // what goes into the request's "items"
};

class BatchWriter {
 public:
  BatchWriter(const WebflowApi& api, const Collection& collection, const json& ops)
      : api_(api), collection_(collection), ops_(ops), results_(ops.size()) {}

  json run() {
    std::vector<Pending> creates, updates, deletes;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      try {
        prepare(i, creates, updates, deletes);
      } catch (const Error& e) {
        results_[i] = op_error(ref(i), e);
      }
    }
    // Creates first, then updates, then deletes: the order the host's publish phases use.
    for (std::size_t at = 0; at < creates.size(); at += kMaxBulkItems)
      send_creates(slice(creates, at));
    for (std::size_t at = 0; at < updates.size(); at += kMaxBulkItems)
      send_updates(slice(updates, at));
    for (std::size_t at = 0; at < deletes.size(); at += kMaxBulkItems)
      send_deletes(slice(deletes, at));
    json out = json::array();
    for (std::size_t i = 0; i < results_.size(); ++i) {
      out.push_back(results_[i].is_null() ? op_error(ref(i), "missing_result",
                                                     "the Webflow connector produced no result", false)
                                          : results_[i]);
    }
    return {{"results", std::move(out)}};
  }

 private:
  json ref(std::size_t i) const { return ops_[i].is_object() ? ops_[i].value("ref", json()) : json(); }

  static std::vector<Pending> slice(const std::vector<Pending>& all, std::size_t at) {
    const std::size_t end = std::min(all.size(), at + kMaxBulkItems);
    return {all.begin() + static_cast<std::ptrdiff_t>(at), all.begin() + static_cast<std::ptrdiff_t>(end)};
  }

  void prepare(std::size_t i, std::vector<Pending>& creates, std::vector<Pending>& updates,
               std::vector<Pending>& deletes) const {
    const json& op = ops_[i];
    if (!op.is_object()) throw Error("invalid_request", "an op must be an object");
    const std::string kind = op.value("op", json("")).is_string() ? op.value("op", "") : "";
    const json fields = op.contains("fields") && !op["fields"].is_null() ? op["fields"] : json::object();
    if (kind == "create") {
      creates.push_back({i, item_for_write(collection_, fields, true)});
      return;
    }
    if (kind != "update" && kind != "delete") throw Error("invalid_request", "unknown op '" + kind + "'");
    if (!op.contains("id") || !op["id"].is_string() || op["id"].get<std::string>().empty()) {
      throw Error("invalid_request", kind + " needs the item id");
    }
    if (kind == "delete") {
      deletes.push_back({i, {{"id", op["id"]}}});
      return;
    }
    json item = item_for_write(collection_, fields, false);
    item["id"] = op["id"];
    updates.push_back({i, std::move(item)});
  }

  std::string items_path(bool live) const {
    return "/collections/" + collection_.id + "/items" + (live ? "/live" : "");
  }

  // Sends one bulk request. A lost answer or a 5xx is handed to `uncertain`; an answer that applied nothing
  // goes to refused(); nullopt means the group is settled.
  std::optional<HttpResponse> send(const std::string& method, bool live, const std::vector<Pending>& group,
                                   Kind kind) {
    json items = json::array();
    for (const Pending& p : group)
      items.push_back(p.item);
    const json body = {{"items", std::move(items)}};
    HttpResponse response;
    try {
      response = api_.send(method, items_path(live), &body);
    } catch (const Error& e) {
      if (never_sent(e.code())) {
        refused(group, Error(e.code() == "rate_limited" ? "rate_limited" : "connection_failed",
                             std::string("could not reach Webflow: ") + e.what(), true));
      } else {
        uncertain(group, kind, std::string("Webflow did not answer (") + e.code() + ": " + e.what() + ")");
      }
      return std::nullopt;
    }
    if (response.status >= 500) {
      uncertain(
          group, kind,
          "Webflow answered HTTP " + std::to_string(response.status) + ": " + service_message(response));
      return std::nullopt;
    }
    return response;
  }

  // The request may or may not have been carried out.
  void uncertain(const std::vector<Pending>& group, Kind kind, const std::string& why) {
    for (const Pending& p : group) {
      if (kind == Kind::Create) {
        results_[p.index] =
            op_error(ref(p.index), "outcome_unknown",
                     why + "; the item may have been created: check Webflow before creating it again", false);
      } else {
        results_[p.index] = op_error(ref(p.index), "connection_failed", why, true);
      }
    }
  }

  // Webflow refused the request as a whole, so nothing of it was applied. While nothing else of this call
  // was applied either, the whole call fails and the host retries each op alone; a lone delete of a missing
  // item is that op's own not_found.
  void refused(const std::vector<Pending>& group, const Error& error) {
    if (!applied_ && !(group.size() == 1 && error.code() == "not_found")) throw error;
    for (const Pending& p : group)
      results_[p.index] = op_error(ref(p.index), error);
  }

  // The items a 2xx answer carries: {"items":[...]} or one bare item.
  static json answered_items(const HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("items") && body["items"].is_array()) return body["items"];
    if (body.is_object() && body.contains("id")) return json::array({body});
    return json::array();
  }

  void send_creates(const std::vector<Pending>& group) {
    const auto response = send("POST", api_.settings().live, group, Kind::Create);
    if (!response) return;
    if (!is_success(response->status)) return refused(group, error_for(*response, "creating items"));
    applied_ = true;
    // Webflow answers the created items in request order.
    const json created = answered_items(*response);
    for (std::size_t k = 0; k < group.size(); ++k) {
      const std::size_t i = group[k].index;
      if (k < created.size() && created[k].is_object() && created[k].contains("id")) {
        results_[i] = op_ok(ref(i), created[k]["id"], fields_of(collection_, created[k]));
      } else {
        results_[i] = op_error(ref(i), "outcome_unknown",
                               "Webflow's answer did not include this item; it may have been created", false);
      }
    }
  }

  void send_updates(const std::vector<Pending>& group) {
    const auto response = send("PATCH", api_.settings().live, group, Kind::Update);
    if (!response) return;
    if (!is_success(response->status)) return refused(group, error_for(*response, "updating items"));
    applied_ = true;
    std::map<std::string, json> by_id;
    for (const json& item : answered_items(*response))
      if (item.is_object() && item.contains("id") && item["id"].is_string()) by_id[item["id"]] = item;
    for (const Pending& p : group) {
      const auto it = by_id.find(p.item["id"].get<std::string>());
      if (it == by_id.end()) {
        results_[p.index] = op_error(ref(p.index), "invalid_response",
                                     "Webflow's answer did not include this item; publish again", true);
      } else {
        results_[p.index] = op_ok(ref(p.index), it->first, fields_of(collection_, it->second));
      }
    }
  }

  void send_deletes(const std::vector<Pending>& group) {
    if (api_.settings().live) {
      // Live: take the items off the site first (a delete alone leaves them live until the next site
      // publish). An item that was never live is no reason to stop.
      const auto response = send("DELETE", true, group, Kind::Delete);
      if (!response) return;
      if (!is_success(response->status) && response->status != 404) {
        return refused(group, error_for(*response, "unpublishing items"));
      }
      if (is_success(response->status)) applied_ = true;
    }
    const auto response = send("DELETE", false, group, Kind::Delete);
    if (!response) return;
    if (!is_success(response->status)) return refused(group, error_for(*response, "deleting items"));
    applied_ = true;
    for (const Pending& p : group)
      results_[p.index] = op_ok(ref(p.index), p.item["id"]);
  }

  const WebflowApi& api_;
  const Collection& collection_;
  const json& ops_;
  std::vector<json> results_;
  bool applied_ = false;  // some request of this call changed Webflow: no call-level error any more
};

}  // namespace

json write_batch(const WebflowApi& api, const Collection& collection, const json& ops) {
  return BatchWriter(api, collection, ops).run();
}

}  // namespace scratch::webflow
