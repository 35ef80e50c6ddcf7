// hello: a tiny in-memory connector to copy when you start a plugin. One table, "greetings" (fields id and
// text), read in pages with a cursor, and create/update/delete answered per record.
//
// The greetings live in this process's memory only, and the server may restart the connector runner at any
// time; a real connector keeps its data in the source it connects to.
#include <scratch/plugin.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <string>

namespace {

using scratch::plugin::Call;
using scratch::plugin::Error;
using scratch::plugin::Host;
using scratch::plugin::json;

constexpr int kMaxPageSize = 100;

// What the server shows and enforces before it calls us; see "The spec" in the SDK README.
constexpr const char* kSpec = R"({
  "display_name": "Hello",
  "description": "An in-memory table of greetings: the SDK's example connector.",
  "capabilities": ["read", "create", "update", "delete"],
  "limits": {"max_page_size": 100, "max_write_batch": 50, "requests_per_second": 0},
  "config_schema": {"type": "object", "properties": {}, "additionalProperties": false},
  "credentials_schema": {"type": "object", "properties": {}, "additionalProperties": false}
})";

// Request fields are checked by hand so a malformed request becomes a clear error, not a json exception.
std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    throw Error("invalid_request", std::string("\"") + key + "\" must be a string");
  }
  return it->get<std::string>();
}

json field(const char* id, const char* name, bool read_only) {
  return {{"id", id}, {"name", name}, {"type", "text"}, {"read_only", read_only}};
}

json record(const std::string& id, const std::string& text) {
  return {{"id", id}, {"fields", {{"id", id}, {"text", text}}}, {"updated_at", nullptr}};
}

json ok_result(const json& ref, const std::string& id, const json& fields) {
  return {{"ref", ref}, {"ok", true}, {"id", id}, {"fields", fields}};
}

json error_result(const json& ref, const Error& e) {
  return {{"ref", ref},
          {"ok", false},
          {"error", {{"code", e.code()}, {"message", e.what()}, {"retryable", e.retryable()}}}};
}

class HelloConnector : public scratch::plugin::Connector {
 public:
  json check(Host&, const Call&) override { return {{"ok", true}, {"message", "hello is always reachable"}}; }

  json list_tables(Host&, const Call&) override {
    const json greetings = {{"id", "greetings"},
                            {"name", "Greetings"},
                            {"primary_key", json::array({"id"})},
                            {"read_only", false},
                            {"fields", json::array({field("id", "ID", true), field("text", "Text", false)})}};
    return {{"tables", json::array({greetings})}};
  }

  // The cursor is the id of the last record on the previous page: greetings_ is ordered by id, so the next
  // page starts just after it, even if records were added or removed in between.
  json read(Host& host, const Call& call) override {
    host.throw_if_cancelled();
    require_greetings(call.request);
    const json& cursor = call.request.contains("cursor") ? call.request["cursor"] : json();
    if (!cursor.is_null() && !cursor.is_string())
      throw Error("invalid_cursor", "the cursor must be a string");
    int page_size = kMaxPageSize;
    if (call.request.contains("page_size") && call.request["page_size"].is_number_integer()) {
      page_size = std::clamp(call.request["page_size"].get<int>(), 1, kMaxPageSize);
    }

    std::lock_guard lock(mutex_);
    auto it = cursor.is_null() ? greetings_.begin() : greetings_.upper_bound(cursor.get<std::string>());
    json records = json::array();
    for (; it != greetings_.end() && static_cast<int>(records.size()) < page_size; ++it) {
      records.push_back(record(it->first, it->second));
    }
    const json next_cursor = it == greetings_.end() ? json() : records.back()["id"];
    return {{"records", records}, {"next_cursor", next_cursor}};
  }

  // One result per op, in order. A bad op fails alone: the others still apply.
  json write(Host& host, const Call& call) override {
    require_greetings(call.request);
    if (!call.request.contains("ops") || !call.request["ops"].is_array()) {
      throw Error("invalid_request", "\"ops\" must be an array");
    }
    json results = json::array();
    std::lock_guard lock(mutex_);
    for (const json& op : call.request["ops"])
      results.push_back(apply(op));
    host.info("applied " + std::to_string(results.size()) + " ops to greetings");
    return {{"results", results}};
  }

 private:
  static void require_greetings(const json& request) {
    const std::string table = string_at(request, "table");
    if (table != "greetings") throw Error("not_found", "no table \"" + table + "\"");
  }

  // The new text from an op's fields: "id" is read-only and any other field is unknown.
  static std::string text_from(const json& op) {
    const auto fields = op.find("fields");
    if (fields == op.end() || !fields->is_object())
      throw Error("invalid_request", "\"fields\" must be an object");
    for (const auto& [name, value] : fields->items()) {
      if (name == "id") throw Error("read_only", "field \"id\" is read-only");
      if (name != "text") throw Error("unknown_field", "no field \"" + name + "\"");
      if (!value.is_string()) throw Error("invalid_value", "field \"text\" must be a string");
    }
    if (!fields->contains("text")) throw Error("invalid_value", "field \"text\" is required");
    return (*fields)["text"].get<std::string>();
  }

  // Called with mutex_ held.
  json apply(const json& op) {
    const json ref = op.is_object() && op.contains("ref") ? op["ref"] : json();
    try {
      if (!op.is_object()) throw Error("invalid_request", "an op must be an object");
      const std::string kind = string_at(op, "op");
      if (kind == "create") {
        const std::string text = text_from(op);
        const std::string id = "g" + std::to_string(next_id_++);
        greetings_[id] = text;
        return ok_result(ref, id, record(id, text)["fields"]);
      }
      const std::string id = string_at(op, "id");
      const auto it = greetings_.find(id);
      if (it == greetings_.end()) throw Error("not_found", "no greeting \"" + id + "\"");
      if (kind == "update") {
        it->second = text_from(op);
        return ok_result(ref, id, record(id, it->second)["fields"]);
      }
      if (kind == "delete") {
        greetings_.erase(it);
        return {{"ref", ref}, {"ok", true}, {"id", id}};
      }
      throw Error("invalid_request", "unknown op \"" + kind + "\"");
    } catch (const Error& e) {
      return error_result(ref, e);
    }
  }

  // Calls may arrive on several threads at once and share this one instance.
  std::mutex mutex_;
  std::map<std::string, std::string> greetings_ = {{"g1", "Hello, world"}, {"g2", "Bonjour"}, {"g3", "Hola"}};
  long next_id_ = 4;
};

}  // namespace

SCRATCH_EXPORT_CONNECTOR(HelloConnector, "hello", "1.0.0", kSpec)
