// Tests of column type inference and the value tests behind it.
#include "type_inference.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scratch::csv {
namespace {

TEST(TypeInferenceTest, NumberSyntax) {
  for (const char* yes : {"0", "7", "-7", "12345", "0.5", "-0.25", "10.50", "123456789012345678", "1.25"}) {
    EXPECT_TRUE(is_number(yes)) << yes;
  }
  for (const char* no : {"", "-", "007", "00", "01.5", "-01", "1.", ".5", "1e5", "+1", "1,000", " 1", "1 ",
                         "0x10", "1.2.3", "NaN", "inf", "1234567890123456789", "0.1234567890123456"}) {
    EXPECT_FALSE(is_number(no)) << no;
  }
}

TEST(TypeInferenceTest, DateSyntaxAndCalendar) {
  for (const char* yes : {"2024-01-31", "2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01"}) {
    EXPECT_TRUE(is_date(yes)) << yes;
  }
  for (const char* no : {"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
                         "2024-1-01", "24-01-01", "2024/01/01", "2024-01-01T00:00", ""}) {
    EXPECT_FALSE(is_date(no)) << no;
  }
}

TEST(TypeInferenceTest, BooleansAnyCase) {
  EXPECT_EQ(parse_boolean("true"), true);
  EXPECT_EQ(parse_boolean("TRUE"), true);
  EXPECT_EQ(parse_boolean("False"), false);
  EXPECT_EQ(parse_boolean("yes"), std::nullopt);
  EXPECT_EQ(parse_boolean("1"), std::nullopt);
  EXPECT_EQ(parse_boolean("true "), std::nullopt);
}

struct ColumnCase {
  const char* name;
  std::vector<std::string> values;
  ColumnType expected;
};

TEST(TypeInferenceTest, InfersColumnTypes) {
  const ColumnCase cases[] = {
      {"integers", {"1", "2", "-3"}, ColumnType::kNumber},
      {"decimals", {"1.5", "0.25", "3"}, ColumnType::kNumber},
      {"zip_codes_stay_text", {"007", "12345"}, ColumnType::kText},
      {"one_leading_zero_is_enough", {"1", "2", "02"}, ColumnType::kText},
      {"mixed_number_and_word", {"1", "two"}, ColumnType::kText},
      {"mixed_number_and_date", {"1", "2024-01-01"}, ColumnType::kText},
      {"mixed_bool_and_number", {"true", "1"}, ColumnType::kText},
      {"booleans", {"true", "FALSE", "True"}, ColumnType::kBoolean},
      {"dates", {"2024-01-01", "1999-12-31"}, ColumnType::kDate},
      {"invalid_date_makes_text", {"2024-01-01", "2024-02-30"}, ColumnType::kText},
      {"empties_ignored_number", {"", "1", "", "2"}, ColumnType::kNumber},
      {"empties_ignored_bool", {"true", ""}, ColumnType::kBoolean},
      {"empties_ignored_date", {"", "2024-03-01"}, ColumnType::kDate},
      {"all_empty_is_text", {"", ""}, ColumnType::kText},
      {"no_rows_is_text", {}, ColumnType::kText},
      {"words", {"a", "b"}, ColumnType::kText},
  };
  for (const ColumnCase& c : cases) {
    TypeInference inference(1);
    for (const std::string& v : c.values)
      inference.add({v});
    EXPECT_EQ(inference.types(), std::vector<ColumnType>{c.expected}) << c.name;
  }
}

TEST(TypeInferenceTest, ColumnsAreIndependent) {
  TypeInference inference(4);
  inference.add({"1", "true", "2024-01-01", "x"});
  inference.add({"2", "false", "", "y"});
  EXPECT_EQ(inference.types(), (std::vector<ColumnType>{ColumnType::kNumber, ColumnType::kBoolean,
                                                        ColumnType::kDate, ColumnType::kText}));
}

TEST(TypeInferenceTest, TypeNames) {
  EXPECT_STREQ(column_type_name(ColumnType::kNumber), "number");
  EXPECT_STREQ(column_type_name(ColumnType::kBoolean), "boolean");
  EXPECT_STREQ(column_type_name(ColumnType::kDate), "date");
  EXPECT_STREQ(column_type_name(ColumnType::kText), "text");
}

}  // namespace
}  // namespace scratch::csv
