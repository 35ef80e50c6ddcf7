// /api/v1/connector-accounts, /api/v1/uploads and /api/v1/connectors.
#pragma once

#include "accounts/account_service.hpp"
#include "auth/authenticator.hpp"
#include "connectors/connectors.hpp"
#include "http/router.hpp"
#include "uploads/upload_service.hpp"

namespace scratch::accounts {

void add_connector_routes(http::Router& router, connectors::Connectors& connectors,
                          const auth::Authenticator& authenticator);
void add_account_routes(http::Router& router, AccountService& accounts,
                        const auth::Authenticator& authenticator);
void add_upload_routes(http::Router& router, uploads::UploadService& uploads,
                       const auth::Authenticator& authenticator, std::size_t max_chunk_bytes);

}  // namespace scratch::accounts
