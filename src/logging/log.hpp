#pragma once
// The library's own spdlog logger. It is not registered with spdlog's global registry, so a
// host that uses spdlog itself never sees a name clash, and it is off until the host asks.

#include <spdlog/logger.h>

namespace aftersales::detail {

spdlog::logger* log();

}  // namespace aftersales::detail
