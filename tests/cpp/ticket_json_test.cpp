// The two readers behind Ticket::from_json (src/ticket/ticket_json.hpp): simdjson reads a valid
// ticket into what Boost.JSON reads, member for member, and leaves every ticket with a problem,
// or one it cannot read as Boost.JSON does, to Boost.JSON, whose messages Ticket::from_json
// gives unchanged.

#include <aftersales/error.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include "ticket/ticket_binary.hpp"
#include "ticket/ticket_json.hpp"
#include "ticket/ticket_limits.hpp"

#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace {

using namespace aftersales;

// Every member of the ticket, in its binary form (which holds them all: TicketBinary tests).
std::string members(const Ticket& ticket) { return detail::write_tickets(TicketBatch::from_tickets({&ticket, 1})); }

// The message `read` gives for `json`, empty when it accepts it.
std::string message(std::string_view json, Ticket (*read)(std::string_view) = Ticket::from_json) {
  try {
    (void)read(json);
    return {};
  } catch (const InputError& e) {
    return e.what();
  }
}

// Boost.JSON's message for `json`, which Ticket::from_json must give.
std::string boost_message(std::string_view json) { return message(json, detail::read_ticket_boost); }

// Read by simdjson, into what Boost.JSON reads.
::testing::AssertionResult read_alike(std::string_view json) {
  const auto fast = detail::read_ticket_simdjson(json);
  if (!fast) return ::testing::AssertionFailure() << "simdjson did not read it";
  if (members(*fast) != members(detail::read_ticket_boost(json)))
    return ::testing::AssertionFailure() << "the readers differ";
  return ::testing::AssertionSuccess();
}

TEST(TicketSimdjson, ReadsEveryMemberAsBoostJsonDoes) {
  // 1794326770000 ms is 2026-11-10T16:06:10Z, 00:06:10 at +08:00: after the creation.
  EXPECT_TRUE(read_alike(R"({
    "id": "T-1001", "created_at": "2026-11-11T00:05:00+08:00", "channel": "chat",
    "category": "after_sales/return", "priority": "high",
    "customer": {"id": "C-9", "tier": "vip", "language": "zh"},
    "order": {"id": "O-77", "amount": "399.00", "currency": "CNY"},
    "tags": ["double11", "\u00e9t\u00e9", "a\"b\\c\n"],
    "fields": {"region": "east", "items": 2, "gift": true, "weight": 1.25, "big": 18446744073709551615,
               "low": -9223372036854775808, "zero": -0, "nul": "x\u0000y", "\u0069d": "escaped key"},
    "events": [
      {"at": "2026-11-11T00:05:00+08:00", "type": "customer_message"},
      {"at": 1794326770000, "type": "assigned", "agent": "A-7", "queue": "returns"},
      {"at": "2026-11-11T00:07:00+08:00", "type": "agent_reply", "agent": "A-7", "public": false, "bot": true},
      {"at": "2026-11-11T00:20:00+08:00", "type": "status", "to": "pending_customer"},
      {"at": "2026-11-11T09:30:00+08:00", "type": "priority", "to": "urgent"},
      {"at": "2026-11-11T10:00:00+08:00", "type": "parcel_lost"},
      {"at": "2026-11-12T10:01:00+08:00", "type": "nps", "score": 0},
      {"at": "2026-11-12T10:01:00+08:00", "type": "satisfaction", "score": 5}]})"));
  // Keys in any order, whitespace anywhere JSON allows it, no optional member.
  EXPECT_TRUE(read_alike(" \t\r\n{\"events\" : [ ] , \"created_at\":0,\"id\":\"T-1\"}\n "));
  // A key spelled with an escape is the key: "\u0069d" is "id".
  EXPECT_TRUE(read_alike(R"({"\u0069d": "T-2", "created_at": 0})"));
}

TEST(TicketSimdjson, ANumberIsReadCorrectlyRoundedByBothReaders) {
  // Halfway between the largest subnormal double (DBL_MIN - denorm_min) and DBL_MIN, a little
  // below: it rounds down to the subnormal, which Boost.JSON 1.81's own parse misses by a unit.
  const std::string json = R"({"id": "T-1", "created_at": 0, "fields": {"x": 2.2250738585072011e-308}})";
  const double subnormal = std::numeric_limits<double>::min() - std::numeric_limits<double>::denorm_min();
  EXPECT_EQ(std::get<double>(detail::read_ticket_boost(json).fields.at(0).second), subnormal);
  EXPECT_EQ(std::get<double>(Ticket::from_json(json).fields.at(0).second), subnormal);
  EXPECT_TRUE(read_alike(json));
}

TEST(TicketSimdjson, WhatSimdjsonCannotReadBoostJsonReads) {
  // Over 64 bits, a whole number is a double to Boost.JSON and an error to simdjson: 2^64.
  const std::string json = R"({"id": "T-1", "created_at": 0, "fields": {"n": 18446744073709551616}})";
  EXPECT_FALSE(detail::read_ticket_simdjson(json));
  EXPECT_EQ(std::get<double>(Ticket::from_json(json).fields.at(0).second), 18446744073709551616.0);
  // A zero written with a fraction or an exponent: simdjson also reads 1e-2147483648 as one,
  // which Boost.JSON refuses (below).
  const std::string zero = R"({"id": "T-1", "created_at": 0, "fields": {"z": 0.0}})";
  EXPECT_FALSE(detail::read_ticket_simdjson(zero));
  EXPECT_EQ(std::get<double>(Ticket::from_json(zero).fields.at(0).second), 0.0);
}

