// What users give their agents to work from: reference files (Markdown or plain text, size-capped, stored
// in PostgreSQL) and style guides (named Markdown documents, optionally included in every agent run).
// Everything is its owner's only; another user's ids are 404.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "db/connection_pool.hpp"

namespace scratch::agent {

class ReferenceLibrary {
 public:
  ReferenceLibrary(db::ConnectionPool& pool, std::size_t max_file_bytes)
      : pool_(pool), max_file_bytes_(max_file_bytes) {}

  std::size_t max_file_bytes() const { return max_file_bytes_; }

  // name ends in .md/.markdown/.txt (or content_type says text/markdown or text/plain); UTF-8 text only.
  nlohmann::json add_file(const std::string& user_id, const std::string& name,
                          const std::string& content_type, const std::string& content);
  nlohmann::json files(const std::string& user_id);                        // without content
  nlohmann::json file(const std::string& user_id, const std::string& id);  // with content
  void remove_file(const std::string& user_id, const std::string& id);

  nlohmann::json add_guide(const std::string& user_id,
                           const nlohmann::json& body);  // {name, body, auto_include?}
  nlohmann::json guides(const std::string& user_id);
  nlohmann::json guide(const std::string& user_id, const std::string& id);
  nlohmann::json update_guide(const std::string& user_id, const std::string& id, const nlohmann::json& body);
  void remove_guide(const std::string& user_id, const std::string& id);
  // The guides to add to an agent run: the auto-included ones plus those named by id.
  nlohmann::json guides_for_run(const std::string& user_id, const nlohmann::json& ids);

 private:
  db::ConnectionPool& pool_;
  std::size_t max_file_bytes_;
};

// True for well-formed UTF-8 without NUL bytes.
bool is_text(const std::string& bytes);

}  // namespace scratch::agent
