// Streamed JSON Lines (docs/performance.md, "Streaming JSON Lines"): whatever the block size, the
// stream overloads give what the whole-text calls give (lines numbered through the whole stream,
// blank lines, CRLF, a last line without '\n', a line over a ticket's limit), the reader never
// holds more than its bound, and SLA reports are written before the stream has been read.

#include <aftersales/batch.hpp>
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/sla.hpp>
#include <aftersales/values.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "batch/line_blocks.hpp"

namespace {

using namespace aftersales;

std::shared_ptr<const Policy> marketplace() {
  return Policy::from_file(std::filesystem::path(AFTERSALES_EXAMPLES_DIR) / "policies" / "cn-marketplace.json");
}

// The example's 12 tickets, `copies` times over.
std::vector<std::string> ticket_lines(std::size_t copies) {
  std::ifstream in(std::filesystem::path(AFTERSALES_EXAMPLES_DIR) / "tickets" / "double11.jsonl");
  std::vector<std::string> one;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) one.push_back(line);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < copies; ++i) lines.insert(lines.end(), one.begin(), one.end());
  return lines;
}

// Every awkward shape a JSON Lines file may take: blank lines (empty, spaces), CRLF line ends,
// bad lines, and a last line without '\n'.
std::string awkward_text(const std::vector<std::string>& lines, bool with_bad_lines) {
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    text += lines[i];
    text += i % 5 == 1 ? "\r\n" : "\n";
    if (i % 7 == 3) text += "\n  \t\n";
    if (with_bad_lines && i % 97 == 50) text += "{\"id\": \"bad\"}\n";
  }
  text += lines.front();  // no final newline
  return text;
}

const Instant at = parse_instant("2026-11-12T12:00:00+08:00");

std::string streamed_sla(const SlaEngine& engine, const std::string& text, const BatchOptions& options) {
  std::istringstream in(text);
  std::ostringstream out;
  engine.evaluate_lines(in, out, at, options);
  return out.str();
}

KpiResult streamed_kpi(const KpiEngine& engine, const std::string& text, const KpiOptions& kpi,
                       const BatchOptions& options) {
  std::istringstream in(text);
  return engine.compute_lines(in, at, kpi, {}, options);
}

// ---- the reader -------------------------------------------------------------------------------

// Lines: 1 "a", 2 "", 3 "  ", 4 "b\r", 5 "bad", 6 "", 7 "c" (no final newline).
TEST(LineBlocks, GiveTheLinesOfTheWholeTextWhateverTheBlockSize) {
  const std::string text = "a\n\n  \nb\r\nbad\n\nc";
  const auto whole = batch::non_blank_lines(text, 41);
  for (std::size_t block = 1; block <= text.size() + 1; ++block) {
    std::istringstream in(text);
    batch::LineBlocks blocks(in, block, 1000, 41);
    std::vector<std::pair<std::size_t, std::string>> got;
    for (auto lines = blocks.next(); !lines.empty(); lines = blocks.next())
      for (const batch::Line& line : lines) got.emplace_back(line.number, std::string(line.text));
    ASSERT_EQ(got.size(), whole.size()) << "block " << block;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].first, whole[i].number) << "block " << block;
      EXPECT_EQ(got[i].second, whole[i].text) << "block " << block;
    }
    EXPECT_EQ(blocks.position(), text.size());
  }
}

