// Each snapshot table's records live in a partition of `records` of their own (records_<table id hex>).
// A new table starts with a detached, index-free partition; its first download fills it and then attaches
// it, which builds the indexes once instead of maintaining them row by row. Anything else that writes
// records (a local create, a suggested create) attaches it first.
#pragma once

#include <pqxx/transaction_base>
#include <string>

namespace scratch::snapshots {

std::string partition_name(const std::string& table_id);

// Creates the table's (detached) partition. Inside the transaction that creates the table row.
void create_partition(pqxx::transaction_base& tx, const std::string& table_id);
bool partition_attached(pqxx::transaction_base& tx, const std::string& table_id);
// Attaches the partition (building its indexes); duplicate remote ids a source sent are merged first (the
// later copy wins). No-op when already attached.
void attach_partition(pqxx::transaction_base& tx, const std::string& table_id);
void drop_partition(pqxx::transaction_base& tx, const std::string& table_id);

}  // namespace scratch::snapshots
