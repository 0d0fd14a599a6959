target_sources(aftersales_objects PRIVATE
  "${PROJECT_SOURCE_DIR}/capi/aftersales.cpp")
target_sources(aftersales_objects PRIVATE
  "${PROJECT_SOURCE_DIR}/capi/routing.cpp")
