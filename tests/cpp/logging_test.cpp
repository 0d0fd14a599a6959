#include <aftersales/aftersales.hpp>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

namespace aftersales {
namespace {

constexpr const char* policy_text =
    R"({"schema_version": 1, "calendars": {"c": {"timezone": "UTC", "hours": "24x7"}}})";

struct Captured {
  std::mutex mutex;
  std::vector<std::pair<LogLevel, std::string>> records;
};

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    set_log_handler([this](LogLevel level, std::string_view message) {
      const std::lock_guard lock(captured_.mutex);
      captured_.records.emplace_back(level, std::string(message));
    });
  }
  void TearDown() override {
    set_log_level(LogLevel::off);
    set_log_handler({});
  }
  Captured captured_;
};

TEST_F(LoggingTest, SilentByDefault) {
  EXPECT_EQ(log_level(), LogLevel::off);
  (void)Policy::from_json(policy_text);
  EXPECT_TRUE(captured_.records.empty());
}

TEST_F(LoggingTest, HandlerReceivesRecordsAtTheChosenLevel) {
  set_log_level(LogLevel::info);
  EXPECT_EQ(log_level(), LogLevel::info);
  const auto policy = Policy::from_json(policy_text);
  (void)policy->calendar("c").is_open(parse_instant("2026-01-01T00:00:00Z"));  // a debug record: filtered
  ASSERT_EQ(captured_.records.size(), 1u);
  EXPECT_EQ(captured_.records[0].first, LogLevel::info);
  EXPECT_NE(captured_.records[0].second.find("policy loaded: 1 calendars"), std::string::npos);

  set_log_level(LogLevel::debug);
  (void)policy->calendar("c").is_open(parse_instant("2027-01-01T00:00:00Z"));
  ASSERT_EQ(captured_.records.size(), 2u);
  EXPECT_EQ(captured_.records[1].first, LogLevel::debug);
  EXPECT_NE(captured_.records[1].second.find("2027"), std::string::npos);
}

}  // namespace
}  // namespace aftersales
