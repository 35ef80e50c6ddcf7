#include "write_batch.hpp"

#include <deque>
#include <scratch/plugin_util.hpp>
#include <string>
#include <vector>

#include "item_values.hpp"
#include "spec.hpp"

namespace scratch::wix {

using plugin::Error;
using plugin::json;
using plugin::never_sent;
using plugin::op_error;
using plugin::op_ok;

namespace {

// Consecutive ops of one kind, at most kMaxBulkItems: one HTTP request. "read" is an update that changes
// nothing (no fields): its item is read back instead of patched.
struct Request {
  std::string kind;  // create, update, delete, read
  std::vector<std::size_t> ops;
};

// The contract's code for a bulk item's error (itemMetadata.error.code).
std::string item_error_code(const std::string& wix_code) {
  if (wix_code == "WDE0073") return "not_found";             // item does not exist
  if (wix_code == "WDE0074") return "constraint_violation";  // an item with that id exists
  if (wix_code == "WDE0123") return "constraint_violation";  // unique index conflict
  if (wix_code == "WDE0027") return "read_only";             // no permission for the operation
  return "invalid_value";                                    // WDE0075 validation and the rest
}

class Writer {
 public:
  Writer(const WixApi& api, plugin::Host& host, const CollectionInfo& collection, const json& ops)
      : api_(api),
        host_(host),
        collection_(collection),
        ops_(ops),
        results_(ops.size()),
        payloads_(ops.size()) {}

  json run() {
    std::deque<Request> queue = plan();
    while (!queue.empty()) {
      Request request = std::move(queue.front());
      queue.pop_front();
      if (!applied_any_) host_.throw_if_cancelled();
      send(request, queue);
    }
    json results = json::array();
    for (auto& r : results_)
      results.push_back(std::move(r));
    return {{"results", std::move(results)}};
  }

 private:
  std::string ref(std::size_t i) const { return plugin::op_ref(ops_[i]); }
  std::string id(std::size_t i) const { return ops_[i]["id"].get<std::string>(); }

  // Checks every op before anything is sent (a malformed call applies nothing), encodes the values (a value
  // that does not fit fails that op alone) and groups the rest into requests.
  std::deque<Request> plan() {
    for (std::size_t i = 0; i < ops_.size(); ++i)
      plugin::checked_op_kind(ops_[i], i);
    std::deque<Request> queue;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      std::string kind = ops_[i]["op"];
      if (kind != "delete") {
        try {
          payloads_[i] = encode(i, kind);
        } catch (const Error& e) {
          results_[i] = op_error(ref(i), e);
          continue;
        }
        if (kind == "update" && payloads_[i].empty()) kind = "read";
      }
      if (queue.empty() || queue.back().kind != kind || queue.back().ops.size() >= kMaxBulkItems)
        queue.push_back({kind, {}});
      queue.back().ops.push_back(i);
    }
    return queue;
  }

  // A create's data object, or an update's fieldModifications.
  json encode(std::size_t i, const std::string& kind) const {
    json out = kind == "create" ? json::object() : json::array();
    if (!ops_[i].contains("fields")) return out;
    for (const auto& [key, value] : ops_[i]["fields"].items()) {
      const FieldInfo* field = collection_.field(key);
      if (!field) throw Error("unknown_field", "Wix collection " + collection_.id + " has no field " + key);
      if (field->read_only)
        throw Error("read_only", "field " + key + " of " + collection_.id + " is read-only");
      const json encoded = wix_value(*field, value);
      if (kind == "create") {
        if (!encoded.is_null()) out[key] = encoded;  // no value: the key is simply absent
      } else if (encoded.is_null()) {
        out.push_back({{"fieldPath", key}, {"action", "REMOVE_FIELD"}});
      } else {
        out.push_back(
            {{"fieldPath", key}, {"action", "SET_FIELD"}, {"setFieldOptions", {{"value", encoded}}}});
      }
    }
    return out;
  }

  ApiResult call(const Request& request) const {
    if (request.kind == "read") {
      const std::size_t i = request.ops.front();
      return api_.send("GET", "/wix-data/v2/items/" + plugin::url_encode(id(i)) +
                                  "?dataCollectionId=" + plugin::url_encode(collection_.id));
    }
    json body = {{"dataCollectionId", collection_.id}};
    json entries = json::array();
    for (const std::size_t i : request.ops) {
      if (request.kind == "create") entries.push_back({{"data", payloads_[i]}});
      if (request.kind == "update")
        entries.push_back({{"dataItemId", id(i)}, {"fieldModifications", payloads_[i]}});
      if (request.kind == "delete") entries.push_back(id(i));
    }
    const char* key = request.kind == "create"   ? "dataItems"
                      : request.kind == "update" ? "patches"
                                                 : "dataItemIds";
    body[key] = std::move(entries);
    if (request.kind != "delete") body["returnEntity"] = true;  // the items as stored, for the results
    const char* path = request.kind == "create"   ? "/wix-data/v2/bulk/items/insert"
                       : request.kind == "update" ? "/wix-data/v2/bulk/items/patch"
                                                  : "/wix-data/v2/bulk/items/remove";
    return api_.send("POST", path, body);
  }

  std::string doing(const Request& request) const {
    return request.kind + " of " + std::to_string(request.ops.size()) + " item(s) in " + collection_.id;
  }

