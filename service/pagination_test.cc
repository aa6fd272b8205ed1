#include "service/pagination.h"

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

TEST(PageTokenTest, RoundTrips) {
  const std::string token = EncodePageToken("projects/1|state=all", 42);
  absl::StatusOr<int64_t> last_id =
      DecodePageToken("projects/1|state=all", token);
  ASSERT_TRUE(last_id.ok()) << last_id.status();
  EXPECT_EQ(*last_id, 42);
  EXPECT_EQ(*DecodePageToken("projects/1|state=all", ""), 0);
}

TEST(PageTokenTest, RejectsOtherListingsAndGarbage) {
  const std::string token = EncodePageToken("projects/1|state=all", 42);
  EXPECT_EQ(DecodePageToken("projects/2|state=all", token).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("projects/1|state=active", token).status().code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* garbage : {"!!!", "dGVzdA", "djF8cHJvamVjdHMvMXw"}) {
    EXPECT_EQ(DecodePageToken("projects/1|state=all", garbage).status().code(),
              absl::StatusCode::kInvalidArgument)
        << garbage;
  }
}

}  // namespace
}  // namespace accesstokens
