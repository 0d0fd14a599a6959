#include <aftersales/error.hpp>

#include <algorithm>
#include <utility>

#include "error/problem_list.hpp"

namespace aftersales {

void detail::append_problems(std::string& text, const std::vector<Problem>& problems, std::string_view separator) {
  const std::size_t listed = std::min(problems.size(), max_listed_problems);
  for (std::size_t i = 0; i < listed; ++i) {
    const Problem& p = problems[i];
    text.append(separator).append(p.path.empty() ? std::string_view("(document)") : p.path).append(": ");
    text += p.message;
  }
  if (listed < problems.size()) text.append(separator).append("and " + std::to_string(problems.size() - listed) + " more");
}

std::string detail::list_problems(std::string_view title, const std::vector<Problem>& problems) {
  std::string text(title);
  text += problems.size() == 1 ? ": 1 problem" : ": " + std::to_string(problems.size()) + " problems";
  append_problems(text, problems, "\n  ");
  return text;
}

namespace {

std::string with_path(const std::string& message, const std::string& path) {
  return path.empty() ? message : path + ": " + message;
}

}  // namespace

// Out-of-line destructors anchor each class's vtable and typeinfo in the library, so that
// `catch (const aftersales::Error&)` works across shared-library boundaries.
Error::Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
Error::~Error() = default;

PolicyError::PolicyError(std::vector<Problem> problems)
    : Error(ErrorCode::policy, detail::list_problems("invalid policy", problems)), problems_(std::move(problems)) {}
PolicyError::~PolicyError() = default;

InputError::InputError(const std::string& message, std::string path)
    : InputError(ErrorCode::input, message, std::move(path)) {}
InputError::InputError(ErrorCode code, const std::string& message, std::string path)
    : Error(code, with_path(message, path)), path_(std::move(path)) {}
InputError::InputError(std::string_view title, std::vector<Problem> problems)
    : Error(ErrorCode::input, detail::list_problems(title, problems)),
      path_(problems.empty() ? std::string() : problems.front().path),
      problems_(std::move(problems)) {}
InputError::~InputError() = default;

RangeError::RangeError(const std::string& message, std::string path)
    : InputError(ErrorCode::out_of_range, message, std::move(path)) {}
RangeError::~RangeError() = default;

NotFoundError::NotFoundError(const std::string& message) : Error(ErrorCode::not_found, message) {}
NotFoundError::~NotFoundError() = default;

}  // namespace aftersales
