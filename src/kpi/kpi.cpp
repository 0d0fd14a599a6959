// KPIs (spec §7; every definition in docs/kpi.md). One pass over a ticket's events up to the
// instant asked gives its facts (status, replies, reopen, ratings, owner); the SLA engine gives
// the achieved and breached metric instances; both are added to the ticket's group.
#include <aftersales/error.hpp>
#include <aftersales/kpi.hpp>

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <variant>

#include "batch/batch.hpp"
#include "condition/ticket_subject.hpp"
#include "document/json_writer.hpp"
#include "text/text.hpp"
#include "kpi/kpi_batch.hpp"
#include "kpi/kpi_metrics.hpp"
#include "kpi/kpi_state.hpp"
#include "sla/sla_evaluate.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_timeline.hpp"
#include "ticket/ticket_view.hpp"

namespace aftersales {

namespace detail {
namespace {

// What one ticket's history says, as of the instant asked; E is the ticket view's EventView.
template <class E>
struct Facts {
  Status status = Status::new_ticket;
  std::uint32_t custom_status = 0;  // as TicketState's
  Priority priority = Priority::normal;
  std::optional<E> first_reply;  // first public human reply
  boost::container::small_vector<E, 4> replies;  // public human replies with an agent
  int human_replies = 0;
  bool ever_solved = false;
  bool reopened = false;
  bool escalated = false;
  bool reassigned = false;
  std::optional<Instant> solved_at;  // the last time it became resolved or closed
  std::string_view owner;            // see docs/kpi.md, "Attribution"
  std::string_view queue;
  int csat = -1;
  int nps = -1;
};

template <class T>
Facts<typename T::EventView> scan(const T& ticket, const Timeline<T>& events, const StatusCategories& statuses) {
  Facts<typename T::EventView> f;
  std::string_view agent, queue, replier, solved_owner, solved_queue;
  const TicketState state = for_each_transition(ticket, events, statuses, [&](const auto& t) {
    const auto& e = t.event;
    switch (e.type()) {
      case EventType::agent_reply:
        if (!is_public_human_reply(e)) break;
        ++f.human_replies;
        if (!f.first_reply) f.first_reply = e;
        if (!e.agent().empty()) {
          replier = e.agent();
          f.replies.push_back(e);
        }
        break;
      case EventType::assigned:
        if (!e.agent().empty()) {
          if (!agent.empty() && e.agent() != agent) f.reassigned = true;
          agent = e.agent();
        }
        if (!e.queue().empty()) queue = e.queue();
        break;
      case EventType::escalated: f.escalated = true; break;
      case EventType::satisfaction: f.csat = e.score(); break;
      case EventType::nps: f.nps = e.score(); break;
      default: break;
    }
    if (t.solves()) {
      f.ever_solved = true;
      f.solved_at = e.at();
      solved_owner = agent.empty() ? replier : agent;
      solved_queue = queue;
    } else if (t.unsolves()) {
      f.reopened = true;
    }
  });
  f.status = state.status;
  f.custom_status = state.custom;
  f.priority = state.priority;
  const bool solved = is_solved(f.status);
  f.owner = solved ? solved_owner : (agent.empty() ? replier : agent);
  f.queue = solved ? solved_queue : queue;
  return f;
}

template <class T, class F>
bool is_complaint(const KpiRules& rules, const T& ticket, const F& f, Instant at) {
  if (!rules.complaints) {
    const std::string_view c = ticket.category();
    return c == "complaint" || c.starts_with("complaint/");
  }
  const TicketSubject subject(ticket, f.priority, status_name({f.priority, f.status, f.custom_status}, *rules.sla->statuses),
                              *rules.symbols, at);
  return rules.complaints->matches(subject.subject());
}

template <std::size_t N>
std::string_view text(const char (&chars)[N]) {
  return {chars, N};
}

std::optional<std::string_view> non_empty(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// The calendar an SLA policy measures `metric` on: its target's, else the policy's own.
const Calendar* calendar_for(const SlaPolicy* policy, Priority priority, BuiltinMetric metric) {
  if (policy == nullptr) return nullptr;
  for (const SlaTarget& t : policy->targets[static_cast<std::size_t>(priority)])
    if (t.metric == static_cast<std::size_t>(metric)) return t.calendar ? &*t.calendar : nullptr;
  return policy->calendar ? &*policy->calendar : nullptr;
}

std::int64_t business_ms(const Calendar* calendar, Instant from, Instant to) {
  return (calendar != nullptr ? calendar->between(from, to) : to - from).count();
}

bool is_reply_metric(std::size_t metric) {
  return metric == static_cast<std::size_t>(BuiltinMetric::first_response) ||
         metric == static_cast<std::size_t>(BuiltinMetric::next_response) ||
         metric == static_cast<std::size_t>(BuiltinMetric::periodic_update);
}

void require_report_of(std::string_view ticket, const SlaReport& report) {
  if (report.ticket != ticket)
    throw InputError("the SLA report is of ticket " + detail::quoted(report.ticket) + ", not of " + detail::quoted(ticket));
}

// The report's instances as outcomes, checked against the policy they must come from.
SlaOutcomes outcomes_of(const SlaRules& sla, std::string_view ticket, const SlaReport& report) {
  require_report_of(ticket, report);
  if (report.not_yet_created)
    throw InputError("the SLA report of ticket " + detail::quoted(ticket) +
                     " says it was not yet created, but it was by the instant counted at");
  SlaOutcomes outcomes;
  if (!report.policy) return outcomes;
  for (const SlaPolicy& p : sla.policies)
    if (p.id == *report.policy) outcomes.policy = &p;
  if (outcomes.policy == nullptr)
    throw InputError("the SLA report of ticket \"" + std::string(ticket) + "\" names SLA policy \"" + *report.policy +
                     "\", which this policy does not have");
  const std::size_t count = builtin_metric_count + sla.metrics.size();
  std::size_t id = 0;
  for (const SlaMetric& m : report.metrics) {
    if (!m.queue.empty()) continue;  // an OLA, which no KPI counts
    // Reports list their instances by metric: the search resumes where the last one ended.
    std::size_t k = 0;
    for (; k < count && sla.metric_name(id) != m.metric; ++k) id = id + 1 == count ? 0 : id + 1;
    if (k == count)
      throw InputError("the SLA report of ticket \"" + std::string(ticket) + "\" names metric \"" + m.metric +
                       "\", which this policy does not have");
    outcomes.instances.push_back({id, m.state, m.elapsed, m.completed_at});
  }
  return outcomes;
}

// `value` in `digits` decimal digits, zero-padded, at `at`.
void put(char* at, unsigned value, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0; value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

// The keys of the time dimensions of one local day.
struct LocalKeys {
  char day[10];    // 2026-11-11
  char hour[13];   // 2026-11-11T20 (the hour's digits left to the caller)
  char week[8];    // 2026-W46 (ISO 8601 week-year and week)
  char month[7];   // 2026-11
};

// The keys of local day `local`.
LocalKeys day_keys(date::local_days local) {
  LocalKeys keys{};
  const date::year_month_day ymd{local};
  put(keys.day, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  keys.day[4] = '-';
  put(keys.day + 5, static_cast<unsigned>(ymd.month()), 2);
  keys.day[7] = '-';
  put(keys.day + 8, static_cast<unsigned>(ymd.day()), 2);
  std::copy(std::begin(keys.day), std::end(keys.day), keys.hour);
  keys.hour[10] = 'T';
  std::copy(keys.day, keys.day + 7, keys.month);
  // ISO 8601: a week belongs to the year of its Thursday, and week 1 holds the year's first Thursday.
  const date::local_days thursday = local + date::days{4 - static_cast<int>(date::weekday{local}.iso_encoding())};
  const date::year week_year = date::year_month_day{thursday}.year();
  const auto week = (thursday - date::local_days{week_year / date::January / 1}).count() / 7 + 1;
  put(keys.week, static_cast<unsigned>(static_cast<int>(week_year)), 4);
  keys.week[4] = '-';
  keys.week[5] = 'W';
  put(keys.week + 6, static_cast<unsigned>(week), 2);
  return keys;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0); }

// The number of the period of time dimension `kind` holding local time `seconds` (since
// 1970-01-01T00:00 local): days and hours since then, weeks since the Monday before it
// (1969-12-29: ISO weeks begin on Monday), months since January 1970.
std::int64_t period_of(KpiDimension::Kind kind, std::int64_t seconds) {
  const std::int64_t day = floor_div(seconds, 86'400);
  switch (kind) {
    case KpiDimension::hour: return floor_div(seconds, 3'600);
    case KpiDimension::week: return floor_div(day + 3, 7);  // 1970-01-01 was a Thursday
    case KpiDimension::month: {
      const date::year_month_day ymd{date::local_days{date::days{day}}};
      return (static_cast<int>(ymd.year()) - 1970) * std::int64_t{12} + static_cast<unsigned>(ymd.month()) - 1;
    }
    default: return day;
  }
}

// The key of period `period` of time dimension `kind` (period_of's numbering).
std::string period_text(KpiDimension::Kind kind, std::int64_t period) {
  const auto text = [](const auto& chars) { return std::string(chars, sizeof chars); };
  switch (kind) {
    case KpiDimension::hour: {
      const std::int64_t day = floor_div(period, 24);
      LocalKeys keys = day_keys(date::local_days{date::days{day}});
      put(keys.hour + 11, static_cast<unsigned>(period - day * 24), 2);
      return text(keys.hour);
    }
    case KpiDimension::week: return text(day_keys(date::local_days{date::days{period * 7 - 3}}).week);  // its Monday
    case KpiDimension::month: {
      const date::year year{static_cast<int>(floor_div(period, 12) + 1970)};
      const date::month month{static_cast<unsigned>(period - floor_div(period, 12) * 12 + 1)};
      return text(day_keys(date::local_days{year / month / 1}).month);
    }
    default: return text(day_keys(date::local_days{date::days{period}}).day);
  }
}

// Counts one ticket, read through a view T of ticket_view.hpp.
template <class T>
class Adder {
 public:
  Adder(KpiState& state, const T& ticket, Instant at)
      : state_(state), rules_(*state.rules), ticket_(ticket), at_(at), events_(timeline(ticket, at)),
        facts_(scan(ticket, events_, *rules_.sla->statuses)) {
    key_ = key_of(facts_.owner);
  }

  // `sla`: the ticket's SLA report if the host has it; otherwise the SLA engine is asked.
  void run(const SlaReport* sla) {
    // Before anything is counted: a report that does not fit must leave the state unchanged.
    const SlaOutcomes outcomes = outcomes_for(sla);
    Durations durations;
    if (facts_.first_reply) durations.first_response = first_response_ms(outcomes);
    if (is_solved(facts_.status) && facts_.solved_at) {
      const Calendar* calendar = calendar_for(outcomes.policy, facts_.priority, BuiltinMetric::resolution);
      durations.resolution = business_ms(calendar, ticket_.created_at(), *facts_.solved_at);
    }
    // The status clocks' durations are their SLA instances' elapsed time, once the ticket is
    // solved: the KPI table and the SLA report read the one replay.
    for (const SlaOutcome& o : outcomes.instances) {
      const std::size_t k = o.metric - first_status_clock;
      if (o.metric >= first_status_clock && k < StatusClockSketches::count && o.completed_at)
        durations.status_clocks[k] = o.elapsed.count();
    }
    // The whole ticket counts in the group of each of its tags. One call of `count`, so that
    // the compiler inlines it whole, as the ticket's one group is counted without tags.
    const TagValues tags = state_.tag_slot ? tag_values() : TagValues();
    for (std::size_t i = 0; i == 0 || i < tags.size(); ++i) {
      if (state_.tag_slot) key_[*state_.tag_slot] = state_.values[*state_.tag_slot].id(tags[i]);
      count(outcomes, durations);
    }
  }

 private:
  // The SLA outcomes of the ticket: `sla`'s if given, else the engine's. Returned, not assigned:
  // a small_vector's move assignment costs more than the copy it saves.
  SlaOutcomes outcomes_for(const SlaReport* sla) const {
    if (sla != nullptr) return outcomes_of(*rules_.sla, ticket_.id(), *sla);
    if (rules_.sla->policies.empty()) return {};
    return sla_outcomes(*rules_.sla, ticket_, events_, {facts_.priority, facts_.status, facts_.custom_status}, at_);
  }

  // The agent of the public human reply that completed an instance at `t`, if one did.
  std::string_view replier_at(Instant t) const {
    // The replies are in time order: searched, not scanned, since a long ticket has as many
    // completed reply instances as replies.
    const auto it = std::lower_bound(facts_.replies.begin(), facts_.replies.end(), t,
                                     [](const auto& e, Instant when) { return e.at() < when; });
    return it != facts_.replies.end() && it->at() == t ? it->agent() : std::string_view();
  }

  using TagValues = boost::container::small_vector<std::optional<std::string_view>, 4>;

  // The values the tag dimension takes for this ticket (docs/kpi.md, "Tags"): each of its tags
  // once (an empty one adds none); null when it has none. Never empty.
  [[gnu::noinline]] TagValues tag_values() const {
    TagValues values;
    const std::size_t count = ticket_.tag_count();
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view tag = ticket_.tag(i);
      if (tag.empty()) continue;
      std::size_t j = 0;
      while (j < i && ticket_.tag(j) != tag) ++j;
      if (j == i) values.emplace_back(tag);
    }
    if (values.empty()) values.emplace_back();
    return values;
  }

  // What the ticket adds to the duration sketches, the same in each group it counts in.
  struct Durations {
    std::optional<std::int64_t> first_response, resolution;  // milliseconds
    std::array<std::optional<std::int64_t>, StatusClockSketches::count> status_clocks;
  };

  // Counts the ticket in the group of `key_`, and its reply metrics in their repliers'.
  // Groups are held by place: finding the replier's group may move the ticket's.
  void count(const SlaOutcomes& outcomes, const Durations& durations) {
    const std::uint32_t g = state_.group(key_);
    count_ticket(state_.at(g));
    if (state_.compensations) count_compensation(state_.at(g));
    if (durations.first_response)
      state_.at(group_for(facts_.first_reply->agent(), g)).first_response.add(*durations.first_response);
    if (durations.resolution) state_.at(g).resolution.add(*durations.resolution);
    for (std::size_t k = 0; k < StatusClockSketches::count; ++k)
      if (durations.status_clocks[k]) state_.at(g).status_clocks.make(k).add(*durations.status_clocks[k]);
    count_sla(outcomes, g);
  }

  // Business time to the first public human reply. The SLA clock of the same name has measured
  // it already when that reply stopped it: same calendar, and the clock never pauses.
  std::int64_t first_response_ms(const SlaOutcomes& outcomes) const {
    const Instant reply = facts_.first_reply->at();
    for (const SlaOutcome& o : outcomes.instances)
      if (o.metric == static_cast<std::size_t>(BuiltinMetric::first_response) && o.completed_at == reply)
        return o.elapsed.count();
    const Calendar* calendar = calendar_for(outcomes.policy, facts_.priority, BuiltinMetric::first_response);
    return business_ms(calendar, ticket_.created_at(), reply);
  }

  // The key of the ticket's group, with `agent` as its owner and a null tag (run sets each):
  // each part interned in its dimension's values. A time period is found by its number, so
  // its text is written only when the accumulator first meets it.
  KeyIds key_of(std::string_view agent) {
    KeyIds key;
    const std::int64_t local = state_.zone != nullptr ? state_.local_seconds(ticket_.created_at()) : 0;
    const Priority priority = facts_.priority;
    std::size_t slot = 0;
    // Kind:: spelled out: GCC 12 crashes on `using enum` names in a template.
    for (const KpiDimension& d : state_.options.group_by) {
      DimensionValues& values = state_.values[slot++];
      const auto period = [&] {
        return values.id_of_number(period_of(d.kind(), local), [&](std::int64_t n) { return period_text(d.kind(), n); });
      };
      switch (d.kind()) {
        case KpiDimension::Kind::agent: key.push_back(values.id(non_empty(agent))); break;
        case KpiDimension::Kind::queue: key.push_back(values.id(non_empty(facts_.queue))); break;
        case KpiDimension::Kind::channel: key.push_back(values.id(non_empty(ticket_.channel()))); break;
        case KpiDimension::Kind::category: key.push_back(values.id(non_empty(ticket_.category()))); break;
        case KpiDimension::Kind::priority:
          key.push_back(values.id_of_number(static_cast<std::int64_t>(priority), [&](auto) { return to_string(priority); }));
          break;
        case KpiDimension::Kind::day:
        case KpiDimension::Kind::hour:
        case KpiDimension::Kind::week:
        case KpiDimension::Kind::month: key.push_back(period()); break;
        case KpiDimension::Kind::tier: key.push_back(values.id(non_empty(ticket_.customer_tier()))); break;
        case KpiDimension::Kind::tag: key.push_back(DimensionValues::null_id); break;
        case KpiDimension::Kind::field: {
          NumberText buffer;
          key.push_back(values.id(field_text(d.field_name(), buffer)));
          break;
        }
      }
    }
    return key;
  }

  // The custom field `name` as text: a string as it is, a number and a boolean as JSON writes
  // them (a number in `buffer`); null when the ticket does not have it.
  [[gnu::noinline]] std::optional<std::string_view> field_text(std::string_view name, NumberText& buffer) const {
    std::size_t i = 0;
    while (i < ticket_.field_count() && ticket_.field_name(i) != name) ++i;
    if (i == ticket_.field_count()) return std::nullopt;
    const FieldView value = ticket_.field_value(i);
    if (const auto* text = std::get_if<std::string_view>(&value)) return *text;
    if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
    const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::get<double>(value)).ptr;
    return std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  }

  // The group of the ticket with `agent` in place of its owner (reply metrics).
  std::uint32_t group_for(std::string_view agent, std::uint32_t ticket_group) {
    if (!state_.agent_slot || agent.empty() || agent == facts_.owner) return ticket_group;
    KeyIds key = key_;
    key[*state_.agent_slot] = state_.values[*state_.agent_slot].id(agent);
    return state_.group(key);
  }

  void count_ticket(GroupState& g) const {
    auto& c = g.counts;
    const auto& f = facts_;
    const bool solved = is_solved(f.status);
    ++c[tickets];
    c[resolved] += solved;
    c[backlog] += !solved;
    c[ever_resolved] += f.ever_solved;
    c[reopened] += f.reopened;
    c[fcr] += solved && f.human_replies == 1 && !f.reopened;
    c[one_touch] += solved && f.human_replies < 2;
    c[bot_resolved] += solved && f.human_replies == 0;
    c[escalated] += f.escalated;
    c[reassigned] += f.reassigned;
    c[rated] += f.csat >= 0;
    c[satisfied] += f.csat >= 4;
    c[nps_rated] += f.nps >= 0;
    c[promoters] += f.nps >= 9;
    c[detractors] += f.nps >= 0 && f.nps <= 6;
    c[complaints] += is_complaint(rules_, ticket_, f, at_);
  }

  // Out of line: without records (the usual case) counting a ticket pays one test.
  [[gnu::noinline]] void count_compensation(GroupState& g) const {
    const auto& records = state_.compensations->minor_by_ticket;
    const auto found = records.find(ticket_.id());
    if (found == records.end()) return;
    std::int64_t minor = 0;
    if (__builtin_add_overflow(g.compensation[1], found->second, &minor))
      throw RangeError("the compensation of a KPI group would pass 2^63 - 1 minor units");
    g.compensation[1] = minor;
    ++g.compensation[0];
  }

  void count_sla(const SlaOutcomes& outcomes, std::uint32_t ticket_group) {
    for (const SlaOutcome& o : outcomes.instances) {
      if (o.state != SlaState::achieved && o.state != SlaState::breached) continue;
      // OLAs measure queues, not the ticket's service: no KPI counts them (docs/sla.md, "OLAs").
      if (o.metric >= state_.sla_metric_count) continue;
      GroupState& g = state_.at(is_reply_metric(o.metric) && o.completed_at
                                    ? group_for(replier_at(*o.completed_at), ticket_group)
                                    : ticket_group);
      if (g.sla.size() < state_.sla_metric_count) g.sla.resize(state_.sla_metric_count);
      ++g.sla[o.metric][o.state == SlaState::achieved ? 0 : 1];
    }
  }

  KpiState& state_;
  const KpiRules& rules_;
  const T& ticket_;
  Instant at_;
  Timeline<T> events_;
  Facts<typename T::EventView> facts_;
  KeyIds key_;
};

std::optional<double> ratio(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> to_seconds(std::optional<double> ms) {
  if (!ms) return std::nullopt;
  return static_cast<double>(std::llround(*ms)) / 1000;
}

KpiDurationStats stats_of(const QuantileSketch& s) {
  KpiDurationStats d;
  d.count = s.count();
  if (d.count == 0) return d;
  d.mean_s = to_seconds(static_cast<double>(s.sum()) / static_cast<double>(d.count));
  d.p50_s = to_seconds(s.quantile(0.5));
  d.p90_s = to_seconds(s.quantile(0.9));
  return d;
}

std::optional<std::int64_t> orders_for(const KpiOrders& orders, const KpiOptions& options, const GroupKey& key) {
  if (!orders.by_day.empty()) {
    const auto day = std::find(options.group_by.begin(), options.group_by.end(), KpiDimension::day);
    if (day == options.group_by.end()) return std::nullopt;
    const auto& value = key[static_cast<std::size_t>(day - options.group_by.begin())];
    const auto it = value ? orders.by_day.find(*value) : orders.by_day.end();
    if (it == orders.by_day.end()) return std::nullopt;
    return it->second;
  }
  return orders.total;
}

KpiCompensationStats compensation_of(const GroupState& g, Currency currency) {
  const auto [compensated, minor] = g.compensation;
  const std::int64_t count = g.counts[tickets];
  KpiCompensationStats s{compensated, Money(minor, currency), std::nullopt, ratio(compensated, count)};
  // Half up, as compensation rounds percentages; in 128 bits, since 2 × minor may pass 2^63.
  if (count > 0)
    s.cost_per_ticket = Money(static_cast<std::int64_t>((__int128{minor} * 2 + count) / (__int128{count} * 2)), currency);
  return s;
}

KpiGroup group_result(const KeyedGroup& keyed, const KpiState& state, const KpiOrders& orders) {
  const GroupState& g = *keyed.group;
  const auto& c = g.counts;
  KpiGroup r;
  r.key = keyed.key;
  r.tickets = c[tickets];
  r.resolved = c[resolved];
  r.backlog = c[backlog];
  r.complaints = c[complaints];
  r.first_response = stats_of(g.first_response);
  r.resolution = stats_of(g.resolution);
  r.requester_wait = stats_of(g.status_clocks.get(0));
  r.agent_work = stats_of(g.status_clocks.get(1));
  r.on_hold = stats_of(g.status_clocks.get(2));
  const SlaRules& sla = *state.rules->sla;
  for (std::size_t id = 0; id < g.sla.size(); ++id)
    if (g.sla[id][0] != 0 || g.sla[id][1] != 0)
      r.sla.push_back({std::string(sla.metric_name(id)), g.sla[id][0], g.sla[id][1]});
  r.fcr_rate = ratio(c[fcr], c[resolved]);
  r.one_touch_rate = ratio(c[one_touch], c[resolved]);
  r.bot_resolution_rate = ratio(c[bot_resolved], c[resolved]);
  r.reopen_rate = ratio(c[reopened], c[ever_resolved]);
  r.csat = ratio(c[satisfied], c[rated]);
  if (c[nps_rated] > 0)
    r.nps = 100.0 * static_cast<double>(c[promoters] - c[detractors]) / static_cast<double>(c[nps_rated]);
  r.escalation_rate = ratio(c[escalated], c[tickets]);
  r.reassignment_rate = ratio(c[reassigned], c[tickets]);
  if (const auto n = orders_for(orders, state.options, keyed.key); n && *n > 0) r.complaint_rate = ratio(c[complaints], *n);
  if (state.compensations) r.compensation = compensation_of(g, state.compensations->currency);
  return r;
}

void write_optional(JsonWriter& w, std::optional<double> value) {
  if (value) w.number(*value);
  else w.null();
}

void write_seconds(JsonWriter& w, std::optional<double> seconds) {
  if (seconds) w.thousandths(std::llround(*seconds * 1000));
  else w.null();
}

void write_key(JsonWriter& w, const std::vector<KpiDimension>& group_by, const GroupKey& key) {
  w.begin_object();
  for (std::size_t i = 0; i < group_by.size(); ++i) {
    w.key(aftersales::to_string(group_by[i]));
    if (key[i]) w.value(*key[i]);
    else w.null();
  }
  w.end_object();
}

void write_stats(JsonWriter& w, const KpiDurationStats& s) {
  w.begin_object();
  w.key("count").value(s.count);
  for (const DurationStat& stat : duration_stats) {
    w.key(stat.name);
    write_seconds(w, s.*stat.value);
  }
  w.end_object();
}

}  // namespace

void GroupState::merge(const GroupState& other) {
  for (std::size_t i = 0; i < counter_count; ++i) counts[i] += other.counts[i];
  for (std::size_t i = 0; i < compensation.size(); ++i) compensation[i] += other.compensation[i];
  for (const GroupSketch& sketch : group_sketches)
    if (sketch.get(other).count() != 0) sketch.make(*this).merge(sketch.get(other));
  if (sla.size() < other.sla.size()) sla.resize(other.sla.size());
  for (std::size_t i = 0; i < other.sla.size(); ++i) {
    sla[i][0] += other.sla[i][0];
    sla[i][1] += other.sla[i][1];
  }
}

std::optional<std::string> merge_overflow(const KpiState& state, const GroupState& target, const GroupState& other) {
  std::int64_t ignored = 0;
  for (std::size_t i = 0; i < counter_count; ++i)
    if (__builtin_add_overflow(target.counts[i], other.counts[i], &ignored)) return std::string(counter_names[i]);
  for (std::size_t i = 0; i < target.compensation.size(); ++i)
    if (__builtin_add_overflow(target.compensation[i], other.compensation[i], &ignored)) return std::string("compensation");
  for (const GroupSketch& sketch : group_sketches)
    if (!sketch.get(target).merge_fits(sketch.get(other))) return std::string(sketch.name);
  for (std::size_t id = 0; id < std::min(target.sla.size(), other.sla.size()); ++id)
    for (std::size_t side = 0; side < 2; ++side)
      if (__builtin_add_overflow(target.sla[id][side], other.sla[id][side], &ignored))
        return "sla." + std::string(state.rules->sla->metric_name(id));
  return std::nullopt;
}

namespace {

// The zone a time dimension is read in when the options name none: the policy's `kpi.timezone`,
// else the one its calendars share (docs/kpi.md, "Time zone").
const date::time_zone& default_zone(const KpiRules& rules, std::string_view dimension) {
  if (rules.time_zone != nullptr) return *rules.time_zone;
  const Calendars& calendars = *rules.calendars;
  const auto shares = [&](const auto& entry) { return entry.second.time_zone() == calendars.begin()->second.time_zone(); };
  if (!calendars.empty() && std::all_of(calendars.begin(), calendars.end(), shares))
    return *date::locate_zone(calendars.begin()->second.time_zone());
  std::string zones;
  for (const auto& [name, calendar] : calendars) zones += (zones.empty() ? "" : ", ") + name + ": " + calendar.time_zone();
  throw InputError("grouping by " + std::string(dimension) +
                       " needs a time zone: give time_zone (an IANA name like \"Asia/Shanghai\") or set the "
                       "policy's kpi.timezone; " +
                       (calendars.empty() ? std::string("the policy has no calendar to take it from")
                                          : "its calendars do not share one (" + zones + ")"),
                   "time_zone");
}

}  // namespace

KpiState::KpiState(std::shared_ptr<const KpiRules> r, KpiOptions o, std::shared_ptr<const CompensationIndex> records)
    : rules(std::move(r)), options(std::move(o)), compensations(std::move(records)) {
  const auto& group_by = options.group_by;
  const KpiDimension* timed = nullptr;
  for (std::size_t i = 0; i < group_by.size(); ++i) {
    const std::string path = "group_by[" + std::to_string(i) + "]";
    if (group_by[i].kind() == KpiDimension::field && group_by[i].field_name().empty())
      throw InputError(std::string(unnamed_field), path);
    if (std::find(group_by.begin(), group_by.begin() + static_cast<std::ptrdiff_t>(i), group_by[i]) !=
        group_by.begin() + static_cast<std::ptrdiff_t>(i))
      throw InputError("group_by names " + quoted(to_string(group_by[i])) + " twice", path);
    if (timed == nullptr && group_by[i].is_time()) timed = &group_by[i];
    if (group_by[i] == KpiDimension::agent) agent_slot = i;
    if (group_by[i] == KpiDimension::tag) tag_slot = i;
  }
  if (!options.time_zone.empty()) {
    try {
      zone = date::locate_zone(options.time_zone);
    } catch (const std::exception&) {
      throw InputError("unknown time zone " + quoted(options.time_zone) + " (use an IANA name like \"Asia/Shanghai\")",
                       "time_zone");
    }
  } else if (timed != nullptr) {
    zone = &default_zone(*rules, to_string(*timed));
  }
  // Resolved, the name is what copies, merges and the state compare (a name given stays as
  // given); without a time dimension no zone is used, so none is kept.
  if (timed == nullptr) zone = nullptr;
  if (zone == nullptr) options.time_zone.clear();
  else if (options.time_zone.empty()) options.time_zone = zone->name();
  values.resize(group_by.size());
  sla_metric_count = builtin_metric_count + rules->sla->metrics.size();
}

std::shared_ptr<const CompensationIndex> CompensationIndex::of(std::span<const KpiCompensation> records) {
  auto index = std::make_shared<CompensationIndex>();
  index->currency = records.front().total.currency();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const KpiCompensation& record = records[i];
    const std::string path = "compensations[" + std::to_string(i) + "]";
    // One currency: a cost per ticket adds amounts, and the host knows its exchange rates (it
    // converts a customer's compensation history the same way, docs/compensation.md).
    if (!(record.total.currency() == index->currency))
      throw InputError("compensation records must all be in one currency: this one is in " +
                           std::string(record.total.currency().code_view()) + ", compensations[0] in " +
                           std::string(index->currency.code_view()) + " (convert them first)",
                       path + ".currency");
    if (record.total.minor_units() <= 0)
      throw InputError("a compensation record's total must be more than zero (leave out decisions that "
                       "compensate nothing)",
                       path + ".total");
    if (record.ticket.empty()) throw InputError("a compensation record needs its ticket's id", path + ".ticket");
    std::int64_t& minor = index->minor_by_ticket[record.ticket];
    if (__builtin_add_overflow(minor, record.total.minor_units(), &minor))
      throw RangeError("the compensations of one ticket add up past 2^63 - 1 minor units", path + ".total");
  }
  return index;
}

KeyIds KpiState::ids_of(std::uint64_t code) const {
  KeyIds key(values.size());
  const unsigned bits = id_bits(key.size());
  const std::uint64_t mask = bits == 32 ? 0xffff'ffff : (std::uint64_t{1} << bits) - 1;
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint32_t>((code >> (bits * i)) & mask);
  return key;
}

KeyIds KpiState::ids_of(std::string_view code) {
  KeyIds key(code.size() / sizeof(std::uint32_t));
  std::memcpy(key.data(), code.data(), code.size());
  return key;
}

std::size_t KpiState::CodeHash::operator()(std::string_view code) const noexcept {
  std::uint64_t hash = code.size();
  for (std::size_t at = 0; at < code.size(); at += sizeof(std::uint32_t)) {
    std::uint32_t id = 0;
    std::memcpy(&id, code.data() + at, sizeof id);
    hash = (hash ^ id) * 0x9e37'79b9'7f4a'7c15;  // 2^64 / the golden ratio
    hash ^= hash >> 32;
  }
  return hash;
}

template <class Index, class Code>
std::uint32_t KpiState::place_in(Index& index, const Code& code) {
  const auto found = index.find(code);
  if (found != index.end()) return found->second;
  const auto place = static_cast<std::uint32_t>(groups_.size());
  groups_.emplace_back();
  index.emplace(typename Index::key_type(code), place);
  return place;
}

std::uint32_t KpiState::group(const KeyIds& key) {
  return is_short(key) ? place_in(short_index_, short_code(key)) : place_in(long_index_, long_code(key));
}

GroupState& KpiState::group(const GroupKey& key) {
  KeyIds ids;
  for (std::size_t slot = 0; slot < key.size(); ++slot)
    ids.push_back(key[slot] ? values[slot].id(std::string_view(*key[slot])) : DimensionValues::null_id);
  return at(group(ids));
}

std::optional<std::uint32_t> KpiState::find(const KeyIds& key) const {
  const auto place = [](const auto& index, const auto& code) -> std::optional<std::uint32_t> {
    const auto found = index.find(code);
    if (found == index.end()) return std::nullopt;
    return found->second;
  };
  return is_short(key) ? place(short_index_, short_code(key)) : place(long_index_, long_code(key));
}

std::int64_t KpiState::local_seconds(Instant t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  if (seconds < offset_.begin || seconds >= offset_.end) offset_ = zone->get_info(seconds);
  return (seconds + offset_.offset).time_since_epoch().count();
}

std::vector<KeyedGroup> KpiState::sorted() const {
  std::vector<KeyedGroup> list;
  list.reserve(groups_.size());
  for_each_group([&](const KeyIds& ids, const GroupState& g) {
    GroupKey key;
    for (std::size_t slot = 0; slot < ids.size(); ++slot) {
      const auto text = values[slot].text(ids[slot]);
      key.push_back(text ? std::optional<std::string>(*text) : std::nullopt);
    }
    list.push_back({std::move(key), &g});
  });
  std::sort(list.begin(), list.end(), [](const KeyedGroup& a, const KeyedGroup& b) { return a.key < b.key; });
  return list;
}

}  // namespace detail

namespace {

// The names of the kinds, `field` excepted (its dimensions are named `fields.<name>`).
constexpr std::array<std::string_view, 11> kind_names{"agent", "queue", "channel", "category", "priority", "day",
                                                      "hour",  "week",  "month",   "tier",     "tag"};
constexpr std::string_view field_prefix = "fields.";

}  // namespace

KpiDimension KpiDimension::of_field(std::string name) {
  if (name.empty()) throw InputError(std::string(detail::unnamed_field));
  KpiDimension d(field);
  d.field_ = std::move(name);
  return d;
}

std::string to_string(const KpiDimension& dimension) {
  if (dimension.kind() == KpiDimension::field) return std::string(field_prefix) + dimension.field_name();
  return std::string(kind_names[static_cast<std::size_t>(dimension.kind())]);
}

KpiDimension kpi_dimension(std::string_view name) {
  if (name.starts_with(field_prefix)) return KpiDimension::of_field(std::string(name.substr(field_prefix.size())));
  for (std::size_t kind = 0; kind < kind_names.size(); ++kind)
    if (kind_names[kind] == name) return static_cast<KpiDimension::Kind>(kind);
  throw InputError("cannot group by " + detail::quoted(name) +
                   " (agent, queue, channel, category, priority, day, hour, week, month, tier, tag or fields.<name>)");
}

std::optional<double> KpiSlaStats::rate() const noexcept { return detail::ratio(achieved, achieved + breached); }

std::optional<double> KpiGroup::metric(std::string_view name) const {
  if (const auto* count = detail::find_metric(detail::count_metrics, name)) return static_cast<double>(this->*count->value);
  if (const auto* rate = detail::find_metric(detail::rate_metrics, name)) return this->*rate->value;
  if (const auto dot = name.find('.'); dot != std::string_view::npos) {
    const auto* duration = detail::find_metric(detail::duration_metrics, name.substr(0, dot));
    const auto* stat = detail::find_metric(detail::duration_stats, name.substr(dot + 1));
    if (duration != nullptr && stat != nullptr) return (this->*duration->value).*stat->value;
  }
  if (name.starts_with("sla.") && name.ends_with(".rate")) {
    const std::string_view metric = name.substr(4, name.size() - 9);
    for (const KpiSlaStats& s : sla)
      if (s.metric == metric) return s.rate();
  }
  return std::nullopt;
}

std::string KpiResult::to_json() const {
  detail::JsonWriter w;
  w.begin_object();
  w.key("group_by").begin_array();
  for (const KpiDimension& d : group_by) w.value(to_string(d));
  w.end_array();
  w.key("time_zone");
  if (time_zone) w.value(*time_zone);
  else w.null();
  w.key("not_yet_created").value(not_yet_created);
  w.key("groups").begin_array();
  for (const KpiGroup& g : groups) {
    w.begin_object();
    w.key("key");
    detail::write_key(w, group_by, g.key);
    for (const detail::CountMetric& count : detail::count_metrics) w.key(count.name).value(g.*count.value);
    for (const detail::DurationMetric& duration : detail::duration_metrics) {
      w.key(duration.name);
      detail::write_stats(w, g.*duration.value);
    }
    w.key("sla").begin_object();
    for (const KpiSlaStats& s : g.sla) {
      w.key(s.metric).begin_object();
      w.key("achieved").value(s.achieved).key("breached").value(s.breached).key("rate");
      detail::write_optional(w, s.rate());
      w.end_object();
    }
    w.end_object();
    for (const detail::RateMetric& rate : detail::rate_metrics) {
      if (rate.value == &KpiGroup::complaint_rate) w.key("complaints").value(g.complaints);
      w.key(rate.name);
      detail::write_optional(w, g.*rate.value);
    }
    if (g.compensation) {
      const KpiCompensationStats& c = *g.compensation;
      w.key("compensation").begin_object();
      w.key("currency").value(c.total.currency().code_view());
      w.key("compensated").value(c.compensated);
      w.key("total").value(c.total.to_string());
      w.key("cost_per_ticket");
      if (c.cost_per_ticket) w.value(c.cost_per_ticket->to_string());
      else w.null();
      w.key("rate");
      detail::write_optional(w, c.rate);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

KpiAccumulator::KpiAccumulator(std::unique_ptr<detail::KpiState> state) noexcept : state_(std::move(state)) {}
KpiAccumulator::~KpiAccumulator() = default;
KpiAccumulator::KpiAccumulator(KpiAccumulator&&) noexcept = default;
KpiAccumulator& KpiAccumulator::operator=(KpiAccumulator&&) noexcept = default;
KpiAccumulator::KpiAccumulator(const KpiAccumulator& other) : state_(std::make_unique<detail::KpiState>(*other.state_)) {}
KpiAccumulator& KpiAccumulator::operator=(const KpiAccumulator& other) {
  if (this != &other) state_ = std::make_unique<detail::KpiState>(*other.state_);
  return *this;
}

KpiAccumulator KpiAccumulator::empty_copy() const {
  return KpiAccumulator(std::make_unique<detail::KpiState>(state_->rules, state_->options, state_->compensations));
}

void KpiAccumulator::add(const Ticket& ticket, Instant at) { add_checked(ticket, at, nullptr); }

void KpiAccumulator::add(const Ticket& ticket, Instant at, const SlaReport& sla) { add_checked(ticket, at, &sla); }

void KpiAccumulator::add(const TicketBatch& batch, std::size_t index, Instant at) {
  detail::require_row(batch, index);
  add_viewed(detail::BatchRow(detail::columns_of(batch), index), at, nullptr);
}

void KpiAccumulator::add_checked(const Ticket& ticket, Instant at, const SlaReport* sla) {
  add_viewed(detail::TicketRef(ticket), at, sla);
}

template <class T>
void KpiAccumulator::add_viewed(const T& ticket, Instant at, const SlaReport* sla) {
  // A ticket created after `at` did not exist yet (spec §9, "Replay in batches"): left out,
  // and counted so that a dashboard as of `at` says how many it did not show.
  if (at < ticket.created_at()) {
    if (sla != nullptr) detail::require_report_of(ticket.id(), *sla);
    ++state_->not_yet_created;
    return;
  }
  detail::Adder<T>(*state_, ticket, at).run(sla);
}

void KpiAccumulator::merge(const KpiAccumulator& other) {
  if (&other == this) {
    // Merging into itself would read what it writes: merge a copy (doubling every count).
    const KpiAccumulator copy(other);
    merge(copy);
    return;
  }
  if (state_->options.group_by != other.state_->options.group_by ||
      state_->options.time_zone != other.state_->options.time_zone)
    throw InputError("cannot merge KPI accumulators that group differently (group_by and time_zone must match)");
  if (state_->sla_metric_count != other.state_->sla_metric_count)
    throw InputError("cannot merge KPI accumulators of policies with different SLA metrics");
  const auto& mine_records = state_->compensations;
  const auto& their_records = other.state_->compensations;
  if (static_cast<bool>(mine_records) != static_cast<bool>(their_records) ||
      (mine_records && !(mine_records->currency == their_records->currency)))
    throw InputError("cannot merge KPI accumulators with and without compensation records, or with records in "
                     "different currencies");
  // Every count is checked before any changes: a merge that would overflow leaves this
  // accumulator as it was.
  std::int64_t not_yet_created = 0;
  if (__builtin_add_overflow(state_->not_yet_created, other.state_->not_yet_created, &not_yet_created))
    throw RangeError("merging these KPI states would take the not_yet_created count past 2^63 - 1");
  detail::KpiState& mine = *state_;
  const detail::KpiState& theirs = *other.state_;
  // Their ids in this state's: each value translated once per merge. A value new to this state
  // is interned here even if the merge then fails: an id without a group changes no output.
  std::vector<std::vector<std::uint32_t>> table(theirs.values.size());
  for (std::size_t slot = 0; slot < table.size(); ++slot) {
    table[slot].push_back(detail::DimensionValues::null_id);
    for (std::uint32_t id = 1; id <= theirs.values[slot].size(); ++id)
      table[slot].push_back(mine.values[slot].id(*theirs.values[slot].text(id)));
  }
  struct Match {
    detail::KeyIds key;  // in this state's ids
    const detail::GroupState* theirs;
    std::optional<std::uint32_t> place;  // of the group with this key here, if any
  };
  std::vector<Match> matches;
  matches.reserve(theirs.group_count());
  theirs.for_each_group([&](const detail::KeyIds& ids, const detail::GroupState& g) {
    Match m{{}, &g, std::nullopt};
    for (std::size_t slot = 0; slot < ids.size(); ++slot) m.key.push_back(table[slot][ids[slot]]);
    m.place = mine.find(m.key);
    if (m.place)
      if (const auto tally = detail::merge_overflow(mine, mine.at(*m.place), g))
        throw RangeError("merging these KPI states would take the " + *tally + " count of a group past 2^63 - 1");
    matches.push_back(std::move(m));
  });
  for (const Match& m : matches) {
    // A new group is copied, not merged into an empty one: its sketches stay exactly as they were.
    if (m.place) mine.at(*m.place).merge(*m.theirs);
    else mine.at(mine.group(m.key)) = *m.theirs;
  }
  mine.not_yet_created = not_yet_created;
}

KpiResult KpiAccumulator::result(const KpiOrders& orders) const {
  if (!orders.compensations.empty() && !state_->compensations)
    throw InputError("this KPI accumulator was made without compensation records: give them to its constructor",
                     "compensations");
  KpiResult r;
  r.group_by = state_->options.group_by;
  if (state_->zone != nullptr) r.time_zone = state_->options.time_zone;
  r.not_yet_created = state_->not_yet_created;
  for (const detail::KeyedGroup& g : state_->sorted()) r.groups.push_back(detail::group_result(g, *state_, orders));
  return r;
}

std::string KpiAccumulator::to_json() const { return detail::state_to_json(*state_); }

KpiAccumulator KpiAccumulator::from_json(std::shared_ptr<const Policy> policy, std::string_view json) {
  KpiAccumulator a(std::move(policy), {});
  detail::state_from_json(*a.state_, json);
  return a;
}

// An empty accumulator for `compute`, the compensation records indexed once: the slices share
// the index, so that none copies the records.
KpiAccumulator KpiEngine::start(const std::shared_ptr<const detail::KpiRules>& rules, const KpiOptions& kpi,
                                const KpiOrders& orders) {
  return KpiAccumulator(std::make_unique<detail::KpiState>(
      rules, kpi, orders.compensations.empty() ? nullptr : detail::CompensationIndex::of(orders.compensations)));
}

KpiResult KpiEngine::compute(std::span<const Ticket> tickets, Instant at, const KpiOptions& kpi,
                             const KpiOrders& orders, const BatchOptions& options) const {
  const KpiAccumulator empty = start(rules_, kpi, orders);
  return detail::add_sliced(empty, tickets.size(), options,
                            [&](KpiAccumulator& part, std::size_t i) { part.add(tickets[i], at); })
      .result(orders);
}

KpiResult KpiEngine::compute(const TicketBatch& batch, Instant at, const KpiOptions& kpi, const KpiOrders& orders,
                             const BatchOptions& options) const {
  const KpiAccumulator empty = start(rules_, kpi, orders);
  const detail::TicketColumns& columns = detail::columns_of(batch);
  return detail::add_sliced(empty, batch.size(), options,
                            [&](KpiAccumulator& part, std::size_t i) {
                              part.add_viewed(detail::BatchRow(columns, i), at, nullptr);
                            })
      .result(orders);
}


namespace {

// Adds the ticket of one JSON Lines line, a problem naming the line. An instant out of range
// (beyond 2200, past a calendar's coverage horizon) stays a RangeError, as for one ticket.
void add_line(KpiAccumulator& part, const batch::Line& line, Instant at) {
  const auto named = [&](const InputError& e) { return "line " + std::to_string(line.number) + ": " + e.what(); };
  try {
    if (line.oversized != 0) detail::refuse_ticket_size(line.oversized);
    part.add(Ticket::from_json(line.text), at);
  } catch (const RangeError& e) {
    throw RangeError(named(e), e.path());
  } catch (const InputError& e) {
    throw InputError(named(e), e.path());
  }
}

}  // namespace

KpiResult KpiEngine::compute_lines(std::string_view tickets, Instant at, const KpiOptions& kpi,
                                   const KpiOrders& orders, const BatchOptions& options) const {
  const std::vector<batch::Line> lines = batch::non_blank_lines(tickets, options.first_line);
  const KpiAccumulator empty = start(rules_, kpi, orders);
  return detail::add_sliced(empty, lines.size(), options,
                            [&](KpiAccumulator& part, std::size_t i) { add_line(part, lines[i], at); })
      .result(orders);
}

KpiResult KpiEngine::compute_lines(std::istream& tickets, Instant at, const KpiOptions& kpi, const KpiOrders& orders,
                                   const BatchOptions& options) const {
  batch::LineBlocks blocks(tickets, options.block_bytes, detail::max_ticket_bytes, options.first_line);
  const batch::StreamProgress progress(options.progress, batch::stream_size(tickets));
  KpiAccumulator total = start(rules_, kpi, orders);
  // Tickets are sliced as compute_lines slices the whole text (every kpi_slice tickets from the
  // first), whatever the blocks: the slice a block ends inside stays open into the next one, so
  // that the slices, merged in order, give the same result.
  std::optional<KpiAccumulator> open;
  std::size_t open_count = 0;
  for (std::size_t begin = 0;; begin = blocks.position()) {
    const std::span<const batch::Line> lines = blocks.next();
    if (lines.empty()) break;
    std::size_t i = 0;
    for (; open && i < lines.size() && open_count < detail::kpi_slice; ++i, ++open_count) add_line(*open, lines[i], at);
    if (open && open_count == detail::kpi_slice) {
      total.merge(*open);
      open.reset();
    }
    const std::size_t whole = open ? 0 : (lines.size() - i) / detail::kpi_slice * detail::kpi_slice;
    const BatchProgress block = progress.block(begin, blocks.position());
    batch::Progress counted(block, whole);
    detail::add_sliced_into(total, whole, options.threads, counted,
                            [&](KpiAccumulator& part, std::size_t j) { add_line(part, lines[i + j], at); });
    i += whole;
    if (i < lines.size()) {
      open.emplace(total.empty_copy());
      for (open_count = 0; i < lines.size(); ++i, ++open_count) add_line(*open, lines[i], at);
    }
    progress.block_done(blocks.position());
  }
  if (open) total.merge(*open);
  progress.finish(blocks.position());
  return total.result(orders);
}

}  // namespace aftersales
