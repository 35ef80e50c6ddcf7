// The WordPress connector: a site's post types through the core REST API (wp/v2), with Application Password
// (HTTP Basic) authentication. Stateless: every call reads what it needs from the site.
#include <scratch/plugin.hpp>

#include "post_types.hpp"
#include "read_page.hpp"
#include "settings.hpp"
#include "spec.hpp"
#include "wp_api.hpp"
#include "write_ops.hpp"

namespace scratch::wordpress {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

class WordPressConnector : public plugin::Connector {
 public:
  json check(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WordPressApi api(host, settings);
    ApiResult me;
    try {
      me = api.get("/users/me?context=edit");
    } catch (const Error& e) {
      throw Error(e.code() == "timeout" ? "timeout" : "connection_failed",
                  "could not reach WordPress at " + settings.site_url + " (" + e.code() + ": " + e.what() +
                      "): check config.site_url",
                  e.retryable());
    }
    if (!me.ok()) throw call_error(me, "asking " + settings.site_url + " who the user is (GET /users/me)");
    if (!me.body.is_object()) {
      throw Error("connection_failed", "no WordPress REST API answered at " + settings.api_root +
                                           " (the answer is not JSON): check config.site_url");
    }
    std::string who = me.body.value("name", settings.username);
    const json username = me.body.value("username", json());
    if (username.is_string() && username.get<std::string>() != who)
      who += " (" + username.get<std::string>() + ")";
    return {{"ok", true}, {"message", "WordPress: signed in to " + settings.site_url + " as " + who}};
  }

  json list_tables(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WordPressApi api(host, settings);
    json tables = json::array();
    for (const auto& type : list_post_types(api)) {
      host.throw_if_cancelled();
      tables.push_back(describe_table(api, type));
    }
    return {{"tables", std::move(tables)}};
  }

  json read(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WordPressApi api(host, settings);
    host.throw_if_cancelled();
    return read_page(api, call.request);
  }

  json write(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const WordPressApi api(host, settings);
    return write_ops(api, call.request);
  }
};

}  // namespace
}  // namespace scratch::wordpress

SCRATCH_EXPORT_CONNECTOR(scratch::wordpress::WordPressConnector, "wordpress", "1.0.0",
                         scratch::wordpress::kSpecJson)
