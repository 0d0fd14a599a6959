// The first byte picks a currency (exponents 0, 2 and 3), the rest is an amount: parsing
// succeeds or throws InputError, and the canonical text parses back to the same amount.
// The seeds start with '0'..'3', which pick CNY, JPY, KWD and EUR in that order.
#include <aftersales/error.hpp>
#include <aftersales/values.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

constexpr std::array<std::string_view, 4> codes = {"CNY", "JPY", "KWD", "EUR"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const aftersales::Currency currency = aftersales::currency(codes[data[0] % codes.size()]);
  const std::string_view amount(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const aftersales::Money money = aftersales::Money::parse(amount, currency);
    if (aftersales::Money::parse(money.to_string(), currency) != money) std::abort();
  } catch (const aftersales::InputError&) {
  }
  return 0;
}
