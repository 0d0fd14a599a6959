#include "calendar/zone_converter.hpp"

namespace aftersales::detail {

std::chrono::sys_seconds to_instant(const date::time_zone& zone, date::local_seconds local) {
  const date::local_info info = zone.get_info(local);
  switch (info.result) {
    case date::local_info::nonexistent:
      // `first` is the period before the jump; it ends exactly where the gap ends.
      return info.first.end;
    case date::local_info::ambiguous:
    case date::local_info::unique:
      // For an ambiguous time `first` is the earlier period (the one before falling back).
      return std::chrono::sys_seconds{local.time_since_epoch() - info.first.offset};
  }
  return std::chrono::sys_seconds{local.time_since_epoch() - info.first.offset};
}

}  // namespace aftersales::detail
