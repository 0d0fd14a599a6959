#pragma once
// Validation of JSON documents that reports every problem with its path instead of stopping
// at the first: readers return std::nullopt after recording what was wrong and where.

#include <aftersales/error.hpp>
#include <aftersales/limits.hpp>
#include <aftersales/values.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::detail {

class Problems {
 public:
  void add(std::string path, std::string message) { list_.push_back({std::move(path), std::move(message)}); }
  [[nodiscard]] bool empty() const noexcept { return list_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return list_.size(); }
  /// Puts `where` (e.g. "line 7") before the paths of the problems recorded from the `first`-th
  /// on: a JSON Lines input names the line of each problem.
  void locate(std::size_t first, std::string_view where);
  /// Throws PolicyError with everything recorded, if anything was.
  void throw_if_any();
  /// Throws InputError listing everything recorded under `title` (e.g. "invalid ticket").
  [[noreturn]] void throw_input(std::string_view title) const;

 private:
  std::vector<Problem> list_;
};

/// Parses a whole document within `limits`, allocating from `storage` (a monotonic resource
/// suits a document that is compiled and dropped). Syntax errors, depth and size are recorded
/// as problems at the root path, and returns nullopt then; a key given twice in one object is
/// recorded at its path, and the document is still returned.
std::optional<boost::json::value> parse_json(std::string_view text, const LoadLimits& limits, Problems& problems,
                                             boost::json::storage_ptr storage);

/// The problem message for a document of `size` bytes over `limits.max_bytes`.
std::string oversize_message(std::size_t size, const LoadLimits& limits);

/// "unknown key \"holiday\" (did you mean \"holidays\"?)", or the allowed keys when none is close.
std::string unknown_key_message(std::string_view key, std::initializer_list<std::string_view> allowed);
std::string unknown_key_message(std::string_view key, std::span<const std::string_view> allowed);

/// The index of `key` in `keys`, or keys.size() when it is not there.
[[nodiscard]] inline std::size_t key_index(std::span<const std::string_view> keys, std::string_view key) noexcept {
  std::size_t i = 0;
  while (i < keys.size() && keys[i] != key) ++i;
  return i;
}

/// A JSON value together with its path in the document, e.g. `calendars.cn.hours.mon[0]`.
/// The path is spelled out only when a problem is recorded: a child keeps a pointer to its
/// parent, so a parent must outlive the children made from it.
class Node {
 public:
  /// The document's root.
  Node(const boost::json::value& value, Problems& problems) : value_(&value), problems_(&problems) {}

  [[nodiscard]] const boost::json::value& value() const noexcept { return *value_; }
  [[nodiscard]] std::string path() const;
  [[nodiscard]] Problems& problems() const noexcept { return *problems_; }

  /// Records a problem at this node's path.
  void problem(std::string message) const { problems_->add(path(), std::move(message)); }

  /// The member `key` of this object, holding `value`.
  [[nodiscard]] Node child(std::string_view key, const boost::json::value& value) const;

  /// The value as an object whose keys are all in `allowed`; an unknown key is recorded
  /// (with the closest allowed key as a hint) but does not make the result null.
  [[nodiscard]] const boost::json::object* object(std::initializer_list<std::string_view> allowed) const;
  /// The value as an object with any keys.
  [[nodiscard]] const boost::json::object* any_object() const;
  [[nodiscard]] const boost::json::array* array() const;
  /// The number of elements of an array.
  [[nodiscard]] std::optional<std::size_t> array_size() const;

  /// Calls `visit(key, member)` for each member of the object, in document order.
  template <class Visit>
  void for_each_member(Visit visit) const {
    const auto* members = any_object();
    if (members == nullptr) return;
    for (const auto& [key, value] : *members) {
      const std::string_view name(key.data(), key.size());
      visit(name, child(name, value));
    }
  }

