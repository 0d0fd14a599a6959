# cmake -DPROGRAM=path -P run_program.cmake: runs one docs program (in the working directory
# ctest gives, the repository root) and fails if it exits non-zero or writes to standard
# error. The pages' C examples report a failed call on standard error and go on, as a host
# would: that text is how a failure shows.
execute_process(COMMAND "${PROGRAM}" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT status EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "${PROGRAM}: exit status ${status}; standard error:\n${err}")
endif()
