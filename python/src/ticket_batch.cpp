#include "ticket_batch.hpp"

#include "json_text.hpp"

#include <aftersales/error.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aftersales::python {

namespace {

// "invalid ticket" of "invalid ticket: 2 problems\n  ...": the title a document's InputError
// lists its problems under.
std::string title_of(const InputError& e) {
  const std::string_view message = e.what();
  const std::string_view heading = message.substr(0, message.find('\n'));
  return std::string(heading.substr(0, heading.rfind(": ")));
}

std::vector<Problem> placed(const std::string& place, std::vector<Problem> problems) {
  for (Problem& problem : problems) {
    problem.path = join_path(place, problem.path);
  }
  return problems;
}

}  // namespace

void FirstFailure::record(std::size_t index, std::exception_ptr error) {
  const std::lock_guard lock(mutex_);
  if (index < index_.load(std::memory_order_relaxed)) {
    index_.store(index, std::memory_order_relaxed);
    error_ = std::move(error);
  }
}

void FirstFailure::rethrow() const {
  if (!error_) {
    return;
  }
  try {
    std::rethrow_exception(error_);
  } catch (const InputError& e) {
    const std::string place = "tickets[" + std::to_string(index_.load()) + "]";
    if (!e.problems().empty()) {
      throw InputError(place + ": " + title_of(e), placed(place, e.problems()));
    }
    // InputError put its own path in front of its message; it gets the longer one instead.
    std::string_view message = e.what();
    if (!e.path().empty() && message.starts_with(e.path() + ": ")) {
      message.remove_prefix(e.path().size() + 2);
    }
    if (e.code() == ErrorCode::out_of_range) {
      throw RangeError(std::string(message), join_path(place, e.path()));
    }
    throw InputError(std::string(message), join_path(place, e.path()));
  }
}

}  // namespace aftersales::python
