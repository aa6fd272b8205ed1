#include "service/token_filter.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(ParseTokenFilterTest, AcceptsStates) {
  struct Case {
    const char* filter;
    TokenStateFilter state;
  };
  const Case cases[] = {
      {"", TokenStateFilter::kAll},
      {"  ", TokenStateFilter::kAll},
      {"state = all", TokenStateFilter::kAll},
      {"state=active", TokenStateFilter::kActive},
      {"state = ACTIVE", TokenStateFilter::kActive},
      {" state =  Inactive ", TokenStateFilter::kInactive},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TokenFilter> filter = ParseTokenFilter(c.filter);
    ASSERT_TRUE(filter.ok()) << c.filter << ": " << filter.status();
    EXPECT_EQ(filter->state, c.state) << c.filter;
  }
}

TEST(ParseTokenFilterTest, EqualFiltersShareCanonicalForm) {
  EXPECT_EQ(ParseTokenFilter("state=active")->canonical,
            ParseTokenFilter(" state = ACTIVE")->canonical);
  EXPECT_EQ(ParseTokenFilter("")->canonical,
            ParseTokenFilter("state = all")->canonical);
}

TEST(ParseTokenFilterTest, RejectsOtherFilters) {
  for (const char* text : {"state", "state = revoked", "name = ci",
                           "state != active", "state = active AND x"}) {
    absl::Status status = ParseTokenFilter(text).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(absl::StrContains(status.message(), text)) << status;
  }
}

}  // namespace
}  // namespace accesstokens
