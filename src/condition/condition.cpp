#include "condition/condition.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "detail/text.hpp"
#include "ticket/ticket_words.hpp"

namespace aftersales::detail {
namespace {

using Kind = FieldValue::Kind;
using Op = Condition::Op;

enum class FieldType : std::uint8_t { text, priority, status, list, number, custom };

struct FieldInfo {
  std::string_view path;
  Field field;
  FieldType type;
  bool refund_only;
};

constexpr auto fields = std::to_array<FieldInfo>({
    {"channel", Field::channel, FieldType::text, false},
    {"category", Field::category, FieldType::text, false},
    {"priority", Field::priority, FieldType::priority, false},
    {"status", Field::status, FieldType::status, false},
    {"customer.tier", Field::customer_tier, FieldType::text, false},
    {"customer.language", Field::customer_language, FieldType::text, false},
    {"customer.id", Field::customer_id, FieldType::text, false},
    {"tags", Field::tags, FieldType::list, false},
    {"order.amount", Field::order_amount, FieldType::number, false},
    {"reason", Field::reason, FieldType::text, true},
    {"resolution", Field::resolution, FieldType::text, true},
    {"order.currency", Field::order_currency, FieldType::text, true},
    {"item.category", Field::item_category, FieldType::text, true},
    {"item.condition", Field::item_condition, FieldType::text, true},
    {"customer.credit_score", Field::customer_credit_score, FieldType::number, true},
});
static_assert(fields.size() == fixed_field_count);

struct OpInfo {
  std::string_view name;
  Op op;
};
constexpr auto operators = std::to_array<OpInfo>({
    {"eq", Op::eq}, {"ne", Op::ne}, {"in", Op::in}, {"not_in", Op::not_in}, {"prefix", Op::prefix},
    {"contains", Op::contains}, {"gt", Op::gt}, {"gte", Op::gte}, {"lt", Op::lt}, {"lte", Op::lte},
    {"exists", Op::exists},
});

bool is_ordering(Op op) { return op == Op::gt || op == Op::gte || op == Op::lt || op == Op::lte; }
bool is_membership(Op op) { return op == Op::in || op == Op::not_in; }

bool op_allowed(FieldType type, Op op) {
  switch (type) {
    case FieldType::text: return !is_ordering(op);
    case FieldType::priority: return op != Op::prefix && op != Op::contains;
    case FieldType::status: return op != Op::prefix && op != Op::contains && !is_ordering(op);
    case FieldType::list: return op != Op::eq && op != Op::ne && !is_ordering(op);
    case FieldType::number: return op != Op::prefix && op != Op::contains;
    case FieldType::custom: return true;
  }
  return false;
}

std::string type_words(FieldType type) {
  switch (type) {
    case FieldType::text: return "text";
    case FieldType::priority: return "a priority";
    case FieldType::status: return "a status";
    case FieldType::list: return "a list (use contains, in, not_in, prefix or exists)";
    case FieldType::number: return "a number";
    case FieldType::custom: return "a custom field";
  }
  return "";
}

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

std::optional<std::int64_t> parse_millionths(const boost::json::value& value) {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max() / number_scale;
  if (const auto* i = value.if_int64()) {
    if (*i > max || *i < -max) return std::nullopt;
    return *i * number_scale;
  }
  if (const auto* d = value.if_double()) return double_millionths(*d);
  const auto* s = value.if_string();
  if (s == nullptr) return std::nullopt;
  const std::string_view text(s->data(), s->size());
  std::size_t pos = text.starts_with('-') ? 1 : 0;
  std::int64_t whole = 0, fraction = 0, scale = number_scale;
  const std::size_t digits_start = pos;
  for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
    if (whole > (max - 9) / 10) return std::nullopt;
    whole = whole * 10 + (text[pos] - '0');
  }
  if (pos == digits_start) return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {
    const std::size_t fraction_start = ++pos;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (scale == 1) {
        if (text[pos] != '0') return std::nullopt;  // finer than a millionth
        continue;
      }
      scale /= 10;
      fraction += (text[pos] - '0') * scale;
    }
    if (pos == fraction_start) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const std::int64_t magnitude = whole * number_scale + fraction;
  return text.starts_with('-') ? -magnitude : magnitude;
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

std::optional<Condition> Condition::compile(const Node& node, ConditionContext context, SymbolTable& symbols) {
  Condition condition;
  bool ok = true;
  condition.compile_node(node, context, symbols, ok);
  if (!ok) return std::nullopt;
  return condition;
}

std::uint32_t Condition::compile_node(const Node& node, ConditionContext context, SymbolTable& symbols, bool& ok) {
  const auto* object = node.any_object();
  if (object == nullptr) {
    ok = false;
    return 0;
  }
  const auto index = static_cast<std::uint32_t>(steps_.size());
  for (const auto& [name, op] : {std::pair{"all", Op::all}, std::pair{"any", Op::any}, std::pair{"not", Op::not_}}) {
    const auto child = node.member(name);
    if (!child) continue;
    if (object->size() != 1) {
      node.problem(std::string("\"") + name + "\" must be the only key of its object");
      ok = false;
      return index;
    }
    steps_.emplace_back().op = op;
    std::vector<Node> operands;
    if (op == Op::not_) {
      operands.push_back(*child);
    } else if (const auto* list = child->array()) {
      if (list->empty()) child->problem(std::string("\"") + name + "\" needs at least one condition");
      for (std::size_t i = 0; i < list->size(); ++i) operands.push_back(child->element(i));
      ok = ok && !list->empty();
    } else {
      ok = false;
    }
    // Children are compiled first, then their indices are stored contiguously.
    std::vector<std::uint32_t> compiled;
    for (const Node& operand : operands) compiled.push_back(compile_node(operand, context, symbols, ok));
    steps_[index].first = static_cast<std::uint32_t>(children_.size());
    steps_[index].count = static_cast<std::uint32_t>(compiled.size());
    children_.insert(children_.end(), compiled.begin(), compiled.end());
    return index;
  }
  return compile_leaf(node, *object, context, symbols, ok);
}

std::uint32_t Condition::compile_leaf(const Node& node, const boost::json::object& object, ConditionContext context,
                                      SymbolTable& symbols, bool& ok) {
  const auto index = static_cast<std::uint32_t>(steps_.size());
  steps_.emplace_back();
  const auto fail = [&](const Node& where, std::string message) {
    where.problem(std::move(message));
    ok = false;
    return index;
  };

  const auto field_node = node.member("field");
  if (!field_node) return fail(node, "expected \"all\", \"any\", \"not\" or a leaf with \"field\" and one operator");
  const OpInfo* op_info = nullptr;
  std::optional<Node> operand;
  for (const auto& [key, value] : object) {
    const std::string_view name(key.data(), key.size());
    if (name == "field") continue;
    const auto it = std::find_if(operators.begin(), operators.end(), [&](const OpInfo& o) { return o.name == name; });
    const Node here = node.child(name, value);
    if (it == operators.end())
      return fail(here, "unknown operator " + quoted(name) +
                            " (use eq, ne, in, not_in, prefix, contains, gt, gte, lt, lte or exists)");
    if (op_info != nullptr) return fail(here, "a leaf takes one operator; combine leaves with \"all\"");
    op_info = &*it;
    operand = here;
  }
  if (op_info == nullptr) return fail(node, "missing an operator (eq, ne, in, not_in, prefix, contains, gt, gte, lt, lte, exists)");

  const auto path = field_node->string();
  if (!path) {
    ok = false;
    return index;
  }
  Step& step = steps_[index];
  step.op = op_info->op;
  FieldType type = FieldType::custom;
  if (path->starts_with("fields.") && path->size() > 7) {
    step.slot = static_cast<std::uint32_t>(symbols.custom_field_slot(path->substr(7)));
  } else {
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const FieldInfo& f) { return f.path == *path; });
    if (it == fields.end() || (it->refund_only && context != ConditionContext::refund))
      return fail(*field_node, "unknown field " + quoted(*path) +
                                   (it == fields.end() ? std::string(" (see SPEC §1 for the field paths)")
                                                       : std::string(" (only refund policies have it)")));
    step.slot = static_cast<std::uint32_t>(it->field);
    type = it->type;
    symbols.note_use(it->field);
    // prefix and contains read a text's characters, exists its presence; the rest its symbol.
    if (step.op != Op::prefix && step.op != Op::contains && step.op != Op::exists) symbols.note_symbol_use(it->field);
  }
  if (!op_allowed(type, step.op))
    return fail(*operand, "operator \"" + std::string(op_info->name) + "\" does not apply to " + quoted(*path) +
                              ", which is " + type_words(type));

