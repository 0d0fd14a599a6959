#pragma once
// Agents, routing decisions and the router's listings as JSON, shared by their to_json, the
// router's snapshots and the C ABI's arrays.

#include <aftersales/routing.hpp>

#include "document/json_reader.hpp"
#include "document/json_writer.hpp"

namespace aftersales::detail {

/// Bounds of an agent's numbers: levels fit a byte, loads stay exact.
inline constexpr std::int64_t max_skill_level = 100;
inline constexpr std::int64_t max_capacity = 1'000'000;

/// "a capacity must be a whole number from 0 to 1000000, not -1", or empty when `value` fits.
std::string count_problem(std::string_view what, std::int64_t most, std::int64_t value);

/// Reads an agent object, recording problems under `node`'s path; `extra` are further keys
/// the caller reads itself (a snapshot's per-agent state).
std::optional<Agent> read_agent(const Node& node, std::initializer_list<std::string_view> extra = {});

/// Writes the members of an agent object (the caller opens and closes it).
void write_agent_members(JsonWriter& out, const Agent& agent);

/// Writes a decision as one JSON object, the text of RoutingDecision::to_json().
void write_decision(JsonWriter& out, const RoutingDecision& decision);

/// Writes a router's listing of one agent, the text of AgentLoad::to_json().
void write_agent_load(JsonWriter& out, const AgentLoad& agent);

/// Writes a router's listing of one waiting ticket, the text of WaitingTicket::to_json().
void write_waiting_ticket(JsonWriter& out, const WaitingTicket& ticket);

/// Writes why a ticket waits, the text of WaitExplanation::to_json().
void write_wait_explanation(JsonWriter& out, const WaitExplanation& explanation);

/// Parses a whole JSON document for a run-time input, throwing InputError under `title`.
boost::json::value parse_input(std::string_view json, std::string_view title, Problems& problems,
                               boost::json::storage_ptr storage);

}  // namespace aftersales::detail
