// The shared SLA fixture set (tests/fixtures/sla, worked by hand in its README.md): every C++
// way of evaluating it gives exactly the reports in expected.jsonl, the same text the C ABI
// and Python are held to.

#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/ticket.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace aftersales;

const std::filesystem::path fixtures = std::filesystem::path(AFTERSALES_FIXTURES_DIR) / "sla";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

class SlaFixture : public ::testing::Test {
 protected:
  std::shared_ptr<const Policy> policy = Policy::from_file(fixtures / "policy.json");
  Instant at = parse_instant(lines_of(read_text(fixtures / "at.txt")).at(0));
  std::string tickets = read_text(fixtures / "tickets.jsonl");
  std::string expected = read_text(fixtures / "expected.jsonl");
};

TEST_F(SlaFixture, FilesLineUp) {
  EXPECT_EQ(format_instant(at), "2026-11-18T04:00:00Z");
  EXPECT_EQ(lines_of(tickets).size(), 9u);
  EXPECT_EQ(lines_of(expected).size(), 9u);
}

TEST_F(SlaFixture, EachTicketGivesItsExpectedReport) {
  const auto ticket_lines = lines_of(tickets);
  const auto report_lines = lines_of(expected);
  ASSERT_EQ(ticket_lines.size(), report_lines.size());
  for (std::size_t i = 0; i < ticket_lines.size(); ++i) {
    EXPECT_EQ(SlaEngine(policy).evaluate(Ticket::from_json(ticket_lines[i]), at).to_json(), report_lines[i])
        << "tickets.jsonl line " << i + 1;
  }
}

TEST_F(SlaFixture, BatchOfTicketsEqualsExpectedOnAnyNumberOfThreads) {
  std::vector<Ticket> parsed;
  for (const std::string& line : lines_of(tickets)) parsed.push_back(Ticket::from_json(line));
  const auto report_lines = lines_of(expected);
  for (const unsigned threads : {1u, 3u, 0u}) {
    const auto reports = SlaEngine(policy).evaluate(parsed, at, {.threads = threads});
    ASSERT_EQ(reports.size(), report_lines.size());
    for (std::size_t i = 0; i < reports.size(); ++i)
      EXPECT_EQ(reports[i].to_json(), report_lines[i]) << "threads " << threads << ", report " << i + 1;
  }
}

TEST_F(SlaFixture, JsonLinesEqualExpectedFileOnAnyNumberOfThreads) {
  for (const unsigned threads : {1u, 3u, 0u})
    EXPECT_EQ(SlaEngine(policy).evaluate_lines(tickets, at, {.threads = threads}), expected) << "threads " << threads;
}

}  // namespace
