# Install rules: headers, both libraries, a CMake package (find_package(aftersales) gives
# aftersales::aftersales and aftersales::aftersales_static) and a pkg-config file.
# Components let a wrapper install only part of it (the Python wheel installs none of this).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_aftersales_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/aftersales")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/aftersales"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT aftersales_Development
        FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/include/aftersales/export.h"
              "${PROJECT_BINARY_DIR}/include/aftersales/version.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/aftersales"
        COMPONENT aftersales_Development)
# The C header sits at the top so that C hosts write #include <aftersales.h>.
install(FILES "${PROJECT_SOURCE_DIR}/capi/aftersales.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT aftersales_Development)

# INCLUDES DESTINATION gives the exported targets their include directory: both the C++
# headers (<aftersales/...>) and the C header (<aftersales.h>) are found from there.
# The two libraries are exported separately because only the archive needs the dependencies'
# CMake packages: aftersalesConfig.cmake includes the static set only when they are found.
install(TARGETS aftersales
        EXPORT aftersalesTargets
        RUNTIME COMPONENT aftersales_Runtime
        LIBRARY COMPONENT aftersales_Runtime NAMELINK_COMPONENT aftersales_Development
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS aftersales_static
        EXPORT aftersalesStaticTargets
        ARCHIVE COMPONENT aftersales_Development
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
foreach(_aftersales_export IN ITEMS aftersalesTargets aftersalesStaticTargets)
  install(EXPORT ${_aftersales_export}
          NAMESPACE aftersales::
          DESTINATION "${_aftersales_cmake_dir}"
          COMPONENT aftersales_Development)
endforeach()

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/aftersalesConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/aftersalesConfig.cmake"
                              INSTALL_DESTINATION "${_aftersales_cmake_dir}")
# Before 1.0 a minor version may change the API and the ABI (the SONAME says MAJOR.MINOR too).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_aftersales_compatibility SameMinorVersion)
else()
  set(_aftersales_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/aftersalesConfigVersion.cmake"
                                 COMPATIBILITY ${_aftersales_compatibility})
install(FILES "${PROJECT_BINARY_DIR}/aftersalesConfig.cmake"
              "${PROJECT_BINARY_DIR}/aftersalesConfigVersion.cmake"
        DESTINATION "${_aftersales_cmake_dir}"
        COMPONENT aftersales_Development)

# The .pc file locates everything relative to itself, so a staged or relocated install
# (cmake --install --prefix elsewhere) still points at its own headers and libraries.
file(RELATIVE_PATH _aftersales_pc_to_includedir
     "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
# pkg-config cannot swap a library for its archive under --static (it only appends
# Libs.private), and -laftersales finds the shared library first, so the archive has a module
# of its own: aftersales-static.
foreach(_aftersales_pc IN ITEMS aftersales aftersales-static)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/${_aftersales_pc}.pc.in"
                 "${PROJECT_BINARY_DIR}/${_aftersales_pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/${_aftersales_pc}.pc"
          DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
          COMPONENT aftersales_Development)
endforeach()
