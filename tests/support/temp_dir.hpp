// A uniquely named temporary directory that is deleted recursively when it goes out of scope.
#pragma once

#include <string>
#include <string_view>

namespace scratch::test {

class TempDir {
 public:
  // Created under $TMPDIR (or /tmp) as <prefix>-XXXXXX; throws std::runtime_error on failure.
  explicit TempDir(std::string_view prefix = "scratch-test");
  ~TempDir();  // best effort: errors are ignored so destructors never throw

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace scratch::test
