// JSON Schemas of the snapshot API's bodies, for the OpenAPI document.
#pragma once

#include <nlohmann/json.hpp>

namespace scratch::snapshots::schemas {

nlohmann::json snapshot();
nlohmann::json table();
nlohmann::json record();
nlohmann::json record_page();
nlohmann::json values_body();
nlohmann::json list_body();
nlohmann::json job_ref();
nlohmann::json items_of(const nlohmann::json& item);
nlohmann::json object();  // a generic object (for results documented in docs/snapshots.md)

}  // namespace scratch::snapshots::schemas
