#include "service/sweep_schedule.h"

#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(SweepScheduleTest, FirstSweepAfterFirstSize) {
  SweepSchedule schedule(100);
  EXPECT_FALSE(schedule.Due(100));
  EXPECT_TRUE(schedule.Due(101));
}

TEST(SweepScheduleTest, NextSweepAtTwiceWhatWasLeft) {
  SweepSchedule schedule(100);
  schedule.Swept(80);
  EXPECT_FALSE(schedule.Due(160));
  EXPECT_TRUE(schedule.Due(161));
}

TEST(SweepScheduleTest, NeverBelowFirstSize) {
  SweepSchedule schedule(100);
  schedule.Swept(10);
  EXPECT_FALSE(schedule.Due(100));
  EXPECT_TRUE(schedule.Due(101));
}

}  // namespace
}  // namespace accesstokens
