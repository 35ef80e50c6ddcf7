// What the SaaS connector end-to-end tests share: the snapshot fixture (a real scratchd with every plugin in
// build/plugins, real PostgreSQL, a signed-up user) plus accounts for any connector and an emulator to point
// them at.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

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
};

}  // namespace scratch::test
