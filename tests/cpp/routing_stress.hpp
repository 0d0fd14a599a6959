#pragma once
// The routers' concurrency stress test, shared by the routing test files: threads route,
// release, accept and decline offers, change agents' statuses and dispatch (letting offers
// lapse as the clock moves), while a further thread lists the agents, the waiting tickets and
// the counts, and another explains why the most urgent waiting ticket waits. Each listing must
// be one consistent state; the router's own invariants (check_invariants) are checked after
// every call when `check_each_call` is set, or by a Router type that checks them itself.
// Each run takes about a second or a few in a release build, so that the TSan stage stays short.

#include <aftersales/error.hpp>
#include <aftersales/routing.hpp>
#include <aftersales/ticket.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace aftersales::test {

struct StressConfig {
  std::vector<std::string> agents;                      // whose status the threads change
  AgentStatus off = AgentStatus::offline;               // the status they change it to, or online
  int threads = 4;
  int per_thread = 1500;
  unsigned seed = 0;
  Instant start{};                                      // the clock's first instant
  bool clock_moves = false;                             // each call one second after the one before (ladders, offers lapsing)
  std::function<Ticket(int thread, int i)> ticket;      // the i-th ticket a thread routes
  bool check_each_call = false;
  std::function<void(const RoutingDecision&)> on_decision;                           // every decision with an agent
  std::function<void(const std::vector<AgentLoad>&, const RouterCounts&)> on_listing;  // every listing taken meanwhile
  std::size_t explain_limit = 0;                                                     // agents listed per explanation
  std::function<void(const WaitExplanation&)> on_explanation;
  std::optional<std::size_t> places;  // the tickets all the agents hold at once, when every ticket fits the same count
};

/// No listed agent past its units or a channel's capacity, or with units that disagree with its
/// load, channels costing voice 5, chat 2, email 1 units.
inline void expect_within_units(const std::vector<AgentLoad>& agents, std::int64_t units_each) {
  const std::map<std::string, int> cost{{"voice", 5}, {"chat", 2}, {"email", 1}};
  for (const AgentLoad& a : agents) {
    std::int64_t units = 0;
    std::map<std::string, int> capacity(a.capacity.begin(), a.capacity.end());
    for (const auto& [channel, n] : a.load) {
      units += std::int64_t{cost.at(channel)} * n;
      EXPECT_LE(n, capacity[channel]) << a.id << " on " << channel;
    }
    EXPECT_EQ(a.units_used, units) << a.id;
    EXPECT_LE(a.units_used, units_each) << a.id;
  }
}

/// What a thread holds: an agent's ticket, offered or accepted.
struct Held {
  std::string agent, ticket;
  bool offered = false;
};

template <class R>
class Stress {
 public:
  Stress(R& router, StressConfig config) : router_(router), config_(std::move(config)) {}

  /// The threads' run, the listings and explanations taken meanwhile, then the drain: every
  /// agent online, every ticket released, until nothing waits.
  void run() {
    std::vector<std::thread> pool;
    for (int th = 0; th < config_.threads; ++th) pool.emplace_back([this, th] { work(th); });
    std::thread lister([this] { list(); });
    std::thread explainer([this] { explain(); });
    for (auto& t : pool) t.join();
    working_ = false;
    lister.join();
    explainer.join();
    EXPECT_GE(listings_.load(), 3);
    drain();
  }

 private:
  Instant now() { return config_.start + std::chrono::seconds(config_.clock_moves ? clock_++ : 0); }

  void checked() {
    if (config_.check_each_call) router_.check_invariants();
  }

  void record(const RoutingDecision& d) {
    if (!d.agent) return;
    if (config_.on_decision) config_.on_decision(d);
    const std::lock_guard lock(mutex_);
    held_.push_back({*d.agent, d.ticket, d.offer_expires_at.has_value()});
  }

  void dispatch(Instant at) {
    for (const auto& d : router_.dispatch(at)) record(d);
    checked();
  }

  std::optional<Held> take(std::mt19937& random) {
    const std::lock_guard lock(mutex_);
    if (held_.empty()) return std::nullopt;
    const auto k = random() % held_.size();
    Held victim = held_[k];
    held_.erase(held_.begin() + static_cast<std::ptrdiff_t>(k));
    return victim;
  }