  /// Calls `visit(element)` for each element of the array, in order; false (and a problem
  /// recorded) when the value is not an array.
  template <class Visit>
  bool for_each_element(Visit visit) const {
    const auto* elements = array();
    if (elements == nullptr) return false;
    for (std::size_t i = 0; i < elements->size(); ++i) visit(element(i));
    return true;
  }

  /// The members named in `keys`, each at its key's index (empty when absent), read in one pass
  /// that records each unknown key as object() does; nullopt when not an object. A member's
  /// path refers to its entry of `keys`, which must outlive it.
  template <std::size_t K>
  [[nodiscard]] std::optional<std::array<std::optional<Node>, K>> members(
      const std::array<std::string_view, K>& keys) const {
    const auto* object = any_object();
    if (object == nullptr) return std::nullopt;
    std::optional<std::array<std::optional<Node>, K>> found(std::in_place);
    for (const auto& [key, value] : *object) {
      const std::string_view name(key.data(), key.size());
      if (const auto i = key_index(keys, name); i < K) (*found)[i] = child(keys[i], value);
      else problems_->add(join(path(), name), unknown_key_message(name, keys));
    }
    return found;
  }

  /// The member `key` if present (no problem recorded when absent).
  [[nodiscard]] std::optional<Node> member(std::string_view key) const;
  /// The member `key`, recording "missing" when absent.
  [[nodiscard]] std::optional<Node> required(std::string_view key) const;
  [[nodiscard]] Node element(std::size_t index) const;

  [[nodiscard]] std::optional<std::string_view> string() const;
  [[nodiscard]] std::optional<bool> boolean() const;
  [[nodiscard]] std::optional<std::int64_t> integer() const;
  /// A string, number or boolean; nullopt (recording nothing) for anything else.
  [[nodiscard]] std::optional<FieldScalar> scalar() const;
  /// Whether the value is null (recording nothing).
  [[nodiscard]] bool is_null() const noexcept { return value_->is_null(); }
  /// A spec duration: a string like "1h30m" or an integer number of seconds.
  [[nodiscard]] std::optional<Duration> duration() const;
  /// A spec instant: RFC 3339 with an offset, or integer epoch milliseconds.
  [[nodiscard]] std::optional<Instant> instant() const;

  /// `path` + member key, quoting keys that are not plain identifiers.
  static std::string join(const std::string& path, std::string_view key);

 private:
  static constexpr std::size_t no_index = static_cast<std::size_t>(-1);

  const boost::json::value* value_;
  Problems* problems_;
  const Node* parent_ = nullptr;
  std::string_view key_;         // when a member of an object
  std::size_t index_ = no_index;  // when an element of an array
};

/// A short rendering of a JSON value for messages (`"3x"`, `42`, `an object`).
std::string describe(const boost::json::value& value);

/// The member "id" of the object `node` as text, recorded in `ids`; "missing" when absent, and
/// "another <what> already has the id ..." when `ids` holds it already. Empty when unusable.
std::string unique_id(const Node& node, std::set<std::string, std::less<>>& ids, std::string_view what);

/// Reads a small request document (a refund's, a compensation's): parsed within `limits`, its
/// root an object of `keys`, handed to `read`; every problem found is thrown at once as an
/// InputError titled `title`.
template <class Read>
void read_request(std::string_view json, const LoadLimits& limits, std::string_view title,
                  std::initializer_list<std::string_view> keys, Read&& read) {
  Problems problems;
  // A typical request fits in this arena: parsing one costs no heap allocation for the DOM.
  unsigned char arena[8192];
  boost::json::monotonic_resource scratch(arena, sizeof arena);
  const auto document = parse_json(json, limits, problems, &scratch);
  if (!document) problems.throw_input(title);
  const Node root(*document, problems);
  if (!root.object(keys)) problems.throw_input(title);
  read(root);
  if (!problems.empty()) problems.throw_input(title);
}

}  // namespace aftersales::detail
