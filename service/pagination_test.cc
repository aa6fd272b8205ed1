#include "service/pagination.h"

#include <limits>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(ResolvePageSizeTest, AppliesDefaultAndMaximum) {
  EXPECT_EQ(*ResolvePageSize(0), 20);
  EXPECT_EQ(*ResolvePageSize(1), 1);
  EXPECT_EQ(*ResolvePageSize(100), 100);
  EXPECT_EQ(*ResolvePageSize(101), 100);
  EXPECT_EQ(*ResolvePageSize(INT32_MAX), 100);
}

TEST(ResolvePageSizeTest, RejectsNegative) {
  absl::Status status = ResolvePageSize(-1).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "page_size -1 is negative; give 0 for the default of 20 or up to "
            "100");
}

TEST(PageTokenTest, RoundTripsIntegerKeys) {
  const std::string token =
      EncodePageToken("tokens\nprojects/1", PageCursor{int64_t{20270101}, 42});
  absl::StatusOr<std::optional<PageCursor>> cursor =
      DecodePageToken("tokens\nprojects/1", token);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  ASSERT_TRUE(cursor->has_value());
  EXPECT_EQ(std::get<int64_t>((*cursor)->sort_key), 20270101);
  EXPECT_EQ((*cursor)->id, 42);
}

TEST(PageTokenTest, RoundTripsStringKeys) {
  const std::string name = "ci | \n deploy\xC3\xA9";
  const std::string token =
      EncodePageToken("listing", PageCursor{name, 7});
  absl::StatusOr<std::optional<PageCursor>> cursor =
      DecodePageToken("listing", token);
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  ASSERT_TRUE(cursor->has_value());
  EXPECT_EQ(std::get<std::string>((*cursor)->sort_key), name);
  EXPECT_EQ((*cursor)->id, 7);
}

TEST(PageTokenTest, EmptyTokenStartsAtTheBeginning) {
  absl::StatusOr<std::optional<PageCursor>> cursor =
      DecodePageToken("listing", "");
  ASSERT_TRUE(cursor.ok());
  EXPECT_FALSE(cursor->has_value());
}

TEST(PageTokenTest, RejectsOtherListingsAndGarbage) {
  const std::string token =
      EncodePageToken("tokens\nprojects/1\n\n", PageCursor{int64_t{42}, 42});
  EXPECT_EQ(DecodePageToken("tokens\nprojects/2\n\n", token).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("tokens\nprojects/1\nstate = active\n", token)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* garbage : {"!!!", "dGVzdA", "cDIKYWJjCmkKMQox"}) {
    EXPECT_EQ(DecodePageToken("tokens\nprojects/1\n\n", garbage)
                  .status()
                  .code(),
              absl::StatusCode::kInvalidArgument)
        << garbage;
  }
}

TEST(PageTokenTest, RejectsTokensAboveTheMaximumLength) {
  const std::string listing = "tokens\nprojects/1";
  // The longest display name, 255 four-byte characters, as the sort key.
  std::string longest_name;
  for (int i = 0; i < 255; ++i) longest_name += "\xF0\x9F\x94\x91";
  const std::string longest = EncodePageToken(
      listing, PageCursor{longest_name, std::numeric_limits<int64_t>::max()});
  EXPECT_LE(longest.size(), kMaxPageTokenLength);
  EXPECT_TRUE(DecodePageToken(listing, longest).ok());

  const std::string over_long(kMaxPageTokenLength + 1, 'A');
  absl::Status status = DecodePageToken(listing, over_long).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(),
                                "page_token has 4097 bytes; at most 4096 are "
                                "allowed"))
      << status;
}

}  // namespace
}  // namespace accesstokens
