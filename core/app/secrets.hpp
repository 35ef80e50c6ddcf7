// The two server secrets: the session-token signing key and the credentials master key. With the
// embedded default they are generated once into <data dir>/secrets/; otherwise they must be given.
#pragma once

#include "app/config.hpp"

namespace scratch::app {

// Fills config.session_secret and config.master_key (as 32 raw bytes) or throws ConfigError saying
// exactly which variable is missing or malformed.
void resolve_secrets(Config& config);

}  // namespace scratch::app
