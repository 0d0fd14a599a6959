// The C ABI of compensation (docs/compensation.md): JSON request in, JSON decision out.

#include "capi_support.hpp"

using namespace aftersales::capi;

extern "C" {

int aftersales_compensation_decide(const aftersales_policy* policy, const char* request_json, size_t len,
                                   char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = unwrap(policy, "policy");
    const std::string_view text(non_null(request_json, "request_json"), len);
    result = malloc_copy(aftersales::CompensationEngine(source).decide_json(text));
  });
}

int aftersales_compensation_decide_lines(const aftersales_policy* policy, const char* requests_jsonl, size_t len,
                                         unsigned threads, size_t first_line, char** out_jsonl, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_jsonl, "out_jsonl");
    const auto& source = unwrap(policy, "policy");
    const std::string_view text(non_null(requests_jsonl, "requests_jsonl"), len);
    result = malloc_copy(aftersales::CompensationEngine(source).decide_lines(text, {threads, first_line}));
  });
}

}  // extern "C"
