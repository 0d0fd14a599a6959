// Refunds from Python: decision objects, and the RefundEngine that makes them. Requests come in as
// dicts of the spec §6 JSON shape; they are written as JSON and read by RefundRequest::from_json,
// so a dict is validated exactly like JSON text and its problems carry the same paths.

#include "bindings.hpp"
#include "convert.hpp"
#include "json_text.hpp"
#include "pickling.hpp"
#include "progress.hpp"
#include "ticket_batch.hpp"

#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>
#include <aftersales/refund.hpp>

#include <pybind11/stl.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "batch/batch.hpp"

namespace aftersales::python {

namespace py = pybind11;

namespace {

using PythonRefundEngine = WithPolicy<RefundEngine>;

RefundDecision check(const PythonRefundEngine& engine, py::handle request) {
  const std::string json = dict_json(request, "RefundEngine.check", "refund request");
  const py::gil_scoped_release release;
  return engine.check(RefundRequest::from_json(json));
}

std::vector<RefundDecision> check_many(const PythonRefundEngine& engine, py::handle requests, unsigned threads,
                                       py::handle progress) {
  const BatchProgress report = python_progress(progress, "RefundEngine.check_many");
  // Written out while holding the GIL; read and decided without it.
  const py::tuple items = ticket_tuple(requests);
  std::vector<std::string> texts;
  texts.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    // A million requests take seconds to write: Ctrl-C is heard here too, not only once deciding.
    constexpr std::size_t between_checks = 8192;
    if (i % between_checks == 0) check_signals();
    texts.push_back(
        dict_json(items[i], "RefundEngine.check_many", "refund request", "requests[" + std::to_string(i) + "]"));
  }
  std::vector<RefundDecision> decisions(texts.size());
  const py::gil_scoped_release release;
  batch::for_each(texts.size(), {.threads = threads, .progress = report}, [&](std::size_t i) {
    try {
      decisions[i] = engine.check(RefundRequest::from_json(texts[i]));
    } catch (const InputError& e) {
      throw_at(e, "requests[" + std::to_string(i) + "]");
    }
  });
  return decisions;
}

std::string check_lines(const PythonRefundEngine& engine, const std::string& jsonl, unsigned threads,
                        std::size_t first_line, py::handle progress) {
  const BatchProgress report = python_progress(progress, "RefundEngine.check_lines");
  const py::gil_scoped_release release;
  return engine.check_lines(jsonl, {.threads = threads, .first_line = first_line, .progress = report});
}

std::string decision_repr(const RefundDecision& d) {
  return std::string("<aftersales.RefundDecision eligible=") + (d.eligible ? "True" : "False") + " resolution=" +
         (d.resolution ? std::string(to_string(*d.resolution)) : std::string("None")) + " total=" +
         d.refund.total.to_string() + " " + std::string(d.refund.total.currency().code_view()) +
         " reasons=" + std::to_string(d.reasons.size()) + ">";
}

void bind_parts(py::module_& m) {
  py::class_<RefundNote> reason(m, "RefundReason", "One reason of a refund decision: why, in words a support lead reads.");
  pickle_as_members<RefundNote>(m, reason, "RefundReason");
  reason.def_property_readonly("code", [](const RefundNote& n) { return to_string(n.code); },
                             "'WINDOW_EXPIRED', 'EXCLUDED_CATEGORY', ... (docs/refunds.md lists them).")
      .def_readonly("message", &RefundNote::message, "The explanation, quoting the numbers and instants.")
      .def_property_readonly("line", [](const RefundNote& n) { return optional_text(n.line); },
                             "The order line concerned, or None for the whole request.");
  py::class_<RefundLineAmount> line(m, "RefundLine", "What a decision refunds on one order line.");
  pickle_as_members<RefundLineAmount>(m, line, "RefundLine");
  line.def_readonly("line", &RefundLineAmount::line)
      .def_readonly("quantity", &RefundLineAmount::quantity)
      .def_readonly("eligible", &RefundLineAmount::eligible)
      .def_property_readonly("amount", [](const RefundLineAmount& l) { return decimal(l.amount); },
                             "Paid for these units after their share of discounts (Decimal).")
      .def_property_readonly("discount", [](const RefundLineAmount& l) { return decimal(l.discount); },
                             "The units' share of the order's discounts (Decimal).")
      .def_property_readonly("net", [](const RefundLineAmount& l) { return decimal(l.net); },
                             "amount less tax (Decimal).")
      .def_property_readonly("tax", [](const RefundLineAmount& l) { return decimal(l.tax); },
                             "The units' share of the line's tax (Decimal; 0 for an untaxed order).");
  py::class_<RefundDeduction> deduction(m, "RefundDeduction", "Money kept back: 'restocking_fee' or 'waived_shipping'.");
  pickle_as_members<RefundDeduction>(m, deduction, "RefundDeduction");
  deduction.def_readonly("type", &RefundDeduction::type)
      .def_property_readonly("amount", [](const RefundDeduction& d) { return decimal(d.amount); });
  py::class_<RefundAmounts> amounts(m, "RefundAmounts", "The money of a refund decision, exact (Decimal).");
  pickle_as_members<RefundAmounts>(m, amounts, "RefundAmounts");
  amounts.def_property_readonly("currency",
                             [](const RefundAmounts& a) { return std::string(a.total.currency().code_view()); })
      .def_property_readonly(
          "total", [](const RefundAmounts& a) { return decimal(a.total); }, "lines + shipping - deductions.")
      .def_readonly("lines", &RefundAmounts::lines)
      .def_property_readonly(
          "shipping", [](const RefundAmounts& a) { return decimal(a.shipping); },
          "The original delivery fee paid back.")
      .def_readonly("deductions", &RefundAmounts::deductions)
      .def_readonly("taxed", &RefundAmounts::taxed, "The order has taxed lines (to_json() then gives net and tax).")
      .def_property_readonly(
          "net", [](const RefundAmounts& a) { return decimal(a.net); }, "The lines' net amounts added up.")
      .def_property_readonly(
          "tax", [](const RefundAmounts& a) { return decimal(a.tax); }, "The lines' tax added up.");
  py::class_<RefundExchange> exchange(m, "RefundExchange",
                                      "What an exchange to another variant costs or gives back (Decimal, tax included).");
  pickle_as_members<RefundExchange>(m, exchange, "RefundExchange");
  exchange.def_property_readonly("returned", [](const RefundExchange& e) { return decimal(e.returned); })
      .def_property_readonly("replacement", [](const RefundExchange& e) { return decimal(e.replacement); })
      .def_property_readonly("returned_tax", [](const RefundExchange& e) { return decimal(e.returned_tax); })
      .def_property_readonly("replacement_tax", [](const RefundExchange& e) { return decimal(e.replacement_tax); })
      .def_property_readonly("customer_pays", [](const RefundExchange& e) { return decimal(e.customer_pays); })
      .def_property_readonly("customer_receives", [](const RefundExchange& e) { return decimal(e.customer_receives); });
}

void bind_decision(py::module_& m) {
  py::class_<RefundDecision> decision(m, "RefundDecision",
                                      "What a refund policy decides about a request (spec §6). Read-only.");
  pickle_as_members<RefundDecision>(m, decision, "RefundDecision");
  decision.def_readonly("eligible", &RefundDecision::eligible)
      .def_property_readonly(
          "resolution",
          [](const RefundDecision& d) -> std::optional<std::string> {
            if (!d.resolution) {
              return std::nullopt;
            }
            return std::string(to_string(*d.resolution));
          },
          "'return_refund', 'refund_only', 'exchange', 'repair', or None when none is allowed.")
      .def_property_readonly(
          "options",
          [](const RefundDecision& d) {
            std::vector<std::string> names;
            for (Resolution r : d.options) {
              names.emplace_back(to_string(r));
            }
            return names;
          },
          "Every resolution the policy allows for this request.")
      .def_readonly("refund", &RefundDecision::refund)
      .def_property_readonly("method", [](const RefundDecision& d) { return to_string(d.method); },
                             "'original_payment' or 'store_credit'.")
      .def_property_readonly("return_shipping", [](const RefundDecision& d) { return to_string(d.return_shipping); },
                             "'buyer', 'seller' or 'none'.")
      .def_readonly("fast_refund", &RefundDecision::fast_refund, "Paid before the return arrives.")
      .def_readonly("ship_back_by", &RefundDecision::ship_back_by)
      .def_readonly("refund_due_by", &RefundDecision::refund_due_by, "The merchant's deadline, or None.")
      .def_readonly("policy", &RefundDecision::policy)
      .def_readonly("reasons", &RefundDecision::reasons)
      .def_readonly("exchange", &RefundDecision::exchange, "The price difference of an exchange to another variant, or None.")
      .def("to_json", &RefundDecision::to_json, "The decision as JSON text, as the C++ and C APIs give it.")
      .def("to_dict", &to_dict<RefundDecision>, "json.loads(self.to_json()).")
      .def("__repr__", &decision_repr);
}

}  // namespace

