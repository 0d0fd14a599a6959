#include "document/binary_codec.hpp"

#include <bit>
#include <cstring>

namespace aftersales::detail {
namespace {

constexpr std::size_t magic_size = 4;
constexpr std::size_t checksum_size = 8;

// FNV-1a, 64 bits: catches data cut short or changed in transit. It is no signature: whoever
// can build data can compute it, and the reader validates every value anyway.
std::uint64_t checksum(std::string_view data) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : data) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return hash;
}

void append_fixed64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}

std::uint64_t fixed64_at(std::string_view data, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value |= std::uint64_t{static_cast<unsigned char>(data[at + i])} << (8 * i);
  return value;
}

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t point = 0;
    std::uint32_t least = 0;
    if ((lead & 0xe0u) == 0xc0u) length = 2, point = lead & 0x1fu, least = 0x80;
    else if ((lead & 0xf0u) == 0xe0u) length = 3, point = lead & 0x0fu, least = 0x800;
    else if ((lead & 0xf8u) == 0xf0u) length = 4, point = lead & 0x07u, least = 0x10000;
    else return false;
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0u) != 0x80u) return false;
      point = (point << 6) | (next & 0x3fu);
    }
    if (point < least || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

}  // namespace

Currency currency_or_none(std::string_view code) { return code.empty() ? Currency{} : currency(code); }

BinaryWriter::BinaryWriter(std::string_view magic, std::uint8_t version) : out_(magic) { byte(version); }

void BinaryWriter::natural(std::uint64_t value) {
  while (value >= 0x80) {
    out_.push_back(static_cast<char>((value & 0x7fu) | 0x80u));
    value >>= 7;
  }
  out_.push_back(static_cast<char>(value));
}

void BinaryWriter::integer(std::int64_t value) {
  natural((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void BinaryWriter::real(double value) { append_fixed64(out_, std::bit_cast<std::uint64_t>(value)); }

void BinaryWriter::text(std::string_view value) {
  natural(value.size());
  out_.append(value);
}

std::string seal(std::string data) {
  append_fixed64(data, checksum(data));
  return data;
}

std::string BinaryWriter::finish() && { return seal(std::move(out_)); }

BinaryReader::BinaryReader(std::string_view data, std::string_view magic, std::uint8_t version, std::string what,
                           std::uint8_t oldest)
    : what_(std::move(what)) {
  if (data.size() < magic_size + 1 + checksum_size || data.substr(0, magic_size) != magic) {
    throw InputError(what_ + ": not data of this kind (it starts with another mark, or is too short)");
  }
  version_ = static_cast<std::uint8_t>(data[magic_size]);
  if (version_ == 0 || version_ < oldest || version_ > version) {
    throw InputError(what_ + ": format version " + std::to_string(version_) + ", and this library reads versions " +
                     std::to_string(oldest) + " to " + std::to_string(version) +
                     ": read it with the version of aftersales that wrote it" +
                     (version_ > version ? ", or a later one" : ", and write it again with this one"));
  }
  data_ = data.substr(0, data.size() - checksum_size);
  if (checksum(data_) != fixed64_at(data, data_.size())) {
    throw InputError(what_ + ": the data is damaged (its checksum does not match): it was cut short or changed");
  }
  position_ = magic_size + 1;
}

void BinaryReader::fail(std::string_view problem) const {
  throw InputError(what_ + ": " + std::string(problem) + " (at byte " + std::to_string(position_) + ")");
}

std::uint8_t BinaryReader::byte() {
  if (position_ >= data_.size()) fail("the data ends in the middle of a value");
  return static_cast<std::uint8_t>(data_[position_++]);
}

std::uint64_t BinaryReader::natural() {
  std::uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t part = byte();
    // The tenth byte may only hold the 64th bit: anything more would not fit.
    if (shift == 63 && part > 1) fail("a number too large");
    value |= std::uint64_t{part & 0x7fu} << shift;
    if ((part & 0x80u) == 0) return value;
  }
}

std::int64_t BinaryReader::integer() {
  const std::uint64_t zigzag = natural();
  return static_cast<std::int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
}

double BinaryReader::real() {
  if (data_.size() - position_ < 8) fail("the data ends in the middle of a value");
  const std::uint64_t bits = fixed64_at(data_, position_);
  position_ += 8;
  return std::bit_cast<double>(bits);
}

std::string_view BinaryReader::text() {
  const std::uint64_t size = natural();
  if (size > data_.size() - position_) fail("a text longer than the data left");
  const std::string_view value = data_.substr(position_, static_cast<std::size_t>(size));
  if (!is_utf8(value)) fail("a text that is not UTF-8");
  position_ += static_cast<std::size_t>(size);
  return value;
}

std::uint64_t BinaryReader::below(std::uint64_t limit) {
  const std::size_t at = position_;
  const std::uint64_t value = natural();
  if (value >= limit) {
    position_ = at;
    fail("a value out of range (" + std::to_string(value) + ", expected below " + std::to_string(limit) + ")");
  }
  return value;
}

std::size_t BinaryReader::count() {
  const std::uint64_t size = natural();
  if (size > data_.size() - position_) fail("a count of " + std::to_string(size) + " items, more than the data left holds");
  return static_cast<std::size_t>(size);
}

Instant BinaryReader::instant() {
  const std::int64_t ms = integer();
  if (ms < min_instant.time_since_epoch().count() || ms > max_instant.time_since_epoch().count()) {
    fail("an instant outside the supported range (years 1970-2200)");
  }
  return Instant{Duration{ms}};
}

void BinaryReader::finish() const {
  if (position_ != data_.size()) fail(std::to_string(data_.size() - position_) + " bytes left over after the last value");
}

}  // namespace aftersales::detail
