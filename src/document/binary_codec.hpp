#pragma once
// A compact binary form for values shipped between processes: a batch of tickets, a result
// pickled by Python. One description of a struct's fields (BinaryFields<T>::code) serves
// both directions, so what is written and what is read cannot drift apart.
//
// Layout: a 4-byte magic naming the kind of data, a version byte, the values, and a 64-bit
// FNV-1a checksum of everything before it. Integers are LEB128 (signed ones zigzag first), a
// double its 8 IEEE bytes little-endian, text its byte length then its UTF-8 bytes. A reader
// trusts nothing: a wrong magic, a newer version, a checksum that does not match (data cut
// short or changed), a count larger than the bytes left could hold, text that is not UTF-8,
// an enum value out of range or an instant outside 1970-2200 is an InputError naming the
// kind of data and the byte where it was found, never a crash or an unbounded allocation.

#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace aftersales::detail {

/// Specialise with `template <class A, class V> static void code(A& a, V& value)`, V being T
/// or const T, calling `code(a, member)` for each member in a fixed order: how a struct is
/// written (A = BinaryWriter, V const) and read (A = BinaryReader). A T with no default
/// constructor adds `static T blank()`, a value to read into.
template <class T>
struct BinaryFields;

/// How many values an enum has (its values being 0 to count - 1); specialise for each enum coded.
template <class E>
inline constexpr std::size_t enum_count = 0;

/// `data` with the checksum a BinaryReader expects after it (BinaryWriter::finish seals its
/// data so): how a fuzzer turns any bytes into data whose values are read, not refused whole.
[[nodiscard]] std::string seal(std::string data);

class BinaryWriter {
 public:
  static constexpr bool reading = false;

  /// Starts data of the kind `magic` (4 bytes) in format `version`.
  BinaryWriter(std::string_view magic, std::uint8_t version);

  void natural(std::uint64_t value);
  void integer(std::int64_t value);
  void byte(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void real(double value);
  void text(std::string_view value);

  /// The data, sealed with its checksum.
  [[nodiscard]] std::string finish() &&;

 private:
  std::string out_;
};

class BinaryReader {
 public:
  static constexpr bool reading = true;

  /// Opens `data` of the kind `magic` written in a format from `oldest` to `version`; `what`
  /// names the kind in messages ("TicketBatch data").
  /// @throws InputError if `data` is not of that kind, is of another version, or does not
  ///         match its checksum.
  BinaryReader(std::string_view data, std::string_view magic, std::uint8_t version, std::string what,
               std::uint8_t oldest = 1);

  [[nodiscard]] std::uint8_t version() const noexcept { return version_; }
  /// Where the next value starts, from the beginning of the data.
  [[nodiscard]] std::size_t offset() const noexcept { return position_; }

  std::uint64_t natural();
  std::int64_t integer();
  std::uint8_t byte();
  double real();
  /// Text, checked to be UTF-8: a view into the data.
  std::string_view text();
  /// A natural number below `limit`.
  std::uint64_t below(std::uint64_t limit);
  /// The number of items of a list, each taking at least one byte: no more than the bytes left.
  std::size_t count();
  Instant instant();

  /// @throws InputError if bytes are left over after the last value.
  void finish() const;

  /// @throws InputError "`what`: `problem` (at byte N)".
  [[noreturn]] void fail(std::string_view problem) const;

