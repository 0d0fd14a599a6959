#include <aftersales/version.hpp>

namespace aftersales {

const char* version() noexcept { return AFTERSALES_VERSION_STRING; }

}  // namespace aftersales
