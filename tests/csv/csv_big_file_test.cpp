// A ~100 MB CSV paged through the plugin's read at the maximum page size: every row arrives once, in
// order, and the process's peak memory grows by a bounded amount (the reader never holds the whole file).
#include <gtest/gtest.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>

#include "plugin_harness.hpp"
#include "support/temp_dir.hpp"

namespace scratch::csv::test {
namespace {

constexpr std::uint64_t kTargetBytes = 100ull << 20;
constexpr std::int64_t kMaxPeakGrowthKb = 64 * 1024;

// A /proc/self/status field in kB (VmHWM: peak resident set; VmRSS: current).
std::int64_t status_kb(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so earlier tests in this process cannot hide growth.
void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

// Streams rows to disk until the file reaches kTargetBytes; returns the data row count.
std::uint64_t write_big_csv(const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << "id,name,amount,active,joined,note\n";
  std::uint64_t bytes = 0;
  std::uint64_t rows = 0;
  std::string line;
  char number[24];
  while (bytes < kTargetBytes) {
    ++rows;
    line.clear();
    const auto append_number = [&](std::uint64_t n) {
      line.append(number, std::to_chars(number, number + sizeof number, n).ptr);
    };
    append_number(rows);
    line += ",name_";
    append_number(rows);
    line += ',';
    append_number(rows % 100000);
    line += ".25,";
    line += rows % 3 == 0 ? "false" : "true";
    line += ",20";
    append_number(10 + rows % 90);
    line += "-0";
    append_number(1 + rows % 9);
    line += "-1";
    append_number(rows % 9);
    // Every 10th row has a quoted note with a delimiter, doubled quotes and a line break.
    line +=
        rows % 10 == 0 ? ",\"note, with \"\"quotes\"\"\nand a second line\"\n" : ",plain note text here\n";
    out << line;
    bytes += line.size();
  }
  return rows;
}

TEST(CsvBigFileTest, PagesThrough100MbInBoundedMemory) {
  scratch::test::TempDir dir("csv-big");
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t rows = write_big_csv(dir.path() + "/v000001.csv");
  const auto t1 = std::chrono::steady_clock::now();
  const CsvAccount account(dir.path());

  const json fields = account.list_tables().body["tables"][0]["fields"];
  ASSERT_EQ(fields.size(), 6u) << fields;
  EXPECT_EQ(fields[2]["type"], "number");
  EXPECT_EQ(fields[3]["type"], "boolean");
  EXPECT_EQ(fields[4]["type"], "date");

  reset_peak_rss();
  const std::int64_t peak_before = status_kb("VmHWM");
  ASSERT_GT(peak_before, 0);

  std::uint64_t seen = 0;
  std::uint64_t pages = 0;
  json cursor = nullptr;
  do {
    const PluginReply page = account.read(cursor, 5000);
    ASSERT_TRUE(page.ok()) << page.body;
    const json& records = page.body["records"];
    ASSERT_FALSE(records.empty());
    // Spot-check order and content at each page's edges rather than every field of 1M+ rows.
    ASSERT_EQ(records.front()["id"], std::to_string(seen + 1));
    seen += records.size();
    ASSERT_EQ(records.back()["fields"]["id"], seen);
    ASSERT_EQ(records.back()["fields"]["name"], "name_" + std::to_string(seen));
    cursor = page.body["next_cursor"];
    ++pages;
  } while (!cursor.is_null());
  const auto t2 = std::chrono::steady_clock::now();
  const std::int64_t growth_kb = status_kb("VmHWM") - peak_before;

  EXPECT_EQ(seen, rows);
  EXPECT_LT(growth_kb, kMaxPeakGrowthKb) << "peak RSS grew by " << growth_kb << " kB";

  using std::chrono::duration;
  std::cout << "[ big file ] " << rows << " rows, " << pages << " pages; generate "
            << duration<double>(t1 - t0).count() << " s, read " << duration<double>(t2 - t1).count()
            << " s; peak RSS " << peak_before / 1024 << " MB -> +" << growth_kb / 1024 << " MB\n";
  RecordProperty("rows", std::to_string(rows));
  RecordProperty("peak_rss_growth_kb", std::to_string(growth_kb));
}

}  // namespace
}  // namespace scratch::csv::test
