// The document layer: reading JSON into paths and values (duplicate keys, durations at their
// limits), quoting input in messages (never cutting a UTF-8 character) and the binary form of
// pickles and ticket batches (what it writes, and every kind of data it refuses). Expected values are
// worked out by hand in the comments. Tests marked "Regression (found in review)" failed against
// the first implementation and name the defect they caught.

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>

#include <gtest/gtest.h>

#include "test_support.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "document/binary_codec.hpp"
#include "document/json_reader.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

using namespace std::chrono_literals;

std::vector<Problem> problems_of(std::string_view json) {
  try {
    (void)Policy::from_json(json);
  } catch (const PolicyError& e) {
    return e.problems();
  }
  return {};
}

std::string listing(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "\n  " + p.path + ": " + p.message;
  return out.empty() ? "\n  (no problems)" : out;
}

TEST(Document, IntegerSecondsDurationDoesNotOverflowNegative) {
  // Regression (found in review): Node::duration (src/document/json_reader.cpp:210) checks only `seconds > INT64_MAX / 1000`,
  // so -9,223,372,036,854,776 s (x 1000 = -9,223,372,036,854,776,000 < INT64_MIN) overflows
  // (undefined behaviour; UBSan reports it) and wraps instead of being a problem.
  const boost::json::value value(std::int64_t{-9'223'372'036'854'776});
  Problems problems;
  const Node node(value, problems);
  const auto d = node.duration();
  EXPECT_FALSE(d.has_value()) << d->count();
  EXPECT_EQ(problems.size(), 1u);
}

TEST(Document, DuplicateKeysAreReportedWithTheirPath) {
  const auto root = problems_of(R"({"schema_version": 1, "schema_version": 1})");
  ASSERT_EQ(root.size(), 1u) << listing(root);
  EXPECT_EQ(root[0].path, "schema_version");

  // Inside the second element of an array of objects.
  const auto in_array = problems_of(R"({"schema_version": 1, "calendars": {"c": {"timezone": "UTC",
      "hours": "24x7", "holidays": [{"date": "2026-01-01"}, {"date": "2026-01-02", "date": "2026-01-03"}]}}})");
  ASSERT_EQ(in_array.size(), 1u) << listing(in_array);
  EXPECT_EQ(in_array[0].path, "calendars.c.holidays[1].date");

  // Under keys that need quoting in a path.
  const auto quoted_keys = test::parse_problems(R"({"schema_version": 1, "kpi": {"a b": [0, {"x.y": 1, "x.y": 2}]}})");
  ASSERT_EQ(quoted_keys.size(), 1u) << listing(quoted_keys);
  EXPECT_EQ(quoted_keys[0].path, R"(kpi["a b"][1]["x.y"])");

  // The same key spelled with an escape is the same key.
  const auto escaped = test::parse_problems(R"({"schema_version": 1, "kpi": {"a": 1, "\u0061": 2}})");
  ASSERT_EQ(escaped.size(), 1u) << listing(escaped);
  EXPECT_EQ(escaped[0].path, "kpi.a");

  // A NUL inside a key is shown escaped in the path.
  const auto nul = test::parse_problems(R"({"schema_version": 1, "kpi": {"a\u0000b": 1, "a\u0000b": 2}})");
  ASSERT_EQ(nul.size(), 1u) << listing(nul);
  EXPECT_EQ(nul[0].path, R"(kpi["a\u0000b"])");
}

TEST(Document, DistinctEscapedKeysAreNotDuplicates) {
  // Regression (found in review): {"\u0061": 1, "\u0062": 2} has the distinct keys "a" and "b" and must load. Boost.JSON
  // hands an escaped key to on_key as a view into a stack buffer inside the parser, reused for
  // the next escaped key; DuplicateKeyFinder::on_key (src/detail/duplicate_keys.cpp:38-50)
  // stores that view as if it pointed into the document, so "a" later reads as "b": a false
  // "duplicate key" (and a read of a dead stack frame). Copy escaped keys (e.g. into
  // split_keys_) whenever s.data() is not inside the document text.
  EXPECT_TRUE(test::parse_problems(R"({"schema_version": 1, "kpi": {"\u0061": 1, "\u0062": 2}})").empty());
  EXPECT_NO_THROW((void)Policy::from_json(
      R"({"schema_version": 1, "calendars": {"\u00e4": {"timezone": "UTC", "hours": "24x7"},
                                             "\u00f6": {"timezone": "UTC", "hours": "24x7"}}})"));
}

