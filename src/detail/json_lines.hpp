#pragma once
// JSON Lines batches: one document per line in, one JSON result per line out, in input order.

#include <aftersales/error.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "detail/json_writer.hpp"
#include "detail/parallel.hpp"

namespace aftersales::detail {

/// One non-blank line of a JSON Lines text.
struct JsonLine {
  std::size_t number;  ///< counting every line of the text from 1, blank ones included
  std::string_view text;
};

/// The lines of `text` that hold more than spaces, tabs and '\r' (JSON Lines skip blank lines),
/// in order, as views into `text`.
inline std::vector<JsonLine> non_blank_lines(std::string_view text) {
  std::vector<JsonLine> lines;
  std::size_t number = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    ++number;
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back({number, line});
    pos = end + 1;
  }
  return lines;
}

/// Calls `answer(line)` for every non-blank line of `text` on up to `threads` threads and joins
/// the results, each followed by '\n'. A line whose answer throws an aftersales::Error gets
/// `{"line": N, "error": "..."}` (N counts from 1) instead: one bad line never stops a batch.
template <class Answer>
std::string map_json_lines(std::string_view text, unsigned threads, const Answer& answer) {
  const std::vector<JsonLine> lines = non_blank_lines(text);
  std::vector<std::string> outputs(lines.size());
  parallel_for(lines.size(), threads, [&](std::size_t i) {
    try {
      outputs[i] = answer(lines[i].text);
    } catch (const Error& e) {
      JsonWriter w;
      w.begin_object().key("line").value(static_cast<std::int64_t>(lines[i].number)).key("error").value(e.what()).end_object();
      outputs[i] = w.take();
    }
  });
  std::size_t total = 0;
  for (const std::string& line : outputs) total += line.size() + 1;
  std::string result;
  result.reserve(total);
  for (const std::string& line : outputs) {
    result += line;
    result += '\n';
  }
  return result;
}

}  // namespace aftersales::detail
