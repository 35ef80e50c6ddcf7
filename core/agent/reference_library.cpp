#include "agent/reference_library.hpp"

#include <pqxx/pqxx>

#include "auth/user_store.hpp"
#include "db/transaction.hpp"
#include "http/problem.hpp"
#include "http/validation.hpp"

namespace scratch::agent {
namespace {

using nlohmann::json;

constexpr const char* kFileColumns = "id::text, name, content_type, bytes, scratch_iso(created_at)";
constexpr const char* kGuideColumns =
    "id::text, name, body, auto_include, scratch_iso(created_at), scratch_iso(updated_at)";

json file_json(const pqxx::row& r) {
  return {{"id", r[0].as<std::string>()},
          {"name", r[1].as<std::string>()},
          {"content_type", r[2].as<std::string>()},
          {"bytes", r[3].as<long long>()},
          {"created_at", r[4].as<std::string>()}};
}

json guide_json(const pqxx::row& r) {
  return {{"id", r[0].as<std::string>()},         {"name", r[1].as<std::string>()},
          {"body", r[2].as<std::string>()},       {"auto_include", r[3].as<bool>()},
          {"created_at", r[4].as<std::string>()}, {"updated_at", r[5].as<std::string>()}};
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

http::ApiError guide_name_taken(const std::string& name) {
  return http::ApiError(409, "name_taken", "Name already used", "a style guide named '" + name + "' exists");
}

}  // namespace

bool is_text(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) return false;
    for (int k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += 1 + extra;
  }
  return true;
}

json ReferenceLibrary::add_file(const std::string& user_id, const std::string& name,
                                const std::string& content_type, const std::string& content) {
  if (name.empty() || name.size() > 200 || name.find('/') != std::string::npos)
    throw http::errors::validation("name", "must be a file name of 1 to 200 characters without '/'");
  std::string type = content_type.substr(0, content_type.find(';'));
  if (ends_with(name, ".md") || ends_with(name, ".markdown"))
    type = "text/markdown";
  else if (ends_with(name, ".txt"))
    type = "text/plain";
  if (type != "text/markdown" && type != "text/plain")
    throw http::ApiError(415, "unsupported_file_type", "Only Markdown and text files",
                         "reference files are Markdown (.md) or plain text (.txt); got '" + name + "'" +
                             (content_type.empty() ? "" : " (" + content_type + ")"));
  if (content.size() > max_file_bytes_)
    throw http::ApiError(413, "file_too_large", "Reference file too large",
                         "the file is " + std::to_string(content.size()) + " bytes; the limit is " +
                             std::to_string(max_file_bytes_))
        .with("limit_bytes", max_file_bytes_);
  if (!is_text(content))
    throw http::ApiError(422, "not_text", "Not a text file",
                         "the file is not UTF-8 text (or contains NUL bytes)");
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    return file_json(
        tx.exec_params1(std::string("INSERT INTO reference_files (user_id, name, content_type, "
                                    "content, bytes) VALUES ($1::uuid, $2, $3, $4, $5) RETURNING ") +
                            kFileColumns,
                        user_id, name, type, content, static_cast<long long>(content.size())));
  });
}

json ReferenceLibrary::files(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    for (const auto& r :
         tx.exec_params(std::string("SELECT ") + kFileColumns +
                            " FROM reference_files WHERE user_id = $1::uuid ORDER BY created_at, id",
                        user_id))
      items.push_back(file_json(r));
    return json{{"items", items}};
  });
}

json ReferenceLibrary::file(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("reference file " + id);
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto rows =
        tx.exec_params(std::string("SELECT ") + kFileColumns +
                           ", content FROM reference_files WHERE id = $1::uuid AND user_id = $2::uuid",
                       id, user_id);
    if (rows.empty()) throw http::errors::not_found("reference file " + id);
    json out = file_json(rows[0]);
    out["content"] = rows[0][5].as<std::string>();
    return out;
  });
}

void ReferenceLibrary::remove_file(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("reference file " + id);
  const bool gone = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params("DELETE FROM reference_files WHERE id = $1::uuid AND user_id = $2::uuid", id,
                          user_id)
               .affected_rows() == 1;
  });
  if (!gone) throw http::errors::not_found("reference file " + id);
}

