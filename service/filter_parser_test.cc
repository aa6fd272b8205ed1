#include "service/filter_parser.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(ParseFilterTest, EmptyHasNoTerms) {
  EXPECT_TRUE(ParseFilter("")->empty());
  EXPECT_TRUE(ParseFilter("   ")->empty());
}

TEST(ParseFilterTest, ParsesComparisonsJoinedWithAnd) {
  absl::StatusOr<std::vector<FilterTerm>> terms = ParseFilter(
      "state = active AND display_name:\"ci \\\"main\\\"\" AND "
      "create_time >= 2026-01-01T00:00:00Z");
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->size(), 3u);
  EXPECT_EQ((*terms)[0].field, "state");
  EXPECT_EQ((*terms)[0].op, "=");
  EXPECT_EQ((*terms)[0].value, "active");
  EXPECT_EQ((*terms)[1].field, "display_name");
  EXPECT_EQ((*terms)[1].op, ":");
  EXPECT_EQ((*terms)[1].value, "ci \"main\"");
  EXPECT_EQ((*terms)[2].op, ">=");
  EXPECT_EQ((*terms)[2].value, "2026-01-01T00:00:00Z");
}

TEST(ParseFilterTest, ReadsEveryOperator) {
  for (const char* op : {"=", "!=", "<", "<=", ">", ">=", ":"}) {
    absl::StatusOr<std::vector<FilterTerm>> terms =
        ParseFilter(absl::StrCat("f", op, "v"));
    ASSERT_TRUE(terms.ok()) << op;
    EXPECT_EQ((*terms)[0].op, op);
  }
}

TEST(ParseFilterTest, RejectsMalformedFilters) {
  struct Case {
    const char* filter;
    const char* fragment;
  };
  const Case cases[] = {
      {"= active", "at character 1: expected a field name"},
      {"state active", "expected an operator"},
      {"state =", "expected a value"},
      {"state = active state = revoked", "expected AND"},
      {"state = active and x = y", "expected AND"},
      {"state = active AND", "expected a field name"},
      {"name : \"open", "expected a closing \""},
      {"a = b ANDc = d", "expected AND"},
  };
  for (const Case& c : cases) {
    absl::Status status = ParseFilter(c.filter).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.filter;
    EXPECT_TRUE(absl::StrContains(status.message(), c.fragment))
        << c.filter << ": " << status;
  }
}

TEST(ParseFilterTest, RejectsHugeFilters) {
  absl::Status status = ParseFilter(std::string(5000, 'a')).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "5000 bytes"));
}

}  // namespace
}  // namespace accesstokens
