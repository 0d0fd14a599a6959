#include <aftersales/error.hpp>
#include <aftersales/policy.hpp>

#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <system_error>

#include "calendar/calendar_compile.hpp"
#include "document/json_reader.hpp"
#include "logging/log.hpp"
#include "text/text.hpp"
#include "ticket/ticket_words.hpp"
#include "policy/policy_data.hpp"
#include "refund/refund_compile.hpp"
#include "compensation/compensation_compile.hpp"
#include "kpi/kpi_compile.hpp"
#include "sla/sla_compile.hpp"
#include "routing/routing_compile.hpp"

namespace aftersales {
namespace {

constexpr int supported_schema_version = 1;

void compile_schema_version(const detail::Node& root, detail::PolicyData& data) {
  const auto node = root.required("schema_version");
  if (!node) return;
  const auto version = node->integer();
  if (version && *version != supported_schema_version)
    node->problem(std::to_string(*version) + " is not supported (this library reads schema_version 1)");
  else if (version) data.schema_version = static_cast<int>(*version);
}

// "$schema" names the JSON Schema an editor checks the document against (docs/policy.md); the
// loader validates everything itself, so it only makes sure the member is what editors expect.
void check_schema_reference(const detail::Node& root) {
  if (const auto node = root.member("$schema")) (void)node->string();
}

// Returns the names of the calendars that failed validation.
std::set<std::string, std::less<>> compile_calendars(const detail::Node& root, detail::PolicyData& data) {
  std::set<std::string, std::less<>> invalid;
  const auto node = root.member("calendars");
  if (!node) return invalid;
  const auto* object = node->any_object();
  if (object == nullptr) return invalid;
  for (const auto& [key, value] : *object) {
    const std::string name(key.data(), key.size());
    const detail::Node entry = node->child(std::string_view(key.data(), key.size()), value);
    if (auto calendar = detail::compile_calendar(name, entry)) data.calendars.emplace(name, std::move(*calendar));
    else invalid.insert(name);
  }
  return invalid;
}

// `statuses`: the host's own statuses, each counting as one of status_categories (docs/sla.md,
// "Status categories").
void compile_statuses(const detail::Node& root, detail::PolicyData& data) {
  const auto node = root.member("statuses");
  if (!node) return;
  std::vector<std::pair<std::string, Status>> entries;
  node->for_each_member([&](std::string_view name, const detail::Node& category) {
    if (name.empty()) return category.problem("the status name is empty");
    if (detail::status_named(name))
      return category.problem(detail::quoted(name) + " is a built-in status; a custom status needs a name of its own");
    const auto text = category.string();
    if (!text) return;
    const auto status = detail::status_named(*text);
    const auto& allowed = detail::status_categories;
    if (!status || std::find(allowed.begin(), allowed.end(), *status) == allowed.end())
      return category.problem(detail::quoted(*text) + " is not a status category (open, pending_customer, on_hold, resolved)");
    entries.emplace_back(name, *status);
  });
  std::sort(entries.begin(), entries.end());
  for (auto& [name, status] : entries) {
    data.statuses.names.push_back(std::move(name));
    data.statuses.categories.push_back(status);
  }
}

}  // namespace

Policy::Policy(std::unique_ptr<const detail::PolicyData> data) noexcept : data_(std::move(data)) {}
Policy::~Policy() = default;

std::shared_ptr<const Policy> Policy::from_json(std::string_view json, const LoadLimits& limits) {
  const auto started = std::chrono::steady_clock::now();
  detail::Problems problems;
  boost::json::monotonic_resource scratch;
  const auto document = detail::parse_json(json, limits, problems, &scratch);
  problems.throw_if_any();

  const detail::Node root(*document, problems);
  auto data = std::make_unique<detail::PolicyData>();
  data->source = std::string(json);
  if (root.object({"$schema", "schema_version", "calendars", "statuses", "sla", "routing", "refunds", "kpi",
                   "compensation"})) {
    check_schema_reference(root);
    compile_schema_version(root, *data);
    const auto invalid_calendars = compile_calendars(root, *data);
    compile_statuses(root, *data);
    data->symbols.set_custom_statuses(data->statuses);
    data->sla = detail::compile_sla(root.member("sla"), data->symbols, data->calendars, invalid_calendars,
                                    data->statuses);
    data->routing = detail::compile_routing(root.member("routing"), data->symbols, data->sla,
                                            detail::ConditionCalendars{data->calendars, invalid_calendars});
    data->refunds = detail::compile_refunds(root.member("refunds"), data->symbols, data->calendars, invalid_calendars);
    data->kpi = detail::compile_kpi(root.member("kpi"), data->symbols, data->sla, data->calendars);
    data->compensation = detail::compile_compensation(root.member("compensation"), data->symbols);
  }
  problems.throw_if_any();

  const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  detail::log()->info("policy loaded: {} calendars in {:.2f} ms", data->calendars.size(), elapsed.count());
  return std::shared_ptr<const Policy>(new Policy(std::move(data)));
}

std::shared_ptr<const Policy> Policy::from_file(const std::filesystem::path& path, const LoadLimits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw InputError("cannot read policy file \"" + path.string() + "\": " + ec.message());
  if (size > limits.max_bytes)
    throw PolicyError({{"", detail::oversize_message(static_cast<std::size_t>(size), limits)}});
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size)))
    throw InputError("cannot read policy file \"" + path.string() + "\"");
  return from_json(text, limits);
}

int Policy::schema_version() const noexcept { return data_->schema_version; }

const std::string& Policy::to_json() const noexcept { return data_->source; }

Calendar Policy::calendar(std::string_view name) const { return detail::calendar_named(data_->calendars, name); }

std::vector<std::string> Policy::calendar_names() const {
  std::vector<std::string> names;
  for (const auto& [name, calendar] : data_->calendars) names.push_back(name);
  return names;
}

}  // namespace aftersales
