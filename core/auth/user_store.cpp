#include "auth/user_store.hpp"

#include <pqxx/pqxx>
#include <regex>

namespace scratch::auth {
namespace {

constexpr const char* kColumns = "id::text, email, role, scratch_iso(created_at), password_hash";

User to_user(const pqxx::row& row) {
  return User{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
              row[3].as<std::string>(), row[4].as<std::string>()};
}

std::optional<User> one(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return to_user(r[0]);
}

}  // namespace

std::optional<User> find_user_by_email(pqxx::transaction_base& tx, const std::string& email) {
  return one(tx.exec_params(std::string("SELECT ") + kColumns + " FROM users WHERE lower(email) = lower($1)",
                            email));
}

std::optional<User> find_user_by_id(pqxx::transaction_base& tx, const std::string& id) {
  if (!is_uuid(id)) return std::nullopt;
  return one(tx.exec_params(std::string("SELECT ") + kColumns + " FROM users WHERE id = $1::uuid", id));
}

User insert_user(pqxx::transaction_base& tx, const std::string& email, const std::string& password_hash,
                 const std::string& role) {
  return to_user(
      tx.exec_params1(std::string("INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) "
                                  "RETURNING ") +
                          kColumns,
                      email, password_hash, role));
}

bool set_user_role(pqxx::transaction_base& tx, const std::string& email, const std::string& role) {
  return tx.exec_params("UPDATE users SET role = $2, updated_at = now() WHERE lower(email) = lower($1)",
                        email, role)
             .affected_rows() == 1;
}

nlohmann::json user_json(const User& user) {
  return {{"id", user.id}, {"email", user.email}, {"role", user.role}, {"created_at", user.created_at}};
}

bool is_plausible_email(const std::string& email) {
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) return false;
  const std::string domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : email) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

bool is_uuid(const std::string& text) {
  static const std::regex pattern(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return text.size() == 36 && std::regex_match(text, pattern);
}

}  // namespace scratch::auth
