#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <deque>
#include <memory>
#include <unordered_set>
#include <vector>

#include "document/json_reader.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

std::string line_and_column(std::string_view text, std::size_t offset) {
  const std::size_t end = std::min(offset, text.size());
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n');
  const std::size_t line_start = text.rfind('\n', end == 0 ? 0 : end - 1);
  const std::size_t column = line_start == std::string_view::npos || end == 0 ? end + 1 : end - line_start;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Builds the document (through Boost.JSON's value_stack, as boost::json::parser does) and, in
// the same pass, finds keys given twice in one object: Boost.JSON alone keeps the last of them
// silently, and a policy with "hours" twice must not load.
class Builder {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  Builder(std::string_view document, Problems& problems, boost::json::storage_ptr storage, unsigned char* temp,
          std::size_t temp_size)
      : document_(document), problems_(&problems), stack_({}, temp, temp_size), storage_(std::move(storage)) {}

  boost::json::value release() { return stack_.release(); }

  bool on_document_begin(boost::json::error_code&) {
    stack_.reset(storage_);
    return true;
  }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_array_begin(boost::json::error_code&) { return open(false); }
  bool on_array_end(std::size_t n, boost::json::error_code&) {
    stack_.push_array(n);
    return close();
  }
  bool on_object_begin(boost::json::error_code&) { return open(true); }
  bool on_object_end(std::size_t n, boost::json::error_code&) {
    stack_.push_object(n);
    return close();
  }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_string(s);
    return value();
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_chars(s);
    partial_key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    stack_.push_key(s);
    // The whole document is parsed in one call, so a key without escapes points into the
    // document itself; a key with escapes lives in the parser's scratch buffer and is copied.
    std::string_view key(s.data(), s.size());
    if (!partial_key_.empty() || !in_document(key)) {
      partial_key_.append(s.data(), s.size());
      key = copied_keys_.emplace_back(std::move(partial_key_));
      partial_key_.clear();
    }
    if (!insert(key))
      problems_->add(Node::join(path(), key), "duplicate key " + detail::quoted(key) +
                                                  " (only one value per key is allowed)");
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::json::error_code&) {
    stack_.push_int64(i);
    return value();
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::json::error_code&) {
    stack_.push_uint64(u);
    return value();
  }
  bool on_double(double d, boost::json::string_view s, boost::json::error_code&) {
    // Boost.JSON 1.81 may round a long or extreme number one unit off (2.2250738585072011e-308);
    // read again correctly rounded, as the ticket reader over simdjson does, so that both
    // readers give a ticket's fields the same value. The text is whole: the document is parsed
    // in one call. Out of range, Boost's own value (infinity, zero) stands.
    double exact = 0;
    if (in_document(std::string_view(s.data(), s.size())) &&
        std::from_chars(s.data(), s.data() + s.size(), exact).ec == std::errc())
      d = exact;
    stack_.push_double(d);
    return value();
  }
  bool on_bool(bool b, boost::json::error_code&) {
    stack_.push_bool(b);
    return value();
  }
  bool on_null(boost::json::error_code&) {
    stack_.push_null();
    return value();
  }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  static constexpr std::size_t linear_limit = 16;

  // Keys of every open object live on one shared stack (`keys_`), so an object costs no
  // allocation of its own; only an object with many keys gets a hash set.
  struct Frame {
    bool object = false;
    std::size_t elements = 0;   // arrays: values seen so far
    std::size_t first_key = 0;  // objects: where their keys start in `keys_`
    std::unique_ptr<std::unordered_set<std::string_view>> index;
  };

  [[nodiscard]] bool in_document(std::string_view key) const {
    return key.data() >= document_.data() && key.data() + key.size() <= document_.data() + document_.size();
  }

  // False if the innermost object already has `key`. Small objects search linearly; a hostile
  // one with thousands of keys is hashed, so the scan stays linear in the document's size.
  bool insert(std::string_view key) {
    Frame& frame = frames_.back();
    const auto first = keys_.begin() + static_cast<std::ptrdiff_t>(frame.first_key);
    if (keys_.size() - frame.first_key < linear_limit) {
      if (std::find(first, keys_.end(), key) != keys_.end()) return false;
    } else {
      if (!frame.index) frame.index = std::make_unique<std::unordered_set<std::string_view>>(first, keys_.end());
      if (!frame.index->insert(key).second) return false;
    }
    keys_.push_back(key);
    return true;
  }

  bool open(bool object) {
    Frame& frame = frames_.emplace_back();
    frame.object = object;
    frame.first_key = keys_.size();
    return true;
  }
  bool close() {
    keys_.resize(frames_.back().first_key);
    frames_.pop_back();
    return value();
  }
  // A value has ended inside the enclosing array: the next one has the next index.
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().elements;
    return true;
  }
  // The path of the innermost open container (spelled out only for a problem). An enclosing
  // object's current key is the last one pushed before the next frame opened.
  std::string path() const {
    std::string text;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& frame = frames_[i];
      text = frame.object ? Node::join(text, keys_[frames_[i + 1].first_key - 1])
                          : text + "[" + std::to_string(frame.elements) + "]";
    }
    return text;
  }

  std::string_view document_;
  Problems* problems_;
  boost::json::value_stack stack_;
  boost::json::storage_ptr storage_;
  std::vector<Frame> frames_;
  std::vector<std::string_view> keys_;
  std::string partial_key_;
  std::deque<std::string> copied_keys_;  // stable addresses for the views in `keys`
};

}  // namespace

std::optional<boost::json::value> parse_json(std::string_view text, const LoadLimits& limits, Problems& problems,
                                             boost::json::storage_ptr storage) {
  if (text.size() > limits.max_bytes) {
    problems.add("", oversize_message(text.size(), limits));
    return std::nullopt;
  }
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  // The value stack starts on ours: small documents (tickets) need no heap for it.
  unsigned char temp[4096];
  boost::json::basic_parser<Builder> parser(options, text, problems, std::move(storage), temp, sizeof temp);
  boost::json::error_code ec;
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed < text.size()) ec = boost::json::error::extra_data;
  if (ec) {
    std::string message = ec == boost::json::error::too_deep
                              ? "nested deeper than the limit of " + std::to_string(limits.max_depth) + " levels"
                              : "invalid JSON: " + ec.message();
    problems.add("", message + " at " + line_and_column(text, consumed));
    return std::nullopt;
  }
  return parser.handler().release();
}

}  // namespace aftersales::detail
