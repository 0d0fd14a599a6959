#include <aftersales/error.hpp>

#include <algorithm>
#include <utility>

#include "error/problem_list.hpp"

namespace aftersales {

namespace {

// Between the heading of a problem list and each of its lines.
constexpr std::string_view list_separator = "\n  ";

std::string with_path(const std::string& message, const std::string& path) {
  return path.empty() ? message : path + ": " + message;
}

}  // namespace

std::string detail::problem_lines(const std::vector<Problem>& problems, std::string_view separator) {
  std::string text;
  const std::size_t listed = std::min(problems.size(), max_listed_problems);
  for (std::size_t i = 0; i < listed; ++i) {
    const Problem& p = problems[i];
    if (i > 0) text.append(separator);
    text.append(p.path.empty() ? std::string_view("(document)") : p.path).append(": ");
    text += p.message;
  }
  if (listed < problems.size()) text.append(separator).append("and " + std::to_string(problems.size() - listed) + " more");
  return text;
}

std::string detail::list_problems(std::string_view title, const std::vector<Problem>& problems) {
  std::string text(title);
  text += problems.size() == 1 ? ": 1 problem" : ": " + std::to_string(problems.size()) + " problems";
  if (!problems.empty()) text.append(list_separator).append(problem_lines(problems, list_separator));
  return text;
}

std::string detail::one_line(std::string_view message) {
  constexpr std::string_view blanks = " \t\r\v\f";
  std::string text;
  for (std::size_t count = 0; !message.empty(); ++count) {
    const std::size_t end = std::min(message.find('\n'), message.size());
    std::string_view line = message.substr(0, end);
    line.remove_prefix(std::min(line.find_first_not_of(blanks), line.size()));
    line.remove_suffix(line.size() - (line.find_last_not_of(blanks) + 1));
    text.append(count == 0 ? "" : count == 1 ? ": " : "; ").append(line);
    message.remove_prefix(std::min(end + 1, message.size()));
  }
  return text;
}

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
