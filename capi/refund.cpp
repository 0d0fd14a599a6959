// The C ABI of refunds (spec §6): JSON request in, JSON decision out.

#include "capi_support.hpp"

using namespace aftersales::capi;

extern "C" {

int aftersales_refund_check(const aftersales_policy* policy, const char* request_json, size_t len,
                            char** out_json, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_json, "out_json");
    const auto& source = unwrap(policy, "policy");
    const std::string_view text(non_null(request_json, "request_json"), len);
    result = malloc_copy(aftersales::RefundEngine(source).check_json(text));
  });
}

int aftersales_refund_check_lines(const aftersales_policy* policy, const char* requests_jsonl, size_t len,
                                  unsigned threads, size_t first_line, char** out_jsonl, char** out_error) {
  return guarded(out_error, [&] {
    auto& result = handle_out(out_jsonl, "out_jsonl");
    const auto& source = unwrap(policy, "policy");
    const std::string_view text(non_null(requests_jsonl, "requests_jsonl"), len);
    result = malloc_copy(aftersales::RefundEngine(source).check_lines(text, {threads, first_line}));
  });
}

}  // extern "C"