void bind_refund(py::module_& m) {
  bind_parts(m);
  bind_decision(m);
  py::class_<PythonRefundEngine> engine(m, "RefundEngine",
                                        "The refund decisions of a policy. Keeps the policy alive; immutable, so "
                                        "share it freely across threads. Pickles as its policy.");
  pickle_as_policy(engine);
  engine.def(py::init<const std::shared_ptr<Policy>&>(), py::arg("policy").none(false))
      .def("check", &check, py::arg("request"),
           "Decides a refund request (a dict of the spec §6 JSON shape: amounts as decimal "
           "strings, instants as RFC 3339 text or epoch milliseconds). A refusal is a decision "
           "with eligible False and its reasons; a malformed request raises InputError naming "
           "the path of every problem.")
      .def("check_many", &check_many, py::arg("requests"), py::arg("threads") = 0, py::kw_only(),
           py::arg("progress") = py::none(),
           "check for each request dict of `requests` (any iterable), on up to `threads` threads "
           "(0: one per core) with the GIL released; decisions in input order. Raises for the "
           "first request (in input order) that is malformed, its index in the path: "
           "'requests[7].order.lines[0].unit_price'. `progress`: called as progress(done, total) in "
           "requests, throttled; what it raises stops the call (docs/threading.md, \"Progress\").")
      .def("check_lines", &check_lines, py::arg("jsonl"), py::arg("threads") = 0, py::kw_only(),
           py::arg("first_line") = 1, py::arg("progress") = py::none(),
           "check over JSON Lines text: one request per line in, one decision JSON per "
           "line out, same order, blank lines skipped; a bad line gives {\"line\": N, "
           "\"error\": \"...\"}, N counting lines from `first_line`. Runs on up to `threads` "
           "threads with the GIL released; `progress` as for check_many, in non-blank lines.");
}

}  // namespace aftersales::python