TEST(Document, DuplicateKeyScanIsNotQuadratic) {
  // Regression (found in review): the duplicate-key check once searched every key already seen
  // in the object, so an object with n keys cost n^2/2 string comparisons: 20,000 distinct keys
  // (about 250 kB) took about 10 s under the sanitizers, and a 16 MB document (the default limit)
  // holds over a million keys. A complexity guard, not a speed target: linear parsing takes well
  // under a second even under ASan, quadratic takes ten, so the 5 s bound cannot flake either way.
  std::string doc = R"({"schema_version": 1, "kpi": {)";
  for (int i = 0; i < 20'000; ++i) doc += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":0";
  doc += "}}";
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(test::parse_problems(doc).empty());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, 5s) << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
}

// Whether `text` is well-formed UTF-8 (no truncated or stray continuation bytes).
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

TEST(DocumentText, QuotedNeverCutsACharacterInHalf) {
  // Regression (found in review): quoted() cut long input after 60 bytes, which could split a
  // multi-byte UTF-8 character. The message then is not valid UTF-8, which the JSON outputs of
  // the C ABI and Python's str decoding cannot carry. It now counts 64 characters, not bytes:
  // 63 ASCII bytes and "é" (C3 A9) are the first 64, kept whole before the "…".
  const std::string text = std::string(63, 'a') + "\xc3\xa9" + "tail";
  const std::string shown = detail::quoted(text);
  EXPECT_TRUE(valid_utf8(shown)) << shown;
  EXPECT_EQ(shown, "\"" + std::string(63, 'a') + "\xc3\xa9\u2026\"");
  // 40 ASCII bytes and 32 three-byte characters: the 64th character is the 24th 客 or 服.
  EXPECT_TRUE(valid_utf8(detail::quoted(std::string(40, 'x') + "客服客服客服客服客服客服客服客服客服客服客服客服客服客服客服客服")));
}

TEST(DocumentText, QuotedBoundsInputThatIsNotUtf8) {
  // A megabyte of continuation bytes (10xxxxxx) with no lead byte: each character takes at most
  // four bytes, so 64 characters are 256 bytes, then "…" (3 bytes), between 2 quotes.
  const std::string shown = detail::quoted(std::string(1u << 20, '\x80'));
  EXPECT_EQ(shown, "\"" + std::string(256, '\x80') + "\u2026\"");
}

// --- the binary form (binary_codec.hpp) -----------------------------------------------------

// `values` written as naturals (n) or integers (i) after the magic "TEST" and version 1.
std::string written(std::initializer_list<std::pair<char, std::int64_t>> values) {
  BinaryWriter writer("TEST", 1);
  for (const auto& [kind, value] : values) {
    if (kind == 'n') writer.natural(static_cast<std::uint64_t>(value));
    else writer.integer(value);
  }
  return std::move(writer).finish();
}

// `bytes` (a literal may hold NUL) with their checksum.
std::string sealed(std::string_view bytes) { return seal(std::string(bytes)); }

// The bytes between the header (5 bytes) and the checksum (8).
std::string body(const std::string& data) { return data.substr(5, data.size() - 13); }

TEST(DocumentBinary, NumbersAreLeb128AndZigzag) {
  // 127 fits 7 bits: one byte; 128 = 0b1'0000000: 0x80 (low 7 bits, more follow) then 0x01.
  EXPECT_EQ(body(written({{'n', 0}, {'n', 127}, {'n', 128}})), std::string("\x00\x7f\x80\x01", 4));
  // Zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -64 -> 127, 64 -> 128.
  EXPECT_EQ(body(written({{'i', 0}, {'i', -1}, {'i', 1}, {'i', -64}, {'i', 64}})),
            std::string("\x00\x01\x02\x7f\x80\x01", 6));
  const std::string extremes = written({{'i', INT64_MIN}, {'i', INT64_MAX}});
  BinaryReader reader(extremes, "TEST", 1, "test data");
  EXPECT_EQ(reader.integer(), INT64_MIN);
  EXPECT_EQ(reader.integer(), INT64_MAX);
  reader.finish();
}

TEST(DocumentBinary, ARealKeepsEveryBit) {
  BinaryWriter writer("TEST", 1);
  writer.real(0.1);
  writer.real(-0.0);
  const std::string data = std::move(writer).finish();
  // 0.1 is 0x3FB999999999999A, written little-endian.
  EXPECT_EQ(data.substr(5, 8), std::string("\x9a\x99\x99\x99\x99\x99\xb9\x3f", 8));
  BinaryReader reader(data, "TEST", 1, "test data");
  EXPECT_EQ(reader.real(), 0.1);
  EXPECT_TRUE(std::signbit(reader.real()));
}

