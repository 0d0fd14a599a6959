# Every dependency comes from the system (Debian's -dev packages); nothing is fetched.
#
# AFTERSALES_PORTABLE_PYTHON builds for a wheel that must import where these packages are
# absent (scripts/wheel): Boost.JSON, spdlog and fmt are compiled in from their headers.
# Debian's static archive of Boost.JSON is not position-independent, so it cannot go into the
# module, and spdlog and fmt have none. date's tz library and simdjson (libsimdjson-dev, the
# ticket reader: src/ticket/ticket_json.hpp) have neither form on Debian; the wheel's repair
# tool (auditwheel) copies their shared libraries in.
find_package(Threads REQUIRED)
find_package(date CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(simdjson 3 CONFIG REQUIRED)

# Boost.JSON and spdlog as the library links them: aftersales_boost_json and aftersales_spdlog.
add_library(aftersales_boost_json INTERFACE)
add_library(aftersales_spdlog INTERFACE)
if(AFTERSALES_PORTABLE_PYTHON)
  # Boost.JSON's sources come in through src/document/boost_json_source.cpp.
  find_package(Boost 1.81 REQUIRED)
  target_link_libraries(aftersales_boost_json INTERFACE Boost::headers)
  # spdlog's own header-only target still links fmt's shared library.
  find_package(fmt CONFIG REQUIRED)
  get_target_property(_aftersales_spdlog_includes spdlog::spdlog_header_only INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(aftersales_spdlog SYSTEM INTERFACE ${_aftersales_spdlog_includes})
  target_compile_definitions(aftersales_spdlog INTERFACE SPDLOG_FMT_EXTERNAL)
  target_link_libraries(aftersales_spdlog INTERFACE fmt::fmt-header-only Threads::Threads)
else()
  find_package(Boost 1.81 REQUIRED COMPONENTS json)
  target_link_libraries(aftersales_boost_json INTERFACE Boost::json)
  target_link_libraries(aftersales_spdlog INTERFACE spdlog::spdlog)
endif()
