#pragma once
/// @file
/// The one exception hierarchy of aftersales. Everything the library throws derives from
/// aftersales::Error; exceptions of Boost.JSON, date/tz and spdlog are wrapped before they leave.

#include <aftersales/export.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aftersales {

/// What kind of failure an Error is; the C ABI maps these one to one onto its status codes.
enum class ErrorCode : int {
  invalid_argument = 1,  ///< a caller broke an API precondition (null pointer, bad handle)
  policy = 2,            ///< the policy document is invalid (see PolicyError::problems)
  input = 3,             ///< a value given at run time is malformed (instant, duration, money)
  out_of_range = 4,      ///< a value or result lies outside the supported range
  not_found = 5,         ///< a named thing (calendar, ...) does not exist
  internal = 6,          ///< a bug in aftersales; please report it
};

/// Base of every exception aftersales throws. Catch this to catch them all.
class AFTERSALES_EXPORT Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);
  ~Error() override;
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// One problem found in a policy document: where (a JSON path such as
/// `calendars.cn.hours.mon[0]`) and what is wrong there.
struct Problem {
  std::string path;
  std::string message;
  friend bool operator==(const Problem&, const Problem&) = default;
};

/// The policy document was rejected. Lists every problem found, not just the first.
class AFTERSALES_EXPORT PolicyError : public Error {
 public:
  explicit PolicyError(std::vector<Problem> problems);
  ~PolicyError() override;
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

/// A run-time input (instant, duration, money, ...) is malformed. `path()` names where the
/// value came from when known (a JSON path, or the parameter name), else it is empty.
class AFTERSALES_EXPORT InputError : public Error {
 public:
  InputError(const std::string& message, std::string path = {});
  /// A document (a ticket, a request) with several problems: the message lists them all
  /// under `title`, and `path()` is the first one's.
  InputError(std::string_view title, std::vector<Problem> problems);
  ~InputError() override;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Every problem of a document; empty for an error about a single value.
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

 protected:
  InputError(ErrorCode code, const std::string& message, std::string path);

 private:
  std::string path_;
  std::vector<Problem> problems_;
};

/// An instant, amount or result outside what aftersales supports (years 1970-2200,
/// 64-bit minor units). A subclass of InputError: the input led there.
class AFTERSALES_EXPORT RangeError : public InputError {
 public:
  explicit RangeError(const std::string& message, std::string path = {});
  ~RangeError() override;
};

/// A named thing (for example a calendar) does not exist in the policy.
class AFTERSALES_EXPORT NotFoundError : public Error {
 public:
  explicit NotFoundError(const std::string& message);
  ~NotFoundError() override;
};

}  // namespace aftersales
