// The two example connectors of scripts-lua/examples (notes.lua and catalog.lua), read from the source tree,
// used end to end against the notes emulator: created through the API, validated, tested, pinned by an
// account, downloaded over several pages, edited and published; the emulator's state proves exactly those
// changes landed.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "custom_connectors/custom_connector_fixture.hpp"
#include "snapshots/sync/sync_helpers.hpp"
#include "support/emulator_process.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;
const std::string kBase = "/api/v1/custom-connectors";
const std::string kToken = "jot_test_token_0123456789";
const std::string kApiKey = "cat_live_key_abcdef";
constexpr int kSeed = 250;  // notes and products: three pages of at most 100

std::string example_script(const std::string& name) {
  const std::string path = std::string(SCRATCH_EMULATORS_DIR) + "/../../scripts-lua/examples/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Started before scratchd (a base class is built before the fixture's own base), so its port can go into
// scratchd's SCRATCH_LUA_ALLOWED_HOSTS.
struct NotesEmulatorHolder {
  std::unique_ptr<EmulatorProcess> emu = std::make_unique<EmulatorProcess>("notes", json::object(), kSeed);
};

class LuaExamples : protected NotesEmulatorHolder, public CustomConnectorTest {
 protected:
  LuaExamples()
      : CustomConnectorTest({{"SCRATCH_LUA_ALLOWED_HOSTS", "127.0.0.1:" + std::to_string(emu->port())},
                             {"SCRATCH_LUA_TIMEOUT_MS", "10000"}}) {}

  // Creates the connector from the example file, checks validate and test, and creates an account pinned to
  // version 1; returns the account id.
  std::string account_for(const std::string& file, const json& credentials, const std::string& table) {
    const std::string script = example_script(file);
    const json created = create_connector(user, file, script);
    const std::string id = created.at("id");
    EXPECT_TRUE(created["version"]["valid"].get<bool>()) << created.dump(2);

    const json valid = user.post_ok(kBase + "/validate", {{"script", script}});
    EXPECT_TRUE(valid["valid"].get<bool>()) << valid.dump(2);
    EXPECT_TRUE(valid["errors"].empty()) << valid.dump(2);
    const json by_id = user.post_ok(kBase + "/validate", {{"connector_id", id}, {"version", 1}});
    EXPECT_TRUE(by_id["valid"].get<bool>()) << by_id.dump(2);

    const json config = {{"base_url", emu->base_url()}};
    const json report =
        user.post_ok(kBase + "/test", {{"script", script}, {"config", config}, {"credentials", credentials}});
    EXPECT_TRUE(report["ok"].get<bool>()) << report.dump(2);
    EXPECT_EQ(report["steps"].size(), 5u) << report.dump(2);
    for (std::size_t i = 0; i < 4 && i < report["steps"].size(); ++i)
      EXPECT_EQ(report["steps"][i]["status"], "ok") << report["steps"][i].dump(2);
    if (report["steps"].size() == 5u) {
      EXPECT_EQ(report["steps"][4]["status"], "skipped");
    }
    const json& read = report["steps"][3];
    EXPECT_FALSE(read["sample"]["records"].empty()) << read.dump(2);
    EXPECT_TRUE(read["sample"]["next_cursor"].is_string()) << read.dump(2);
    const json tables = report["steps"][2]["sample"]["tables"];
    bool found = false;
    for (const auto& t : tables)
      found = found || t["id"] == table;
    EXPECT_TRUE(found) << report["steps"][2].dump(2);

    const auto account = user.post("/api/v1/connector-accounts", {{"connector", "custom:" + id + "@1"},
                                                                  {"display_name", file},
                                                                  {"config", config},
                                                                  {"credentials", credentials}});
    EXPECT_EQ(account.status, 201) << account.body;
    if (account.status != 201) return "";
    const json body = json::parse(account.body);
    EXPECT_EQ(body.value("connector", ""), "custom:" + id + "@1") << account.body;
    return body["id"];
  }

  int list_requests(const std::string& path) const {
    int n = 0;
    for (const auto& r : emu->requests())
      if (r["method"] == "GET" && r["path"] == path) ++n;
    return n;
  }
};

std::map<std::string, json> by_id(const json& list) {
  std::map<std::string, json> out;
  for (const auto& item : list)
    out[std::to_string(item["id"].get<long long>())] = item;
  return out;
}

std::map<std::string, json> by_remote(const json& records) {
  std::map<std::string, json> out;
  for (const auto& r : records)
    out[r["remote_id"].get<std::string>()] = r;
  return out;
}

TEST_F(LuaExamples, NotesDownloadEditCreateDeletePublish) {
  const std::string account_id = account_for("notes.lua", {{"api_token", kToken}}, "notes");
  ASSERT_FALSE(account_id.empty());
  EXPECT_NE(
      user.post_ok("/api/v1/connector-accounts/" + account_id + "/check")["message"].get<std::string>().find(
          "Ada Lovelace"),
      std::string::npos);

  emu->reset_log();
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account_id, "notes").at("id");
  const json job = download(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump(2);
  EXPECT_GE(list_requests("/v1/notes"), 3) << emu->requests().dump();

  auto records = by_remote(all_records(user, sid, tid));
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kSeed));
  EXPECT_EQ(records["1"]["values"]["title"], "Note 0001");
  EXPECT_EQ(records["250"]["values"]["title"], "Note 0250");
  EXPECT_EQ(records["7"]["values"]["body"], nullptr);  // seeded with a null body
  EXPECT_EQ(records["2"]["values"]["body"], "Line one of note 2\nLine two");

  const json before = by_id(emu->state()["notes"]);
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kSeed));

  user.patch_ok(sync::record_path(sid, tid, sync::id_of(records["5"])),
                {{"values", {{"title", "Edited five"}}}});
  user.patch_ok(sync::record_path(sid, tid, sync::id_of(records["180"])),
                {{"values", {{"body", "A new body"}, {"pinned", true}}}});
  user.del(sync::record_path(sid, tid, sync::id_of(records["42"])));
  user.post_ok(sync::records_path(sid, tid), {{"values", {{"title", "Fresh note"}, {"pinned", false}}}}, 201);

  emu->reset_log();
  const json pub = publish(user, sid);
  ASSERT_EQ(pub.value("state", ""), "succeeded") << pub.dump(2);
  EXPECT_EQ(pub["result"].value("status", ""), "completed") << pub.dump(2);

  // Exactly: note 5 retitled, note 180's body and pin changed, note 42 gone, note 251 new; the rest
  // untouched.
  auto after = by_id(emu->state()["notes"]);
  ASSERT_EQ(after.size(), static_cast<std::size_t>(kSeed)) << "one deleted, one created";
  EXPECT_FALSE(after.count("42"));
  ASSERT_TRUE(after.count("251"));
  EXPECT_EQ(after["251"]["title"], "Fresh note");
  EXPECT_EQ(after["251"]["pinned"], false);
  json expected5 = before.at("5");
  expected5["title"] = "Edited five";
  json expected180 = before.at("180");
  expected180["body"] = "A new body";
  expected180["pinned"] = true;
  for (auto& [id, note] : after) {
    if (id == "251") continue;
    json want = id == "5" ? expected5 : id == "180" ? expected180 : before.at(id);
    if (id == "5" || id == "180") {
      EXPECT_NE(note["updated_at"], before.at(id)["updated_at"]) << id;
      want["updated_at"] = note["updated_at"];
    }
    EXPECT_EQ(note, want) << "note " << id;
  }
  // The publish sent only those writes.
  int writes = 0;
  for (const auto& r : emu->requests())
    if (r["method"] != "GET") ++writes;
  EXPECT_EQ(writes, 4) << emu->requests().dump();
}

