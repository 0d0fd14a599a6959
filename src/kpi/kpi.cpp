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
#include <variant>

#include "batch/batch.hpp"
#include "condition/ticket_subject.hpp"
#include "document/json_writer.hpp"
#include "text/text.hpp"
#include "kpi/kpi_batch.hpp"
#include "kpi/kpi_metrics.hpp"
#include "kpi/kpi_state.hpp"
#include "sla/sla_evaluate.hpp"
#include "ticket/ticket_timeline.hpp"
#include "ticket/ticket_view.hpp"

namespace aftersales {

namespace detail {
namespace {

// What one ticket's history says, as of the instant asked; E is the ticket view's EventView.
template <class E>
struct Facts {
  Status status = Status::new_ticket;
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
Facts<typename T::EventView> scan(const T& ticket, const Timeline<T>& events) {
  Facts<typename T::EventView> f;
  std::string_view agent, queue, replier, solved_owner, solved_queue;
  const TicketState state = for_each_transition(ticket, events, [&](const auto& t) {
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
  f.priority = state.priority;
  const bool solved = is_solved(f.status);
  f.owner = solved ? solved_owner : (agent.empty() ? replier : agent);
  f.queue = solved ? solved_queue : queue;
  return f;
}

template <class T, class F>
bool is_complaint(const KpiRules& rules, const T& ticket, const F& f) {
  if (!rules.complaints) {
    const std::string_view c = ticket.category();
    return c == "complaint" || c.starts_with("complaint/");
  }
  const TicketSubject subject(ticket, f.priority, f.status, *rules.symbols);
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

// Length-prefixed parts, so that no text can make two different keys encode alike. The
// lengths are raw bytes: the code never leaves the process.
void encode(const KeyView& key, std::string& out) {
  out.clear();
  for (const auto& part : key) {
    out += part ? '1' : '0';
    if (!part) continue;
    const auto size = static_cast<std::uint32_t>(part->size());
    out.append(reinterpret_cast<const char*>(&size), sizeof size);
    out += *part;
  }
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

// Counts one ticket, read through a view T of ticket_view.hpp.
template <class T>
class Adder {
 public:
  Adder(KpiState& state, const T& ticket, Instant at)
      : state_(state), rules_(*state.rules), ticket_(ticket), at_(at), events_(timeline(ticket, at)),
        facts_(scan(ticket, events_)) {
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
    // The whole ticket counts in the group of each of its tags. One call of `count`, so that
    // the compiler inlines it whole, as the ticket's one group is counted without tags.
    const TagValues tags = state_.tag_slot ? tag_values() : TagValues();
    for (std::size_t i = 0; i == 0 || i < tags.size(); ++i) {
      if (state_.tag_slot) key_[*state_.tag_slot] = tags[i];
      count(outcomes, durations);
    }
  }

 private:
  // The SLA outcomes of the ticket: `sla`'s if given, else the engine's. Returned, not assigned:
  // a small_vector's move assignment costs more than the copy it saves.
  SlaOutcomes outcomes_for(const SlaReport* sla) const {
    if (sla != nullptr) return outcomes_of(*rules_.sla, ticket_.id(), *sla);
    if (rules_.sla->policies.empty()) return {};
    return sla_outcomes(*rules_.sla, ticket_, events_, facts_.priority, facts_.status, at_);
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
  };

  // Counts the ticket in the group of `key_`, and its reply metrics in their repliers'.
  void count(const SlaOutcomes& outcomes, const Durations& durations) {
    GroupState& g = state_.group(key_);
    count_ticket(g);
    if (durations.first_response) group_for(facts_.first_reply->agent(), g).first_response.add(*durations.first_response);
    if (durations.resolution) g.resolution.add(*durations.resolution);
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

  // The key of the ticket's group, with `agent` as its owner and a null tag (run sets each).
  // Every part is a view into the ticket, this Adder or the state: no text is copied.
  KeyView key_of(std::string_view agent) {
    KeyView key;
    // The state's buffer: no other ticket is keyed before this one is counted.
    const LocalKeys* local = state_.zone != nullptr ? &state_.local_keys(ticket_.created_at()) : nullptr;
    std::size_t slot = 0;
    // Kind:: spelled out: GCC 12 crashes on `using enum` names in a template.
    for (const KpiDimension& d : state_.options.group_by) {
      switch (d.kind()) {
        case KpiDimension::Kind::agent: key.push_back(non_empty(agent)); break;
        case KpiDimension::Kind::queue: key.push_back(non_empty(facts_.queue)); break;
        case KpiDimension::Kind::channel: key.push_back(non_empty(ticket_.channel())); break;
        case KpiDimension::Kind::category: key.push_back(non_empty(ticket_.category())); break;
        case KpiDimension::Kind::priority: key.emplace_back(to_string(facts_.priority)); break;
        case KpiDimension::Kind::day: key.emplace_back(text(local->day)); break;
        case KpiDimension::Kind::hour: key.emplace_back(text(local->hour)); break;
        case KpiDimension::Kind::week: key.emplace_back(text(local->week)); break;
        case KpiDimension::Kind::month: key.emplace_back(text(local->month)); break;
        case KpiDimension::Kind::tier: key.push_back(non_empty(ticket_.customer_tier())); break;
        case KpiDimension::Kind::tag: key.emplace_back(); break;
        case KpiDimension::Kind::field: key.push_back(field_text(d.field_name(), state_.number_text(slot))); break;
      }
      ++slot;
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
  GroupState& group_for(std::string_view agent, GroupState& ticket_group) {
    if (!state_.agent_slot || agent.empty() || agent == facts_.owner) return ticket_group;
    KeyView key = key_;
    key[*state_.agent_slot] = agent;
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
    c[complaints] += is_complaint(rules_, ticket_, f);
  }

  void count_sla(const SlaOutcomes& outcomes, GroupState& ticket_group) {
    for (const SlaOutcome& o : outcomes.instances) {
      if (o.state != SlaState::achieved && o.state != SlaState::breached) continue;
      GroupState& g = is_reply_metric(o.metric) && o.completed_at
                          ? group_for(replier_at(*o.completed_at), ticket_group)
                          : ticket_group;
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
  KeyView key_;
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

KpiGroup group_result(const GroupState& g, const KpiState& state, const KpiOrders& orders) {
  const auto& c = g.counts;
  KpiGroup r;
  r.key = g.key;
  r.tickets = c[tickets];
  r.resolved = c[resolved];
  r.backlog = c[backlog];
  r.complaints = c[complaints];
  r.first_response = stats_of(g.first_response);
  r.resolution = stats_of(g.resolution);
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
  if (const auto n = orders_for(orders, state.options, g.key); n && *n > 0) r.complaint_rate = ratio(c[complaints], *n);
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
  first_response.merge(other.first_response);
  resolution.merge(other.resolution);
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
  if (!target.first_response.merge_fits(other.first_response)) return "first_response";
  if (!target.resolution.merge_fits(other.resolution)) return "resolution";
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

KpiState::KpiState(std::shared_ptr<const KpiRules> r, KpiOptions o) : rules(std::move(r)), options(std::move(o)) {
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
    by_hour_ = by_hour_ || group_by[i] == KpiDimension::hour;
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
  if (std::any_of(group_by.begin(), group_by.end(), [](const KpiDimension& d) { return d.kind() == KpiDimension::field; }))
    numbers_.resize(group_by.size());
  sla_metric_count = builtin_metric_count + rules->sla->metrics.size();
}

GroupState& KpiState::group(const KeyView& key) {
  encode(key, encoded_);
  const auto found = groups.find(encoded_);
  if (found != groups.end()) return found->second;
  GroupState& g = groups[encoded_];
  for (const auto& part : key) g.key.push_back(part ? std::optional<std::string>(*part) : std::nullopt);
  return g;
}

GroupState& KpiState::group(const GroupKey& key) {
  KeyView view;
  for (const auto& part : key) view.push_back(part ? std::optional<std::string_view>(*part) : std::nullopt);
  return group(view);
}

namespace {

// `value` in `digits` decimal digits, zero-padded, at `at`.
void put(char* at, unsigned value, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0; value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

// The keys of local day `local` (the hour's digits are left to the caller).
void write_day_keys(date::local_days local, LocalKeys& keys) {
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
}

}  // namespace

const LocalKeys& KpiState::local_keys(Instant t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  if (seconds < day_begin_ || seconds >= day_end_) {
    if (seconds < offset_.begin || seconds >= offset_.end) offset_ = zone->get_info(seconds);
    const date::local_days local{date::floor<date::days>(seconds + offset_.offset).time_since_epoch()};
    // The day's span in UTC while the offset holds: tickets of the same day skip all of this.
    day_zero_ = date::sys_seconds{(local - offset_.offset).time_since_epoch()};
    day_begin_ = std::max(day_zero_, offset_.begin);
    day_end_ = std::min(day_zero_ + date::days{1}, offset_.end);
    write_day_keys(local, keys_);
  }
  if (by_hour_) put(keys_.hour + 11, static_cast<unsigned>((seconds - day_zero_) / std::chrono::hours{1}), 2);
  return keys_;
}

std::vector<const GroupState*> KpiState::sorted() const {
  std::vector<const GroupState*> list;
  list.reserve(groups.size());
  for (const auto& [code, g] : groups) list.push_back(&g);
  std::sort(list.begin(), list.end(), [](const GroupState* a, const GroupState* b) { return a->key < b->key; });
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
  return KpiAccumulator(std::make_unique<detail::KpiState>(state_->rules, state_->options));
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
  // Every count is checked before any changes: a merge that would overflow leaves this
  // accumulator as it was.
  std::int64_t not_yet_created = 0;
  if (__builtin_add_overflow(state_->not_yet_created, other.state_->not_yet_created, &not_yet_created))
    throw RangeError("merging these KPI states would take the not_yet_created count past 2^63 - 1");
  for (const auto& [code, g] : other.state_->groups) {
    const auto it = state_->groups.find(code);
    if (it == state_->groups.end()) continue;
    if (const auto tally = detail::merge_overflow(*state_, it->second, g))
      throw RangeError("merging these KPI states would take the " + *tally + " count of a group past 2^63 - 1");
  }
  for (const auto& [code, g] : other.state_->groups) {
    auto [it, inserted] = state_->groups.try_emplace(code, g);
    if (!inserted) it->second.merge(g);
  }
  state_->not_yet_created = not_yet_created;
}

KpiResult KpiAccumulator::result(const KpiOrders& orders) const {
  KpiResult r;
  r.group_by = state_->options.group_by;
  if (state_->zone != nullptr) r.time_zone = state_->options.time_zone;
  r.not_yet_created = state_->not_yet_created;
  for (const detail::GroupState* g : state_->sorted()) r.groups.push_back(detail::group_result(*g, *state_, orders));
  return r;
}

std::string KpiAccumulator::to_json() const { return detail::state_to_json(*state_); }

KpiAccumulator KpiAccumulator::from_json(std::shared_ptr<const Policy> policy, std::string_view json) {
  KpiAccumulator a(std::move(policy), {});
  detail::state_from_json(*a.state_, json);
  return a;
}

KpiResult KpiEngine::compute(std::span<const Ticket> tickets, Instant at, const KpiOptions& kpi,
                             const KpiOrders& orders, const BatchOptions& options) const {
  const KpiAccumulator empty(std::make_unique<detail::KpiState>(rules_, kpi));
  return detail::add_sliced(empty, tickets.size(), options,
                            [&](KpiAccumulator& part, std::size_t i) { part.add(tickets[i], at); })
      .result(orders);
}

KpiResult KpiEngine::compute(const TicketBatch& batch, Instant at, const KpiOptions& kpi, const KpiOrders& orders,
                             const BatchOptions& options) const {
  const KpiAccumulator empty(std::make_unique<detail::KpiState>(rules_, kpi));
  const detail::TicketColumns& columns = detail::columns_of(batch);
  return detail::add_sliced(empty, batch.size(), options,
                            [&](KpiAccumulator& part, std::size_t i) {
                              part.add_viewed(detail::BatchRow(columns, i), at, nullptr);
                            })
      .result(orders);
}

KpiResult KpiEngine::compute_lines(std::string_view tickets, Instant at, const KpiOptions& kpi,
                                   const KpiOrders& orders, const BatchOptions& options) const {
  const std::vector<batch::Line> lines = batch::non_blank_lines(tickets, options.first_line);
  const KpiAccumulator empty(std::make_unique<detail::KpiState>(rules_, kpi));
  return detail::add_sliced(empty, lines.size(), options,
                            [&](KpiAccumulator& part, std::size_t i) {
                              try {
                                part.add(Ticket::from_json(lines[i].text), at);
                              } catch (const InputError& e) {
                                throw InputError("line " + std::to_string(lines[i].number) + ": " + e.what(), e.path());
                              }
                            })
      .result(orders);
}

}  // namespace aftersales
