// Reference files and style guides (owner-only, size-capped, text only), agents reading them with the
// read_uploads capability, and @-mention search across tables, records, files and guides.
#include <gtest/gtest.h>

#include "agent_fixture.hpp"

namespace scratch::test {
namespace {

using nlohmann::json;

class AgentLibrary : public AgentTest {
 protected:
  AgentLibrary() : AgentTest({{"SCRATCH_REFERENCE_FILE_MAX_KB", "4"}}) {}
};

TEST_F(AgentLibrary, ReferenceFilesAreTextOnlyAndCapped) {
  const json file = user.post_ok("/api/v1/reference-files",
                                 {{"name", "brand.md"}, {"content", "# Brand\nUse plain words."}}, 201);
  EXPECT_EQ(file["content_type"], "text/markdown");
  EXPECT_FALSE(file.contains("content"));
  const json got = user.get_ok("/api/v1/reference-files/" + file["id"].get<std::string>());
  EXPECT_EQ(got["content"], "# Brand\nUse plain words.");
  EXPECT_EQ(user.get_ok("/api/v1/reference-files")["items"].size(), 1u);

  auto r = user.post("/api/v1/reference-files", {{"name", "big.txt"}, {"content", std::string(5000, 'x')}});
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(problem_of(r)["code"], "file_too_large");
  r = user.post("/api/v1/reference-files", {{"name", "logo.png"}, {"content", "x"}});
  EXPECT_EQ(r.status, 415) << r.body;
  r = user.post("/api/v1/reference-files", {{"name", "nul.txt"}, {"content", std::string("a\0b", 3)}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(user.get_ok("/api/v1/reference-files")["items"].size(), 1u);  // nothing else was stored

  // Another user cannot see it; an agent token cannot upload.
  const ApiUser other = sign_up_another();
  EXPECT_EQ(other.get("/api/v1/reference-files/" + file["id"].get<std::string>()).status, 404);
  EXPECT_EQ(agent({"read", "read_uploads"})
                .post("/api/v1/reference-files", {{"name", "a.md"}, {"content", "x"}})
                .status,
            403);
  user.del_ok("/api/v1/reference-files/" + file["id"].get<std::string>());
  EXPECT_TRUE(user.get_ok("/api/v1/reference-files")["items"].empty());
}

TEST_F(AgentLibrary, StyleGuidesAndAgentsReadingThem) {
  const json guide = user.post_ok(
      "/api/v1/style-guides", {{"name", "Tone"}, {"body", "Short sentences."}, {"auto_include", true}}, 201);
  EXPECT_TRUE(guide["auto_include"].get<bool>());
  EXPECT_EQ(user.post("/api/v1/style-guides", {{"name", "Tone"}, {"body", "x"}}).status, 409);
  const json patched = user.patch_ok("/api/v1/style-guides/" + guide["id"].get<std::string>(),
                                     {{"body", "Very short sentences."}});
  EXPECT_EQ(patched["body"], "Very short sentences.");
  const json file =
      user.post_ok("/api/v1/reference-files", {{"name", "facts.txt"}, {"content", "Pears are green."}}, 201);

  const ApiUser reader = agent({"read", "read_uploads"});
  const json listed = tool_ok(reader, "list_reference_files", json::object());
  EXPECT_EQ(listed["files"].size(), 1u);
  EXPECT_EQ(listed["style_guides"].size(), 1u);
  EXPECT_FALSE(listed["style_guides"][0].contains("body"));
  EXPECT_EQ(tool_ok(reader, "read_reference_file", {{"id", file["id"]}})["content"], "Pears are green.");
  EXPECT_EQ(tool_ok(reader, "read_reference_file", {{"id", guide["id"]}})["content"],
            "Very short sentences.");
  // Without read_uploads: 403.
  EXPECT_EQ(tool(agent({"read"}), "read_reference_file", {{"id", file["id"]}}).status, 403);
}

TEST_F(AgentLibrary, MentionsFindTablesRecordsAndFiles) {
  user.post_ok("/api/v1/reference-files", {{"name", "pear-facts.md"}, {"content", "x"}}, 201);
  const json found = user.get_ok(snapshot_path(s_.snapshot_id) + "/mentions?q=pear");
  std::map<std::string, int> by_type;
  for (const auto& m : found["items"])
    by_type[m["type"]]++;
  EXPECT_EQ(by_type["record"], 4) << found.dump();  // Green pear 1, 4, 7, 10 (5 per table at most)
  EXPECT_EQ(by_type["file"], 1) << found.dump();
  const json tables = user.get_ok(snapshot_path(s_.snapshot_id) + "/mentions?q=item");
  ASSERT_FALSE(tables["items"].empty()) << tables.dump();
  EXPECT_EQ(tables["items"][0]["type"], "table");
  EXPECT_EQ(user.get(snapshot_path(s_.snapshot_id) + "/mentions?q=").status, 422);
  // An agent without read_uploads does not see the owner's files in mentions.
  const json agent_found = agent({"read"}).get_ok(snapshot_path(s_.snapshot_id) + "/mentions?q=pear");
  for (const auto& m : agent_found["items"])
    EXPECT_NE(m["type"], "file");
}

}  // namespace
}  // namespace scratch::test
