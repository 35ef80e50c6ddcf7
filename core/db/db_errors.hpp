// Tells "the database is unreachable" apart from other database errors, so the HTTP layer can answer 503.
#pragma once

#include <exception>

namespace scratch::db {

// True for lost or refused connections, server shutdown, and an exhausted pool.
bool is_unavailable_error(const std::exception& e);
// True when a statement violated a unique constraint (SQLSTATE 23505).
bool is_unique_violation(const std::exception& e);

}  // namespace scratch::db
