#include "calendar/calendar_compile.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <tuple>

#include "calendar/calendar_data.hpp"
#include "text/text.hpp"

namespace aftersales::detail {
namespace {

constexpr std::array<std::string_view, 7> day_names{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> day_full_names{"Monday", "Tuesday", "Wednesday", "Thursday",
                                                         "Friday", "Saturday", "Sunday"};

// "HH:MM" as minutes after midnight; "24:00" only when `allow_24` (an end).
std::optional<std::int32_t> parse_clock(std::string_view text, bool allow_24) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  const int hours = fixed_digits(text, 0, 2);
  const int minutes = fixed_digits(text, 3, 2);
  if (hours < 0 || minutes < 0 || minutes > 59) return std::nullopt;
  if (hours == 24 && minutes == 0 && allow_24) return 1440;
  if (hours > 23) return std::nullopt;
  return hours * 60 + minutes;
}

std::optional<LocalRange> parse_range(const Node& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  const auto dash = text->find('-');
  const auto start = dash == std::string_view::npos ? std::nullopt : parse_clock(text->substr(0, dash), false);
  const auto end = dash == std::string_view::npos ? std::nullopt : parse_clock(text->substr(dash + 1), true);
  if (!start || !end) {
    node.problem(quoted(*text) + " is not a range of hours (\"HH:MM-HH:MM\", 00:00 to 24:00)");
    return std::nullopt;
  }
  if (*start == *end) {
    node.problem(quoted(*text) + " is an empty range (use \"00:00-24:00\" for a whole day)");
    return std::nullopt;
  }
  // An end before the start runs overnight into the next day.
  return LocalRange{*start, *end > *start ? *end : *end + 1440};
}

std::string format_range(const LocalRange& r) {
  const auto clock = [](std::int32_t m) {
    m %= 1440;
    const std::string h = std::to_string(m / 60), mm = std::to_string(m % 60);
    return (h.size() == 1 ? "0" + h : h) + ":" + (mm.size() == 1 ? "0" + mm : mm);
  };
  return clock(r.start_minute) + "-" + (r.end_minute == 1440 ? std::string("24:00") : clock(r.end_minute));
}

// A list of ranges, sorted; overlapping ranges are an error.
std::optional<DayHours> parse_ranges(const Node& node) {
  const auto* list = node.array();
  if (list == nullptr) return std::nullopt;
  DayHours hours;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (auto range = parse_range(node.element(i))) hours.push_back(*range);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  std::sort(hours.begin(), hours.end(), [](const auto& a, const auto& b) { return a.start_minute < b.start_minute; });
  for (std::size_t i = 1; i < hours.size(); ++i) {
    if (hours[i].start_minute < hours[i - 1].end_minute) {
      node.problem("ranges " + format_range(hours[i - 1]) + " and " + format_range(hours[i]) + " overlap");
      return std::nullopt;
    }
  }
  return hours;
}

// A list of ranges for one day, or "24x7".
std::optional<DayHours> parse_day_hours(const Node& node) {
  if (const auto* s = node.value().if_string(); s != nullptr && *s == "24x7") return DayHours{{0, 1440}};
  return parse_ranges(node);
}

// A day's hours less the clock times of `breaks`. A break closes its clock times on every day,
// so it also cuts the part of an overnight range past the next midnight (the break a day
// later) and the early hours of a date that an overnight break reaches (the break a day
// earlier).
DayHours without_breaks(const DayHours& hours, const DayHours& breaks) {
  DayHours cuts;
  for (const std::int32_t shift : {-1440, 0, 1440})
    for (const LocalRange& b : breaks) cuts.push_back({b.start_minute + shift, b.end_minute + shift});
  std::sort(cuts.begin(), cuts.end(), [](const auto& a, const auto& b) { return a.start_minute < b.start_minute; });
  DayHours left;
  for (const LocalRange& range : hours) {
    std::int32_t from = range.start_minute;  // the first minute of the range not yet cut or kept
    for (const LocalRange& cut : cuts) {
      if (cut.end_minute <= from || cut.start_minute >= range.end_minute) continue;
      if (cut.start_minute > from) left.push_back({from, cut.start_minute});
      from = std::max(from, cut.end_minute);
    }
    if (from < range.end_minute) left.push_back({from, range.end_minute});
  }
  return left;
}

std::optional<std::size_t> day_index(std::string_view name) {
  const auto it = std::find(day_names.begin(), day_names.end(), name);
  if (it == day_names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - day_names.begin());
}

// The weekdays a key of `hours` names: "mon", "mon-fri", "fri-mon" (wrapping), "daily".
std::optional<std::vector<std::size_t>> parse_day_key(std::string_view key) {
  if (key == "daily") return std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6};
  const auto dash = key.find('-');
  const auto first = day_index(key.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : day_index(key.substr(dash + 1));
  if (!first || !last) return std::nullopt;
  std::vector<std::size_t> days;
  for (std::size_t d = *first;; d = (d + 1) % 7) {
    days.push_back(d);
    if (d == *last) break;
  }
  return days;
}

std::optional<std::array<DayHours, 7>> parse_weekly(const Node& node) {
  std::array<DayHours, 7> weekly;
  if (const auto* s = node.value().if_string()) {
    if (*s == "24x7") {
      weekly.fill(DayHours{{0, 1440}});
      return weekly;
    }
    node.problem(describe(node.value()) + " is not a schedule (an object of day keys, or \"24x7\")");
    return std::nullopt;
  }
  const auto* object = node.any_object();
  if (object == nullptr) return std::nullopt;
  std::array<std::string, 7> given_by;
  bool ok = true;
  for (const auto& [key, value] : *object) {
    const std::string_view name(key.data(), key.size());
    const Node day_node = node.child(name, value);
    const auto days = parse_day_key(name);
    if (!days) {
      day_node.problem("unknown day key " + quoted(name) + " (use mon..sun, a range like \"mon-fri\", or \"daily\")");
      ok = false;
      continue;
    }
    auto hours = parse_day_hours(day_node);
    ok = ok && hours.has_value();
    for (std::size_t d : *days) {
      if (!given_by[d].empty()) {
        day_node.problem(std::string(day_full_names[d]) + " is already given by \"" + given_by[d] + "\"");
        ok = false;
        break;
      }
      given_by[d] = name;
      if (hours) weekly[d] = *hours;
    }
  }
  if (!ok) return std::nullopt;
  return weekly;
}

}  // namespace

std::optional<std::int32_t> parse_date(const Node& node) {
  const auto text = node.string();
  if (!text) return std::nullopt;
  const int y = fixed_digits(*text, 0, 4), m = fixed_digits(*text, 5, 2), d = fixed_digits(*text, 8, 2);
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (text->size() != 10 || (*text)[4] != '-' || (*text)[7] != '-' || y < 0 || m < 0 || d < 0 || !ymd.ok()) {
    node.problem(quoted(*text) + " is not a date (\"YYYY-MM-DD\")");
    return std::nullopt;
  }
  if (y < first_year || y > last_year) {
    node.problem(quoted(*text) + " is outside the supported years 1970-2200");
    return std::nullopt;
  }
  return date::sys_days{ymd}.time_since_epoch().count();
}

namespace {

std::string format_date(std::int32_t day) { return date::format("%F", date::sys_days{date::days{day}}); }

// The dates of a holiday, workday or special entry: {"date"} or {"from", "to"}.
std::optional<DayRange> parse_dates(const Node& node) {
  const auto single = node.member("date");
  const auto from = node.member("from");
  const auto to = node.member("to");
  if (single && !from && !to) {
    const auto day = parse_date(*single);
    if (!day) return std::nullopt;
    return DayRange{*day, *day};
  }
  if (!single && from && to) {
    const auto first = parse_date(*from);
    const auto last = parse_date(*to);
    if (!first || !last) return std::nullopt;
    if (*last < *first) {
      node.problem("\"to\" (" + format_date(*last) + ") comes before \"from\" (" + format_date(*first) + ")");
      return std::nullopt;
    }
    return DayRange{*first, *last};
  }
  node.problem("give either \"date\" or both \"from\" and \"to\"");
  return std::nullopt;
}


// An entry's "name" and "source" are kept for the people who read the policy (where a date came
// from: a notice, `aftersales holidays`), never used in arithmetic; each must still be a string
// so that a misplaced value (`"name": ["09:00-18:00"]`) is reported, not ignored.
bool labels_are_strings(const Node& entry) {
  bool ok = true;
  for (const std::string_view key : {"name", "source"}) {
    if (const auto label = entry.member(key); label && !label->string()) ok = false;
  }
  return ok;
}

// Where an entry of `holidays`, `workdays` or `special` sits, to name it in a problem.
struct EntryRef {
  std::string_view list;
  std::size_t index;
};

template <class Entry, class DaysOf>
void require_disjoint(std::vector<std::pair<Entry, EntryRef>>& entries, DaysOf days_of, const Node& calendar,
                      bool& ok) {
  const auto path = [&](const EntryRef& ref) {
    return Node::join(calendar.path(), ref.list) + "[" + std::to_string(ref.index) + "]";
  };
  std::sort(entries.begin(), entries.end(),
            [&](const auto& a, const auto& b) { return days_of(a.first).first_day < days_of(b.first).first_day; });
  // Compare each entry with the one reaching furthest so far, not just its neighbour: a long
  // range can overlap several later ones.
  std::size_t furthest = 0;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const DayRange reach = days_of(entries[furthest].first);
    if (days_of(entries[i].first).first_day <= reach.last_day) {
      calendar.problems().add(path(entries[i].second), "covers " + format_date(days_of(entries[i].first).first_day) +
                                                           ", already covered by " + path(entries[furthest].second));
      ok = false;
    }
    if (days_of(entries[i].first).last_day > reach.last_day) furthest = i;
  }
}

// "from_year" or "to_year" of a yearly holiday; `fallback` when absent.
std::optional<int> parse_year(const Node& entry, std::string_view key, int fallback) {
  const auto node = entry.member(key);
  if (!node) return fallback;
  const auto year = node->integer();
  if (!year) return std::nullopt;
  if (*year < first_year || *year > last_year) {
    node->problem(std::to_string(*year) + " is outside the supported years 1970-2200");
    return std::nullopt;
  }
  return static_cast<int>(*year);
}

// The first year of `first..last` that has `month`-`day` (02-29 is only in leap years).
std::optional<int> first_year_with(unsigned month, unsigned day, int first, int last) {
  for (int y = first; y <= last; ++y)
    if (date::year_month_day{date::year{y}, date::month{month}, date::day{day}}.ok()) return y;
  return std::nullopt;
}

// {"every_year": "MM-DD", "from_year", "to_year"}: a holiday on that date of each year.
std::optional<YearlyHoliday> parse_yearly(const Node& entry) {
  const auto every = entry.required("every_year");
  const auto text = every ? every->string() : std::nullopt;
  if (!text) return std::nullopt;
  const int m = fixed_digits(*text, 0, 2), d = fixed_digits(*text, 3, 2);
  // 2000 is a leap year: any month and day that some year has.
  if (text->size() != 5 || (*text)[2] != '-' || m < 1 || d < 1 ||
      !date::year_month_day{date::year{2000}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}}.ok()) {
    every->problem(quoted(*text) + " is not a month and day (\"MM-DD\")");
    return std::nullopt;
  }
  const auto from = parse_year(entry, "from_year", first_year);
  const auto to = parse_year(entry, "to_year", last_year);
  if (!from || !to) return std::nullopt;
  if (*to < *from) {
    entry.problem("\"to_year\" (" + std::to_string(*to) + ") comes before \"from_year\" (" + std::to_string(*from) + ")");
    return std::nullopt;
  }
  const YearlyHoliday holiday{static_cast<unsigned>(m), static_cast<unsigned>(d), *from, *to};
  if (!first_year_with(holiday.month, holiday.day, *from, *to)) {
    entry.problem(std::string(*text) + " falls in no year from " + std::to_string(*from) + " to " + std::to_string(*to));
    return std::nullopt;
  }
  return holiday;
}

