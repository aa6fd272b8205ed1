#include "service/list_queries.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(ApplyTokenFilterTest, SetsEachField) {
  TokenListQuery query;
  ASSERT_TRUE(ApplyTokenFilter(
                  "state = EXPIRED AND display_name : ci AND "
                  "create_time > \"2026-01-01T00:00:00Z\" AND "
                  "expires_on = 2027-01-31 AND last_use_time < "
                  "\"2026-11-01T10:00:00+01:00\"",
                  query)
                  .ok());
  EXPECT_EQ(query.state, TokenStateFilter::kExpired);
  EXPECT_EQ(query.display_name_contains, "ci");
  ASSERT_EQ(query.create_time.size(), 1u);
  EXPECT_EQ(query.create_time[0].comparison, Comparison::kGreater);
  EXPECT_EQ(query.create_time[0].value,
            absl::FromCivil(absl::CivilSecond(2026, 1, 1, 0, 0, 0),
                            absl::UTCTimeZone()));
  // = on a date is a range of one day.
  ASSERT_EQ(query.expires_on.size(), 2u);
  EXPECT_EQ(query.expires_on[0].value, absl::CivilDay(2027, 1, 31));
  ASSERT_EQ(query.last_use_time.size(), 1u);
  EXPECT_EQ(query.last_use_time[0].value,
            absl::FromCivil(absl::CivilSecond(2026, 11, 1, 9, 0, 0),
                            absl::UTCTimeZone()));
}

TEST(ApplyTokenFilterTest, NeverUsedAndStates) {
  TokenListQuery query;
  ASSERT_TRUE(ApplyTokenFilter("last_use_time = null", query).ok());
  EXPECT_TRUE(query.never_used);
  for (const auto& [text, state] :
       std::vector<std::pair<const char*, TokenStateFilter>>{
           {"all", TokenStateFilter::kAll},
           {"active", TokenStateFilter::kActive},
           {"Inactive", TokenStateFilter::kInactive},
           {"revoked", TokenStateFilter::kRevoked}}) {
    TokenListQuery by_state;
    ASSERT_TRUE(
        ApplyTokenFilter(absl::StrCat("state = ", text), by_state).ok());
    EXPECT_EQ(by_state.state, state) << text;
  }
}

TEST(ApplyTokenFilterTest, RejectsUnsupportedTerms) {
  struct Case {
    const char* filter;
    const char* fragment;
  };
  const Case cases[] = {
      {"scope = api", "filter field \"scope\" is not supported; use state"},
      {"state : active", "operator \":\" is not supported for state; use ="},
      {"state = gone", "\"gone\" of state is invalid"},
      {"state = active AND state = revoked", "names state twice"},
      {"display_name = ci", "use : (contains)"},
      {"create_time = \"2026-01-01T00:00:00Z\"", "use <, <=, > or >="},
      {"create_time > 2026-01-01", "RFC 3339"},
      {"expires_on > 2026-02-30", "a date YYYY-MM-DD"},
      {"last_use_time = yesterday", "null with ="},
  };
  for (const Case& c : cases) {
    TokenListQuery query;
    absl::Status status = ApplyTokenFilter(c.filter, query);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.filter;
    EXPECT_TRUE(absl::StrContains(status.message(), c.fragment))
        << c.filter << ": " << status;
  }
}

TEST(ApplyTokenOrderTest, AcceptsFieldsAndDirections) {
  struct Case {
    const char* order_by;
    TokenOrder order;
    bool descending;
  };
  const Case cases[] = {
      {"", TokenOrder::kCreateTime, false},
      {"create_time desc", TokenOrder::kCreateTime, true},
      {"expires_on", TokenOrder::kExpiresOn, false},
      {" last_use_time  desc ", TokenOrder::kLastUseTime, true},
      {"display_name asc", TokenOrder::kDisplayName, false},
  };
  for (const Case& c : cases) {
    TokenListQuery query;
    ASSERT_TRUE(ApplyTokenOrder(c.order_by, query).ok()) << c.order_by;
    EXPECT_EQ(query.order, c.order) << c.order_by;
    EXPECT_EQ(query.descending, c.descending) << c.order_by;
  }
  for (const char* bad : {"name", "create_time down", "a b c"}) {
    TokenListQuery query;
    EXPECT_EQ(ApplyTokenOrder(bad, query).code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(ApplyTokenOrderTest, RejectsOrdersAboveTheMaximumLength) {
  TokenListQuery query;
  const std::string over_long = "create_time" + std::string(60, ' ') + "desc";
  absl::Status status = ApplyTokenOrder(over_long, query);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "order_by has 75 bytes; at most 64 are allowed");
}

TEST(TokenCursorOfTest, UsesTheSortKey) {
  TokenRecord token;
  token.id = 9;
  token.display_name = "ci";
  token.expires_on = absl::CivilDay(1970, 1, 11);
  EXPECT_EQ(std::get<int64_t>(
                TokenCursorOf(token, TokenOrder::kCreateTime).sort_key),
            9);
  EXPECT_EQ(std::get<int64_t>(
                TokenCursorOf(token, TokenOrder::kExpiresOn).sort_key),
            10);
  EXPECT_EQ(std::get<int64_t>(
                TokenCursorOf(token, TokenOrder::kLastUseTime).sort_key),
            0);
  EXPECT_EQ(std::get<std::string>(
                TokenCursorOf(token, TokenOrder::kDisplayName).sort_key),
            "ci");
}

TEST(ApplyAuditFilterTest, SetsEachField) {
  AuditListQuery query;
  ASSERT_TRUE(ApplyAuditFilter("target : projects/1 AND action = "
                               "rotate_access_token AND time >= "
                               "\"2026-12-01T00:00:00Z\"",
                               query)
                  .ok());
  EXPECT_EQ(query.target_prefix, "projects/1");
  EXPECT_EQ(query.action, AuditAction::kRotateAccessToken);
  EXPECT_EQ(query.time.size(), 1u);

  AuditListQuery exact;
  ASSERT_TRUE(ApplyAuditFilter("target = \"groups/2\" AND action = "
                               "ACTION_PURGE_BOT_USER",
                               exact)
                  .ok());
  EXPECT_EQ(exact.target, "groups/2");
  EXPECT_EQ(exact.action, AuditAction::kPurgeBotUser);

  for (const char* bad : {"action = explode", "action = ACTION_UNSPECIFIED",
                          "target > x", "who = me"}) {
    AuditListQuery query;
    EXPECT_EQ(ApplyAuditFilter(bad, query).code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace accesstokens