TEST(TicketSimdjson, ADocumentEndingItsBufferIsReadWithoutReadingPastIt) {
  // simdjson reads up to 64 bytes past a document's end: the reader copies it first, so that a
  // line at the very end of a batch's text (here, of its own allocation) is safe under ASan.
  const std::string_view json = R"({"id": "T-1", "created_at": 0, "events": [{"at": 1, "type": "x"}]})";
  const auto exact = std::make_unique<char[]>(json.size());
  std::memcpy(exact.get(), json.data(), json.size());
  EXPECT_TRUE(read_alike({exact.get(), json.size()}));
}

TEST(TicketSimdjson, ADocumentExactlyAtTheLimitIsReadAndOneByteMoreIsNot) {
  // A valid ticket padded with spaces to exactly 4 MiB (4,194,304 bytes).
  const std::string head = R"({"id": "T-1", "created_at": 0})";
  std::string json = head + std::string(detail::max_ticket_bytes - head.size(), ' ');
  ASSERT_EQ(json.size(), 4194304u);
  EXPECT_TRUE(read_alike(json));
  json += ' ';
  EXPECT_FALSE(detail::read_ticket_simdjson(json));
  EXPECT_EQ(message(json),
            "invalid ticket: 1 problem\n  (document): the document is 4194305 bytes, over the limit of 4194304 bytes");
  // After a document that large, the thread's parser reads small ones as before.
  EXPECT_TRUE(read_alike(head));
}

TEST(TicketSimdjson, KeysGivenTwiceAreLeftToBoostJsonWhichNamesThem) {
  const std::string twice = " (only one value per key is allowed)";
  for (const auto& [json, problem] : {
           std::pair{R"({"id": "T-1", "id": "T-2", "created_at": 0})", "id: duplicate key \"id\"" + twice},
           std::pair{R"({"id": "T-1", "created_at": 0, "customer": {"tier": "a", "tier": "b"}})",
                     "customer.tier: duplicate key \"tier\"" + twice},
           std::pair{R"({"id": "T-1", "created_at": 0, "fields": {"x": 1, "y": 2, "x": 1}})",
                     "fields.x: duplicate key \"x\"" + twice},
           std::pair{R"({"id": "T-1", "created_at": 0, "events": [{"at": 1, "type": "x", "at": 1}]})",
                     "events[0].at: duplicate key \"at\"" + twice}}) {
    EXPECT_FALSE(detail::read_ticket_simdjson(json)) << json;
    EXPECT_EQ(message(json), "invalid ticket: 1 problem\n  " + problem) << json;
  }
}

TEST(TicketSimdjson, InvalidUtf8AndSyntaxErrorsAreNamedByBoostJson) {
  // A byte 0xFF (never in UTF-8) in a string; a lone surrogate escape; a byte order mark; an
  // exponent past Boost.JSON's bound of 2^31 - 1; a trailing comma; a second document; nothing.
  for (const std::string& json : {std::string("{\"id\": \"T-\xff\", \"created_at\": 0}"),
                                 std::string(R"({"id": "T-\ud800", "created_at": 0})"),
                                 std::string("\xef\xbb\xbf{\"id\": \"T-1\", \"created_at\": 0}"),
                                 std::string(R"({"id": "T-1", "created_at": 0, "fields": {"z": 1e-2147483648}})"),
                                 std::string(R"({"id": "T-1", "created_at": 0,})"),
                                 std::string(R"({"id": "T-1", "created_at": 0} {})"), std::string()}) {
    EXPECT_FALSE(detail::read_ticket_simdjson(json)) << json;
    const std::string named = message(json);
    EXPECT_TRUE(named.starts_with("invalid ticket: 1 problem\n  (document): invalid JSON: ")) << named;
    EXPECT_EQ(named, boost_message(json));
  }
  // Byte 11 (column 11) is the 0xFF.
  EXPECT_TRUE(message("{\"id\": \"T-\xff\", \"created_at\": 0}").ends_with(" at line 1, column 11")) << message("{\"id\": \"T-\xff\", \"created_at\": 0}");
}

TEST(TicketSimdjson, EveryOtherProblemIsNamedByBoostJson) {
  // One of each kind of problem the reader records, each left to Boost.JSON.
  for (const std::string& json : {
           std::string(R"([])"), std::string(R"({"created_at": 0})"),
           std::string(R"({"id": 7, "created_at": 0})"), std::string(R"({"id": "T", "created_at": 1.5})"),
           std::string(R"({"id": "T", "created_at": 0, "colour": "red"})"),
           std::string(R"({"id": "T", "created_at": 0, "fields": {"x": null}})"),
           std::string(R"({"id": "T", "created_at": 0, "tags": "x"})"),
           std::string(R"({"id": "T", "created_at": 0, "events": [{"at": 1, "type": "nps", "score": 11}]})"),
           std::string(R"({"id": "T", "created_at": 9, "events": [{"at": 1, "type": "x"}]})"),
           std::string(R"({"id": "T", "created_at": 0, "events": [{"at": 1, "type": "x", "public": 1}]})"),
           std::string(R"({"id": "T", "created_at": 0, "order": {"amount": "1.5"}})"),
           std::string(R"({"id": "T", "created_at": 0, "fields": {"x": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}})")}) {
    EXPECT_FALSE(detail::read_ticket_simdjson(json)) << json;
    EXPECT_FALSE(boost_message(json).empty()) << json;
    EXPECT_EQ(message(json), boost_message(json)) << json;
  }
}

}  // namespace