// Two yearly entries may share a month and day only in years apart, as two dated entries may
// not cover one date; a dated entry on a yearly holiday's date is allowed (both say closed).
void require_distinct_years(std::vector<std::pair<YearlyHoliday, EntryRef>>& entries, const Node& calendar, bool& ok) {
  const auto path = [&](const EntryRef& ref) {
    return Node::join(calendar.path(), ref.list) + "[" + std::to_string(ref.index) + "]";
  };
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.month, a.first.day, a.first.first_year) < std::tie(b.first.month, b.first.day, b.first.first_year);
  });
  std::size_t furthest = 0;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    const YearlyHoliday& reach = entries[furthest].first;
    const YearlyHoliday& h = entries[i].first;
    if (h.month != reach.month || h.day != reach.day) {
      furthest = i;
      continue;
    }
    if (const auto shared = first_year_with(h.month, h.day, h.first_year, std::min(h.last_year, reach.last_year))) {
      const date::sys_days day{date::year{*shared} / date::month{h.month} / date::day{h.day}};
      calendar.problems().add(path(entries[i].second), "covers " + format_date(static_cast<std::int32_t>(day.time_since_epoch().count())) +
                                                           ", already covered by " + path(entries[furthest].second));
      ok = false;
    }
    if (h.last_year > reach.last_year) furthest = i;
  }
}

