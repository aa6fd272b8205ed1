#include "service/arena_message_allocator.h"

#include <string>

#include "accesstokens/v1/access_token_service.pb.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

using Allocator = ArenaMessageAllocator<v1::AuthenticateAccessTokenRequest,
                                        v1::AuthenticateAccessTokenResponse>;

TEST(ArenaMessageAllocatorTest, RequestAndResponseShareOneArena) {
  Allocator allocator;
  auto* holder = allocator.AllocateMessages();

  ASSERT_NE(holder->request()->GetArena(), nullptr);
  EXPECT_EQ(holder->request()->GetArena(), holder->response()->GetArena());
  holder->Release();
}

TEST(ArenaMessageAllocatorTest, KeepsResponseBeyondFirstBlock) {
  Allocator allocator;
  auto* holder = allocator.AllocateMessages();

  // 64 KiB of text needs arena blocks beyond the holder's first block.
  const std::string description(64 * 1024, 'd');
  v1::AuthenticateAccessTokenResponse* response = holder->response();
  response->mutable_access_token()->set_description(description);
  response->mutable_bot_user()->set_username("project_123_bot");

  v1::AuthenticateAccessTokenResponse copy;
  ASSERT_TRUE(copy.ParseFromString(response->SerializeAsString()));
  EXPECT_EQ(copy.access_token().description(), description);
  EXPECT_EQ(copy.bot_user().username(), "project_123_bot");
  holder->Release();
}

TEST(ArenaMessageAllocatorTest, HoldersAreIndependent) {
  Allocator allocator;
  auto* first = allocator.AllocateMessages();
  auto* second = allocator.AllocateMessages();

  first->request()->set_token("first");
  second->request()->set_token("second");
  first->Release();

  EXPECT_NE(first, second);
  EXPECT_EQ(second->request()->token(), "second");
  second->Release();
}

}  // namespace
}  // namespace accesstokens
