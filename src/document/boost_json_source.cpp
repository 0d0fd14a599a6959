// Boost.JSON compiled into the library, for builds with AFTERSALES_PORTABLE_PYTHON
// (cmake/dependencies.cmake says why); every other build links Debian's libboost_json.
#include <boost/json/src.hpp>