struct Holidays {
  std::vector<DayRange> dated;
  std::vector<YearlyHoliday> yearly;
};

std::optional<Holidays> parse_holidays(const Node& calendar, const Node& node) {
  const auto* list = node.array();
  if (list == nullptr) return std::nullopt;
  std::vector<std::pair<DayRange, EntryRef>> entries;
  std::vector<std::pair<YearlyHoliday, EntryRef>> yearly;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Node entry = node.element(i);
    std::optional<DayRange> days;
    if (const auto* object = entry.value().if_object(); object != nullptr && object->contains("every_year")) {
      const auto holiday = entry.object({"every_year", "from_year", "to_year", "name", "source"})
                               ? parse_yearly(entry)
                               : std::nullopt;
      if (holiday) yearly.emplace_back(*holiday, EntryRef{"holidays", i});
      if (!holiday || !labels_are_strings(entry)) ok = false;
      continue;
    }
    if (entry.value().is_string()) {
      if (const auto day = parse_date(entry)) days = DayRange{*day, *day};
    } else if (entry.object({"date", "from", "to", "name", "source"})) {
      days = parse_dates(entry);
      if (!labels_are_strings(entry)) ok = false;
    }
    if (days) entries.emplace_back(*days, EntryRef{"holidays", i});
    else ok = false;
  }
  require_disjoint(entries, [](const DayRange& r) { return r; }, calendar, ok);
  require_distinct_years(yearly, calendar, ok);
  if (!ok) return std::nullopt;
  Holidays holidays;
  for (auto& [days, ref] : entries) holidays.dated.push_back(days);
  for (auto& [holiday, ref] : yearly) holidays.yearly.push_back(holiday);
  return holidays;
}

