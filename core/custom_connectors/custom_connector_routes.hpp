// /api/v1/custom-connectors: the AI builder's API (create, versions, validate, test, contract).
#pragma once

#include "auth/authenticator.hpp"
#include "custom_connectors/custom_connector_service.hpp"
#include "http/router.hpp"

namespace scratch::custom_connectors {

void add_custom_connector_routes(http::Router& router, CustomConnectorService& service,
                                 const auth::Authenticator& authenticator);

}  // namespace scratch::custom_connectors