TEST_F(LuaExamples, CatalogDownloadEditPublish) {
  const std::string account_id = account_for("catalog.lua", {{"api_key", kApiKey}}, "products");
  ASSERT_FALSE(account_id.empty());

  emu->reset_log();
  const std::string sid = create_snapshot(user);
  const std::string tid = add_table(user, sid, account_id, "products").at("id");
  const json job = download(user, sid);
  ASSERT_EQ(job.value("state", ""), "succeeded") << job.dump(2);
  EXPECT_GE(list_requests("/v1/catalog/products"), 3) << emu->requests().dump();

  auto records = by_remote(all_records(user, sid, tid));
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kSeed));
  EXPECT_EQ(records["3"]["values"]["name"], "Product 3");
  EXPECT_EQ(records["250"]["values"]["sku"], "SKU-00250");

  const json before = by_id(emu->state()["products"]);
  ASSERT_EQ(before.size(), static_cast<std::size_t>(kSeed));

  user.patch_ok(sync::record_path(sid, tid, sync::id_of(records["3"])),
                {{"values", {{"name", "Renamed 3"}}}});
  user.patch_ok(sync::record_path(sid, tid, sync::id_of(records["120"])),
                {{"values", {{"price", 99.5}, {"stock", 7}}}});
  user.patch_ok(sync::record_path(sid, tid, sync::id_of(records["249"])),
                {{"values", {{"active", false}, {"category", "garden"}}}});

  emu->reset_log();
  const json pub = publish(user, sid);
  ASSERT_EQ(pub.value("state", ""), "succeeded") << pub.dump(2);
  EXPECT_EQ(pub["result"].value("status", ""), "completed") << pub.dump(2);

  auto after = by_id(emu->state()["products"]);
  ASSERT_EQ(after.size(), static_cast<std::size_t>(kSeed));
  std::map<std::string, json> changes = {{"3", {{"name", "Renamed 3"}}},
                                         {"120", {{"price", 99.5}, {"stock", 7}}},
                                         {"249", {{"active", false}, {"category", "garden"}}}};
  for (auto& [id, product] : after) {
    json want = before.at(id);
    if (changes.count(id)) {
      want.update(changes[id]);
      EXPECT_NE(product["updated_at"], before.at(id)["updated_at"]) << id;
      want["updated_at"] = product["updated_at"];
    }
    EXPECT_EQ(product, want) << "product " << id;
  }
  EXPECT_EQ(after["120"]["stock"].type(), json::value_t::number_unsigned) << "stock stays an integer";
  int writes = 0;
  for (const auto& r : emu->requests())
    if (r["method"] == "POST" && r["path"] == "/v1/catalog/products/bulk-update") ++writes;
  EXPECT_EQ(writes, 1) << emu->requests().dump();
}

}  // namespace
}  // namespace scratch::test