// `workdays` and `special` entries: dates with their own hours.
void parse_overrides(const Node& node, std::string_view list_key, std::vector<std::pair<DateOverride, EntryRef>>& out,
                     bool& ok) {
  const auto* list = node.array();
  if (list == nullptr) {
    ok = false;
    return;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Node entry = node.element(i);
    if (!entry.object({"date", "from", "to", "hours", "name", "source"})) {
      ok = false;
      continue;
    }
    if (!labels_are_strings(entry)) ok = false;
    const auto days = parse_dates(entry);
    const auto hours_node = entry.required("hours");
    const auto hours = hours_node ? parse_day_hours(*hours_node) : std::nullopt;
    if (days && hours) out.push_back({DateOverride{*days, *hours}, EntryRef{list_key, i}});
    else ok = false;
  }
}

// `"coverage": {"until": DATE, "beyond": "error" | "weekly"}`: both required, so that the
// document says what happens after its holiday data ends.
std::optional<Coverage> parse_coverage(const Node& node) {
  if (!node.object({"until", "beyond"})) return std::nullopt;
  const auto until_node = node.required("until");
  const auto beyond_node = node.required("beyond");
  const auto until = until_node ? parse_date(*until_node) : std::nullopt;
  std::optional<bool> error_beyond;
  if (const auto beyond = beyond_node ? beyond_node->string() : std::nullopt) {
    if (*beyond == "error" || *beyond == "weekly") error_beyond = *beyond == "error";
    else beyond_node->problem(quoted(*beyond) + " is not a choice for the dates after \"until\" (\"error\" or \"weekly\")");
  }
  if (!until || !error_beyond) return std::nullopt;
  return Coverage{*until, *error_beyond};
}

// A version as written: its hours before any breaks, and its own breaks if it states them.
struct VersionEntry {
  WeeklyVersion version;
  std::optional<DayHours> breaks;
};

