#include "snapshots/record_partitions.hpp"

#include <pqxx/pqxx>

namespace scratch::snapshots {

std::string partition_name(const std::string& table_id) {
  std::string hex;
  for (char c : table_id)
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += static_cast<char>(std::tolower(c));
  return "records_" + hex;
}

void create_partition(pqxx::transaction_base& tx, const std::string& table_id) {
  const std::string name = tx.quote_name(partition_name(table_id));
  // The CHECK matches the partition bound, so attaching needs no validation scan.
  tx.exec("CREATE TABLE " + name +
          " (LIKE records INCLUDING DEFAULTS INCLUDING GENERATED, CHECK (table_id = " + tx.quote(table_id) +
          "::uuid))");
}

bool partition_attached(pqxx::transaction_base& tx, const std::string& table_id) {
  return tx.exec_params1("SELECT attached FROM snapshot_tables WHERE id = $1::uuid", table_id)[0].as<bool>();
}

void attach_partition(pqxx::transaction_base& tx, const std::string& table_id) {
  const auto row =
      tx.exec_params1("SELECT attached FROM snapshot_tables WHERE id = $1::uuid FOR UPDATE", table_id);
  if (row[0].as<bool>()) return;
  const std::string name = tx.quote_name(partition_name(table_id));
  const std::string attach =
      "ALTER TABLE records ATTACH PARTITION " + name + " FOR VALUES IN (" + tx.quote(table_id) + ")";
  try {
    pqxx::subtransaction sub(dynamic_cast<pqxx::dbtransaction&>(tx), "attach");
    sub.exec(attach);
    sub.commit();
  } catch (const pqxx::unique_violation&) {
    // The source listed a record twice: keep the copy loaded last, then attach.
    tx.exec("DELETE FROM " + name + " a USING " + name +
            " b WHERE a.remote_id = b.remote_id AND a.id < b.id");
    tx.exec(attach);
  }
  tx.exec_params("UPDATE snapshot_tables SET attached = true WHERE id = $1::uuid", table_id);
}

void drop_partition(pqxx::transaction_base& tx, const std::string& table_id) {
  // Dropping an attached partition briefly locks `records`; don't queue behind a long query forever.
  tx.exec("SET LOCAL lock_timeout = '10s'");
  tx.exec("DROP TABLE IF EXISTS " + tx.quote_name(partition_name(table_id)));
}

}  // namespace scratch::snapshots
