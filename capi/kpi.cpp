// C ABI shims for KPIs and scorecards: argument checks and conversions only.

#include "capi_support.hpp"

#include "kpi/kpi_request.hpp"

using namespace aftersales::capi;

// Held through a shared_ptr: a handle must be standard-layout (its tag is read as raw bytes), and
// an accumulator, holding a unique_ptr, is not with every standard library.
struct aftersales_kpi_accumulator
    : Handle<std::shared_ptr<aftersales::KpiAccumulator>, 0x61734b7069416363> {  // "asKpiAcc"
  using Handle::Handle;
  static constexpr const char* type_name = "aftersales_kpi_accumulator";
};
static_assert(std::is_standard_layout_v<aftersales_kpi_accumulator>);

namespace {

aftersales::detail::KpiRequest request_of(const char* options_json) {
  return aftersales::detail::read_kpi_request(options_json == nullptr ? std::string_view() : options_json);
}

aftersales::KpiAccumulator& accumulator_of(const aftersales_kpi_accumulator* accumulator, const char* name) {
  return *unwrap(accumulator, name);
}

}  // namespace

extern "C" {

int aftersales_kpi_compute(const aftersales_policy* policy, const char* tickets_jsonl, size_t len, int64_t at_ms,
                           const char* options_json, unsigned threads, size_t first_line, char** out_json,
                           char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = unwrap(policy, "policy");
    const std::string_view text(non_null(tickets_jsonl, "tickets_jsonl"), len);
    const auto request = request_of(options_json);
    result = malloc_copy(aftersales::KpiEngine(source).compute_lines(text, aftersales::instant_from_ms(at_ms), request.options,
                                                                         request.orders,
                                                                         {.threads = threads, .first_line = first_line})
                             .to_json());
  });
}

int aftersales_kpi_compute_file(const aftersales_policy* policy, const char* tickets_path, int64_t at_ms,
                                const char* options_json, unsigned threads, char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = unwrap(policy, "policy");
    const auto request = request_of(options_json);
    auto tickets = open_file<std::ifstream>(tickets_path, std::ios::in, "tickets_path");
    result = malloc_copy(aftersales::KpiEngine(source).compute_lines(tickets, aftersales::instant_from_ms(at_ms),
                                                                     request.options, request.orders,
                                                                     {.threads = threads})
                             .to_json());
  });
}

int aftersales_kpi_scorecard(const aftersales_policy* policy, const char* scorecard_id, const char* tickets_jsonl,
                             size_t len, int64_t at_ms, const char* options_json, unsigned threads, size_t first_line,
                             char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = unwrap(policy, "policy");
    const std::string_view id = non_null(scorecard_id, "scorecard_id");
    const std::string_view text(non_null(tickets_jsonl, "tickets_jsonl"), len);
    const auto request = request_of(options_json);
    const aftersales::KpiEngine engine(source);
    const auto kpis =
        engine.compute_lines(text, aftersales::instant_from_ms(at_ms), request.options, request.orders,
                             {.threads = threads, .first_line = first_line});
    result = malloc_copy(engine.score(id, kpis, request.rank_within).to_json());
  });
}

int aftersales_kpi_accumulator_new(const aftersales_policy* policy, const char* options_json,
                                   aftersales_kpi_accumulator** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const auto& source = unwrap(policy, "policy");
    result = new aftersales_kpi_accumulator(
        std::make_shared<aftersales::KpiAccumulator>(source, request_of(options_json).options));
  });
}

void aftersales_kpi_accumulator_free(aftersales_kpi_accumulator* accumulator) { release(accumulator); }

int aftersales_kpi_accumulator_add(aftersales_kpi_accumulator* accumulator, const char* ticket_json, size_t len,
                                   int64_t at_ms, char** out_error) {
  return guarded(out_error, [&] {
    auto& target = accumulator_of(accumulator, "accumulator");
    const std::string_view text(non_null(ticket_json, "ticket_json"), len);
    target.add(aftersales::Ticket::from_json(text), aftersales::instant_from_ms(at_ms));
  });
}

int aftersales_kpi_accumulator_merge(aftersales_kpi_accumulator* accumulator, const aftersales_kpi_accumulator* other,
                                     char** out_error) {
  return guarded(out_error, [&] {
    auto& target = accumulator_of(accumulator, "accumulator");
    target.merge(accumulator_of(other, "other"));
  });
}

int aftersales_kpi_accumulator_to_json(const aftersales_kpi_accumulator* accumulator, char** out_json,
                                       char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    result = malloc_copy(accumulator_of(accumulator, "accumulator").to_json());
  });
}

int aftersales_kpi_accumulator_from_json(const aftersales_policy* policy, const char* json, size_t len,
                                         aftersales_kpi_accumulator** out, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out);
    const auto& source = unwrap(policy, "policy");
    const std::string_view text(non_null(json, "json"), len);
    result = new aftersales_kpi_accumulator(
        std::make_shared<aftersales::KpiAccumulator>(aftersales::KpiAccumulator::from_json(source, text)));
  });
}

int aftersales_kpi_accumulator_result(const aftersales_kpi_accumulator* accumulator, const char* options_json,
                                      char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    result = malloc_copy(accumulator_of(accumulator, "accumulator").result(request_of(options_json).orders).to_json());
  });
}

}  // extern "C"