// `"versions": [{"from": DATE, "hours": {...}, "breaks": [...]}, ...]`, in order of their
// dates, each date once.
std::optional<std::vector<VersionEntry>> parse_versions(const Node& node) {
  const auto* list = node.array();
  if (list == nullptr) return std::nullopt;
  std::vector<VersionEntry> versions;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Node entry = node.element(i);
    if (!entry.object({"from", "hours", "breaks"})) {
      ok = false;
      continue;
    }
    const auto from_node = entry.required("from");
    const auto hours_node = entry.required("hours");
    const auto from = from_node ? parse_date(*from_node) : std::nullopt;
    auto weekly = hours_node ? parse_weekly(*hours_node) : std::nullopt;
    std::optional<DayHours> breaks;
    if (const auto breaks_node = entry.member("breaks")) {
      breaks = parse_ranges(*breaks_node);
      ok = ok && breaks.has_value();
    }
    if (!from || !weekly) {
      ok = false;
      continue;
    }
    WeeklyVersion version{from.value_or(0), std::move(*weekly)};  // value_or: GCC cannot see `from` is set
    if (!versions.empty() && version.from <= versions.back().version.from) {
      // Sorted by hand, a list reads as the history it is; a date given twice has no meaning.
      from_node->problem(format_date(version.from) + " does not come after the previous version's \"from\" (" +
                         format_date(versions.back().version.from) + "): list versions in order of date, each date once");
      ok = false;
      continue;
    }
    versions.push_back(VersionEntry{std::move(version), std::move(breaks)});
  }
  if (!ok) return std::nullopt;
  return versions;
}

// Whether any date of the supported years has hours, without visiting every date: only the
// gaps between holidays and closed overrides can follow the weekly schedule, which changes only
// where a version starts.
bool ever_open(const std::array<DayHours, 7>& weekly, const std::vector<WeeklyVersion>& versions,
               const std::vector<DateOverride>& overrides, const std::vector<DayRange>& holidays,
               const std::vector<YearlyHoliday>& yearly) {
  std::vector<DayRange> closed = holidays;
  for (const DateOverride& o : overrides) {
    if (!o.hours.empty()) return true;
    closed.push_back(o.days);
  }
  std::sort(closed.begin(), closed.end(), [](const DayRange& a, const DayRange& b) { return a.first_day < b.first_day; });
  const auto open_on = [&](std::int32_t day) {
    return !weekly_on(weekly, versions, day)[weekday_index(day)].empty() &&
           (yearly.empty() || !yearly_holiday_on(yearly, day));
  };
  // Seven dates show whether the weekly hours open at all. A yearly holiday closes at most one
  // date in 52 weeks, so 52 weeks show it past up to 51 of them; past more, the whole gap.
  const std::int32_t window = yearly.empty() ? 7 : yearly.size() < 52 ? 364 : std::numeric_limits<std::int32_t>::max();
  const auto first_day = static_cast<std::int32_t>(date::sys_days{date::year{first_year} / 1 / 1}.time_since_epoch().count());
  const auto last_day = static_cast<std::int32_t>(date::sys_days{date::year{last_year} / 12 / 31}.time_since_epoch().count());
  std::int32_t day = first_day;  // the first date not yet known to be closed
  const auto window_open = [&](std::int32_t from, std::int32_t end) {  // the window of dates from `from`, before `end`
    for (std::int32_t d = from; d < end && d - from < window; ++d)
      if (open_on(d)) return true;
    return false;
  };
  const auto gap_open = [&](std::int32_t end) {  // dates [day, end)
    if (window_open(day, end)) return true;
    return std::any_of(versions.begin(), versions.end(),
                       [&](const WeeklyVersion& v) { return v.from > day && window_open(v.from, end); });
  };
  for (const DayRange& range : closed) {
    if (gap_open(std::min(range.first_day, last_day + 1))) return true;
    day = std::max(day, range.last_day + 1);
  }
  return gap_open(last_day + 1);
}

// Whether the operating system's time-zone database could be read at all. Debian builds
// date's tz library to read the system's files from the fixed directory /usr/share/zoneinfo
// (USE_OS_TZDB, no way to point it elsewhere); a slim container often lacks them, and then
// every name would be "unknown", which would send the reader to fix a policy that is fine.
bool has_time_zone_database() {
  try {
    return !date::get_tzdb().zones.empty();
  } catch (const std::exception&) {  // no such directory
    return false;
  }
}

}  // namespace

std::optional<std::int32_t> read_date(const Node& node) { return parse_date(node); }

std::string format_day(std::int32_t day) { return format_date(day); }

