// Notion property types -> the server's canonical field types, and which properties can be written.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace scratch::notion {

// The canonical type of a Notion property type ("json" for the ones without a lossless match).
std::string canonical_type(const std::string& notion_type);

// Whether the API lets a client set the property (formula, rollup, created_*, last_edited_*, unique_id and
// unknown types are computed or system-owned).
bool writable(const std::string& notion_type);

// A database property schema ({"id","name","type",...}) as a table field: {id, name, type, read_only,
// options?}. The field id is the property id, which survives renames.
nlohmann::json describe_field(const nlohmann::json& property);

}  // namespace scratch::notion
