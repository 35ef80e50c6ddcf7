// What the SaaS connector end-to-end tests share: the snapshot fixture (a real scratchd with every plugin in
// build/plugins, real PostgreSQL, a signed-up user) plus accounts for any connector and an emulator to point
// them at.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "snapshot_fixture.hpp"
#include "support/emulator_process.hpp"

namespace scratch::test {

class SaasTest : public SnapshotTest {
 protected:
  // Creates a connector account; returns its id ("" after a failed assertion).
  std::string create_account(const ApiUser& as, const std::string& connector, const nlohmann::json& config,
                             const nlohmann::json& credentials);
  // POST .../check: the raw answer (200 with {"ok":true,...}, or a problem+json).
  HttpResponse check_account(const ApiUser& as, const std::string& account_id);
  // GET .../tables, asserting 200.
  nlohmann::json account_tables(const ApiUser& as, const std::string& account_id);
  // The table (by connector table id) in a list_tables answer; null when absent.
  static nlohmann::json find_table(const nlohmann::json& tables, const std::string& remote_table);

  // A snapshot holding one table of the account, downloaded (asserts the job succeeded).
  struct Downloaded {
    std::string snapshot_id, table_id, records;  // records: the table's records path
    nlohmann::json job;                          // the finished download job
  };
  Downloaded download_table(const ApiUser& as, const std::string& account_id, const std::string& remote_table,
                            std::chrono::seconds timeout = std::chrono::seconds(120));

  // Record edits through the API: edit one record's fields, create one, delete one (tombstone).
  nlohmann::json edit_record(const ApiUser& as, const Downloaded& d, const std::string& record_id,
                             const nlohmann::json& fields);
  nlohmann::json create_record(const ApiUser& as, const Downloaded& d, const nlohmann::json& fields);
  void delete_record(const ApiUser& as, const Downloaded& d, const std::string& record_id);

  // The emulator tests/emulators/<service> with `knobs`, seeded with `seed` records (0: none), as emu().
  EmulatorProcess& start_service(const std::string& service,
                                 const nlohmann::json& knobs = nlohmann::json::object(), int seed = 0);
  EmulatorProcess& emu() const { return *emu_; }
  // Requests in the emulator's log (since the last reset) with this method and exact path.
  int count_requests(const std::string& method, const std::string& path) const;
  // The snapshot's record for a remote id (asserts there is one; null when not).
  nlohmann::json record_for(const Downloaded& d, const std::string& remote_id);

  // Checks the rate limit held during what the emulator logged: at most `max_per_second` requests in any
  // second and no 429 at all. Returns the emulator's stats for further checks.
  nlohmann::json expect_rate_kept(int max_per_second = 5);
  // Downloads the snapshot again while the emulator answers `knobs` (a storm of knobs["storm_429"] 429s) and
  // asserts the download waited it out: succeeded, `expected_records` records, exactly that many 429s seen.
  void expect_storm_waited_out(const Downloaded& d, std::size_t expected_records,
                               const nlohmann::json& knobs = {{"storm_429", 3}});
  // Asserts a check answered 502 connector_error with this connector error code; returns its message.
  static std::string expect_connector_error(const HttpResponse& answer, const std::string& code);

  // A list_tables table's fields are exactly `expected`: by the field's `key` ("id" or "name"), its type and
  // read_only. Fatal failures: wrap the call in ASSERT_NO_FATAL_FAILURE.
  using FieldTypes = std::map<std::string, std::pair<std::string, bool>>;
  static void expect_field_types(const nlohmann::json& table, const FieldTypes& expected,
                                 const std::string& key = "id");
  // The record ids of a publish result's failures.
  static std::set<std::string> failed_ids(const nlohmann::json& publish_result);
  // The objects of `list` by their string member `key` (emulator state indexed by id).
  static std::map<std::string, nlohmann::json> index_by(const nlohmann::json& list,
                                                        const std::string& key = "id");

  // Ids in `after` that `before` lacks (what a publish created).
  template <typename Id>
  static std::set<Id> added_ids(const std::map<Id, nlohmann::json>& before,
                                const std::map<Id, nlohmann::json>& after) {
    std::set<Id> out;
    for (const auto& [id, value] : after)
      if (!before.count(id)) out.insert(id);
    return out;
  }
  // Every entry of `before` outside `changed` is still in `after`, identical; the failure names the first
  // that is not ("<noun> <id> was not edited") with both values.
  template <typename Id>
  static ::testing::AssertionResult unchanged_except(const std::map<Id, nlohmann::json>& before,
                                                     const std::map<Id, nlohmann::json>& after,
                                                     const std::set<Id>& changed, const std::string& noun) {
    for (const auto& [id, was] : before) {
      if (changed.count(id)) continue;
      const auto it = after.find(id);
      if (it == after.end())
        return ::testing::AssertionFailure() << noun << " " << id << " was not edited but is gone";
      if (it->second.dump() != was.dump()) {
        return ::testing::AssertionFailure()
               << noun << " " << id << " was not edited\n  before: " << was.dump()
               << "\n   after: " << it->second.dump();
      }
    }
    return ::testing::AssertionSuccess();
  }

  std::unique_ptr<EmulatorProcess> emu_;
};

}  // namespace scratch::test
