#pragma once
// JSON Lines from a stream (a file, standard input, a Python file object) in blocks of bounded
// size, so that a file larger than memory goes through every JSON Lines call in the memory of one
// block (docs/performance.md, "Streaming JSON Lines"). One reader serves every surface: the
// engines' stream overloads, Python's *_file calls and through them the CLI.

#include <aftersales/batch.hpp>

#include <cstddef>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::batch {

/// One non-blank line of a JSON Lines text.
struct Line {
  std::size_t number;  ///< counting every line of the text, blank ones included, from first_line
  std::string_view text;
  /// Read from a stream: the line's size in bytes when it was longer than a line may be there,
  /// its text then skipped unread (empty); 0 otherwise.
  std::size_t oversized = 0;
};

/// Appends the lines of `text` that hold more than spaces, tabs and '\r' (JSON Lines skip blank
/// lines) to `lines` as views into `text`, in order, the text's first line numbered `number`;
/// returns the number of the line after the text's last one.
/// @throws RangeError naming `first_line` (the number the caller's whole input began at) if a
///         line's number would pass 2^63 - 1 (error records carry it as a JSON integer).
std::size_t scan_lines(std::string_view text, std::size_t number, std::size_t first_line, std::vector<Line>& lines);

/// The non-blank lines of `text`, its first line numbered `first_line` (scan_lines).
std::vector<Line> non_blank_lines(std::string_view text, std::size_t first_line = 1);

/// The bytes `in` holds from where it stands to its end, when it can tell (a file); 0 when not
/// (a pipe, a terminal). Leaves `in` where it stood.
std::size_t stream_size(std::istream& in);

/// A stream's JSON Lines a block at a time. A block is whole lines: read until it holds
/// `block_bytes` or the stream ends, then cut after its last '\n' (the last line of the stream
/// may lack one); the rest starts the next block. A line longer than `max_line_bytes` that does
/// not end within a block is not held: it ends its block as a Line with `oversized` set, its bytes
/// skipped (one that ends within a block is given whole, for its reader to refuse). So the reader never
/// holds more than max(block_bytes, max_line_bytes + 64 KiB) bytes, whatever the stream's size.
/// The largest block a stream is read in (BatchOptions::block_bytes): the block is reserved up
/// front, so a mistaken size must fail clearly, not as an allocation.
inline constexpr std::size_t max_block_bytes = std::size_t{1} << 30;

class LineBlocks {
 public:
  /// Reads `in`, numbering its first line `first_line`. `in` must outlive this.
  /// @throws InputError if `block_bytes` is over max_block_bytes or `in` is not readable.
  LineBlocks(std::istream& in, std::size_t block_bytes, std::size_t max_line_bytes, std::size_t first_line);

  /// The non-blank lines of the next block, views valid until the next call; empty once the
  /// stream is done (a block of blank lines only is passed over).
  /// @throws InputError if the stream fails; RangeError as scan_lines.
  std::span<const Line> next();

  /// The bytes of the stream up to the end of the last block given.
  [[nodiscard]] std::size_t position() const noexcept { return read_ - buffer_.size() + given_; }

  /// The most bytes held at once so far (for the tests of the bound).
  [[nodiscard]] std::size_t largest_held() const noexcept { return largest_held_; }

 private:
  void read_block();
  void skip_oversized();
  // Appends up to `size` bytes of the stream to buffer_; returns how many (0 at its end).
  std::size_t fill(std::size_t size);

  std::istream& in_;
  std::size_t block_bytes_;
  std::size_t max_line_bytes_;
  std::size_t piece_;  // what is read at a time once a block is full but has no line end yet
  std::size_t first_line_;
  std::size_t number_;  // the number of the line that starts buffer_
  std::string buffer_;  // bytes read and not yet given, from a line's start
  std::size_t given_ = 0;  // bytes at buffer_'s start that the last block gave
  bool at_end_ = false;
  std::vector<Line> lines_;
  std::size_t read_ = 0;  // bytes read from the stream
  std::size_t largest_held_ = 0;
};

}  // namespace aftersales::batch
