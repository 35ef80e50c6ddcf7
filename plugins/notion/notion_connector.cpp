// The Notion connector: databases as tables, pages as records, properties as fields (by property id).
#include <scratch/plugin.hpp>

#include "databases.hpp"
#include "notion_api.hpp"
#include "read_page.hpp"
#include "spec.hpp"
#include "write_ops.hpp"

namespace scratch::notion {
namespace {

using plugin::Call;
using plugin::Host;
using plugin::json;

// Stateless apart from the schema cache in databases.cpp (guarded; keyed by account).
class NotionConnector : public plugin::Connector {
 public:
  json check(Host& host, const Call& call) override {
    const NotionApi api(host, call);
    const json me = api.call("GET", "/users/me");
    // Configured databases must be shared with the integration; say which one is not, now rather than later.
    const json ids = call.config.value("database_ids", json::array());
    if (ids.is_array()) {
      for (const json& id : ids) {
        if (!id.is_string()) continue;
        const plugin::HttpResponse r = api.send("GET", "/databases/" + path_segment(id.get<std::string>()));
        if (r.status == 404 || r.status == 400) {
          throw plugin::Error("not_found", "Notion has no database " + id.get<std::string>() +
                                               " shared with this integration (database_ids; " +
                                               notion_error_text(r) + ")");
        }
        if (r.status != 200) fail(r, "GET /databases/" + id.get<std::string>());
      }
    }
    std::string message = "Connected to Notion as " + me.value("name", std::string("the integration"));
    const json bot = me.value("bot", json::object());
    if (bot.is_object() && bot.contains("workspace_name") && bot["workspace_name"].is_string())
      message += " in the workspace " + bot["workspace_name"].get<std::string>();
    return {{"ok", true}, {"message", message}};
  }

  json list_tables(Host& host, const Call& call) override {
    return list_databases(NotionApi(host, call), call.config);
  }

  json read(Host& host, const Call& call) override { return read_page(NotionApi(host, call), call.request); }

  json write(Host& host, const Call& call) override {
    return write_ops(NotionApi(host, call), call.context.value("account_id", ""), call.request);
  }
};

}  // namespace
}  // namespace scratch::notion

SCRATCH_EXPORT_CONNECTOR(scratch::notion::NotionConnector, "notion", "1.0.0", scratch::notion::kSpecJson)
