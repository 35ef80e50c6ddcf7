// The YouTube connector: a channel's uploaded videos (editable snippet and status fields) and its playlists
// through the YouTube Data API v3. Stateless: everything a later page needs is in the cursor.
#include <scratch/plugin.hpp>
#include <scratch/plugin_util.hpp>

#include "channel.hpp"
#include "read_page.hpp"
#include "settings.hpp"
#include "spec.hpp"
#include "tables.hpp"
#include "write_batch.hpp"
#include "youtube_api.hpp"

namespace scratch::youtube {
namespace {

using plugin::Call;
using plugin::Error;
using plugin::Host;
using plugin::json;

std::string table_of(const json& request) {
  const std::string table = plugin::request_table(request);
  if (table != kVideosTable && table != kPlaylistsTable)
    throw Error("not_found", "the YouTube connector has no table " + table + " (only videos and playlists)");
  return table;
}

class YouTubeConnector : public plugin::Connector {
 public:
  // One channels.list (1 unit): tests the address, the token and config.channel_id at once.
  json check(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const YouTubeApi api(host, settings);
    const json channel = fetch_channel(api, "snippet,contentDetails");
    const std::string title = channel.value("snippet", json::object()).value("title", "?");
    return {{"ok", true},
            {"message", "YouTube: channel \"" + title + "\" (" + channel.value("id", "?") + ")"}};
  }

  // YouTube's resources have a fixed shape: no request needed.
  json list_tables(Host&, const Call& call) override {
    parse_settings(call);
    return describe_tables();
  }

  json read(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const YouTubeApi api(host, settings);
    const std::string table = table_of(call.request);
    host.throw_if_cancelled();
    return table == kVideosTable ? read_videos(api, call.request) : read_playlists(api, call.request);
  }

  json write(Host& host, const Call& call) override {
    const Settings settings = parse_settings(call);
    const YouTubeApi api(host, settings);
    if (table_of(call.request) != kVideosTable)
      throw Error("read_only", "YouTube playlists are read-only in this connector");
    const json ops = plugin::request_ops(call.request);
    return write_videos(api, host, ops);
  }
};

}  // namespace
}  // namespace scratch::youtube

SCRATCH_EXPORT_CONNECTOR(scratch::youtube::YouTubeConnector, "youtube", "1.0.0", scratch::youtube::kSpecJson)
