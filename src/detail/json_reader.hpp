#pragma once
// Validation of JSON documents that reports every problem with its path instead of stopping
// at the first: readers return std::nullopt after recording what was wrong and where.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/values.hpp>

#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales::detail {

class Problems {
 public:
  void add(std::string path, std::string message) { list_.push_back({std::move(path), std::move(message)}); }
  [[nodiscard]] bool empty() const noexcept { return list_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return list_.size(); }
  /// Throws PolicyError with everything recorded, if anything was.
  void throw_if_any();

 private:
  std::vector<Problem> list_;
};

/// Parses a whole document within `limits`. Syntax errors, depth and size are recorded as
/// problems at the root path; returns nullopt then.
std::optional<boost::json::value> parse_json(std::string_view text, const LoadLimits& limits, Problems& problems);

/// A JSON value together with its path in the document, e.g. `calendars.cn.hours.mon[0]`.
class Node {
 public:
  Node(const boost::json::value& value, std::string path, Problems& problems)
      : value_(&value), path_(std::move(path)), problems_(&problems) {}

  [[nodiscard]] const boost::json::value& value() const noexcept { return *value_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] Problems& problems() const noexcept { return *problems_; }

  /// Records a problem at this node's path.
  void problem(std::string message) const { problems_->add(path_, std::move(message)); }

  /// The value as an object whose keys are all in `allowed`; an unknown key is recorded
  /// (with the closest allowed key as a hint) but does not make the result null.
  [[nodiscard]] const boost::json::object* object(std::initializer_list<std::string_view> allowed) const;
  /// The value as an object with any keys.
  [[nodiscard]] const boost::json::object* any_object() const;
  [[nodiscard]] const boost::json::array* array() const;

  /// The member `key` if present (no problem recorded when absent).
  [[nodiscard]] std::optional<Node> member(std::string_view key) const;
  /// The member `key`, recording "missing" when absent.
  [[nodiscard]] std::optional<Node> required(std::string_view key) const;
  [[nodiscard]] Node element(std::size_t index) const;

  [[nodiscard]] std::optional<std::string_view> string() const;
  [[nodiscard]] std::optional<bool> boolean() const;
  [[nodiscard]] std::optional<std::int64_t> integer() const;
  /// A SPEC duration: a string like "1h30m" or an integer number of seconds.
  [[nodiscard]] std::optional<Duration> duration() const;
  /// A SPEC instant: RFC 3339 with an offset, or integer epoch milliseconds.
  [[nodiscard]] std::optional<Instant> instant() const;

  /// `path` + member key, quoting keys that are not plain identifiers.
  static std::string join(const std::string& path, std::string_view key);

 private:
  const boost::json::value* value_;
  std::string path_;
  Problems* problems_;
};

/// A short rendering of a JSON value for messages (`"3x"`, `42`, `an object`).
std::string describe(const boost::json::value& value);

}  // namespace aftersales::detail
