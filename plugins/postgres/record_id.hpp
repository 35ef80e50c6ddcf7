// Record ids: how a primary key value becomes the contract's string id, and back into query parameters.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace scratch::postgres {

// One key column: its value's text, e.g. "42". Several: a JSON array of the values as read returns them,
// e.g. "[\"a\",2]".
std::string make_record_id(const std::vector<std::string>& key_texts,
                           const std::vector<nlohmann::json>& key_values);

// The key values of an id as text parameters (in key order), or nullopt when the id cannot be one of
// this table's ids (wrong shape or count, null parts).
std::optional<std::vector<std::string>> parse_record_id(const nlohmann::json& id, std::size_t key_count);

}  // namespace scratch::postgres
