// Any text as a duration: parsing succeeds or throws InputError, and what it parses formats
// to text that parses back to the same duration.
#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  aftersales::Duration d;
  try {
    d = aftersales::parse_duration(text);
  } catch (const aftersales::InputError&) {
    return 0;
  }
  if (aftersales::parse_duration(aftersales::format_duration(d)) != d) std::abort();
  return 0;
}
