#pragma once
/// @file
/// The library's version: compile-time macros (from aftersales/version.h) and the version of
/// the library actually linked at run time.

#include <aftersales/export.h>
#include <aftersales/version.h>

namespace aftersales {

/// The version of the linked library, `"MAJOR.MINOR.PATCH"`. Thread-safe.
AFTERSALES_EXPORT const char* version() noexcept;

}  // namespace aftersales
