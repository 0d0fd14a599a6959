// Any byte string as an agent, an agents file and a router snapshot: each parse either
// succeeds or throws aftersales::Error. What parses is used: an agent joins a router that then
// routes and dispatches; a restored snapshot writes itself back identically, and a router
// restored from that answers the same way.
#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/routing.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

const auto& policy() {
  static const auto loaded = aftersales::Policy::from_json(R"({"schema_version": 1, "routing": {
    "queues": [{"id": "returns", "overflow": {"after": "1m", "to": "general"}}, {"id": "general"}],
    "rules": [{"id": "r", "when": {"field": "category", "prefix": "after_sales/"}, "queue": "returns",
               "skills": {"returns": 1}, "preferred_skills": {"senior": 1}, "relax_after": "30s"}],
    "default_queue": "general",
    "assignment": {"strategy": "least_loaded", "language_match": true, "sticky": true}}})");
  return loaded;
}

void check(bool promise) {
  if (!promise) std::abort();
}

// Routes two tickets and dispatches twice; returns the decisions as text.
std::string exercise(aftersales::Router& router) {
  const auto at = aftersales::parse_instant("2026-11-11T12:00:00Z");
  std::string out;
  for (const char* id : {"F-1", "F-2"}) {
    aftersales::Ticket ticket;
    ticket.id = id;
    ticket.created_at = at;
    ticket.channel = "chat";
    ticket.category = "after_sales/return";
    ticket.customer.id = "C-1";
    ticket.customer.language = "zh";
    try {
      out += router.route(ticket, at).to_json();
    } catch (const aftersales::InputError&) {
      out += "(already known)";  // the snapshot may hold these tickets already
    }
  }
  for (const auto& d : router.dispatch(at + std::chrono::minutes(2))) out += d.to_json();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const aftersales::Agent agent = aftersales::Agent::from_json(text);
    check(aftersales::Agent::from_json(agent.to_json()).to_json() == agent.to_json());
    aftersales::Router router(policy());
    router.upsert_agent(agent);
    (void)exercise(router);
  } catch (const aftersales::Error&) {
  }
  try {
    (void)aftersales::Agent::list_from_json(text);
  } catch (const aftersales::Error&) {
  }
  try {
    aftersales::Router restored = aftersales::Router::restore(policy(), text);
    restored.check_invariants();  // whatever restore accepts is a state the router could reach
    const std::string snapshot = restored.snapshot();
    aftersales::Router again = aftersales::Router::restore(policy(), snapshot);
    check(again.snapshot() == snapshot);
    check(exercise(restored) == exercise(again));
  } catch (const aftersales::Error&) {
  }
  return 0;
}
