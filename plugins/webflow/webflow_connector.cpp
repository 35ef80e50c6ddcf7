// The Webflow connector: a site's CMS collections as tables, items as records, through the Data API v2.
#include <scratch/plugin.hpp>
#include <scratch/plugin_util.hpp>

#include "read_page.hpp"
#include "schema.hpp"
#include "schema_cache.hpp"
#include "settings.hpp"
#include "spec.hpp"
#include "webflow_api.hpp"
#include "write_batch.hpp"

namespace scratch::webflow {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

std::string table_id_of(const json& request) {
  const auto it = request.find("table");
  if (it == request.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw Error("invalid_request", "request.table is required");
  }
  return it->get<std::string>();
}

// Stateless apart from the schema cache (schema_cache.cpp), which is keyed by account.
class WebflowConnector : public plugin::Connector {
 public:
  json check(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WebflowApi api(host, settings);
    const auto response = api.send("GET", "/sites/" + settings.site_id);
    if (response.status == 404) {
      throw Error("not_found", "Webflow has no site " + settings.site_id +
                                   " that this API token can see; check site_id (GET /v2/sites lists them)");
    }
    if (!is_success(response.status)) throw error_for(response, "reading site " + settings.site_id);
    const json site = json_body(response, "reading the site");
    std::string name = plugin::string_or(site, "displayName");
    if (name.empty()) name = settings.site_id;
    return {
        {"ok", true},
        {"message", "Webflow site " + name + (settings.live ? " (writes go live)" : " (writes are staged)")}};
  }

  json list_tables(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WebflowApi api(host, settings);
    const json listed =
        api.get("/sites/" + settings.site_id + "/collections", "listing the site's collections");
    json tables = json::array();
    for (const json& entry : listed.value("collections", json::array())) {
      const std::string id = entry.is_object() ? plugin::string_or(entry, "id") : "";
      if (id.empty()) continue;
      host.throw_if_cancelled();
      // The list carries no fields: each collection's own answer does.
      const Collection collection = load_collection(api, id, true);
      tables.push_back(describe_table(collection));
    }
    return {{"tables", std::move(tables)}};
  }

  json read(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WebflowApi api(host, settings);
    const Collection collection = load_collection(api, table_id_of(call.request), false);
    host.throw_if_cancelled();
    return read_page(api, collection, call.request);
  }

  json write(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WebflowApi api(host, settings);
    const json ops = plugin::request_ops(call.request);
    // Fresh: option names are turned into ids, and a stale schema could pick a removed option.
    const Collection collection = load_collection(api, table_id_of(call.request), true);
    host.throw_if_cancelled();
    json results = write_batch(api, collection, ops);
    host.debug("write " + collection.id + ": " + std::to_string(ops.size()) + " ops");
    return results;
  }
};

}  // namespace
}  // namespace scratch::webflow

SCRATCH_EXPORT_CONNECTOR(scratch::webflow::WebflowConnector, "webflow", "1.0.0", scratch::webflow::kSpecJson)
