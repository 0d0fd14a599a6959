#pragma once
// What a batch of tickets gives each ticket, for every surface that runs SLA batches: the C++
// batches (sla.cpp) and Python's evaluate_many, which drives the batch module itself so that an
// error names the ticket's index in the whole list (`tickets[7].events[2].at`).

#include <aftersales/sla.hpp>

namespace aftersales::detail {

/// `engine.evaluate(ticket, at, options)`, except that a ticket created after `at` (one that did not exist
/// yet) gets a report marked not_yet_created instead of an error (spec §9, "Replay in batches").
/// @throws InputError as SlaEngine::evaluate for any other problem.
SlaReport evaluate_in_batch(const SlaEngine& engine, const Ticket& ticket, Instant at, const SlaOptions& options = {});

}  // namespace aftersales::detail
