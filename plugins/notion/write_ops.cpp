#include "write_ops.hpp"

#include <optional>
#include <scratch/plugin_util.hpp>

#include "databases.hpp"
#include "page_records.hpp"
#include "property_types.hpp"
#include "property_values.hpp"

namespace scratch::notion {
namespace {

using nlohmann::json;
using plugin::Error;
using plugin::HttpResponse;
using plugin::op_error;

class OpWriter {
 public:
  OpWriter(const NotionApi& api, std::string account_id, std::string table)
      : api_(api), account_id_(std::move(account_id)), table_(std::move(table)) {
    properties_ = database_properties(api_, account_id_, table_);
  }

  json write(const json& op) {
    const json ref = op.value("ref", json());
    const std::string kind = op.value("op", "");
    const std::string id = op.value("id", "");
    if (kind != "create" && kind != "update" && kind != "delete")
      return op_error(ref, "invalid_request", "unknown op '" + kind + "'", false);
    if (kind != "create" && id.empty())
      return op_error(ref, "invalid_request", kind + " needs the page id", false);

    std::string method = "PATCH", path = "/pages/" + path_segment(id);
    json body;
    if (kind == "delete") {
      body = {{"archived", true}};  // Notion has no hard delete: the page goes to the trash
    } else {
      json properties = json::object();
      try {
        properties = encode(op.value("fields", json::object()));
      } catch (const Error& e) {
        return op_error(ref, e);
      }
      if (kind == "create") {
        method = "POST";
        path = "/pages";
        body = {{"parent", {{"database_id", table_}}}, {"properties", std::move(properties)}};
      } else if (properties.empty()) {
        method = "GET";  // nothing to change: answer with the page as it is
      } else {
        body = {{"properties", std::move(properties)}};
      }
    }

    HttpResponse response;
    try {
      response = api_.send(method, path, body);
    } catch (const Error& e) {
      if (e.code() == "invalid_request" && !sent_) throw;  // never left: a bad address
      sent_ = true;
      if (kind == "create") return unknown_outcome(ref, e.what());
      return op_error(ref, e.code(), "Notion could not be reached: " + std::string(e.what()), true);
    }
    return result(ref, kind, id, response);
  }

  // Ops after a cancellation are answered without being sent.
  static json cancelled(const json& op) {
    return op_error(op.value("ref", json()), "cancelled", "the publish was cancelled before this page", true);
  }

 private:
  json encode(const json& fields) {
    if (!fields.is_object()) throw Error("invalid_request", "fields must be an object");
    json out = json::object();
    for (const auto& [field_id, value] : fields.items()) {
      auto it = properties_.find(field_id);
      if (it == properties_.end()) {  // renamed or added since the schema was cached
        properties_ = database_properties(api_, account_id_, table_, true);
        it = properties_.find(field_id);
      }
      if (it == properties_.end())
        throw Error("unknown_field", "the Notion database has no property with id '" + field_id + "'");
      const std::string type = it->second.value("type", "");
      const std::string name = it->second.value("name", field_id);
      if (!writable(type))
        throw Error("read_only", name + ": a Notion " + type + " property cannot be written");
      // Keyed by property id, which Notion accepts as well as the name and which survives renames.
      out[field_id] = encode_value(type, value, name);
    }
    return out;
  }

  static json unknown_outcome(const json& ref, const std::string& why) {
    return op_error(
        ref, "outcome_unknown",
        "Notion may or may not have created this page (" + why + "); it is not sent again blindly", false);
  }

  json result(const json& ref, const std::string& kind, const std::string& id, const HttpResponse& response) {
    const int s = response.status;
    const std::string text = notion_error_text(response);
    if (s == 200) {
      sent_ = true;
      const json page = json::parse(response.body, nullptr, false);
      if (!page.is_object()) {
        return kind == "create" ? unknown_outcome(ref, "the answer was not JSON")
                                : op_error(ref, "connection_failed", "Notion's answer was not JSON", true);
      }
      json out = plugin::op_ok(ref, page.value("id", id));
      if (kind != "delete") {
        try {
          out["fields"] = page_fields(api_, page);
        } catch (const Error& e) {
          api_.host().warn("written, but its values could not be read back: " + std::string(e.what()));
        }
      }
      return out;
    }
    if ((s == 401 || s == 403 || s == 429 || s == 529) && !sent_) fail(response, kind + " of a page");
    if (s == 401 || s == 403)
      return op_error(ref, "auth_failed", "Notion refused access (" + text + ")", false);
    if (s == 429 || s == 529)
      return op_error(ref, "rate_limited", "Notion is throttling (" + text + ")", true);
    if (s >= 500) {
      sent_ = true;
      if (kind == "create") return unknown_outcome(ref, "HTTP " + std::to_string(s) + ", " + text);
      // Updates and archives set absolute values, so sending them again is safe.
      return op_error(ref, "connection_failed",
                      "Notion failed (HTTP " + std::to_string(s) + ", " + text + ")", true);
    }
    if (s == 404) return op_error(ref, "not_found", "Notion: " + text, false);
    if (s == 400 && kind == "delete" && text.find("archived") != std::string::npos)
      return op_error(ref, "not_found", "Notion: the page is already in the trash (" + text + ")", false);
    if (s == 409) return op_error(ref, "conflict", "Notion: " + text, true);
    if (s == 400 && text.rfind("validation_error", 0) == 0)
      return op_error(ref, "invalid_value", "Notion: " + text, false);
    return op_error(ref, "invalid_request",
                    "Notion refused the " + kind + " (HTTP " + std::to_string(s) + ", " + text + ")", false);
  }

  const NotionApi& api_;
  std::string account_id_, table_;
  PropertyTypes properties_;
  bool sent_ = false;  // once anything may have been applied, failures are per op, never for the call
};

}  // namespace

json write_ops(const NotionApi& api, const std::string& account_id, const json& request) {
  const std::string table = request.value("table", "");
  if (table.empty()) throw Error("invalid_request", "request.table is required");
  const json ops = request.value("ops", json());
  if (!ops.is_array()) throw Error("invalid_request", "request.ops must be an array");
  OpWriter writer(api, account_id, table);
  json results = json::array();
  bool cancelled = false;
  for (const json& op : ops) {
    if (!op.is_object()) {
      results.push_back(op_error(nullptr, "invalid_request", "an op must be an object", false));
      continue;
    }
    cancelled = cancelled || api.host().cancelled();
    results.push_back(cancelled ? OpWriter::cancelled(op) : writer.write(op));
  }
  return {{"results", std::move(results)}};
}

}  // namespace scratch::notion
