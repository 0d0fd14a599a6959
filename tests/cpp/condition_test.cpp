// Conditions: compiled at load, evaluated against a subject's field slots.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <array>

#include "condition/condition_compile.hpp"

namespace aftersales::detail {
namespace {

struct Compiled {
  boost::json::value json;
  Problems problems;
  std::optional<Condition> condition;
};

// Owns the JSON and the problems so that failing compilations can be inspected.
class ConditionTest : public ::testing::Test {
 protected:
  std::optional<Condition> compile(std::string_view text, ConditionContext context = ConditionContext::ticket) {
    json_ = boost::json::parse(text);
    problems_ = {};
    const Node root(json_, problems_);
    auto result = compile_condition(root, context, symbols_);
    try {
      problems_.throw_if_any();
    } catch (const PolicyError& e) {
      errors_ = e.problems();
    }
    return result;
  }

  Subject ticket(std::string_view channel, std::string_view priority, std::string_view tier = {}) {
    Subject s(symbols_);
    s.set_text(static_cast<std::size_t>(Field::channel), channel);
    s.set_text(static_cast<std::size_t>(Field::priority), priority);
    if (!tier.empty()) s.set_text(static_cast<std::size_t>(Field::customer_tier), tier);
    return s;
  }

  SymbolTable symbols_;
  boost::json::value json_;
  Problems problems_;
  std::vector<Problem> errors_;
};

TEST_F(ConditionTest, EqualityAndMembershipOnText) {
  const auto vip = compile(R"({"field": "customer.tier", "in": ["vip", "svip"]})");
  ASSERT_TRUE(vip);
  EXPECT_TRUE(vip->matches(ticket("chat", "normal", "svip")));
  EXPECT_FALSE(vip->matches(ticket("chat", "normal", "regular")));
  EXPECT_FALSE(vip->matches(ticket("chat", "normal")));  // absent tier is in no list

  const auto chat = compile(R"({"field": "channel", "eq": "chat"})");
  ASSERT_TRUE(chat);
  EXPECT_TRUE(chat->matches(ticket("chat", "low")));
  EXPECT_FALSE(chat->matches(ticket("email", "low")));
  // A string the policy never mentions still compares correctly (it interns to no symbol).
  EXPECT_FALSE(chat->matches(ticket("carrier-pigeon", "low")));
}

TEST_F(ConditionTest, NegationsMatchAbsentFields) {
  const auto not_vip = compile(R"({"field": "customer.tier", "ne": "vip"})");
  const auto not_in = compile(R"({"field": "customer.tier", "not_in": ["vip"]})");
  ASSERT_TRUE(not_vip && not_in);
  EXPECT_TRUE(not_vip->matches(ticket("chat", "low")));
  EXPECT_TRUE(not_in->matches(ticket("chat", "low")));
  EXPECT_FALSE(not_vip->matches(ticket("chat", "low", "vip")));
  EXPECT_FALSE(not_in->matches(ticket("chat", "low", "vip")));
}

TEST_F(ConditionTest, PrioritiesAreOrdered) {
  const auto at_least_high = compile(R"({"field": "priority", "gte": "high"})");
  ASSERT_TRUE(at_least_high);
  EXPECT_FALSE(at_least_high->matches(ticket("chat", "low")));
  EXPECT_FALSE(at_least_high->matches(ticket("chat", "normal")));
  EXPECT_TRUE(at_least_high->matches(ticket("chat", "high")));
  EXPECT_TRUE(at_least_high->matches(ticket("chat", "urgent")));
  const auto below_normal = compile(R"({"field": "priority", "lt": "normal"})");
  ASSERT_TRUE(below_normal);
  EXPECT_TRUE(below_normal->matches(ticket("chat", "low")));
  EXPECT_FALSE(below_normal->matches(ticket("chat", "normal")));
}

TEST_F(ConditionTest, BooleanCombinators) {
  const auto c = compile(R"({"all": [
      {"field": "channel", "in": ["chat", "hotline"]},
      {"any": [{"field": "priority", "eq": "urgent"}, {"field": "customer.tier", "eq": "vip"}]},
      {"not": {"field": "category", "prefix": "pre_sales/"}}]})");
  ASSERT_TRUE(c) << (errors_.empty() ? "" : errors_[0].message);
  Subject s = ticket("hotline", "normal", "vip");
  s.set_text(static_cast<std::size_t>(Field::category), "after_sales/return");
  EXPECT_TRUE(c->matches(s));
  s.set_text(static_cast<std::size_t>(Field::category), "pre_sales/faq");
  EXPECT_FALSE(c->matches(s));
  s = ticket("hotline", "normal", "regular");
  s.set_text(static_cast<std::size_t>(Field::category), "after_sales/return");
  EXPECT_FALSE(c->matches(s));
  s = ticket("email", "urgent");
  EXPECT_FALSE(c->matches(s));
}

