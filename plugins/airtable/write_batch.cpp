#include "write_batch.hpp"

#include <deque>
#include <scratch/plugin_util.hpp>
#include <string>
#include <vector>

#include "cell_values.hpp"
#include "spec.hpp"

namespace scratch::airtable {

using plugin::Error;
using plugin::json;
using plugin::never_sent;
using plugin::op_error;
using plugin::op_ok;

namespace {

// Consecutive ops of one kind, at most kMaxRecordsPerRequest: one HTTP request.
struct Request {
  std::string kind;  // create, update, delete
  std::vector<std::size_t> ops;
};

class Writer {
 public:
  Writer(const AirtableApi& api, plugin::Host& host, const TableInfo& table, const json& ops)
      : api_(api), host_(host), table_(table), ops_(ops), results_(ops.size()) {}

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

  // Checks every op before anything is sent (a malformed call applies nothing) and groups them.
  std::deque<Request> plan() {
    std::deque<Request> queue;
    for (std::size_t i = 0; i < ops_.size(); ++i) {
      const std::string kind = plugin::checked_op_kind(ops_[i], i);
      if (queue.empty() || queue.back().kind != kind || queue.back().ops.size() >= kMaxRecordsPerRequest)
        queue.push_back({kind, {}});
      queue.back().ops.push_back(i);
    }
    return queue;
  }

  json airtable_fields(std::size_t i) const {
    json out = json::object();
    const json& op = ops_[i];
    if (!op.contains("fields")) return out;
    for (const auto& [id, value] : op["fields"].items())
      out[id] = airtable_value(table_.field(id), value);
    return out;
  }

  ApiResult call(const Request& request) const {
    if (request.kind == "delete") {
      std::string query;
      for (const std::size_t i : request.ops)
        query += (query.empty() ? "?" : "&") + std::string("records%5B%5D=") +
                 plugin::url_encode(ops_[i]["id"].get<std::string>());
      return api_.send("DELETE", api_.table_path(table_.id) + query);
    }
    json records = json::array();
    for (const std::size_t i : request.ops) {
      json record = {{"fields", airtable_fields(i)}};
      if (request.kind == "update") record["id"] = ops_[i]["id"];
      records.push_back(std::move(record));
    }
    // PATCH merges: fields not sent keep their values. Field ids as keys in and out survive renames.
    const json body = {{"records", records}, {"typecast", false}, {"returnFieldsByFieldId", true}};
    return api_.send(request.kind == "create" ? "POST" : "PATCH", api_.table_path(table_.id), body);
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
      applied(request, result.body);
      return;
    }
    const std::string doing =
        request.kind + " of " + std::to_string(request.ops.size()) + " record(s) in " + table_.name;
    if (result.status >= 500) {
      applied_any_ = true;  // it may have been carried out
      for (const std::size_t i : request.ops) {
        results_[i] =
            request.kind == "create"
                ? op_error(ref(i), "outcome_unknown",
                           "Airtable answered " + result.describe() +
                               " to the create request; the record may or may not have been created",
                           false)
                : op_error(ref(i), "connection_failed", "Airtable answered " + result.describe(), true);
      }
      return;
    }
    // Everything below refused the request as a whole: nothing of it was applied.
    const bool whole_call = result.status == 401 || result.status == 403 || result.status == 429;
    if (!applied_any_ && (whole_call || request.ops.size() > 1)) throw call_error(result, doing);
    if (request.ops.size() > 1 && !whole_call) {
      // Which record was refused is not said: try each on its own.
      for (auto it = request.ops.rbegin(); it != request.ops.rend(); ++it)
        queue.push_front({request.kind, {*it}});
      return;
    }
    const Error e = call_error(result, doing);
    for (const std::size_t i : request.ops)
      results_[i] = op_error(ref(i), e);
  }

  // No answer arrived. A create may have been carried out regardless; updates and deletes can be resent.
  void lost(const Request& request, const Error& e) {
    const bool maybe_sent = !never_sent(e.code());
    if (!maybe_sent && !applied_any_)
      throw Error(e.code(), std::string("Airtable: ") + e.what(), e.retryable());
    if (maybe_sent) applied_any_ = true;
    for (const std::size_t i : request.ops) {
      if (request.kind == "create" && maybe_sent) {
        results_[i] = op_error(ref(i), "outcome_unknown",
                               std::string("no answer from Airtable to the create request (") + e.code() +
                                   ": " + e.what() + "); the record may or may not have been created",
                               false);
      } else {
        results_[i] = op_error(ref(i), e.code(), std::string("Airtable: ") + e.what(), true);
      }
    }
  }

  void applied(const Request& request, const json& body) {
    applied_any_ = true;
    const json records = body.is_object() && body.contains("records") && body["records"].is_array()
                             ? body["records"]
                             : json::array();
    for (std::size_t n = 0; n < request.ops.size(); ++n) {
      const std::size_t i = request.ops[n];
      // Airtable answers in request order; updates and deletes are matched by id in case it does not.
      const json* record = n < records.size() ? &records[n] : nullptr;
      if (request.kind != "create") {
        const std::string id = ops_[i]["id"].get<std::string>();
        if (!record || !record->is_object() || record->value("id", "") != id) {
          record = nullptr;
          for (const json& r : records)
            if (r.is_object() && r.value("id", "") == id) record = &r;
        }
      }
      if (!record || !record->is_object() || !record->contains("id") || !(*record)["id"].is_string()) {
        results_[i] =
            request.kind == "create"
                ? op_error(ref(i), "outcome_unknown", "Airtable's answer did not include this record", false)
                : op_error(ref(i), "connection_failed", "Airtable's answer did not include this record",
                           true);
        continue;
      }
      json result = op_ok(ref(i), (*record)["id"]);
      if (request.kind != "delete")
        result["fields"] = canonical_fields(table_, record->value("fields", json::object()));
      results_[i] = std::move(result);
    }
  }

  const AirtableApi& api_;
  plugin::Host& host_;
  const TableInfo& table_;
  const json& ops_;
  std::vector<json> results_;
  bool applied_any_ = false;
};

}  // namespace

json write_batch(const AirtableApi& api, plugin::Host& host, const TableInfo& table, const json& ops) {
  return Writer(api, host, table, ops).run();
}

}  // namespace scratch::airtable
