// The download reads a page's cursor, total and record count without building the page.
#include <gtest/gtest.h>

#include "snapshots/page_scan.hpp"

namespace scratch::snapshots {
namespace {

TEST(PageScan, ReadsTheTopLevelCursorTotalAndRecordCount) {
  const auto scan = scan_page(
      R"({"records": [{"id": "a", "fields": {"next_cursor": "inner", "total": 1, "x": [1, {"y": 2}]}},
                      {"id": 2, "fields": {}}],
          "total": 40, "next_cursor": "c2"})");
  ASSERT_TRUE(scan);
  EXPECT_EQ(scan->next_cursor, "c2");  // not the field of the same name inside a record
  EXPECT_EQ(scan->total, 40);
  EXPECT_EQ(scan->records, 2);
}

TEST(PageScan, LastPageAndMissingTotal) {
  const auto scan = scan_page(R"({"next_cursor": null, "records": []})");
  ASSERT_TRUE(scan);
  EXPECT_TRUE(scan->next_cursor.is_null());
  EXPECT_EQ(scan->total, -1);
  EXPECT_EQ(scan->records, 0);
  EXPECT_EQ(scan_page(R"({"records": [{}], "next_cursor": 17})")->next_cursor, 17);
}

TEST(PageScan, RefusesWhatIsNoPageAndStructuredCursors) {
  EXPECT_FALSE(scan_page("[]"));
  EXPECT_FALSE(scan_page("42"));
  EXPECT_FALSE(scan_page(R"({"records": [)"));
  EXPECT_FALSE(scan_page(R"({"records": [], "next_cursor": {"after": 3}})"));  // the caller parses these fully
}

}  // namespace
}  // namespace scratch::snapshots
