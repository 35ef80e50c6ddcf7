// Property values: Notion's page property objects -> canonical values (read), and canonical values -> the
// inner value Notion takes in a create or update (write). See README.md for the table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace scratch::notion {

// A page's property object ({"id","type",<type>: value}) as the field's canonical value.
nlohmann::json decode_value(const nlohmann::json& property);

// A canonical value for a property of `notion_type` as the object to put under the property's key:
// {<type>: value}. Throws plugin::Error("invalid_value") naming `field_name` when the value cannot be
// written.
nlohmann::json encode_value(const std::string& notion_type, const nlohmann::json& value,
                            const std::string& field_name);

}  // namespace scratch::notion
