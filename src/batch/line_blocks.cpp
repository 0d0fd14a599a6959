#include "batch/line_blocks.hpp"

#include <aftersales/error.hpp>

#include <algorithm>
#include <cstdint>
#include <istream>
#include <limits>
#include <string>

namespace aftersales::batch {
namespace {

constexpr std::string_view blank_chars = " \t\r";

bool is_blank(std::string_view line) { return line.find_first_not_of(blank_chars) == std::string_view::npos; }

void check_number(std::size_t number, std::size_t first_line) {
  constexpr auto max_number = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (number > max_number)
    throw RangeError("first_line " + std::to_string(first_line) + " numbers this text's lines past 2^63 - 1",
                     "first_line");
}

}  // namespace

std::size_t scan_lines(std::string_view text, std::size_t number, std::size_t first_line, std::vector<Line>& lines) {
  for (std::size_t pos = 0; pos < text.size(); ++number) {
    check_number(number, first_line);
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    if (!is_blank(line)) lines.push_back({number, line});
    pos = end + 1;
  }
  return number;
}

std::vector<Line> non_blank_lines(std::string_view text, std::size_t first_line) {
  std::vector<Line> lines;
  scan_lines(text, first_line, first_line, lines);
  return lines;
}

std::size_t stream_size(std::istream& in) {
  // Through the buffer, not seekg: a stream that cannot seek (a pipe) must keep its state.
  std::streambuf& buffer = *in.rdbuf();
  const auto here = buffer.pubseekoff(0, std::ios::cur, std::ios::in);
  if (here == std::streampos(-1)) return 0;
  const auto end = buffer.pubseekoff(0, std::ios::end, std::ios::in);
  buffer.pubseekpos(here, std::ios::in);
  return end == std::streampos(-1) || end < here ? 0 : static_cast<std::size_t>(end - here);
}

LineBlocks::LineBlocks(std::istream& in, std::size_t block_bytes, std::size_t max_line_bytes, std::size_t first_line)
    : in_(in),
      block_bytes_(std::max<std::size_t>(block_bytes, 1)),
      max_line_bytes_(max_line_bytes),
      piece_(std::min<std::size_t>(block_bytes_, 64u << 10)),
      first_line_(first_line),
      number_(first_line) {
  if (block_bytes > max_block_bytes)
    throw InputError("block_bytes may be at most " + std::to_string(max_block_bytes) + " (1 GiB), not " +
                     std::to_string(block_bytes));
  if (!in_) throw InputError("cannot read the JSON Lines: the stream is not readable (a file that did not open?)");
  // Held bytes never pass this (see the class comment), so the buffer is never reallocated.
  buffer_.reserve(std::max(block_bytes_, max_line_bytes_ + piece_));
}

std::span<const Line> LineBlocks::next() {
  lines_.clear();
  while (lines_.empty()) {
    buffer_.erase(0, given_);
    given_ = 0;
    if (at_end_ && buffer_.empty()) break;
    read_block();
  }
  return lines_;
}

void LineBlocks::read_block() {
  std::size_t searched = 0;  // bytes of buffer_ looked through for a line end
  std::size_t end = 0;       // the bytes up to the last line end found
  for (;;) {
    const std::size_t last = std::string_view(buffer_).substr(searched).rfind('\n');
    if (last != std::string_view::npos) end = searched + last + 1;
    searched = buffer_.size();
    if (at_end_) {
      end = buffer_.size();
      break;
    }
    if (end > 0 && buffer_.size() >= block_bytes_) break;
    // buffer_ starts at a line's start, so with no line end all of it is one line.
    if (end == 0 && buffer_.size() > max_line_bytes_) {
      skip_oversized();
      return;
    }
    fill(buffer_.size() < block_bytes_ ? block_bytes_ - buffer_.size() : piece_);
  }
  number_ = scan_lines(std::string_view(buffer_).substr(0, end), number_, first_line_, lines_);
  given_ = end;
}

void LineBlocks::skip_oversized() {
  std::size_t bytes = buffer_.size();
  bool blank = is_blank(buffer_);
  buffer_.clear();
  while (fill(piece_) > 0) {
    const std::size_t end = buffer_.find('\n');
    const std::string_view part = std::string_view(buffer_).substr(0, end);
    bytes += part.size();
    blank = blank && is_blank(part);
    if (end != std::string::npos) {
      buffer_.erase(0, end + 1);
      break;
    }
    buffer_.clear();
  }
  check_number(number_, first_line_);
  // A blank line is skipped whatever its length, as in a whole text.
  if (!blank) lines_.push_back({number_, {}, bytes});
  ++number_;
}

std::size_t LineBlocks::fill(std::size_t size) {
  const std::size_t held = buffer_.size();
  buffer_.resize(held + size);
  in_.read(buffer_.data() + held, static_cast<std::streamsize>(size));
  const auto got = static_cast<std::size_t>(in_.gcount());
  buffer_.resize(held + got);
  read_ += got;
  largest_held_ = std::max(largest_held_, buffer_.size());
  if (in_.bad()) throw InputError("cannot read the JSON Lines: the stream failed after " + std::to_string(read_) + " bytes");
  if (got < size) at_end_ = true;
  return got;
}

}  // namespace aftersales::batch
