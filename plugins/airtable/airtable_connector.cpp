// The Airtable connector: one base's tables through the Web API (records) and the Meta API (schema).
#include <scratch/plugin.hpp>
#include <scratch/plugin_util.hpp>

#include "airtable_api.hpp"
#include "base_schema.hpp"
#include "read_page.hpp"
#include "settings.hpp"
#include "spec.hpp"
#include "write_batch.hpp"

namespace scratch::airtable {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

// Stateless but for the schema cache (base_schema.cpp), which is keyed by account.
class AirtableConnector : public plugin::Connector {
 public:
  json check(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const AirtableApi api(host, settings);
    const ApiResult me = api.get("/meta/whoami");
    if (!me.ok()) throw call_error(me, "asking Airtable who the token belongs to");
    const std::string who = me.body.is_object() ? me.body.value("email", me.body.value("id", "?")) : "?";
    // The token alone is not enough: the base must be one of its resources.
    const auto tables = fetch_tables(api);
    return {{"ok", true},
            {"message", "Airtable: signed in as " + who + "; base " + settings.base_id + " has " +
                            std::to_string(tables.size()) + " table(s)"}};
  }

  json list_tables(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const AirtableApi api(host, settings);
    json tables = json::array();
    for (const auto& table : fetch_tables(api))
      tables.push_back(describe_table(table));
    return {{"tables", std::move(tables)}};
  }

  json read(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const AirtableApi api(host, settings);
    const TableInfo table = table_schema(api, plugin::request_table(call.request));
    host.throw_if_cancelled();
    return read_page(api, host, table, call.request);
  }

  json write(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const AirtableApi api(host, settings);
    const TableInfo table = table_schema(api, plugin::request_table(call.request));
    const json ops = plugin::request_ops(call.request);
    return write_batch(api, host, table, ops);
  }
};

}  // namespace
}  // namespace scratch::airtable

SCRATCH_EXPORT_CONNECTOR(scratch::airtable::AirtableConnector, "airtable", "1.0.0",
                         scratch::airtable::kSpecJson)
