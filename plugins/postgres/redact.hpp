// Keeps the password of a connection string out of error messages that users and logs see.
#pragma once

#include <string>

namespace scratch::postgres {

// message with every spelling of conninfo's password (as written, percent-decoded, unquoted) replaced by
// "***". libpq quotes a whole malformed URI in some parse errors, so its messages are not safe as they are.
std::string redact_password(std::string message, const std::string& conninfo);

}  // namespace scratch::postgres
