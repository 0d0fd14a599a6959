// The C ABI of routing: a router handle whose calls take and return spec §5 JSON.

#include "aftersales.h"
#include "capi_support.hpp"

#include <aftersales/routing.hpp>

#include "document/json_writer.hpp"
#include "routing/agent_json.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

// "asRouter" in ASCII.
struct aftersales_router : aftersales::capi::Handle<std::shared_ptr<aftersales::Router>, 0x6173526f75746572> {
  using Handle::Handle;
  static constexpr const char* type_name = "aftersales_router";
};

namespace {

using namespace aftersales::capi;

static_assert(std::is_standard_layout_v<aftersales_router>);

aftersales::Router& router_of(aftersales_router* router) { return *unwrap(router, "router"); }
const aftersales::Router& router_of(const aftersales_router* router) { return *unwrap(router, "router"); }

std::string_view text_of(const char* text, std::size_t len, const char* name) { return {non_null(text, name), len}; }

// The items as a JSON array of the objects `write` writes.
template <class T>
std::string json_array(const std::vector<T>& items, void (*write)(aftersales::detail::JsonWriter&, const T&)) {
  aftersales::detail::JsonWriter out;
  out.begin_array();
  for (const auto& item : items) write(out, item);
  out.end_array();
  return out.take();
}


std::string json_strings(const std::vector<std::string>& ids) {
  aftersales::detail::JsonWriter out;
  out.begin_array();
  for (const auto& id : ids) out.value(id);
  out.end_array();
  return out.take();
}

// An agent's answer to an offer: Router::accept or Router::decline.
int answer(aftersales_router* router, const char* agent_id, const char* ticket_id, int64_t at_ms, char** out_error,
           void (aftersales::Router::*call)(std::string_view, std::string_view, aftersales::Instant)) {
  return guarded(out_error, [&] {
    auto& target = router_of(router);
    const char* agent = non_null(agent_id, "agent_id");
    (target.*call)(agent, non_null(ticket_id, "ticket_id"), aftersales::instant_from_ms(at_ms));
  });
}

}  // namespace

extern "C" {

int aftersales_router_new(const aftersales_policy* policy, aftersales_router** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const auto& source = unwrap(policy, "policy");
    result = new aftersales_router(std::make_shared<aftersales::Router>(source));
  });
}

void aftersales_router_free(aftersales_router* router) { release(router); }

int aftersales_router_upsert_agent(aftersales_router* router, const char* agent_json, size_t len,
                                   char** out_error) {
  return guarded(out_error, [&] {
    auto& target = router_of(router);
    target.upsert_agent(aftersales::Agent::from_json(text_of(agent_json, len, "agent_json")));
  });
}

int aftersales_router_remove_agent(aftersales_router* router, const char* agent_id, char** out_json,
                                   char** out_error) {
  return guarded(out_error, [&] {
    if (out_json != nullptr) *out_json = nullptr;
    auto& target = router_of(router);
    const auto freed = target.remove_agent(non_null(agent_id, "agent_id"));
    if (out_json != nullptr) *out_json = malloc_copy(json_strings(freed));
  });
}

int aftersales_router_set_status(aftersales_router* router, const char* agent_id, const char* status,
                                 char** out_error) {
  return guarded(out_error, [&] {
    auto& target = router_of(router);
    const char* id = non_null(agent_id, "agent_id");
    target.set_status(id, aftersales::agent_status(non_null(status, "status")));
  });
}

int aftersales_router_route(aftersales_router* router, const char* ticket_json, size_t len, int64_t at_ms,
                            char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    auto& target = router_of(router);
    const auto ticket = aftersales::Ticket::from_json(text_of(ticket_json, len, "ticket_json"));
    result = malloc_copy(target.route(ticket, aftersales::instant_from_ms(at_ms)).to_json());
  });
}

int aftersales_router_release(aftersales_router* router, const char* agent_id, const char* ticket_id,
                              char** out_error) {
  return guarded(out_error, [&] {
    auto& target = router_of(router);
    const char* agent = non_null(agent_id, "agent_id");
    target.release(agent, non_null(ticket_id, "ticket_id"));
  });
}

int aftersales_router_withdraw(aftersales_router* router, const char* ticket_id, int* out_withdrawn,
                               char** out_error) {
  return guarded(out_error, [&] {
    auto& target = router_of(router);
    const bool withdrawn = target.withdraw(non_null(ticket_id, "ticket_id"));
    if (out_withdrawn != nullptr) *out_withdrawn = withdrawn ? 1 : 0;
  });
}

int aftersales_router_accept(aftersales_router* router, const char* agent_id, const char* ticket_id, int64_t at_ms,
                             char** out_error) {
  return answer(router, agent_id, ticket_id, at_ms, out_error, &aftersales::Router::accept);
}

int aftersales_router_decline(aftersales_router* router, const char* agent_id, const char* ticket_id, int64_t at_ms,
                              char** out_error) {
  return answer(router, agent_id, ticket_id, at_ms, out_error, &aftersales::Router::decline);
}

int aftersales_router_dispatch(aftersales_router* router, int64_t at_ms, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    auto& target = router_of(router);
    result = malloc_copy(json_array(target.dispatch(aftersales::instant_from_ms(at_ms)), &aftersales::detail::write_decision));
  });
}

int aftersales_router_snapshot(aftersales_router* router, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    result = malloc_copy(router_of(router).snapshot());
  });
}

int aftersales_router_restore(const aftersales_policy* policy, const char* snapshot_json, size_t len,
                              aftersales_router** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const auto& source = unwrap(policy, "policy");
    auto restored = aftersales::Router::restore(source, text_of(snapshot_json, len, "snapshot_json"));
    result = new aftersales_router(std::make_shared<aftersales::Router>(std::move(restored)));
  });
}

int aftersales_router_agents(const aftersales_router* router, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    result = malloc_copy(json_array(router_of(router).agents(), &aftersales::detail::write_agent_load));
  });
}

int aftersales_router_waiting(const aftersales_router* router, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    result = malloc_copy(json_array(router_of(router).waiting(), &aftersales::detail::write_waiting_ticket));
  });
}

int aftersales_router_counts(const aftersales_router* router, aftersales_router_totals* out, char** out_error) {
  return guarded(out_error, [&] {
    aftersales_router_totals& result = *non_null(out, "out");
    const aftersales::RouterCounts counts = router_of(router).counts();
    // A count is bounded by memory: it fits an int64_t.
    const auto count = [](std::size_t n) { return static_cast<int64_t>(n); };
    result = {count(counts.agents), count(counts.online), count(counts.away),
              count(counts.offline), count(counts.waiting), count(counts.assigned), count(counts.offered)};
  });
}

int aftersales_router_explain(const aftersales_router* router, const char* ticket_id, const int64_t* at_ms, size_t offset,
                              size_t limit, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = router_of(router);
    aftersales::ExplainOptions options;
    if (at_ms != nullptr) options.at = aftersales::instant_from_ms(*at_ms);
    options.offset = offset;
    options.limit = limit;
    result = malloc_copy(source.explain(non_null(ticket_id, "ticket_id"), options).to_json());
  });
}

}  // extern "C"
