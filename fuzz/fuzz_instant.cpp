// Any text as an RFC 3339 instant: parsing succeeds or throws InputError, and what it parses
// formats to text that parses back to the same instant.
#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  aftersales::Instant t;
  try {
    t = aftersales::parse_instant(text);
  } catch (const aftersales::InputError&) {
    return 0;
  }
  if (t < aftersales::min_instant || t > aftersales::max_instant) std::abort();
  if (aftersales::parse_instant(aftersales::format_instant(t)) != t) std::abort();
  return 0;
}
