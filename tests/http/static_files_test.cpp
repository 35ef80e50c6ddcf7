// The web console's file serving: files by path with their types and cache rules, the app's index.html for
// its own routes, and nothing outside the folder or under the server's paths.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "http/static_files.hpp"

namespace scratch::http {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() / ("static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "assets");
    write(root_ / "index.html", "<html>app</html>");
    write(root_ / "assets" / "app-1234.js", "console.log(1)");
    write(root_ / ".env", "SECRET=1");
    write(root_.parent_path() / ("outside-" + std::to_string(::getpid()) + ".txt"), "outside");
  }
  void TearDown() override {
    std::filesystem::remove_all(root_);
    std::filesystem::remove(root_.parent_path() / ("outside-" + std::to_string(::getpid()) + ".txt"));
  }
  static void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }
  std::optional<Response> get(const std::string& path, const std::string& method = "GET") const {
    Request r;
    r.method = method;
    r.path = path;
    return StaticFiles(root_).serve(r);
  }
  static std::string header(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, ServesFilesAndTheAppForItsRoutes) {
  auto r = get("/assets/app-1234.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->file_path, (root_ / "assets" / "app-1234.js").string());
  EXPECT_EQ(r->content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(header(*r, "Cache-Control").find("immutable"), std::string::npos);
  EXPECT_NE(header(*r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  for (const std::string path : {"/", "/snapshots/123", "/custom-connectors/abc/edit"}) {
    r = get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->file_path, (root_ / "index.html").string()) << path;
    EXPECT_EQ(header(*r, "Cache-Control"), "no-cache") << path;
  }
}

TEST_F(StaticFilesTest, RefusesWhatIsNotTheConsoles) {
  EXPECT_FALSE(get("/api/v1/nope"));
  EXPECT_FALSE(get("/mcp"));
  EXPECT_FALSE(get("/healthz"));
  EXPECT_FALSE(get("/metrics"));
  EXPECT_FALSE(get("/", "POST"));
  EXPECT_FALSE(get("/assets/missing-9999.js")) << "a stale bundle name must not get HTML";
  // Nothing outside the folder, no dotfiles, however it is spelled: at most the app itself.
  const std::string outside = "outside-" + std::to_string(::getpid()) + ".txt";
  for (const std::string& path : {"/../" + outside, "/%2e%2e/" + outside, "/assets/..%2f..%2f" + outside,
                                  std::string("/.env"), std::string("/assets/%2e%2e/.env")}) {
    const auto r = get(path);
    if (r) {
      EXPECT_EQ(r->file_path, (root_ / "index.html").string()) << path;
    }
  }
  // Without a built console, nothing is served (the API's 404 stands).
  std::filesystem::remove(root_ / "index.html");
  EXPECT_FALSE(get("/"));
}

}  // namespace
}  // namespace scratch::http
