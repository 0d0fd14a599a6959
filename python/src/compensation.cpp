// Compensation from Python: decision objects, and the CompensationEngine that makes them.
// Requests come in as dicts of the JSON shape of docs/compensation.md; they are written as JSON
// and read by CompensationRequest::from_json, so a dict is validated exactly like JSON text and
// its problems carry the same paths.

#include "bindings.hpp"
#include "convert.hpp"
#include "json_text.hpp"
#include "pickling.hpp"
#include "progress.hpp"

#include <aftersales/compensation.hpp>
#include <aftersales/policy.hpp>

#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>

namespace aftersales::python {

namespace py = pybind11;

namespace {

using PythonCompensationEngine = WithPolicy<CompensationEngine>;

CompensationDecision decide(const PythonCompensationEngine& engine, py::handle request) {
  const std::string json = dict_json(request, "CompensationEngine.decide", "compensation request");
  const py::gil_scoped_release release;
  return engine.decide(CompensationRequest::from_json(json));
}

std::string decide_lines(const PythonCompensationEngine& engine, const std::string& jsonl, unsigned threads,
                         std::size_t first_line, py::handle progress) {
  const BatchProgress report = python_progress(progress, "CompensationEngine.decide_lines");
  const py::gil_scoped_release release;
  return engine.decide_lines(jsonl, {.threads = threads, .first_line = first_line, .progress = report});
}

std::string decision_repr(const CompensationDecision& d) {
  return std::string("<aftersales.CompensationDecision compensate=") + (d.compensate ? "True" : "False") +
         " total=" + d.total.to_string() + " " + std::string(d.total.currency().code_view()) +
         " offers=" + std::to_string(d.offers.size()) + " reasons=" + std::to_string(d.reasons.size()) + ">";
}

void bind_parts(py::module_& m) {
  py::class_<CompensationNote> reason(m, "CompensationReason",
                                      "One reason of a compensation decision, with the numbers involved.");
  pickle_as_members<CompensationNote>(m, reason, "CompensationReason");
  reason.def_property_readonly("code", [](const CompensationNote& n) { return to_string(n.code); },
                               "'RULE_MATCHED', 'OFFER_TRIMMED', ... (docs/compensation.md lists them).")
      .def_readonly("message", &CompensationNote::message)
      .def_property_readonly("rule", [](const CompensationNote& n) { return optional_text(n.rule); },
                             "The rule concerned, or None for the whole request.");
  py::class_<CompensationOffer> offer(m, "CompensationOffer", "One thing offered, by one rule.");
  pickle_as_members<CompensationOffer>(m, offer, "CompensationOffer");
  offer.def_readonly("rule", &CompensationOffer::rule)
      .def_property_readonly("type", [](const CompensationOffer& o) { return to_string(o.type); },
                             "'coupon', 'store_credit', 'points' or 'gift'.")
      .def_property_readonly("amount", [](const CompensationOffer& o) { return decimal(o.amount); },
                             "Coupons and store credit: the face value (Decimal); 0 otherwise.")
      .def_property_readonly(
          "min_spend",
          [](const CompensationOffer& o) { return o.min_spend ? decimal(*o.min_spend) : py::object(py::none()); },
          "Coupons: the spend needed to use it (Decimal), or None.")
      .def_readonly("points", &CompensationOffer::points)
      .def_property_readonly("sku", [](const CompensationOffer& o) { return optional_text(o.sku); })
      .def_property_readonly("value", [](const CompensationOffer& o) { return decimal(o.value); },
                             "What the offer costs (Decimal): what limits and 'best' compare.");
}

void bind_decision(py::module_& m) {
  py::class_<CompensationDecision> decision(m, "CompensationDecision",
                                            "What a compensation policy decides about a request. Read-only.");
  pickle_as_members<CompensationDecision>(m, decision, "CompensationDecision");
  decision.def_readonly("compensate", &CompensationDecision::compensate)
      .def_readonly("policy", &CompensationDecision::policy)
      .def_property_readonly("currency",
                             [](const CompensationDecision& d) { return std::string(d.total.currency().code_view()); })
      .def_property_readonly("total", [](const CompensationDecision& d) { return decimal(d.total); },
                             "The offers' values added up (Decimal).")
      .def_readonly("offers", &CompensationDecision::offers)
      .def_readonly("late_days", &CompensationDecision::late_days)
      .def_property_readonly("ticket", [](const CompensationDecision& d) { return optional_text(d.ticket); })
      .def_property_readonly("category", [](const CompensationDecision& d) { return optional_text(d.category); })
      .def_property_readonly("agent", [](const CompensationDecision& d) { return optional_text(d.agent); })
      .def_readonly("reasons", &CompensationDecision::reasons)
      .def("to_json", &CompensationDecision::to_json, "The decision as JSON text, as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<CompensationDecision>, "json.loads(self.to_json()).")
      .def("__repr__", &decision_repr);
}

}  // namespace

void bind_compensation(py::module_& m) {
  bind_parts(m);
  bind_decision(m);
  py::class_<PythonCompensationEngine> engine(m, "CompensationEngine",
                                              "The compensation decisions of a policy. Keeps the policy alive; "
                                              "immutable, so share it freely across threads. Pickles as its policy.");
  pickle_as_policy(engine);
  engine.def(py::init<const std::shared_ptr<Policy>&>(), py::arg("policy").none(false))
      .def("decide", &decide, py::arg("request"),
           "Decides a compensation request (a dict of the JSON shape of docs/compensation.md: amounts "
           "as decimal strings, instants as RFC 3339 text or epoch milliseconds). Nothing to offer "
           "is a decision with compensate False and its reasons; a malformed request raises "
           "InputError naming the path of every problem.")
      .def("decide_lines", &decide_lines, py::arg("jsonl"), py::arg("threads") = 0, py::kw_only(),
           py::arg("first_line") = 1, py::arg("progress") = py::none(),
           "decide over JSON Lines text: one request per line in, one decision JSON per line out, "
           "same order, blank lines skipped; a bad line gives {\"line\": N, \"error\": \"...\"}. "
           "Runs on up to `threads` threads with the GIL released.");
}

}  // namespace aftersales::python