// A line over max_line_bytes (10) that no block holds whole is given unread with its size (one
// that a block holds is given as it is, for the engine to refuse); a blank one, however long, is
// skipped as in a whole text. Lines: 1 "a", 2 25 x's, 3 "b", 4 30 spaces, 5 "c".
TEST(LineBlocks, GiveALineOverTheLimitUnreadWithItsSize) {
  const std::string x25(25, 'x');
  const std::string text = "a\n" + x25 + "\nb\n" + std::string(30, ' ') + "\nc";
  for (const std::size_t block : {1u, 4u, 16u, 100u}) {
    std::istringstream in(text);
    batch::LineBlocks blocks(in, block, 10, 1);
    std::vector<std::tuple<std::size_t, std::string, std::size_t>> got;  // number, text, oversized
    for (auto lines = blocks.next(); !lines.empty(); lines = blocks.next())
      for (const batch::Line& line : lines) got.emplace_back(line.number, line.text, line.oversized);
    // Blocks of 1, 4 and 16 bytes end before the line does (it starts at byte 2); 100 holds it.
    const auto line2 = block < 100 ? std::tuple<std::size_t, std::string, std::size_t>{2, "", 25}
                                   : std::tuple<std::size_t, std::string, std::size_t>{2, x25, 0};
    const std::vector<std::tuple<std::size_t, std::string, std::size_t>> expected{
        {1, "a", 0}, line2, {3, "b", 0}, {5, "c", 0}};
    EXPECT_EQ(got, expected) << "block " << block;
    // At most a block, or a line at the limit and one piece read past it (a piece is at most a block).
    EXPECT_LE(blocks.largest_held(), std::max<std::size_t>(block, 10 + std::min<std::size_t>(block, 64 << 10)));
  }
}

// 20,000 lines of 100 bytes (2 MB) through blocks of 4 KiB: the reader never holds more than a
// block and a piece, and the lines come whole and in order.
TEST(LineBlocks, HoldAtMostABlockWhateverTheStreamSize) {
  std::string text;
  for (int i = 0; i < 20'000; ++i) {
    std::string line = std::to_string(i);
    text += line + std::string(99 - line.size(), '.') + "\n";
  }
  std::istringstream in(text);
  batch::LineBlocks blocks(in, 4096, 1000, 1);
  std::size_t count = 0;
  for (auto lines = blocks.next(); !lines.empty(); lines = blocks.next())
    for (const batch::Line& line : lines) {
      ASSERT_EQ(line.number, count + 1);
      ASSERT_EQ(line.text.size(), 99u);
      ASSERT_EQ(std::stoul(std::string(line.text)), count);
      ++count;
    }
  EXPECT_EQ(count, 20'000u);
  EXPECT_LE(blocks.largest_held(), 4096u);  // a block holds every line whole: 4096 ≥ 1000 + ...
}

TEST(LineBlocks, RefuseAStreamThatDidNotOpen) {
  std::ifstream missing("/nonexistent/tickets.jsonl");
  EXPECT_THROW(batch::LineBlocks(missing, 1024, 1024, 1), InputError);
  const SlaEngine engine(marketplace());
  std::ostringstream out;
  EXPECT_THROW(engine.evaluate_lines(missing, out, at), InputError);
}

// The block is reserved before reading: a size over 1 GiB is refused by name, not tried.
TEST(LineBlocks, RefuseABlockOverOneGibibyte) {
  std::istringstream in("{}\n");
  try {
    batch::LineBlocks(in, (std::size_t{1} << 30) + 1, 1024, 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "block_bytes may be at most 1073741824 (1 GiB), not 1073741825");
  }
}

// ---- SLA --------------------------------------------------------------------------------------

TEST(StreamConcurrent, SlaReportsEqualTheWholeTextsWhateverTheBlockSize) {
  const SlaEngine engine(marketplace());
  const std::string text = awkward_text(ticket_lines(40), true);
  for (const unsigned threads : {1u, 2u}) {
    const std::string whole = engine.evaluate_lines(text, at, {.threads = threads, .first_line = 7});
    for (const std::size_t block : {std::size_t{1}, std::size_t{700}, std::size_t{5000}, std::size_t{16} << 20})
      EXPECT_EQ(streamed_sla(engine, text, {.threads = threads, .first_line = 7, .block_bytes = block}), whole)
          << "block " << block << ", " << threads << " threads";
  }
}

// A line over the 4 MiB limit gets the error record the whole text gives it, though the stream
// never reads it whole.
TEST(Stream, ALineOverTheTicketLimitFailsAsInTheWholeText) {
  const SlaEngine engine(marketplace());
  const auto lines = ticket_lines(1);
  const std::string text = lines[0] + "\n{\"id\": \"" + std::string(5u << 20, 'x') + "\"}\n" + lines[1] + "\n";
  const std::string whole = engine.evaluate_lines(text, at);
  // 5 MiB of x's and the 10 bytes of {"id": ""} around them: 5,242,890 bytes.
  ASSERT_NE(whole.find(R"({"line":2,"error":"invalid ticket: 1 problem\n  (document): the document is 5242890 bytes)"),
            std::string::npos);
  EXPECT_EQ(streamed_sla(engine, text, {.block_bytes = 4096}), whole);
  EXPECT_EQ(streamed_sla(engine, text, {}), whole);
}

// Reports are written as they are made: the first report reaches the output while most of the
// input (blocks of 4 KiB of about 600 KB) is still unread.
TEST(Stream, SlaReportsAreWrittenBeforeTheInputIsRead) {
  class Watch : public std::stringbuf {
   public:
    explicit Watch(const std::istringstream& in) : in_(in) {}
    std::size_t unread_at_first_write = 0;

   protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      if (!written_) unread_at_first_write = static_cast<std::size_t>(in_.rdbuf()->in_avail());
      written_ = true;
      return std::stringbuf::xsputn(s, n);
    }

   private:
    const std::istringstream& in_;
    bool written_ = false;
  };
  const SlaEngine engine(marketplace());
  const std::string text = awkward_text(ticket_lines(100), false);
  std::istringstream in(text);
  Watch watch(in);
  std::ostream out(&watch);
  engine.evaluate_lines(in, out, at, {.block_bytes = 4096});
  EXPECT_GT(watch.unread_at_first_write, text.size() - 3 * 4096) << text.size();
  EXPECT_EQ(watch.str(), engine.evaluate_lines(text, at));
}

