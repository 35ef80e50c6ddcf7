// check and the spec: reaching the server, and failing clearly (never echoing the password) when not.
#include <libpq-fe.h>

#include "connector_fixture.hpp"

namespace scratch::test {
namespace {

// host and port of the test cluster, read from the database URL.
std::pair<std::string, std::string> host_and_port(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error) PQfreemem(error);
  std::string host = "127.0.0.1", port = "5432";
  for (PQconninfoOption* o = options; o && o->keyword; ++o) {
    if (std::string(o->keyword) == "host" && o->val) host = o->val;
    if (std::string(o->keyword) == "port" && o->val) port = o->val;
  }
  PQconninfoFree(options);
  return {host, port};
}

TEST_F(PostgresConnectorTest, SpecDescribesTheConnector) {
  EXPECT_STREQ(plugin().descriptor().name, "postgres");
  const json spec = plugin().spec();
  EXPECT_EQ(spec["display_name"], "PostgreSQL");
  EXPECT_EQ(spec["capabilities"], json({"read", "create", "update", "delete"}));
  EXPECT_EQ(spec["limits"]["max_page_size"], 5000);
  EXPECT_EQ(spec["limits"]["max_write_batch"], 500);
  EXPECT_EQ(spec["config_schema"]["properties"]["schemas"]["default"], json({"public"}));
  EXPECT_EQ(spec["credentials_schema"]["required"], json({"connection_string"}));
}

TEST_F(PostgresConnectorTest, CheckReportsTheServerVersion) {
  const PluginReply reply = check();
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_EQ(reply.body["ok"], true);
  EXPECT_TRUE(reply.body["message"].get<std::string>().starts_with("PostgreSQL 1")) << reply.body.dump();
}

TEST_F(PostgresConnectorTest, UnreachableServerFailsWithoutThePassword) {
  const auto [host, port] = host_and_port(db_.url());
  (void)port;
  // Port 1: nothing listens there, so the connection is refused at once.
  connection_string_ = "postgresql://postgres:TopSecret123@" + host + ":1/" + db_.name();
  const PluginReply reply = check();
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "connection_failed");
  EXPECT_EQ(reply.body["retryable"], true);
  const std::string message = reply.body["message"];
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
  EXPECT_EQ(message.find("TopSecret123"), std::string::npos) << message;
}

TEST_F(PostgresConnectorTest, MalformedUriFailsWithoutThePassword) {
  // libpq quotes the whole URI in this parse error, password included.
  connection_string_ = "postgresql://postgres:TopSecret123@[::1/db";
  const PluginReply reply = check();
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "connection_failed");
  const std::string message = reply.body["message"];
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find("TopSecret123"), std::string::npos) << message;
}

TEST_F(PostgresConnectorTest, KeywordStringFailsWithoutThePassword) {
  connection_string_ = "host=127.0.0.1 port=1 user=postgres password='Top Secret' sslmode=bogus";
  const PluginReply reply = check();
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "connection_failed");
  const std::string message = reply.body["message"];
  EXPECT_NE(message.find("sslmode"), std::string::npos) << message;
  EXPECT_EQ(message.find("Top Secret"), std::string::npos) << message;
}

TEST_F(PostgresConnectorTest, UnknownRoleIsAnAuthFailure) {
  const auto [host, port] = host_and_port(db_.url());
  connection_string_ =
      "host=" + host + " port=" + port + " dbname=" + db_.name() + " user=no_such_role password=Secret99";
  const PluginReply reply = check();
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "auth_failed");
  EXPECT_EQ(reply.body["retryable"], false);
  const std::string message = reply.body["message"];
  EXPECT_NE(message.find("no_such_role"), std::string::npos) << message;
  EXPECT_EQ(message.find("Secret99"), std::string::npos) << message;
}

TEST_F(PostgresConnectorTest, MissingConnectionStringIsRejected) {
  json call = call_json(json::object());
  call["credentials"] = json::object();
  const PluginReply reply = plugin().call(&ScratchConnectorApi::check, call);
  ASSERT_FALSE(reply.ok);
  EXPECT_EQ(reply.body["code"], "invalid_credentials");
}

TEST_F(PostgresConnectorTest, ConnectsAsApplicationScratch) {
  // The default is evaluated in the connector's own session.
  sql("CREATE TABLE probe (id int PRIMARY KEY, app text DEFAULT current_setting('application_name'))");
  const PluginReply reply =
      write("public.probe", json::array({{{"op", "create"}, {"ref", "1"}, {"fields", {{"id", 1}}}}}));
  ASSERT_TRUE(reply.ok) << reply.body.dump();
  EXPECT_EQ(reply.body["results"][0]["fields"]["app"], "scratch");
}

}  // namespace
}  // namespace scratch::test