TEST_F(ConditionTest, TagsAsAList) {
  const auto c = compile(R"({"field": "tags", "contains": "double11"})");
  const auto any = compile(R"({"field": "tags", "in": ["vip-care", "fragile"]})");
  const auto present = compile(R"({"field": "tags", "exists": true})");
  ASSERT_TRUE(c && any && present);
  const std::array<std::string_view, 2> texts{"urgent-ship", "double11"};
  Subject s(symbols_);
  const auto symbols = s.intern_list(texts);
  s.set_list(static_cast<std::size_t>(Field::tags), symbols, texts);
  EXPECT_TRUE(c->matches(s));
  EXPECT_FALSE(any->matches(s));
  EXPECT_TRUE(present->matches(s));
  Subject empty(symbols_);
  empty.set_list(static_cast<std::size_t>(Field::tags), {}, {});
  EXPECT_FALSE(present->matches(empty));  // an empty list does not "exist"
}

TEST_F(ConditionTest, MoneyAndNumbersCompareExactly) {
  const auto big = compile(R"({"field": "order.amount", "gt": "399.99"})");
  ASSERT_TRUE(big);
  Subject s(symbols_);
  s.set_number(static_cast<std::size_t>(Field::order_amount), 399'990'000);  // 399.99 in millionths
  EXPECT_FALSE(big->matches(s));
  s.set_number(static_cast<std::size_t>(Field::order_amount), 399'990'001);
  EXPECT_TRUE(big->matches(s));
  const auto score = compile(R"({"field": "customer.credit_score", "gte": 650})", ConditionContext::refund);
  ASSERT_TRUE(score);
  s.set_number(static_cast<std::size_t>(Field::customer_credit_score), 650 * number_scale);
  EXPECT_TRUE(score->matches(s));
}

TEST_F(ConditionTest, CustomFieldsByOperandType) {
  const auto region = compile(R"({"field": "fields.region", "eq": "east"})");
  const auto weight = compile(R"({"field": "fields.weight_kg", "lte": 2.5})");
  const auto fragile = compile(R"({"field": "fields.fragile", "eq": true})");
  ASSERT_TRUE(region && weight && fragile);
  Subject s(symbols_);
  s.set_text(*symbols_.find_custom_field("region"), "east");
  s.set_number(*symbols_.find_custom_field("weight_kg"), 2'500'000);
  s.set_boolean(*symbols_.find_custom_field("fragile"), true);
  EXPECT_TRUE(region->matches(s));
  EXPECT_TRUE(weight->matches(s));
  EXPECT_TRUE(fragile->matches(s));
  // A value of another type than the operand's never matches.
  s.set_number(*symbols_.find_custom_field("region"), 1);
  EXPECT_FALSE(region->matches(s));
}

TEST_F(ConditionTest, ExistsOnAbsentAndPresent) {
  const auto has_tier = compile(R"({"field": "customer.tier", "exists": true})");
  const auto no_tier = compile(R"({"field": "customer.tier", "exists": false})");
  ASSERT_TRUE(has_tier && no_tier);
  EXPECT_FALSE(has_tier->matches(ticket("chat", "low")));
  EXPECT_TRUE(no_tier->matches(ticket("chat", "low")));
  EXPECT_TRUE(has_tier->matches(ticket("chat", "low", "vip")));
}

TEST_F(ConditionTest, LoadErrorsNameThePath) {
  EXPECT_FALSE(compile(R"({"all": [{"field": "chanel", "eq": "chat"}, {"field": "priority", "gt": "huge"},
                                   {"field": "tags", "eq": "x"}, {"field": "order.amount", "prefix": "1"},
                                   {"field": "reason", "eq": "quality"}, {"field": "channel", "matches": ".*"},
                                   {"field": "channel", "eq": "a", "ne": "b"}, {"field": "status", "eq": "done"}]})"));
  ASSERT_EQ(errors_.size(), 8u);
  EXPECT_EQ(errors_[0].path, "all[0].field");
  EXPECT_NE(errors_[0].message.find("unknown field \"chanel\""), std::string::npos);
  EXPECT_EQ(errors_[1].path, "all[1].gt");
  EXPECT_NE(errors_[1].message.find("not a priority"), std::string::npos);
  EXPECT_EQ(errors_[2].path, "all[2].eq");
  EXPECT_NE(errors_[2].message.find("a list"), std::string::npos);
  EXPECT_EQ(errors_[3].path, "all[3].prefix");
  EXPECT_EQ(errors_[4].path, "all[4].field");
  EXPECT_NE(errors_[4].message.find("only refund policies"), std::string::npos);
  EXPECT_EQ(errors_[5].path, "all[5].matches");
  EXPECT_EQ(errors_[6].path, "all[6].ne");
  EXPECT_EQ(errors_[7].path, "all[7].eq");
  EXPECT_NE(errors_[7].message.find("not a status"), std::string::npos);
}

