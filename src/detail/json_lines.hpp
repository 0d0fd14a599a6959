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

/// Calls `answer(line)` for every non-blank line of `text` on up to `threads` threads and joins
/// the results, each followed by '\n'. A line whose answer throws an aftersales::Error gets
/// `{"line": N, "error": "..."}` (N counts from 1) instead: one bad line never stops a batch.
template <class Answer>
std::string map_json_lines(std::string_view text, unsigned threads, const Answer& answer) {
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  std::vector<std::string> outputs(lines.size());
  parallel_for(lines.size(), threads, [&](std::size_t i) {
    if (lines[i].find_first_not_of(" \t\r") == std::string_view::npos) return;
    try {
      outputs[i] = answer(lines[i]);
    } catch (const Error& e) {
      JsonWriter w;
      w.begin_object().key("line").value(static_cast<std::int64_t>(i + 1)).key("error").value(e.what()).end_object();
      outputs[i] = w.take();
    }
  });
  std::size_t total = 0;
  for (const std::string& line : outputs) total += line.size() + 1;
  std::string result;
  result.reserve(total);
  for (const std::string& line : outputs) {
    if (line.empty()) continue;
    result += line;
    result += '\n';
  }
  return result;
}

}  // namespace aftersales::detail