  const auto& value = operand->value();
  const auto check_name = [&](std::string_view text, const Node& where) {
    if (type == FieldType::priority && !priority_named(text))
      return fail(where, quoted(text) + " is not a priority (" + listed(priority_names) + ")"), false;
    if (type == FieldType::status && !status_named(text))
      return fail(where, quoted(text) + " is not a status (" + listed(status_names) + ")"), false;
    return true;
  };
  const bool numeric = type == FieldType::number || (type == FieldType::custom && !value.is_string() && !value.is_bool() &&
                                                     !value.is_array());

  if (step.op == Op::exists) {
    if (!value.is_bool()) return fail(*operand, "\"exists\" takes true or false");
    step.flag = value.get_bool();
  } else if (is_membership(step.op)) {
    const auto* list = operand->array();
    if (list == nullptr) return ok = false, index;
    if (list->empty()) return fail(*operand, "the list is empty");
    const bool numbers = type == FieldType::number || (type == FieldType::custom && !(*list)[0].is_string());
    step.operand_kind = static_cast<std::uint16_t>(numbers ? Kind::number : Kind::text);
    std::vector<Symbol> found_symbols;
    std::vector<std::int64_t> found_numbers;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Node element = operand->element(i);
      if (numbers) {
        const auto n = parse_millionths(element.value());
        if (!n) return fail(element, describe(element.value()) + " is not a number");
        found_numbers.push_back(*n);
      } else {
        const auto text = element.string();
        if (!text) return ok = false, index;
        if (!check_name(*text, element)) return index;
        found_symbols.push_back(symbols.intern(*text));
      }
    }
    std::sort(found_symbols.begin(), found_symbols.end());
    std::sort(found_numbers.begin(), found_numbers.end());
    step.first = static_cast<std::uint32_t>(numbers ? number_operands_.size() : symbol_operands_.size());
    step.count = static_cast<std::uint32_t>(list->size());
    symbol_operands_.insert(symbol_operands_.end(), found_symbols.begin(), found_symbols.end());
    number_operands_.insert(number_operands_.end(), found_numbers.begin(), found_numbers.end());
  } else if (value.is_bool() && type == FieldType::custom && (step.op == Op::eq || step.op == Op::ne)) {
    step.operand_kind = static_cast<std::uint16_t>(Kind::boolean);
    step.flag = value.get_bool();
  } else if (numeric && (is_ordering(step.op) || step.op == Op::eq || step.op == Op::ne)) {
    const auto n = parse_millionths(value);
    if (!n) return fail(*operand, describe(value) + " is not a number");
    step.operand_kind = static_cast<std::uint16_t>(Kind::number);
    step.number = *n;
  } else {
    const auto text = operand->string();
    if (!text) return ok = false, index;
    if (is_ordering(step.op) && type != FieldType::priority)
      return fail(*operand, "\"" + std::string(op_info->name) + "\" compares numbers; " + quoted(*text) + " is text");
    if (!check_name(*text, *operand)) return index;
    step.operand_kind = static_cast<std::uint16_t>(Kind::text);
    step.symbol = symbols.intern(*text);
    step.text = std::string(*text);
  }
  return index;
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
    default: return evaluate_leaf(step.op, step, subject[step.slot]);
  }
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
