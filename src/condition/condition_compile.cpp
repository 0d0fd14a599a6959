#include "condition/condition_compile.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "calendar/calendar_compile.hpp"
#include "calendar/zone_converter.hpp"
#include "text/text.hpp"
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
  ConditionContext only;  // `ticket`: every context has it; otherwise the one context that does
};

constexpr auto fields = std::to_array<FieldInfo>({
    {"channel", Field::channel, FieldType::text, ConditionContext::ticket},
    {"category", Field::category, FieldType::text, ConditionContext::ticket},
    {"priority", Field::priority, FieldType::priority, ConditionContext::ticket},
    {"status", Field::status, FieldType::status, ConditionContext::ticket},
    {"customer.tier", Field::customer_tier, FieldType::text, ConditionContext::ticket},
    {"customer.language", Field::customer_language, FieldType::text, ConditionContext::ticket},
    {"customer.id", Field::customer_id, FieldType::text, ConditionContext::ticket},
    {"tags", Field::tags, FieldType::list, ConditionContext::ticket},
    {"order.amount", Field::order_amount, FieldType::number, ConditionContext::ticket},
    {"reason", Field::reason, FieldType::text, ConditionContext::refund},
    {"resolution", Field::resolution, FieldType::text, ConditionContext::refund},
    {"order.currency", Field::order_currency, FieldType::text, ConditionContext::refund},
    {"item.category", Field::item_category, FieldType::text, ConditionContext::refund},
    {"item.condition", Field::item_condition, FieldType::text, ConditionContext::refund},
    {"customer.credit_score", Field::customer_credit_score, FieldType::number, ConditionContext::refund},
    // The queue of the latest `assigned` event naming one: known only as events apply.
    {"queue", Field::queue, FieldType::text, ConditionContext::sla_metric},
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

// Why a field path is unknown here: `field` is null for a path no context knows.
std::string where_known(const FieldInfo* field) {
  if (field == nullptr) return "see docs/conditions.md for the field paths";
  if (field->only == ConditionContext::refund) return "only refund policies have it";
  return "only the conditions of custom SLA metrics have it: they are judged as the ticket's events apply";
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

}  // namespace

// Writes one condition's program: the only code Condition lets at it.
class ConditionCompiler {
 public:
  explicit ConditionCompiler(const ConditionCalendars* calendars) : calendars_(calendars) {}

  std::optional<Condition> compile(const Node& node, ConditionContext context, SymbolTable& symbols) {
    bool ok = true;
    compile_node(node, context, symbols, ok);
    if (!ok) return std::nullopt;
    return std::move(condition_);
  }

 private:
  std::uint32_t compile_node(const Node& node, ConditionContext context, SymbolTable& symbols, bool& ok);
  std::uint32_t compile_leaf(const Node& node, const boost::json::object& object, ConditionContext context,
                             SymbolTable& symbols, bool& ok);
  std::uint32_t compile_calendar(const Node& node, bool& ok);

  const ConditionCalendars* calendars_;
  Condition condition_;
};

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

std::optional<Condition> compile_condition(const Node& node, ConditionContext context, SymbolTable& symbols,
                                           const ConditionCalendars* calendars) {
  return ConditionCompiler(calendars).compile(node, context, symbols);
}

std::uint32_t ConditionCompiler::compile_node(const Node& node, ConditionContext context, SymbolTable& symbols, bool& ok) {
  const auto* object = node.any_object();
  if (object == nullptr) {
    ok = false;
    return 0;
  }
  const auto index = static_cast<std::uint32_t>(condition_.steps_.size());
  for (const auto& [name, op] : {std::pair{"all", Op::all}, std::pair{"any", Op::any}, std::pair{"not", Op::not_}}) {
    const auto child = node.member(name);
    if (!child) continue;
    if (object->size() != 1) {
      node.problem(std::string("\"") + name + "\" must be the only key of its object");
      ok = false;
      return index;
    }
    condition_.steps_.emplace_back().op = op;
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
    condition_.steps_[index].first = static_cast<std::uint32_t>(condition_.children_.size());
    condition_.steps_[index].count = static_cast<std::uint32_t>(compiled.size());
    condition_.children_.insert(condition_.children_.end(), compiled.begin(), compiled.end());
    return index;
  }
  if (object->contains("calendar")) return compile_calendar(node, ok);
  return compile_leaf(node, *object, context, symbols, ok);
}

// `{"calendar": "night-desk", "open": true}`: whether the calendar is open at the subject's
// instant.
std::uint32_t ConditionCompiler::compile_calendar(const Node& node, bool& ok) {
  const auto index = static_cast<std::uint32_t>(condition_.steps_.size());
  condition_.steps_.emplace_back();
  if (calendars_ == nullptr) {
    node.problem("a calendar condition applies only to routing rules and SLA policies, which are judged at an instant");
    ok = false;
    return index;
  }
  if (!node.object({"calendar", "open"})) return ok = false, index;
  const auto name_node = node.required("calendar");
  const auto open_node = node.required("open");
  const auto name = name_node ? name_node->string() : std::nullopt;
  const auto open = open_node ? open_node->boolean() : std::nullopt;
  if (!name || !open) return ok = false, index;
  const auto it = calendars_->calendars.find(*name);
  if (it == calendars_->calendars.end()) {
    if (!calendars_->invalid.contains(*name)) name_node->problem("no calendar named " + quoted(*name) + " in \"calendars\"");
    return ok = false, index;
  }
  Condition::Step& step = condition_.steps_[index];
  step.op = Op::calendar_open;
  step.flag = *open;
  step.first = static_cast<std::uint32_t>(condition_.calendars_.size());
  condition_.calendars_.push_back(it->second);
  return index;
}

std::optional<Validity> compile_validity(const Node& node, const date::time_zone* zone) {
  if (!node.object({"from", "to", "timezone"})) return std::nullopt;
  bool ok = true;
  if (const auto zone_node = node.member("timezone")) {
    zone = read_time_zone(*zone_node);
    ok = zone != nullptr;
  } else if (zone == nullptr) {
    node.problem("\"timezone\" is required: the dates are local dates in it (an SLA policy with a \"calendar\" uses its time zone)");
    ok = false;
  }
  // Days since the epoch; the range's own bounds stand for "no bound".
  std::int32_t first = INT32_MIN, last = INT32_MAX;
  const auto read = [&](const char* key, std::int32_t& day) {
    const auto date_node = node.member(key);
    if (!date_node) return;
    if (const auto parsed = read_date(*date_node)) day = *parsed;
    else ok = false;
  };
  read("from", first);
  read("to", last);
  if (ok && last < first) {
    node.problem("the range ends before it starts (" + format_day(first) + " to " + format_day(last) + ")");
    ok = false;
  }
  if (!ok) return std::nullopt;
  // Local midnights: the first day's start and the start of the day after the last.
  const auto midnight = [zone](std::int32_t day) {
    const date::local_seconds local{date::days{day}};
    return std::chrono::duration_cast<Duration>(to_instant(*zone, local).time_since_epoch()).count();
  };
  Validity validity;
  if (first != INT32_MIN) validity.from = midnight(first);
  if (last != INT32_MAX) validity.until = midnight(last + 1);
  return validity;
}

std::uint32_t ConditionCompiler::compile_leaf(const Node& node, const boost::json::object& object,
                                              ConditionContext context, SymbolTable& symbols, bool& ok) {
  const auto index = static_cast<std::uint32_t>(condition_.steps_.size());
  condition_.steps_.emplace_back();
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
  Condition::Step& step = condition_.steps_[index];
  step.op = op_info->op;
  FieldType type = FieldType::custom;
  if (path->starts_with("fields.") && path->size() > 7) {
    step.slot = static_cast<std::uint32_t>(symbols.custom_field_slot(path->substr(7)));
  } else {
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const FieldInfo& f) { return f.path == *path; });
    if (it == fields.end() || (it->only != ConditionContext::ticket && it->only != context))
      return fail(*field_node, "unknown field " + quoted(*path) + " (" + where_known(it == fields.end() ? nullptr : &*it) + ")");
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
    if (type == FieldType::status && !status_named(text) && !symbols.is_custom_status(text))
      return fail(where, quoted(text) + " is not a status (" + listed(status_names) +
                             ", or one of the policy's \"statuses\")"),
             false;
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
    step.first = static_cast<std::uint32_t>(numbers ? condition_.number_operands_.size() : condition_.symbol_operands_.size());
    step.count = static_cast<std::uint32_t>(list->size());
    condition_.symbol_operands_.insert(condition_.symbol_operands_.end(), found_symbols.begin(), found_symbols.end());
    condition_.number_operands_.insert(condition_.number_operands_.end(), found_numbers.begin(), found_numbers.end());
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

}  // namespace aftersales::detail
