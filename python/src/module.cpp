#include "bindings.hpp"
#include "convert.hpp"

#include <aftersales/version.hpp>

PYBIND11_MODULE(_core, m) {
  namespace python = aftersales::python;
  m.doc() = "The compiled core of aftersales; import the names from `aftersales` instead.";
  m.attr("__version__") = aftersales::version();
  python::init_conversions();
  python::bind_errors(m);
  python::bind_values(m);
  python::bind_calendar(m);
  python::bind_policy(m);
  python::bind_sla(m);
  python::bind_sla_columns(m);
  python::bind_logging(m);
  python::bind_routing(m);
  python::bind_refund(m);
  python::bind_compensation(m);
  python::bind_kpi(m);
  python::bind_ticket_batch(m);
  python::guard_arguments(m);
}