TEST_F(ConditionTest, StructuralErrors) {
  EXPECT_FALSE(compile(R"({"any": []})"));
  EXPECT_EQ(errors_.at(0).path, "any");
  EXPECT_FALSE(compile(R"({"all": [{"field": "channel", "eq": "chat"}], "any": []})"));
  EXPECT_FALSE(compile(R"({"field": "channel"})"));
  EXPECT_NE(errors_.at(0).message.find("missing an operator"), std::string::npos);
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": "12,5"})"));
  EXPECT_FALSE(compile(R"([1, 2])"));
}

TEST_F(ConditionTest, NumericInListAgainstAListValueUsesTheNumberOperands) {
  // Regression (found in review): for `in` on a list-valued field, Condition::evaluate_leaf (src/condition/condition.cpp:391-393)
  // always searches symbol_operands_ with the step's first/count, even when the step's operands
  // are numbers (their first/count index number_operands_). Here the only symbol operands are
  // those of fields.y ("a".."d"), so fields.x in [1, 2] looks at the symbols of "a" and "b"
  // and matches a fields.x list holding "a". A list of text is never in a list of numbers:
  // expected false. (With no symbol operands at all, the search reads past an empty vector.)
  const auto c = compile(R"({"any": [{"field": "fields.y", "in": ["a", "b", "c", "d"]},
                                      {"field": "fields.x", "in": [1, 2]}]})");
  ASSERT_TRUE(c);
  Subject s(symbols_);
  const std::vector<std::string_view> texts{"a"};
  const std::vector<Symbol> list = s.intern_list(texts);
  s.set_list(*symbols_.find_custom_field("x"), list, texts);
  EXPECT_FALSE(c->matches(s));
}

TEST_F(ConditionTest, EdgeOperands) {
  // Empty lists are load errors, for built-in and custom fields alike.
  EXPECT_FALSE(compile(R"({"field": "channel", "in": []})"));
  EXPECT_FALSE(compile(R"({"field": "fields.x", "not_in": []})"));
  // "fields." with no name is not a custom field.
  EXPECT_FALSE(compile(R"({"field": "fields.", "eq": "x"})"));
  // Numbers beyond the millionths range are load errors, not wrapped values:
  // INT64_MAX / 10^6 = 9,223,372,036,854 is the largest whole number.
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": 9223372036855})"));
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": 18446744073709551615})"));
  EXPECT_FALSE(compile(R"({"field": "order.amount", "gt": 1e300})"));
  // "-0" equals 0; numbers compare exactly at the millionth.
  const auto zero = compile(R"({"field": "order.amount", "eq": "-0"})");
  ASSERT_TRUE(zero);
  Subject s(symbols_);
  s.set_number(static_cast<std::size_t>(Field::order_amount), 0);
  EXPECT_TRUE(zero->matches(s));
  const auto lt = compile(R"({"field": "order.amount", "lt": "-0.000001"})");
  ASSERT_TRUE(lt);
  s.set_number(static_cast<std::size_t>(Field::order_amount), -1);
  EXPECT_FALSE(lt->matches(s));
  s.set_number(static_cast<std::size_t>(Field::order_amount), -2);
  EXPECT_TRUE(lt->matches(s));
  // Custom field names with dots and unicode are just names.
  const auto odd = compile(R"({"field": "fields.区域.子", "eq": "东"})");
  ASSERT_TRUE(odd);
  Subject t(symbols_);
  t.set_text(*symbols_.find_custom_field("区域.子"), "东");
  EXPECT_TRUE(odd->matches(t));
}

TEST(ParseMillionths, ExactDecimals) {
  EXPECT_EQ(parse_millionths(boost::json::value("399.00")), 399'000'000);
  EXPECT_EQ(parse_millionths(boost::json::value("-0.000001")), -1);
  EXPECT_EQ(parse_millionths(boost::json::value(12)), 12'000'000);
  EXPECT_EQ(parse_millionths(boost::json::value(0.95)), 950'000);
  EXPECT_FALSE(parse_millionths(boost::json::value("0.0000001")));  // finer than a millionth
  EXPECT_FALSE(parse_millionths(boost::json::value("1e3")));
  EXPECT_FALSE(parse_millionths(boost::json::value("99999999999999999999")));
  EXPECT_FALSE(parse_millionths(boost::json::value(".5")));
}

}  // namespace
}  // namespace aftersales::detail
