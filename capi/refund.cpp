// The C ABI of refunds (spec §6): JSON request in, JSON decision out.

#include "capi_support.hpp"

using namespace aftersales::capi;
using aftersales::RefundEngine;

extern "C" {

int aftersales_refund_check(const aftersales_policy* policy, const char* request_json, size_t len,
                            char** out_json, char** out_error) {
  return run_engine<RefundEngine>(
      policy, request_json, "request_json", len, out_json, "out_json", out_error,
      [](const RefundEngine& engine, std::string_view text) { return engine.check_json(text); });
}

int aftersales_refund_check_lines(const aftersales_policy* policy, const char* requests_jsonl, size_t len,
                                  unsigned threads, size_t first_line, char** out_jsonl, char** out_error) {
  return run_engine<RefundEngine>(
      policy, requests_jsonl, "requests_jsonl", len, out_jsonl, "out_jsonl", out_error,
      [&](const RefundEngine& engine, std::string_view text) {
        return engine.check_lines(text, {threads, first_line});
      });
}

}  // extern "C"