const date::time_zone* read_time_zone(const Node& node) {
  const auto name = node.string();
  if (!name) return nullptr;
  try {
    return date::locate_zone(*name);
  } catch (const std::exception&) {
    if (!has_time_zone_database())
      node.problem("time zone " + quoted(*name) +
                   " cannot be looked up: this machine has no time-zone database (aftersales reads "
                   "/usr/share/zoneinfo); install the operating system's tzdata package (Debian and "
                   "Ubuntu: apt-get install tzdata; Fedora and RHEL: dnf install tzdata)");
    else
      node.problem("unknown time zone " + quoted(*name) + " (use an IANA name like \"Asia/Shanghai\")");
    return nullptr;
  }
}

std::optional<Calendar> compile_calendar(const std::string& name, const Node& node) {
  if (!node.object({"timezone", "hours", "breaks", "holidays", "workdays", "special", "versions", "coverage"}))
    return std::nullopt;
  bool ok = true;

  const date::time_zone* zone = nullptr;
  if (const auto zone_node = node.required("timezone")) zone = read_time_zone(*zone_node);
  ok = ok && zone != nullptr;

  std::optional<std::array<DayHours, 7>> weekly;
  if (const auto hours = node.required("hours")) weekly = parse_weekly(*hours);
  ok = ok && weekly.has_value();

  DayHours breaks;
  if (const auto list = node.member("breaks")) {
    auto parsed = parse_ranges(*list);
    if (parsed) breaks = std::move(*parsed);
    else ok = false;
  }

  std::vector<VersionEntry> version_entries;
  if (const auto list = node.member("versions")) {
    auto parsed = parse_versions(*list);
    if (parsed) version_entries = std::move(*parsed);
    else ok = false;
  }

  std::optional<Coverage> coverage;
  if (const auto coverage_node = node.member("coverage")) {
    coverage = parse_coverage(*coverage_node);
    ok = ok && coverage.has_value();
  }

  Holidays holidays;
  if (const auto list = node.member("holidays")) {
    auto parsed = parse_holidays(node, *list);
    if (parsed) holidays = std::move(*parsed);
    else ok = false;
  }

  std::vector<std::pair<DateOverride, EntryRef>> overrides;
  for (const std::string_view key : {"workdays", "special"})
    if (const auto list = node.member(key)) parse_overrides(*list, key, overrides, ok);
  require_disjoint(overrides, [](const DateOverride& o) { return o.days; }, node, ok);
  if (!ok) return std::nullopt;

  // Breaks cut the weekly hours and make-up workdays; a special date states its hours whole.
  // From a version's date on, its own breaks replace the calendar's, if it states them.
  for (DayHours& day : *weekly) day = without_breaks(day, breaks);
  std::vector<WeeklyVersion> versions;
  std::vector<const DayHours*> breaks_from;  // the breaks in force from each version's date
  for (auto& entry : version_entries) {
    breaks_from.push_back(entry.breaks ? &*entry.breaks : &breaks);
    for (DayHours& day : entry.version.weekly) day = without_breaks(day, *breaks_from.back());
    versions.push_back(std::move(entry.version));
  }
  std::vector<DateOverride> override_list;
  for (auto& [o, ref] : overrides) {
    if (ref.list != "workdays") {
      override_list.push_back(std::move(o));
      continue;
    }
    // A range of make-up days split where a version starts, each part cut by its own breaks.
    for (std::int32_t first = o.days.first_day; first <= o.days.last_day;) {
      const auto next = std::upper_bound(versions.begin(), versions.end(), first,
                                         [](std::int32_t d, const WeeklyVersion& v) { return d < v.from; });
      const DayHours& in_force = next == versions.begin() ? breaks : *breaks_from[static_cast<std::size_t>(next - versions.begin() - 1)];
      const std::int32_t last = next == versions.end() ? o.days.last_day : std::min(o.days.last_day, next->from - 1);
      override_list.push_back(DateOverride{DayRange{first, last}, without_breaks(o.hours, in_force)});
      first = last + 1;
    }
  }
  if (!ever_open(*weekly, versions, override_list, holidays.dated, holidays.yearly)) {
    node.problem("the calendar is never open (no hours on any date from 1970 to 2200)");
    return std::nullopt;
  }
  return CalendarAccess::make(std::make_shared<const CalendarData>(name, *zone, std::move(*weekly), std::move(override_list),
                                                       std::move(holidays.dated), std::move(holidays.yearly),
                                                       year_cache_budget, std::move(versions), coverage));
}

}  // namespace aftersales::detail
