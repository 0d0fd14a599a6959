#pragma once
// Reading a request's plain values — texts, currencies and amounts — the one way every request
// reader (refunds, compensation) does: problems recorded at the node's path, amounts exact in
// the request's currency and never negative.

#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "document/json_reader.hpp"
#include "text/text.hpp"

namespace aftersales::detail {

/// The member `key` when given and not null.
inline std::optional<Node> present(const Node& parent, std::string_view key) {
  auto node = parent.member(key);
  if (node && node->value().is_null()) return std::nullopt;
  return node;
}

/// The text of the member `key`; empty when absent (a non-string is recorded as a problem).
inline std::string text_of(const Node& parent, std::string_view key) {
  const auto node = parent.member(key);
  if (!node) return {};
  const auto text = node->string();
  return text ? std::string(*text) : std::string();
}

/// The ISO 4217 currency named by `node`; nullopt after recording a problem.
inline std::optional<Currency> read_currency(const Node& node) {
  const auto code = node.string();
  if (!code) return std::nullopt;
  try {
    return currency(*code);
  } catch (const Error& e) {
    node.problem(e.what());
  }
  return std::nullopt;
}

/// A decimal string amount of `currency`, zero or more, exact to its minor unit (`"1.005"` is a
/// problem in CNY); nullopt after recording a problem, or when the currency is unknown.
inline std::optional<Money> read_money(const Node& node, const std::optional<Currency>& currency) {
  const auto text = node.string();
  if (!text || !currency) return std::nullopt;
  try {
    const Money amount = Money::parse(*text, *currency);
    if (amount.minor_units() >= 0) return amount;
    node.problem(quoted(*text) + " is negative; amounts are zero or more");
  } catch (const Error& e) {
    node.problem(e.what());
  }
  return std::nullopt;
}

}  // namespace aftersales::detail