TEST(Stream, ProgressCountsBytesUpToTheStreamsSize) {
  const SlaEngine engine(marketplace());
  const std::string text = awkward_text(ticket_lines(20), false);
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  const BatchProgress progress = [&](std::size_t done, std::size_t total) { calls.emplace_back(done, total); };
  (void)streamed_sla(engine, text, {.progress = progress, .block_bytes = 2048});
  ASSERT_GE(calls.size(), 2u);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].second, text.size());
    if (i > 0) {
      EXPECT_GE(calls[i].first, calls[i - 1].first);
    }
  }
  EXPECT_EQ(calls.back().first, text.size());
  EXPECT_EQ(std::count_if(calls.begin(), calls.end(), [&](auto c) { return c.first == text.size(); }), 1);
}

// ---- KPIs -------------------------------------------------------------------------------------

// 8,401 tickets are 2 slices of 4,096 (detail::kpi_slice) and one of 209: blocks of every size
// cut them elsewhere, yet the result is the whole text's to the byte.
TEST(StreamConcurrent, KpisEqualTheWholeTextsWhateverTheBlockSize) {
  const KpiEngine engine(marketplace());
  const std::string text = awkward_text(ticket_lines(700), false);
  const KpiOptions kpi{{KpiDimension::agent, KpiDimension::day}, ""};
  for (const unsigned threads : {1u, 2u}) {
    const std::string whole = engine.compute_lines(text, at, kpi, {}, {.threads = threads}).to_json();
    for (const std::size_t block : {std::size_t{1}, std::size_t{3000}, std::size_t{100'000}, std::size_t{16} << 20})
      EXPECT_EQ(streamed_kpi(engine, text, kpi, {.threads = threads, .block_bytes = block}).to_json(), whole)
          << "block " << block << ", " << threads << " threads";
  }
}

// The first bad line by line number is the one named, wherever the blocks cut, numbered through
// the whole stream.
TEST(StreamConcurrent, KpisNameTheFirstBadLineOfTheWholeStream) {
  const KpiEngine engine(marketplace());
  const std::string text = awkward_text(ticket_lines(100), true);
  const auto message = [&](auto&& compute) -> std::string {
    try {
      (void)compute();
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string whole = message([&] { return engine.compute_lines(text, at, {}, {}, {.first_line = 3}); });
  ASSERT_NE(whole.find("line "), std::string::npos) << whole;
  for (const unsigned threads : {1u, 2u})
    for (const std::size_t block : {std::size_t{1}, std::size_t{3000}, std::size_t{16} << 20})
      EXPECT_EQ(message([&] { return streamed_kpi(engine, text, {}, {.threads = threads, .first_line = 3, .block_bytes = block}); }),
                whole)
          << "block " << block;
}

}  // namespace
