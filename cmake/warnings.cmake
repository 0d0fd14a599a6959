# Warnings for the project's own targets only; dependencies' headers are SYSTEM includes.
set(_aftersales_cxx_warnings -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
set(_aftersales_c_warnings -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes)
# GCC 12 reports false -Wrestrict positives inside std::string concatenation at -O2
# (GCC bug 105329); they would fail -Werror builds on correct code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND _aftersales_cxx_warnings -Wno-restrict)
endif()
add_library(aftersales_warnings INTERFACE)
target_compile_options(aftersales_warnings INTERFACE
  "$<$<COMPILE_LANGUAGE:CXX>:${_aftersales_cxx_warnings}>"
  "$<$<COMPILE_LANGUAGE:C>:${_aftersales_c_warnings}>"
  "$<$<BOOL:${AFTERSALES_WERROR}>:-Werror>")
