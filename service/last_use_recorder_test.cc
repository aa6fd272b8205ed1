#include "service/last_use_recorder.h"

#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(MergeAddressesTest, MovesToFrontAndCaps) {
  EXPECT_EQ(MergeAddresses({}, "a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(MergeAddresses({"b", "a", "c"}, "a"),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(MergeAddresses({"a", "b", "c", "d", "e"}, "f"),
            (std::vector<std::string>{"f", "a", "b", "c", "d"}));
}

TEST(PeerAddressTest, StripsSchemeAndPort) {
  EXPECT_EQ(PeerAddress("ipv4:127.0.0.1:50432"), "127.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:50432"), "::1");
  EXPECT_EQ(PeerAddress("unix:/tmp/socket"), "unix:/tmp/socket");
}

}  // namespace
}  // namespace accesstokens