  // An offer taken from the list may be stale: lapsed, handed back by an agent gone offline,
  // or offered again since. The router then refuses, naming why, and the entry is dropped.
  void answer(Held offer, bool accept, Instant at) {
    try {
      if (accept) {
        router_.accept(offer.agent, offer.ticket, at);
        offer.offered = false;
        const std::lock_guard lock(mutex_);
        held_.push_back(std::move(offer));
      } else {
        router_.decline(offer.agent, offer.ticket, at);
      }
    } catch (const NotFoundError&) {
    } catch (const InputError&) {  // expired: the next dispatch lets it lapse
    }
    checked();
  }

  void work(int th) {
    std::mt19937 random(config_.seed + static_cast<unsigned>(th));
    for (int i = 0; i < config_.per_thread; ++i) {
      const Instant at = now();
      const auto op = random() % 10;
      if (op < 5) {
        record(router_.route(config_.ticket(th, i), at));
        checked();
      } else if (op < 8) {
        const auto victim = take(random);
        if (!victim) continue;
        if (victim->offered) {
          answer(*victim, random() % 3 != 0, at);
        } else {
          router_.release(victim->agent, victim->ticket);
          checked();
        }
        dispatch(at);
      } else {
        const std::string& id = config_.agents[random() % config_.agents.size()];
        const bool online = random() % 2 == 0;
        router_.set_status(id, online ? AgentStatus::online : config_.off);
        checked();
        if (online || config_.clock_moves) dispatch(at);
      }
    }
  }

  void list() {
    while (working_.load() || listings_.load() < 3) {
      const std::vector<AgentLoad> agents = router_.agents();
      std::set<std::string> held_now;
      for (const AgentLoad& a : agents) {
        EXPECT_EQ(a.tickets.size(), a.total) << a.id;
        for (const auto& t : a.tickets) EXPECT_TRUE(held_now.insert(t).second) << t << " held twice";
      }
      std::set<std::string> waiting_now;
      for (const WaitingTicket& w : router_.waiting()) EXPECT_TRUE(waiting_now.insert(w.ticket).second) << w.ticket << " listed twice";
      const RouterCounts counts = router_.counts();
      EXPECT_EQ(counts.online + counts.away + counts.offline, counts.agents);
      if (config_.on_listing) config_.on_listing(agents, counts);
      ++listings_;
    }
  }

  // Each explanation of one state, its counts adding up to the agents; a ticket assigned or
  // withdrawn in between is NotFound, not a torn answer.
  void explain() {
    ExplainOptions options;
    options.limit = config_.explain_limit;
    while (working_.load()) {
      const auto waiting = router_.waiting();
      if (waiting.empty()) continue;
      try {
        const WaitExplanation e = router_.explain(waiting.front().ticket, options);
        std::size_t total = 0;
        for (const auto& count : e.summary) total += count.agents;
        EXPECT_EQ(total, e.agents);
        if (config_.on_explanation) config_.on_explanation(e);
      } catch (const NotFoundError&) {
      }
    }
  }

  // Everyone back online and every ticket done, offers accepted as they come, a day on (every
  // bar over): dispatch drains the queues completely.
  void drain() {
    for (const auto& id : config_.agents) router_.set_status(id, AgentStatus::online);
    const Instant later = config_.start + std::chrono::seconds(clock_.load()) + std::chrono::hours(24);
    for (int round = 0; round < 10000 && (router_.waiting_count() > 0 || !held_.empty()); ++round) {
      for (const Held& h : held_) {
        try {
          if (h.offered) router_.accept(h.agent, h.ticket, later);
          router_.release(h.agent, h.ticket);
        } catch (const NotFoundError&) {  // a stale offer
          EXPECT_TRUE(h.offered) << h.ticket;
        } catch (const InputError&) {  // an offer past its expiry: lapses below
          EXPECT_TRUE(h.offered) << h.ticket;
        }
      }
      held_.clear();
      const std::size_t waiting = router_.waiting_count();
      const auto decisions = router_.dispatch(later);
      // Every agent is now empty: one dispatch fills every place, or empties the queues.
      if (config_.places) {
        EXPECT_EQ(decisions.size(), std::min(waiting, *config_.places));
      }
      for (const auto& d : decisions) record(d);
      router_.check_invariants();
    }
    EXPECT_EQ(router_.waiting_count(), 0u);
    EXPECT_TRUE(held_.empty());
    for (const AgentLoad& a : router_.agents()) EXPECT_EQ(a.total, 0u) << a.id;
  }

  R& router_;
  StressConfig config_;
  std::mutex mutex_;
  std::vector<Held> held_;
  std::atomic<std::int64_t> clock_{0};
  std::atomic<bool> working_{true};
  std::atomic<int> listings_{0};
};

}  // namespace aftersales::test
