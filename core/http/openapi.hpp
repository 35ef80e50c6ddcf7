// Builds the OpenAPI 3.1 document from the router, so every route is documented by construction and a
// test can check the document and the router agree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "http/router.hpp"

namespace scratch::http {

nlohmann::json build_openapi(const Router& router, const std::string& version);

// Shared schemas routes refer to with {"$ref": "#/components/schemas/<Name>"}.
nlohmann::json openapi_component_schemas();

}  // namespace scratch::http
