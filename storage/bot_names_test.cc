#include "storage/bot_names.h"

#include "gtest/gtest.h"

namespace accesstokens {
namespace {

constexpr ResourceRef kProject123{ResourceKind::kProject, 123};
constexpr ResourceRef kGroup109{ResourceKind::kGroup, 109};

TEST(BotNamesTest, ProjectSequence) {
  EXPECT_EQ(BotUsername(kProject123, 0), "project_123_bot");
  EXPECT_EQ(BotUsername(kProject123, 1), "project_123_bot1");
  EXPECT_EQ(BotUsername(kProject123, 2), "project_123_bot2");
  EXPECT_EQ(BotUsername(kProject123, 10), "project_123_bot10");
}

TEST(BotNamesTest, ProjectEmailsDropUnderscore) {
  EXPECT_EQ(BotEmail(kProject123, 0, "example.com"),
            "project123_bot@example.com");
  EXPECT_EQ(BotEmail(kProject123, 1, "example.com"),
            "project123_bot1@example.com");
  EXPECT_EQ(BotEmail(kProject123, 2, "corp.test"),
            "project123_bot2@corp.test");
}

TEST(BotNamesTest, GroupSequence) {
  EXPECT_EQ(BotUsername(kGroup109, 0), "group_109_bot");
  EXPECT_EQ(BotUsername(kGroup109, 1), "group_109_bot1");
  EXPECT_EQ(BotEmail(kGroup109, 0, "example.com"), "group_109_bot@example.com");
  EXPECT_EQ(BotEmail(kGroup109, 1, "example.com"),
            "group_109_bot1@example.com");
}

TEST(BotNamesTest, NamesOfDifferentResourcesNeverCollide) {
  // Project 12's bot 3 and project 123's first bot share their digits.
  const ResourceRef project12{ResourceKind::kProject, 12};
  EXPECT_NE(BotUsername(project12, 3), BotUsername(kProject123, 0));
  EXPECT_NE(BotEmail(project12, 3, "x.test"), BotEmail(kProject123, 0, "x.test"));
  const ResourceRef group123{ResourceKind::kGroup, 123};
  EXPECT_NE(BotUsername(group123, 0), BotUsername(kProject123, 0));
  EXPECT_NE(BotEmail(group123, 0, "x.test"), BotEmail(kProject123, 0, "x.test"));
}

}  // namespace
}  // namespace accesstokens
