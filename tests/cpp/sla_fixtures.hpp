#pragma once
// The shared SLA fixture set (tests/fixtures/sla, worked by hand in its README.md) as the C++
// tests read it: its folder, a file's text and its lines.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace aftersales::test {

inline const std::filesystem::path sla_fixtures = std::filesystem::path(AFTERSALES_FIXTURES_DIR) / "sla";

/// The file at `path`, byte for byte; a failed expectation if it cannot be opened.
inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The lines of `text` without their newlines; a final newline ends the last line.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

}  // namespace aftersales::test