 private:
  std::string_view data_;  // without the checksum
  std::size_t position_ = 0;
  std::uint8_t version_ = 0;
  std::string what_;
};

template <class T>
concept has_binary_fields = requires { sizeof(BinaryFields<T>); };

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;
template <class T>
inline constexpr bool is_vector = false;
template <class T>
inline constexpr bool is_vector<std::vector<T>> = true;
template <class T>
inline constexpr bool is_pair = false;
template <class A, class B>
inline constexpr bool is_pair<std::pair<A, B>> = true;

/// The currency of `code`, or the empty Currency{} that a zero amount of no currency has.
Currency currency_or_none(std::string_view code);

/// A value to read into: T{}; for Money, zero of no currency; for a type with no default,
/// what its BinaryFields<T>::blank() gives.
template <class T>
T blank() {
  if constexpr (std::is_same_v<T, Money>) return Money(0, Currency{});
  else if constexpr (requires { BinaryFields<T>::blank(); }) return BinaryFields<T>::blank();
  else return T{};
}

/// Writes `value` (A = BinaryWriter, T const) or reads it into `value` (A = BinaryReader).
template <class A, class T>
void code(A& a, T& value) {
  using V = std::remove_const_t<T>;
  if constexpr (has_binary_fields<V>) {
    BinaryFields<V>::code(a, value);
  } else if constexpr (std::is_same_v<V, bool>) {
    if constexpr (A::reading) value = a.below(2) == 1;
    else a.natural(value ? 1 : 0);
  } else if constexpr (std::is_enum_v<V>) {
    static_assert(enum_count<V> > 0, "declare enum_count for this enum");
    if constexpr (A::reading) value = static_cast<V>(a.below(enum_count<V>));
    else a.natural(static_cast<std::uint64_t>(value));
  } else if constexpr (std::is_integral_v<V>) {
    if constexpr (A::reading) {
      const std::int64_t read = a.integer();
      if (!std::in_range<V>(read)) a.fail("a number out of range");
      value = static_cast<V>(read);
    } else {
      // Members wider than int64 (std::size_t counts) hold small numbers; reading checks the range.
      a.integer(static_cast<std::int64_t>(value));
    }
  } else if constexpr (std::is_same_v<V, double>) {
    if constexpr (A::reading) value = a.real();
    else a.real(value);
  } else if constexpr (std::is_same_v<V, std::string>) {
    if constexpr (A::reading) value.assign(a.text());
    else a.text(value);
  } else if constexpr (std::is_same_v<V, Duration>) {
    if constexpr (A::reading) value = Duration{a.integer()};
    else a.integer(value.count());
  } else if constexpr (std::is_same_v<V, Instant>) {
    if constexpr (A::reading) value = a.instant();
    else a.integer(value.time_since_epoch().count());
  } else if constexpr (std::is_same_v<V, Money>) {
    if constexpr (A::reading) {
      const std::int64_t minor = a.integer();
      const std::string_view currency_code = a.text();
      try {
        value = Money(minor, currency_or_none(currency_code));
      } catch (const InputError&) {
        a.fail("an unknown currency");
      }
    } else {
      a.integer(value.minor_units());
      a.text(value.currency().code[0] == '\0' ? std::string_view() : value.currency().code_view());
    }
  } else if constexpr (is_optional<V>) {
    bool present = value.has_value();
    code(a, present);
    if constexpr (A::reading) {
      value.reset();
      if (present) code(a, value.emplace(blank<typename V::value_type>()));
    } else if (present) {
      code(a, *value);
    }
  } else if constexpr (is_vector<V>) {
    if constexpr (A::reading) {
      const std::size_t size = a.count();
      value.clear();
      // Grown as items are read, not reserved from the count: memory follows the bytes read.
      for (std::size_t i = 0; i < size; ++i) code(a, value.emplace_back(blank<typename V::value_type>()));
    } else {
      a.natural(value.size());
      for (const auto& item : value) code(a, item);
    }
  } else if constexpr (is_pair<V>) {
    code(a, value.first);
    code(a, value.second);
  } else {
    static_assert(std::is_same_v<V, FieldScalar>, "no binary form for this type: specialise BinaryFields");
    if constexpr (A::reading) {
      switch (a.below(std::variant_size_v<FieldScalar>)) {
        case 0: code(a, value.template emplace<std::string>()); break;
        case 1: code(a, value.template emplace<double>()); break;
        default: code(a, value.template emplace<bool>()); break;
      }
    } else {
      a.natural(value.index());
      std::visit([&](const auto& alternative) { code(a, alternative); }, value);
    }
  }
}

/// code(a, v) for each value in order.
template <class A, class... T>
void code_all(A& a, T&... values) {
  (code(a, values), ...);
}

}  // namespace aftersales::detail