  void send(const Request& request, std::deque<Request>& queue) {
    ApiResult result;
    try {
      result = call(request);
    } catch (const Error& e) {
      lost(request, e);
      return;
    }
    if (result.ok()) {
      request.kind == "read" ? read_back(request, result.body) : applied(request, result.body);
      return;
    }
    if (result.status >= 500) {
      applied_any_ = true;  // it may have been carried out
      for (const std::size_t i : request.ops) {
        results_[i] = request.kind == "create"
                          ? op_error(ref(i), "outcome_unknown",
                                     "Wix answered " + result.describe() +
                                         " to the insert request; the item may or may not have been created",
                                     false)
                          : op_error(ref(i), "connection_failed", "Wix answered " + result.describe(), true);
      }
      return;
    }
    // Refused as a whole: nothing of this request was applied.
    const Error e = call_error(result, doing(request));
    if (!applied_any_) throw e;  // the server retries each op on its own after a refused batch
    const bool whole_call = result.status == 401 || result.status == 403 || result.status == 429;
    if (request.ops.size() > 1 && !whole_call) {
      // Which item was refused is not said: try each on its own.
      for (auto it = request.ops.rbegin(); it != request.ops.rend(); ++it)
        queue.push_front({request.kind, {*it}});
      return;
    }
    for (const std::size_t i : request.ops)
      results_[i] = request.kind == "read" && result.status == 404
                        ? op_error(ref(i), "not_found", e.what(), false)
                        : op_error(ref(i), e);
  }

  // No answer arrived. A create may have been carried out regardless; updates and deletes can be resent.
  void lost(const Request& request, const Error& e) {
    const bool maybe_sent = !never_sent(e.code());
    if (!maybe_sent && !applied_any_) throw Error(e.code(), std::string("Wix: ") + e.what(), e.retryable());
    if (maybe_sent) applied_any_ = true;
    for (const std::size_t i : request.ops) {
      if (request.kind == "create" && maybe_sent) {
        results_[i] = op_error(ref(i), "outcome_unknown",
                               std::string("no answer from Wix to the insert request (") + e.code() + ": " +
                                   e.what() + "); the item may or may not have been created",
                               false);
      } else {
        results_[i] = op_error(ref(i), e.code(), std::string("Wix: ") + e.what(), true);
      }
    }
  }

  void read_back(const Request& request, const json& body) {
    const std::size_t i = request.ops.front();
    const json item = body.is_object() ? body.value("dataItem", json()) : json();
    results_[i] = op_ok(
        ref(i), id(i), canonical_fields(collection_, item.is_object() ? item.value("data", json()) : json()));
  }

  // Bulk results: one per item, itemMetadata.originalIndex saying which.
  void applied(const Request& request, const json& body) {
    applied_any_ = true;
    const json list = body.is_object() && body.contains("results") && body["results"].is_array()
                          ? body["results"]
                          : json::array();
    std::vector<const json*> by_index(request.ops.size(), nullptr);
    for (std::size_t n = 0; n < list.size(); ++n) {
      const json meta = list[n].is_object() ? list[n].value("itemMetadata", json()) : json();
      std::size_t index = n;
      if (meta.is_object() && meta.contains("originalIndex") && meta["originalIndex"].is_number_unsigned())
        index = meta["originalIndex"].get<std::size_t>();
      if (index < by_index.size() && !by_index[index]) by_index[index] = &list[n];
    }
    for (std::size_t n = 0; n < request.ops.size(); ++n) {
      const std::size_t i = request.ops[n];
      const json* r = by_index[n];
      const json meta = r && r->is_object() ? r->value("itemMetadata", json()) : json();
      if (!meta.is_object()) {
        results_[i] =
            request.kind == "create"
                ? op_error(ref(i), "outcome_unknown", "Wix's answer did not include this item", false)
                : op_error(ref(i), "connection_failed", "Wix's answer did not include this item", true);
        continue;
      }
      if (!meta.value("success", false)) {
        const json error = meta.value("error", json::object());
        const std::string code = error.is_object() ? error.value("code", "") : "";
        const std::string text = error.is_object() ? error.value("description", "") : "";
        results_[i] = op_error(ref(i), item_error_code(code),
                               "Wix refused the item: " + (code.empty() ? "" : code + ": ") + text, false);
        continue;
      }
      const json item = r->value("dataItem", json());
      const json data = item.is_object() ? item.value("data", json()) : json();
      std::string item_id = request.kind == "create" ? meta.value("id", "") : id(i);
      if (item_id.empty() && data.is_object()) item_id = data.value("_id", "");
      json result = op_ok(ref(i), item_id);
      if (request.kind != "delete") result["fields"] = canonical_fields(collection_, data);
      results_[i] = std::move(result);
    }
  }

  const WixApi& api_;
  plugin::Host& host_;
  const CollectionInfo& collection_;
  const json& ops_;
  std::vector<json> results_;
  std::vector<json> payloads_;
  bool applied_any_ = false;
};

}  // namespace

json write_batch(const WixApi& api, plugin::Host& host, const CollectionInfo& collection, const json& ops) {
  if (collection.read_only) {
    throw Error("read_only", "Wix collection " + collection.id +
                                 " belongs to a Wix app and cannot be written through the Data API");
  }
  return Writer(api, host, collection, ops).run();
}

}  // namespace scratch::wix
