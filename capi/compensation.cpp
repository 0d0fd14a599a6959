// The C ABI of compensation (docs/compensation.md): JSON request in, JSON decision out.

#include "capi_support.hpp"

using namespace aftersales::capi;
using aftersales::CompensationEngine;

extern "C" {

int aftersales_compensation_decide(const aftersales_policy* policy, const char* request_json, size_t len,
                                   char** out_json, char** out_error) {
  return run_engine<CompensationEngine>(
      policy, request_json, "request_json", len, out_json, "out_json", out_error,
      [](const CompensationEngine& engine, std::string_view text) { return engine.decide_json(text); });
}

int aftersales_compensation_decide_lines(const aftersales_policy* policy, const char* requests_jsonl, size_t len,
                                         unsigned threads, size_t first_line, char** out_jsonl, char** out_error) {
  return run_engine<CompensationEngine>(
      policy, requests_jsonl, "requests_jsonl", len, out_jsonl, "out_jsonl", out_error,
      [&](const CompensationEngine& engine, std::string_view text) {
        return engine.decide_lines(text, {threads, first_line});
      });
}

}  // extern "C"
