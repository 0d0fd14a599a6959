// The fast reader of ticket_json.hpp: simdjson's DOM under the one ticket reader
// (ticket_reader.hpp). It only tells a valid ticket from one with a problem: its node stops at
// the first problem, and Boost.JSON reads that ticket again to name them all, so it builds no
// paths or messages of its own.
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ticket/ticket_json.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_reader.hpp"

namespace aftersales::detail {
namespace {

namespace dom = simdjson::dom;

// Thrown by SimdNode::problem: the ticket goes to the Boost.JSON reader.
struct Unread {};

// A node of simdjson's DOM with the interface ticket_reader.hpp asks of a document node. What
// Boost.JSON's DOM (document/json_reader.hpp, Node) accepts it accepts with the same value, or
// it records a problem; it records one for some documents Boost.JSON accepts (integers over 64
// bits, a fraction or exponent that is zero), which the Boost.JSON reader then takes, never the
// other way round.
class SimdNode {
 public:
  explicit SimdNode(dom::element value) : value_(value) {}

  [[noreturn]] void problem(const std::string&) const { throw Unread{}; }

  template <std::size_t K>
  [[nodiscard]] std::optional<std::array<std::optional<SimdNode>, K>> members(
      const std::array<std::string_view, K>& keys) const {
    std::optional<std::array<std::optional<SimdNode>, K>> found(std::in_place);
    for (const dom::key_value_pair member : object()) {
      const auto i = key_index(keys, member.key);
      // An unknown key, or a known one given twice (which Boost.JSON's parse reports).
      if (i == K || (*found)[i]) problem({});
      (*found)[i].emplace(member.value);
    }
    return found;
  }

  // Asked only for a key members() did not find: missing.
  [[nodiscard]] std::optional<SimdNode> required(std::string_view) const { problem({}); }

  [[nodiscard]] std::optional<std::size_t> array_size() const {
    // size() saturates at 0xFFFFFF, far above max_ticket_events: a saturated count is refused.
    return array().size();
  }

  // The reader asks for elements in order: each is one step from the last, not a walk from the
  // start (dom::array::at is linear).
  [[nodiscard]] SimdNode element(std::size_t index) const {
    if (!next_ || index != next_index_) {
      next_ = array().begin();
      for (next_index_ = 0; next_index_ < index; ++next_index_) ++*next_;
    }
    const SimdNode node(**next_);
    ++*next_;
    ++next_index_;
    return node;
  }

  [[nodiscard]] std::optional<std::string_view> string() const {
    std::string_view text;
    if (value_.get_string().get(text)) problem({});
    return text;
  }

  [[nodiscard]] std::optional<bool> boolean() const {
    bool value = false;
    if (value_.get_bool().get(value)) problem({});
    return value;
  }

  // As Boost.JSON types numbers: a whole number within int64 is int64 in both, one above it
  // is uint64, which integer() refuses as json_reader's Node does.
  [[nodiscard]] std::optional<std::int64_t> integer() const {
    if (value_.type() != dom::element_type::INT64) problem({});
    return std::int64_t(value_);
  }

  [[nodiscard]] std::optional<FieldScalar> scalar() const {
    switch (value_.type()) {
      case dom::element_type::STRING: return std::string(std::string_view(value_));
      case dom::element_type::BOOL: return bool(value_);
      case dom::element_type::INT64: return static_cast<double>(std::int64_t(value_));
      case dom::element_type::UINT64: return static_cast<double>(std::uint64_t(value_));
      case dom::element_type::DOUBLE: {
        // Boost.JSON refuses an exponent past 2^31 ("exponent overflow"), which simdjson reads
        // as zero, and the DOM keeps no text to tell them apart: zeros go to Boost.JSON.
        const double number = double(value_);
        if (number == 0) problem({});
        return number;
      }
      default: return std::nullopt;
    }
  }

  [[nodiscard]] bool is_null() const noexcept { return value_.is_null(); }

  [[nodiscard]] std::optional<Instant> instant() const {
    try {
      switch (value_.type()) {
        case dom::element_type::STRING: return parse_instant(std::string_view(value_));
        case dom::element_type::INT64: return instant_from_ms(std::int64_t(value_));
        default: break;
      }
    } catch (const Error&) {
    }
    problem({});
  }

  template <class Visit>
  void for_each_member(Visit visit) const {
    const dom::object members = object();
    // Keys given twice are a problem (Boost.JSON's parse reports them), which simdjson keeps
    // silently: sorted, a repeated key sits beside its twin.
    std::vector<std::string_view> keys;
    keys.reserve(members.size());
    for (const dom::key_value_pair member : members) keys.push_back(member.key);
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) problem({});
    for (const dom::key_value_pair member : members) visit(member.key, SimdNode(member.value));
  }

 private:
  [[nodiscard]] dom::object object() const {
    dom::object members;
    if (value_.get_object().get(members)) problem({});
    return members;
  }
  [[nodiscard]] dom::array array() const {
    dom::array elements;
    if (value_.get_array().get(elements)) problem({});
    return elements;
  }

  dom::element value_;
  mutable std::optional<dom::array::iterator> next_;
  mutable std::size_t next_index_ = 0;
};

// A document this large leaves the thread's parser and buffer as they were before reading it:
// a 4 MiB ticket would otherwise keep up to some 60 MiB of simdjson's buffers (its tape alone
// is 8 bytes a byte of the document) for good.
constexpr std::size_t kept_capacity = 64u << 10;

// Each thread's parser and its copy of the document, padded as simdjson reads past the end.
struct Scratch {
  dom::parser parser;
  std::vector<char> text;
};

}  // namespace

std::optional<Ticket> read_ticket_simdjson(std::string_view json) {
  if (json.size() > max_ticket_bytes) return std::nullopt;
  thread_local Scratch scratch;
  struct Shrink {
    std::size_t size;
    ~Shrink() {
      if (size > kept_capacity) scratch = Scratch();
    }
  } shrink{json.size()};
  auto& text = scratch.text;
  if (text.size() < json.size() + simdjson::SIMDJSON_PADDING) text.resize(json.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(text.data(), json.data(), json.size());
  dom::element root;
  if (scratch.parser.parse(text.data(), json.size(), false).get(root)) return std::nullopt;
  try {
    Problems none;  // the node stops at the first problem instead of recording it
    return read_ticket(SimdNode(root), none);
  } catch (const Unread&) {
    return std::nullopt;
  }
}

}  // namespace aftersales::detail
