// The Wix connector: one site's CMS data collections through the Wix Data API v2.
#include <scratch/plugin.hpp>
#include <scratch/plugin_util.hpp>

#include "collections.hpp"
#include "read_page.hpp"
#include "settings.hpp"
#include "spec.hpp"
#include "wix_api.hpp"
#include "write_batch.hpp"

namespace scratch::wix {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

// Stateless but for the schema cache (collections.cpp), which is keyed by account.
class WixConnector : public plugin::Connector {
 public:
  json check(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WixApi api(host, settings);
    // One cheap call that needs both the key and the site: the first collection and the count of all.
    const ApiResult result = api.send("GET", "/wix-data/v2/collections?paging.limit=1");
    if (!result.ok()) throw call_error(result, "listing the data collections of site " + settings.site_id);
    const json meta = result.body.is_object() ? result.body.value("pagingMetadata", json::object()) : json();
    std::string count = "its";
    if (meta.is_object() && meta.contains("total") && meta["total"].is_number_integer())
      count = std::to_string(meta["total"].get<long long>());
    return {{"ok", true},
            {"message",
             "Wix: the API key reaches site " + settings.site_id + " and " + count + " data collection(s)"}};
  }

  json list_tables(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WixApi api(host, settings);
    json tables = json::array();
    for (const auto& collection : fetch_collections(api))
      tables.push_back(describe_table(collection));
    return {{"tables", std::move(tables)}};
  }

  json read(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WixApi api(host, settings);
    const CollectionInfo collection = collection_schema(api, plugin::request_table(call.request), false);
    host.throw_if_cancelled();
    return read_page(api, collection, call.request);
  }

  json write(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WixApi api(host, settings);
    const json ops = plugin::request_ops(call.request);
    // Fresh: values are encoded by the field types, which must be the current ones.
    const CollectionInfo collection = collection_schema(api, plugin::request_table(call.request), true);
    return write_batch(api, host, collection, ops);
  }
};

}  // namespace
}  // namespace scratch::wix

SCRATCH_EXPORT_CONNECTOR(scratch::wix::WixConnector, "wix", "1.0.0", scratch::wix::kSpecJson)
