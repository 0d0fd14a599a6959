#include "document/json_reader.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>

#include "text/text.hpp"

namespace aftersales::detail {
namespace {

std::string type_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

// A known key this close to an unknown one is suggested as what was meant.
constexpr std::size_t max_hint_distance = 2;

// Edit distance, to suggest the key a typo meant ("holiday" -> "holidays"). Keys whose lengths
// differ by more than max_hint_distance are far apart without counting, so that a huge unknown
// key costs no more than a short one.
std::size_t distance(std::string_view a, std::string_view b) {
  if (std::max(a.size(), b.size()) - std::min(a.size(), b.size()) > max_hint_distance) return max_hint_distance + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool is_identifier(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

void Problems::throw_if_any() {
  if (!list_.empty()) throw PolicyError(std::move(list_));
}

void Problems::locate(std::size_t first, std::string_view where) {
  for (std::size_t i = first; i < list_.size(); ++i)
    list_[i].path = list_[i].path.empty() ? std::string(where) : std::string(where) + ": " + list_[i].path;
}

void Problems::throw_input(std::string_view title) const {
  throw InputError(title, list_);
}

std::string unique_id(const Node& node, std::set<std::string, std::less<>>& ids, std::string_view what) {
  const auto id = node.required("id");
  const auto text = id ? id->string() : std::nullopt;
  if (!text) return {};
  if (!ids.emplace(*text).second) id->problem("another " + std::string(what) + " already has the id " + quoted(*text));
  return std::string(*text);
}

std::string unknown_key_message(std::string_view key, std::initializer_list<std::string_view> allowed) {
  return unknown_key_message(key, std::span(allowed.begin(), allowed.size()));
}

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> allowed) {
  std::string message = "unknown key " + quoted(key);
  const auto closest = std::min_element(allowed.begin(), allowed.end(), [&](std::string_view a, std::string_view b) {
    return distance(key, a) < distance(key, b);
  });
  if (closest != allowed.end() && distance(key, *closest) <= max_hint_distance) {
    message.append(" (did you mean \"").append(*closest).append("\"?)");
  } else {
    message.append(" (expected one of:");
    for (std::string_view a : allowed) message.append(" ").append(a);
    message.append(")");
  }
  return message;
}

std::string describe(const boost::json::value& value) {
  if (value.is_string()) return quoted(value.get_string());
  if (value.is_object() || value.is_array()) return type_name(value);
  return boost::json::serialize(value);
}

std::string oversize_message(std::size_t size, const LoadLimits& limits) {
  return "the document is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limits.max_bytes) +
         " bytes";
}

std::string Node::join(const std::string& path, std::string_view key) {
  std::string joined = path;
  // A key is cut as quoted() cuts a value, so that a path stays short whatever the keys were.
  const std::string_view shown = utf8_prefix(key, max_quoted_chars);
  if (shown.size() == key.size() && is_identifier(key)) {
    if (!joined.empty()) joined += '.';
    joined += key;
  } else {
    joined += '[';
    joined += boost::json::serialize(boost::json::string_view(shown.data(), shown.size()));
    if (shown.size() < key.size()) joined.insert(joined.size() - 1, ellipsis);
    joined += ']';
  }
  return joined;
}

std::string Node::path() const {
  if (parent_ == nullptr) return {};
  if (index_ != no_index) return parent_->path() + "[" + std::to_string(index_) + "]";
  return join(parent_->path(), key_);
}

Node Node::child(std::string_view key, const boost::json::value& value) const {
  Node node(value, *problems_);
  node.parent_ = this;
  node.key_ = key;
  return node;
}

const boost::json::object* Node::any_object() const {
  if (const auto* object = value_->if_object()) return object;
  problem("expected an object, found " + describe(*value_));
  return nullptr;
}

const boost::json::object* Node::object(std::initializer_list<std::string_view> allowed) const {
  const auto* object = any_object();
  if (object == nullptr) return nullptr;
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    problems_->add(join(path(), name), unknown_key_message(name, allowed));
  }
  return object;
}

const boost::json::array* Node::array() const {
  if (const auto* array = value_->if_array()) return array;
  problem("expected an array, found " + describe(*value_));
  return nullptr;
}

std::optional<std::size_t> Node::array_size() const {
  const auto* elements = array();
  if (elements == nullptr) return std::nullopt;
  return elements->size();
}

std::optional<Node> Node::member(std::string_view key) const {
  const auto* object = value_->if_object();
  if (object == nullptr) return std::nullopt;
  const auto it = object->find(boost::json::string_view(key.data(), key.size()));
  if (it == object->end()) return std::nullopt;
  return child(key, it->value());
}

std::optional<Node> Node::required(std::string_view key) const {
  auto found = member(key);
  if (!found && value_->is_object()) problems_->add(join(path(), key), "missing");
  return found;
}

Node Node::element(std::size_t index) const {
  Node node(value_->as_array()[index], *problems_);
  node.parent_ = this;
  node.index_ = index;
  return node;
}

std::optional<std::string_view> Node::string() const {
  if (const auto* s = value_->if_string()) return std::string_view(s->data(), s->size());
  problem("expected a string, found " + describe(*value_));
  return std::nullopt;
}

std::optional<bool> Node::boolean() const {
  if (const auto* b = value_->if_bool()) return *b;
  problem("expected true or false, found " + describe(*value_));
  return std::nullopt;
}

std::optional<std::int64_t> Node::integer() const {
  if (const auto* i = value_->if_int64()) return *i;
  if (const auto* u = value_->if_uint64(); u != nullptr && *u <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(*u);
  problem("expected a whole number, found " + describe(*value_));
  return std::nullopt;
}

std::optional<FieldScalar> Node::scalar() const {
  if (const auto* s = value_->if_string()) return std::string(s->data(), s->size());
  if (const auto* b = value_->if_bool()) return *b;
  if (value_->is_number()) return value_->to_number<double>();
  return std::nullopt;
}

std::optional<Duration> Node::duration() const {
  try {
    if (const auto* s = value_->if_string()) return parse_duration(std::string_view(s->data(), s->size()));
    if (value_->is_int64() || value_->is_uint64()) {
      const auto seconds = integer();
      if (!seconds) return std::nullopt;
      if (*seconds > INT64_MAX / 1000 || *seconds < INT64_MIN / 1000) throw RangeError(std::to_string(*seconds) + " seconds is too long a duration");
      return Duration{*seconds * 1000};
    }
    problem(describe(*value_) + " is not a duration (a string like \"1h30m\" or a whole number of seconds)");
  } catch (const Error& e) {
    problem(e.what());
  }
  return std::nullopt;
}

std::optional<Instant> Node::instant() const {
  try {
    if (const auto* s = value_->if_string()) return parse_instant(std::string_view(s->data(), s->size()));
    if (value_->is_int64() || value_->is_uint64()) {
      const auto ms = integer();
      if (ms) return instant_from_ms(*ms);
      return std::nullopt;
    }
    problem(describe(*value_) + " is not an instant (RFC 3339 with an offset, or epoch milliseconds)");
  } catch (const Error& e) {
    problem(e.what());
  }
  return std::nullopt;
}

}  // namespace aftersales::detail
