// ListAccessTokens filters and orders, and ListAuditEvents paging, against
// the real server binary.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ServerProcessTest;
using Stub = v1::AccessTokenService::Stub;

class ListingTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateProject(1).ok());
    const std::pair<const char*, int> tokens[] = {
        {"deploy", 30}, {"ci-main", 10}, {"CI-nightly", 20}, {"backup", 40}};
    for (const auto& [name, days] : tokens) {
      ASSERT_TRUE(api_->CreateToken("projects/1", name, {v1::SCOPE_API},
                                    FormatDate(TodayUtc() + days))
                      .ok());
    }
  }

  // Returns the display names of every page of the listing.
  std::vector<std::string> ListAll(const std::string& filter,
                                   const std::string& order_by,
                                   int page_size = 1) {
    std::vector<std::string> names;
    v1::ListAccessTokensRequest request;
    request.set_parent("projects/1");
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    for (int pages = 0; pages < 20; ++pages) {
      auto page = api_->Call(&Stub::ListAccessTokens, request);
      EXPECT_TRUE(page.ok()) << page.status;
      for (const v1::AccessToken& token : page.response.access_tokens()) {
        names.push_back(token.display_name());
      }
      if (page.response.next_page_token().empty()) break;
      request.set_page_token(page.response.next_page_token());
    }
    return names;
  }
};

TEST_F(ListingTest, OrdersPageThroughEveryToken) {
  EXPECT_EQ(ListAll("", ""),
            (std::vector<std::string>{"deploy", "ci-main", "CI-nightly",
                                      "backup"}));
  EXPECT_EQ(ListAll("", "create_time desc"),
            (std::vector<std::string>{"backup", "CI-nightly", "ci-main",
                                      "deploy"}));
  EXPECT_EQ(ListAll("", "expires_on"),
            (std::vector<std::string>{"ci-main", "CI-nightly", "deploy",
                                      "backup"}));
  EXPECT_EQ(ListAll("", "display_name desc"),
            (std::vector<std::string>{"deploy", "ci-main", "backup",
                                      "CI-nightly"}));
}

TEST_F(ListingTest, FiltersCombineWithAnd) {
  EXPECT_EQ(ListAll("display_name : \"ci\"", "", 10),
            (std::vector<std::string>{"ci-main", "CI-nightly"}));
  EXPECT_EQ(ListAll(absl::StrCat("expires_on <= \"",
                                 FormatDate(TodayUtc() + 20), "\""),
                    "", 10),
            (std::vector<std::string>{"ci-main", "CI-nightly"}));
  EXPECT_EQ(ListAll(absl::StrCat("display_name : ci AND expires_on > ",
                                 FormatDate(TodayUtc() + 10)),
                    "", 10),
            (std::vector<std::string>{"CI-nightly"}));
  EXPECT_EQ(ListAll("create_time > \"2000-01-01T00:00:00Z\" AND state = "
                    "active",
                    "", 10)
                .size(),
            4u);
  EXPECT_TRUE(ListAll("create_time < \"2000-01-01T00:00:00Z\"", "", 10)
                  .empty());
}

TEST_F(ListingTest, UnsupportedFiltersNameTheProblem) {
  struct Case {
    const char* filter;
    const char* fragment;
  };
  const Case cases[] = {
      {"owner = me", "filter field \"owner\" is not supported"},
      {"state != active", "operator \"!=\" is not supported for state"},
      {"create_time > yesterday", "\"yesterday\" of create_time is invalid"},
      {"expires_on < 2027-13-01", "of expires_on is invalid"},
      {"state = active OR state = revoked", "expected AND"},
      {"display_name : \"unclosed", "closing \""},
      {"state active", "expected an operator"},
  };
  for (const Case& c : cases) {
    auto listed = api_->ListTokens("projects/1", c.filter);
    EXPECT_EQ(listed.code(), grpc::StatusCode::INVALID_ARGUMENT) << c.filter;
    EXPECT_TRUE(absl::StrContains(listed.message(), c.fragment))
        << c.filter << ": " << listed.message();
  }

  v1::ListAccessTokensRequest request;
  request.set_parent("projects/1");
  request.set_order_by("owner");
  auto ordered = api_->Call(&Stub::ListAccessTokens, request);
  EXPECT_EQ(ordered.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(ordered.message(), "order_by \"owner\""));
}

TEST_F(ListingTest, PageTokenBelongsToItsOrder) {
  v1::ListAccessTokensRequest request;
  request.set_parent("projects/1");
  request.set_order_by("display_name");
  request.set_page_size(1);
  auto first = api_->Call(&Stub::ListAccessTokens, request);
  ASSERT_TRUE(first.ok());
  request.set_page_token(first.response.next_page_token());
  request.set_order_by("expires_on");
  auto mixed = api_->Call(&Stub::ListAccessTokens, request);
  EXPECT_EQ(mixed.code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ListingTest, AuditEventsPageNewestFirst) {
  std::vector<std::string> seen;
  std::string page_token;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = api_->ListAuditEvents("", 2, page_token);
    ASSERT_TRUE(page.ok()) << page.status;
    for (const v1::AuditEvent& event : page.response.audit_events()) {
      seen.push_back(event.name());
    }
    page_token = page.response.next_page_token();
    if (page_token.empty()) break;
  }
  // The project and four tokens.
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen.front(), "auditEvents/5");
  EXPECT_EQ(seen.back(), "auditEvents/1");

  auto bad = api_->ListAuditEvents("actor = 1");
  EXPECT_EQ(bad.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(bad.message(), "use target, action or time"));
}

}  // namespace
}  // namespace accesstokens