json ReferenceLibrary::add_guide(const std::string& user_id, const json& body) {
  http::FieldReader f(body);
  f.allow_only({"name", "body", "auto_include"});
  const std::string name = f.required_string("name", 1, 200);
  const std::string text = f.required_string("body", 0, max_file_bytes_);
  if (body.contains("auto_include") && !body["auto_include"].is_boolean())
    f.fail("auto_include", "must be a boolean");
  f.finish();
  const bool auto_include = body.value("auto_include", false);
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    const auto rows =
        tx.exec_params(std::string("INSERT INTO style_guides (user_id, name, body, auto_include) "
                                   "VALUES ($1::uuid, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING ") +
                           kGuideColumns,
                       user_id, name, text, auto_include);
    if (rows.empty()) throw guide_name_taken(name);
    return guide_json(rows[0]);
  });
}

json ReferenceLibrary::guides(const std::string& user_id) {
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    for (const auto& r : tx.exec_params(std::string("SELECT ") + kGuideColumns +
                                            " FROM style_guides WHERE user_id = $1::uuid ORDER BY name, id",
                                        user_id))
      items.push_back(guide_json(r));
    return json{{"items", items}};
  });
}

json ReferenceLibrary::guide(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("style guide " + id);
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    const auto rows = tx.exec_params(std::string("SELECT ") + kGuideColumns +
                                         " FROM style_guides WHERE id = $1::uuid AND user_id = $2::uuid",
                                     id, user_id);
    if (rows.empty()) throw http::errors::not_found("style guide " + id);
    return guide_json(rows[0]);
  });
}

json ReferenceLibrary::update_guide(const std::string& user_id, const std::string& id, const json& body) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("style guide " + id);
  http::FieldReader f(body);
  f.allow_only({"name", "body", "auto_include"});
  const auto name = f.optional_string("name", 1, 200);
  const auto text = f.optional_string("body", 0, max_file_bytes_);
  if (body.contains("auto_include") && !body["auto_include"].is_boolean())
    f.fail("auto_include", "must be a boolean");
  f.finish();
  return db::with_transaction(pool_, [&](pqxx::work& tx) {
    if (name && !tx.exec_params(
                       "SELECT 1 FROM style_guides WHERE user_id = $1::uuid AND name = $2 AND id <> $3::uuid",
                       user_id, *name, id)
                     .empty())
      throw guide_name_taken(*name);
    const auto rows = tx.exec_params(
        std::string("UPDATE style_guides SET name = COALESCE($3, name), body = COALESCE($4, body), "
                    "auto_include = COALESCE($5, auto_include), updated_at = now() "
                    "WHERE id = $1::uuid AND user_id = $2::uuid RETURNING ") +
            kGuideColumns,
        id, user_id, name, text,
        body.contains("auto_include") ? std::optional<bool>(body["auto_include"].get<bool>()) : std::nullopt);
    if (rows.empty()) throw http::errors::not_found("style guide " + id);
    return guide_json(rows[0]);
  });
}

void ReferenceLibrary::remove_guide(const std::string& user_id, const std::string& id) {
  if (!auth::is_uuid(id)) throw http::errors::not_found("style guide " + id);
  const bool gone = db::with_transaction(pool_, [&](pqxx::work& tx) {
    return tx.exec_params("DELETE FROM style_guides WHERE id = $1::uuid AND user_id = $2::uuid", id, user_id)
               .affected_rows() == 1;
  });
  if (!gone) throw http::errors::not_found("style guide " + id);
}

json ReferenceLibrary::guides_for_run(const std::string& user_id, const json& ids) {
  std::vector<std::string> wanted;
  if (ids.is_array()) {
    for (const auto& i : ids) {
      if (!i.is_string() || !auth::is_uuid(i.get<std::string>()))
        throw http::errors::validation("style_guide_ids", "must be an array of style guide ids");
      wanted.push_back(i.get<std::string>());
    }
  }
  return db::with_read(pool_, [&](pqxx::read_transaction& tx) {
    json items = json::array();
    std::string list = "{";
    for (std::size_t i = 0; i < wanted.size(); ++i)
      list += (i ? "," : "") + wanted[i];
    list += "}";
    for (const auto& r :
         tx.exec_params(std::string("SELECT ") + kGuideColumns +
                            " FROM style_guides WHERE user_id = $1::uuid AND (auto_include OR id = "
                            "ANY($2::uuid[])) ORDER BY name, id",
                        user_id, list))
      items.push_back(guide_json(r));
    // A named guide that is not the user's is a client error, not silently skipped.
    for (const auto& w : wanted) {
      bool found = false;
      for (const auto& g : items)
        found = found || g["id"] == w;
      if (!found) throw http::errors::not_found("style guide " + w);
    }
    return items;
  });
}

}  // namespace scratch::agent