// The message of the InputError reading `data` throws, or "" if it reads.
std::string refusal(const std::string& data, const std::function<void(BinaryReader&)>& read) {
  try {
    BinaryReader reader(data, "TEST", 1, "test data");
    read(reader);
    reader.finish();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(DocumentBinary, DataThatIsNotWhatItSaysIsRefused) {
  using namespace std::string_view_literals;
  const std::string good = written({{'n', 5}});
  const auto natural = [](BinaryReader& r) { (void)r.natural(); };
  EXPECT_EQ(refusal(good, natural), "");
  EXPECT_EQ(refusal("TEST", natural),
            "test data: not data of this kind (it starts with another mark, or is too short)");
  EXPECT_EQ(refusal("XEST" + good.substr(4), natural),
            "test data: not data of this kind (it starts with another mark, or is too short)");
  std::string changed = good;
  changed[5] = '\x06';
  EXPECT_EQ(refusal(changed, natural),
            "test data: the data is damaged (its checksum does not match): it was cut short or changed");
  EXPECT_EQ(refusal(good.substr(0, good.size() - 1), natural),
            "test data: the data is damaged (its checksum does not match): it was cut short or changed");
  std::string newer = good.substr(0, 6);
  newer[4] = '\x02';
  EXPECT_EQ(refusal(seal(newer), natural),
            "test data: format version 2, and this library reads versions 1 to 1: read it with the version "
            "of aftersales that wrote it, or a later one");
  // Sealed, so only the values are wrong.
  EXPECT_EQ(refusal(sealed("TEST\x01"sv), natural), "test data: the data ends in the middle of a value (at byte 5)");
  EXPECT_EQ(refusal(sealed("TEST\x01\x05\x05"sv), natural), "test data: 1 bytes left over after the last value (at byte 6)");
  // Eleven bytes of 0xff: past 64 bits at the tenth.
  EXPECT_EQ(refusal(sealed("TEST\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"sv), natural), "test data: a number too large (at byte 15)");
  EXPECT_EQ(refusal(sealed("TEST\x01\x03"sv), [](BinaryReader& r) { (void)r.below(3); }),
            "test data: a value out of range (3, expected below 3) (at byte 5)");
  // A count of 2 with one byte left: no list of two items fits.
  EXPECT_EQ(refusal(sealed("TEST\x01\x02\x00"sv), [](BinaryReader& r) { (void)r.count(); }),
            "test data: a count of 2 items, more than the data left holds (at byte 6)");
  EXPECT_EQ(refusal(sealed("TEST\x01\x05" "abc"sv), [](BinaryReader& r) { (void)r.text(); }),
            "test data: a text longer than the data left (at byte 6)");
  // 7,289,654,400,000 ms is 2201-01-01T00:00:00Z, one past the last supported instant; zigzag doubles it.
  BinaryWriter late("TEST", 1);
  late.integer(7'289'654'400'000);
  EXPECT_EQ(refusal(std::move(late).finish(), [](BinaryReader& r) { (void)r.instant(); }),
            "test data: an instant outside the supported range (years 1970-2200) (at byte 12)");
}

TEST(DocumentBinary, TextMustBeUtf8) {
  const auto text_of = [](std::string_view bytes) {
    BinaryWriter writer("TEST", 1);
    writer.text(bytes);
    return refusal(std::move(writer).finish(), [](BinaryReader& r) { (void)r.text(); });
  };
  EXPECT_EQ(text_of("客服 é"), "");
  EXPECT_EQ(text_of("\xf0\x9f\x98\x80"), "");                         // U+1F600, four bytes
  const std::string refused = "test data: a text that is not UTF-8 (at byte 6)";
  EXPECT_EQ(text_of("\xc0\x80"), refused);                              // NUL, overlong
  EXPECT_EQ(text_of("\xed\xa0\x80"), refused);                         // U+D800, a surrogate
  EXPECT_EQ(text_of("\xf4\x90\x80\x80"), refused);                    // U+110000, past Unicode
  EXPECT_EQ(text_of("\xe5\xae"), refused);                              // 客 cut short
  EXPECT_EQ(text_of("\x80"), refused);                                   // a lone continuation byte
}

}  // namespace
}  // namespace aftersales::detail
