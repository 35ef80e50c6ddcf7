// SQL for the users table. Every function runs inside the caller's transaction.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/transaction_base>
#include <string>

namespace scratch::auth {

struct User {
  std::string id;
  std::string email;
  std::string role;
  std::string created_at;
  std::string password_hash;
};

std::optional<User> find_user_by_email(pqxx::transaction_base& tx, const std::string& email);
std::optional<User> find_user_by_id(pqxx::transaction_base& tx, const std::string& id);
// Throws pqxx::unique_violation when the email (case-insensitively) is taken.
User insert_user(pqxx::transaction_base& tx, const std::string& email, const std::string& password_hash,
                 const std::string& role);
bool set_user_role(pqxx::transaction_base& tx, const std::string& email, const std::string& role);

// The public view of a user (never the password hash).
nlohmann::json user_json(const User& user);

// Plausible email: one '@', non-empty local part, a dot in the domain, no spaces or control characters.
bool is_plausible_email(const std::string& email);
bool is_uuid(const std::string& text);

}  // namespace scratch::auth
