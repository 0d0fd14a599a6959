#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <deque>
#include <unordered_set>
#include <vector>

#include "detail/json_reader.hpp"
#include "detail/text.hpp"

namespace aftersales::detail {
namespace {

// A second, allocation-light pass over a document that already parsed, because Boost.JSON
// keeps the last of duplicate keys silently and a policy with "hours" twice must not load.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  DuplicateKeyFinder(std::string_view document, Problems& problems) : document_(document), problems_(&problems) {}

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_array_begin(boost::json::error_code&) { return open(false); }
  bool on_array_end(std::size_t, boost::json::error_code&) { return close(); }
  bool on_object_begin(boost::json::error_code&) { return open(true); }
  bool on_object_end(std::size_t, boost::json::error_code&) { return close(); }
  bool on_string_part(boost::json::string_view, std::size_t, boost::json::error_code&) { return true; }
  bool on_string(boost::json::string_view, std::size_t, boost::json::error_code&) { return value(); }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    partial_key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    // The whole document is parsed in one call, so a key without escapes points into the
    // document itself; a key with escapes lives in the parser's scratch buffer and is copied.
    std::string_view key(s.data(), s.size());
    if (!partial_key_.empty() || !in_document(key)) {
      partial_key_.append(s.data(), s.size());
      key = copied_keys_.emplace_back(std::move(partial_key_));
      partial_key_.clear();
    }
    if (!frames_.back().insert(key))
      problems_->add(Node::join(path(), key), "duplicate key " + detail::quoted(key) +
                                                  " (only one value per key is allowed)");
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_int64(std::int64_t, boost::json::string_view, boost::json::error_code&) { return value(); }
  bool on_uint64(std::uint64_t, boost::json::string_view, boost::json::error_code&) { return value(); }
  bool on_double(double, boost::json::string_view, boost::json::error_code&) { return value(); }
  bool on_bool(bool, boost::json::error_code&) { return value(); }
  bool on_null(boost::json::error_code&) { return value(); }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

 private:
  struct Frame {
    static constexpr std::size_t linear_limit = 16;

    bool object = false;
    std::size_t elements = 0;            // arrays: values seen so far
    std::vector<std::string_view> keys;  // objects: keys seen so far, in order
    std::unordered_set<std::string_view> index;  // the same keys, once there are many

    // False if `key` was already there. Small objects search linearly; a hostile one with
    // thousands of keys gets a hash set, so the scan stays linear in the document's size.
    bool insert(std::string_view key) {
      if (keys.size() < linear_limit) {
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) return false;
      } else {
        if (index.empty()) index.insert(keys.begin(), keys.end());
        if (!index.insert(key).second) return false;
      }
      keys.push_back(key);
      return true;
    }
  };

  [[nodiscard]] bool in_document(std::string_view key) const {
    return key.data() >= document_.data() && key.data() + key.size() <= document_.data() + document_.size();
  }

  bool open(bool object) {
    frames_.emplace_back().object = object;
    return true;
  }
  bool close() {
    frames_.pop_back();
    return value();
  }
  // A value has ended inside the enclosing array: the next one has the next index.
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().elements;
    return true;
  }
  // The path of the innermost open container (spelled out only for a problem).
  std::string path() const {
    std::string text;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Frame& frame = frames_[i];
      text = frame.object ? Node::join(text, frame.keys.back()) : text + "[" + std::to_string(frame.elements) + "]";
    }
    return text;
  }

  std::string_view document_;
  Problems* problems_;
  std::vector<Frame> frames_;
  std::string partial_key_;
  std::deque<std::string> copied_keys_;  // stable addresses for the views in `keys`
};

}  // namespace

void find_duplicate_keys(std::string_view text, const LoadLimits& limits, Problems& problems) {
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::basic_parser<DuplicateKeyFinder> parser(options, text, problems);
  boost::json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
}

}  // namespace aftersales::detail
