// Evaluating conditions: a subject's values bound to slots, and a program run over them.
#include "condition/condition_rules.hpp"

#include <algorithm>
#include <cmath>

namespace aftersales::detail {
namespace {

using Kind = FieldValue::Kind;
using Op = Condition::Op;

template <class T>
bool contains_sorted(const std::vector<T>& values, std::uint32_t first, std::uint32_t count, T wanted) {
  const auto begin = values.begin() + first;
  return std::binary_search(begin, begin + count, wanted);
}

// Operands are short (a category's first segment, a tag's namespace): comparing in place beats
// a call to memcmp.
bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (text[i] != prefix[i]) return false;
  return true;
}

template <class T>
bool compare(Op op, T a, T b) {
  switch (op) {
    case Op::gt: return a > b;
    case Op::gte: return a >= b;
    case Op::lt: return a < b;
    case Op::lte: return a <= b;
    default: return false;
  }
}

}  // namespace

std::optional<std::int64_t> double_millionths(double value) {
  const double scaled = std::round(value * static_cast<double>(number_scale));
  // Out of range (or NaN) would make the cast undefined behaviour.
  if (!std::isfinite(scaled) || std::fabs(scaled) >= 9.2e18) return std::nullopt;
  return static_cast<std::int64_t>(scaled);
}

SymbolTable::SymbolTable() {
  // Interned first, so that a priority's symbol is its rank.
  for (std::string_view p : priority_names) intern(p);
}

Symbol SymbolTable::intern(std::string_view text) {
  const auto [it, inserted] = symbols_.try_emplace(std::string(text), static_cast<Symbol>(symbols_.size()));
  return it->second;
}

Symbol SymbolTable::find(std::string_view text) const {
  const auto it = symbols_.find(text);
  return it == symbols_.end() ? no_symbol : it->second;
}

std::size_t SymbolTable::custom_field_slot(std::string_view name) {
  const auto [it, inserted] = custom_fields_.try_emplace(std::string(name), slot_count());
  return it->second;
}

std::optional<std::size_t> SymbolTable::find_custom_field(std::string_view name) const {
  const auto it = custom_fields_.find(name);
  if (it == custom_fields_.end()) return std::nullopt;
  return it->second;
}

void Subject::set_text(std::size_t slot, std::string_view text) {
  FieldValue& v = values_[slot];
  v = {};
  v.kind = Kind::text;
  v.text = text;
  v.symbol = symbols_->symbol_used(slot) ? symbols_->find(text) : no_symbol;
}

void Subject::set_number(std::size_t slot, std::int64_t millionths) {
  values_[slot] = {};
  values_[slot].kind = Kind::number;
  values_[slot].number = millionths;
}

void Subject::set_boolean(std::size_t slot, bool value) {
  values_[slot] = {};
  values_[slot].kind = Kind::boolean;
  values_[slot].flag = value;
}

void Subject::set_list(std::size_t slot, std::span<const Symbol> symbols, std::span<const std::string_view> texts) {
  values_[slot] = {};
  values_[slot].kind = Kind::list;
  values_[slot].symbols = symbols;
  values_[slot].texts = texts;
}

std::vector<Symbol> Subject::intern_list(std::span<const std::string_view> texts) const {
  std::vector<Symbol> result;
  result.reserve(texts.size());
  for (std::string_view t : texts) result.push_back(symbols_->find(t));
  return result;
}

bool Condition::evaluate(std::uint32_t index, const Subject& subject) const {
  const Step& step = steps_[index];
  const auto children = [&] {
    return std::span<const std::uint32_t>(children_.data() + step.first, step.count);
  };
  switch (step.op) {
    case Op::all:
      return std::all_of(children().begin(), children().end(), [&](std::uint32_t c) { return evaluate(c, subject); });
    case Op::any:
      return std::any_of(children().begin(), children().end(), [&](std::uint32_t c) { return evaluate(c, subject); });
    case Op::not_: return !evaluate(children_[step.first], subject);
    case Op::prefix: {
      // The usual leaf of routing rules, a text field against its operand, without a second call.
      const FieldValue& value = subject[step.slot];
      if (value.kind == Kind::text) return starts_with(value.text, step.text);
      return evaluate_leaf(step.op, step, value);
    }
    case Op::ne: return !evaluate_leaf(Op::eq, step, subject[step.slot]);
    case Op::not_in: return !evaluate_leaf(Op::in, step, subject[step.slot]);
    case Op::calendar_open: return calendar_open(step, subject);
    default: return evaluate_leaf(step.op, step, subject[step.slot]);
  }
}

// Out of line and last in the switch: the field leaves' code stays as it was.
bool Condition::calendar_open(const Step& step, const Subject& subject) const {
  const auto& at = subject.instant();
  return at && calendars_[step.first].is_open(*at) == step.flag;
}

bool Condition::evaluate_leaf(Op op, const Step& step, const FieldValue& value) const {
  const auto operand = static_cast<Kind>(step.operand_kind);
  switch (op) {
    case Op::exists: return (value.kind != Kind::absent && !(value.kind == Kind::list && value.symbols.empty())) == step.flag;
    case Op::eq:
      if (value.kind != operand) return false;
      if (operand == Kind::text) return value.symbol == step.symbol && step.symbol != no_symbol;
      if (operand == Kind::number) return value.number == step.number;
      return value.flag == step.flag;
    case Op::in:
      if (value.kind == Kind::list)
        return operand == Kind::text && std::any_of(value.symbols.begin(), value.symbols.end(),
                           [&](Symbol s) { return contains_sorted(symbol_operands_, step.first, step.count, s); });
      if (value.kind != operand) return false;
      return operand == Kind::text ? contains_sorted(symbol_operands_, step.first, step.count, value.symbol)
                                   : contains_sorted(number_operands_, step.first, step.count, value.number);
    case Op::prefix:
      if (value.kind == Kind::list)
        return std::any_of(value.texts.begin(), value.texts.end(), [&](std::string_view t) { return starts_with(t, step.text); });
      return value.kind == Kind::text && starts_with(value.text, step.text);
    case Op::contains:
      if (value.kind == Kind::list)
        return std::find(value.symbols.begin(), value.symbols.end(), step.symbol) != value.symbols.end();
      return value.kind == Kind::text && value.text.find(step.text) != std::string_view::npos;
    case Op::gt:
    case Op::gte:
    case Op::lt:
    case Op::lte:
      if (operand == Kind::number) return value.kind == Kind::number && compare(op, value.number, step.number);
      // Priorities were interned first, so a priority's symbol is its rank.
      return value.kind == Kind::text && value.symbol < priority_names.size() && compare(op, value.symbol, step.symbol);
    default: return false;
  }
}

}  // namespace aftersales::detail
