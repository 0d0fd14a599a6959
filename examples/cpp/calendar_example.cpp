// Loads a policy (examples/policies/cn-marketplace.json) and asks its calendars the questions
// an after-sales desk asks every day: is anyone there, when will someone be, and when is a
// reply promised in business hours due.
//
//   calendar_example_cpp examples/policies/cn-marketplace.json

#include <aftersales/aftersales.hpp>

#include <exception>
#include <iostream>
#include <string_view>

namespace {

void show_open(const aftersales::Calendar& calendar, std::string_view when) {
  const aftersales::Instant t = aftersales::parse_instant(when);
  std::cout << calendar.name() << " at " << when << ": "
            << (calendar.is_open(t)
                    ? "open"
                    : "closed, opens " + aftersales::format_instant(calendar.next_open(t)))
            << '\n';
}

// `target` is given as text: "24h" of business time is not one calendar day, which is how
// format_duration would write it.
void show_due(const aftersales::Calendar& calendar, std::string_view when,
              std::string_view target) {
  const aftersales::Instant t = aftersales::parse_instant(when);
  std::cout << calendar.name() << ": " << target << " of business time from " << when << " is due "
            << aftersales::format_instant(calendar.add(t, aftersales::parse_duration(target)))
            << '\n';
}

void show_between(const aftersales::Calendar& calendar, std::string_view from,
                  std::string_view to) {
  const aftersales::Duration d =
      calendar.between(aftersales::parse_instant(from), aftersales::parse_instant(to));
  std::cout << calendar.name() << ": business time from " << from << " to " << to << " is "
            << aftersales::format_duration(d) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " POLICY.json\n";
    return 2;
  }
  try {
    const auto policy = aftersales::Policy::from_file(argv[1]);
    const aftersales::Calendar service = policy->calendar("cn-service");
    const aftersales::Calendar office = policy->calendar("cn-office");

    // National Day: the human desk is closed; Double 11: open all night.
    show_open(service, "2026-10-01T10:00:00+08:00");
    show_open(service, "2026-11-11T03:00:00+08:00");
    // A make-up working Sunday before National Day.
    show_open(office, "2026-09-20T10:00:00+08:00");
    // A refund request filed on Sep 30 afternoon, to be processed within 24 office hours.
    show_due(office, "2026-09-30T15:00:00+08:00", "24h");
    // A first reply promised within 2 service hours, asked just before Double 11.
    show_due(service, "2026-11-09T23:30:00+08:00", "2h");
    show_between(policy->calendar("eu-service"), "2026-04-02T18:00:00+02:00",
                 "2026-04-07T10:00:00+02:00");
    show_open(policy->calendar("night-shift"), "2026-11-11T02:00:00+08:00");
  } catch (const std::exception& e) {  // aftersales::Error included
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
