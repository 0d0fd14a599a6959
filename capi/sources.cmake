target_sources(aftersales_objects PRIVATE
  "${PROJECT_SOURCE_DIR}/capi/aftersales.cpp"
  "${PROJECT_SOURCE_DIR}/capi/compensation.cpp"
  "${PROJECT_SOURCE_DIR}/capi/kpi.cpp"
  "${PROJECT_SOURCE_DIR}/capi/refund.cpp"
  "${PROJECT_SOURCE_DIR}/capi/routing.cpp"
  "${PROJECT_SOURCE_DIR}/capi/staffing.cpp")
