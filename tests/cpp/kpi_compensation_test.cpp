// The compensation KPIs (issue 18: a compensation counted in KPIs): cost per ticket and the rate
// of compensated tickets, by any grouping, from compensation records given beside the tickets.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>
#include <aftersales/policy.hpp>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace aftersales {
namespace {

using test::at;

std::shared_ptr<const Policy> policy() {
  static const auto p = Policy::from_json(R"({"schema_version": 1})");
  return p;
}

Ticket ticket(std::string id, std::string category, std::string agent) {
  Ticket t;
  t.id = std::move(id);
  t.created_at = at("2026-11-11T10:00:00+08:00");
  t.channel = "chat";
  t.category = std::move(category);
  Event e = Event::of(EventType::assigned, at("2026-11-11T10:05:00+08:00"));
  e.agent = std::move(agent);
  t.events.push_back(std::move(e));
  return t;
}

// T1, T2 of A-1; T3, T4 of A-2; T1 and T3 complaints.
const std::vector<Ticket> tickets{
    ticket("T1", "complaint/logistics", "A-1"), ticket("T2", "after_sales/return", "A-1"),
    ticket("T3", "complaint/logistics", "A-2"), ticket("T4", "after_sales/return", "A-2")};

const Instant counted_at = at("2026-11-12T10:00:00+08:00");

KpiCompensation record(std::string ticket, std::string_view amount, std::string_view code = "CNY") {
  return {std::move(ticket), Money::parse(amount, currency(code))};
}

// T1 compensated twice (a coupon of 10.00 and later 5.00), T3 once (39.90); T9 is not in the batch.
KpiOrders records() {
  KpiOrders orders;
  orders.compensations = {record("T1", "10.00"), record("T3", "39.90"), record("T1", "5.00"), record("T9", "100.00")};
  return orders;
}

const KpiCompensationStats& compensation_of(const KpiGroup& g) {
  EXPECT_TRUE(g.compensation.has_value());
  static const KpiCompensationStats none;
  return g.compensation ? *g.compensation : none;
}

TEST(KpiCompensation, AllTicketsTogether) {
  const KpiResult r = KpiEngine(policy()).compute(tickets, counted_at, {}, records());
  ASSERT_EQ(r.groups.size(), 1U);
  const KpiCompensationStats& c = compensation_of(r.groups[0]);
  EXPECT_EQ(c.compensated, 2);                                        // T1 and T3; T9 is not counted
  EXPECT_EQ(c.total.to_string(), "54.90");                             // 10.00 + 5.00 + 39.90
  EXPECT_EQ(c.cost_per_ticket.value().to_string(), "13.73");          // 5490 / 4 = 1372.5 fen, half up
  EXPECT_EQ(c.rate, 0.5);                                              // 2 of 4 tickets
}

TEST(KpiCompensation, ByAgentAndByCategory) {
  const KpiEngine engine(policy());
  const KpiResult by_agent = engine.compute(tickets, counted_at, {{KpiDimension::agent}, ""}, records());
  ASSERT_EQ(by_agent.groups.size(), 2U);
  // A-1: T1's 15.00 over T1, T2 → 7.50 a ticket, 1 of 2 compensated.
  EXPECT_EQ(compensation_of(by_agent.groups[0]).total.to_string(), "15.00");
  EXPECT_EQ(compensation_of(by_agent.groups[0]).cost_per_ticket.value().to_string(), "7.50");
  EXPECT_EQ(compensation_of(by_agent.groups[0]).rate, 0.5);
  // A-2: T3's 39.90 over T3, T4 → 19.95.
  EXPECT_EQ(compensation_of(by_agent.groups[1]).cost_per_ticket.value().to_string(), "19.95");

  const KpiResult by_category = engine.compute(tickets, counted_at, {{KpiDimension::category}, ""}, records());
  ASSERT_EQ(by_category.groups.size(), 2U);
  // after_sales/return (T2, T4): nothing, and a zero cost, not a missing one.
  EXPECT_EQ(compensation_of(by_category.groups[0]).compensated, 0);
  EXPECT_EQ(compensation_of(by_category.groups[0]).cost_per_ticket.value().to_string(), "0.00");
  EXPECT_EQ(compensation_of(by_category.groups[0]).rate, 0.0);
  // complaint/logistics (T1, T3): 54.90 / 2 = 27.45, both compensated.
  EXPECT_EQ(compensation_of(by_category.groups[1]).cost_per_ticket.value().to_string(), "27.45");
  EXPECT_EQ(compensation_of(by_category.groups[1]).rate, 1.0);
}

TEST(KpiCompensation, JsonCarriesItOnlyWithRecords) {
  const KpiEngine engine(policy());
  const std::string without = engine.compute(tickets, counted_at, {}).to_json();
  EXPECT_EQ(without.find("compensation"), std::string::npos);
  const std::string with = engine.compute(tickets, counted_at, {}, records()).to_json();
  EXPECT_NE(with.find(R"("complaint_rate":null,"compensation":{"currency":"CNY","compensated":2,"total":"54.90",)"
                      R"("cost_per_ticket":"13.73","rate":0.5}})"),
            std::string::npos)
      << with;
}

TEST(KpiCompensation, ExactInEveryExponent) {
  KpiOrders yen;
  yen.compensations = {record("T1", "500", "JPY")};
  const KpiResult r = KpiEngine(policy()).compute(std::span(tickets).first(3), counted_at, {}, yen);
  EXPECT_EQ(compensation_of(r.groups[0]).cost_per_ticket.value().to_string(), "167");  // 500 / 3 = 166.67, half up
  KpiOrders dinar;
  dinar.compensations = {record("T1", "1.000", "KWD")};
  const KpiResult k = KpiEngine(policy()).compute(std::span(tickets).first(3), counted_at, {}, dinar);
  EXPECT_EQ(compensation_of(k.groups[0]).cost_per_ticket.value().to_string(), "0.333");  // 1000 / 3 = 333.3 fils
}

TEST(KpiCompensation, RecordsInOneCurrencyAndMoreThanZero) {
  const KpiEngine engine(policy());
  KpiOrders mixed;
  mixed.compensations = {record("T1", "10.00"), record("T3", "500", "JPY")};
  try {
    (void)engine.compute(tickets, counted_at, {}, mixed);
    FAIL() << "mixed currencies accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "compensations[1].currency");
  }
  KpiOrders zero;
  zero.compensations = {record("T1", "0.00")};
  try {
    (void)engine.compute(tickets, counted_at, {}, zero);
    FAIL() << "a zero record accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), "compensations[0].total");
  }
}

TEST(KpiCompensation, AnAccumulatorRefusesRecords) {
  KpiAccumulator acc(policy(), {});
  acc.add(tickets[0], counted_at);
  EXPECT_THROW((void)acc.result(records()), InputError);
}

TEST(KpiCompensation, AnAccumulatorTakesThemInItsConstructor) {
  const KpiOrders orders = records();
  KpiAccumulator a(policy(), {}, orders.compensations);
  KpiAccumulator b = a.empty_copy();  // a worker's part: the same records
  a.add(tickets[0], counted_at);
  a.add(tickets[1], counted_at);
  b.add(tickets[2], counted_at);
  b.add(tickets[3], counted_at);
  a.merge(b);
  // As all four together: 54.90 over 4 tickets.
  EXPECT_EQ(compensation_of(a.result().groups[0]).cost_per_ticket.value().to_string(), "13.73");
  EXPECT_THROW((void)a.to_json(), InputError);  // state version 2 has no place for them
  KpiAccumulator plain(policy(), {});
  EXPECT_THROW(plain.merge(a), InputError);
}

}  // namespace
}  // namespace aftersales
