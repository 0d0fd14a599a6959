# Warnings for the project's own targets only; dependencies' headers are SYSTEM includes.
set(_aftersales_cxx_warnings -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
set(_aftersales_c_warnings -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes)
add_library(aftersales_warnings INTERFACE)
target_compile_options(aftersales_warnings INTERFACE
  "$<$<COMPILE_LANGUAGE:CXX>:${_aftersales_cxx_warnings}>"
  "$<$<COMPILE_LANGUAGE:C>:${_aftersales_c_warnings}>"
  "$<$<BOOL:${AFTERSALES_WERROR}>:-Werror>")
