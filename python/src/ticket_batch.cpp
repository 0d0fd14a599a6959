#include "ticket_batch.hpp"

#include "bindings.hpp"
#include "json_text.hpp"
#include "pickling.hpp"
#include "progress.hpp"

#include <aftersales/error.hpp>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch/batch.hpp"
#include "batch/line_blocks.hpp"
#include "ticket/ticket_binary.hpp"
#include "ticket/ticket_columns.hpp"
#include "ticket/ticket_limits.hpp"
#include "ticket/ticket_view.hpp"

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

// The message of `e` without the path InputError put in front of it.
std::string_view unplaced_message(const InputError& e) {
  std::string_view message = e.what();
  if (!e.path().empty() && message.starts_with(e.path() + ": ")) {
    message.remove_prefix(e.path().size() + 2);
  }
  return message;
}

}  // namespace

void throw_at_ticket(const InputError& e, std::size_t index) { throw_at(e, "tickets[" + std::to_string(index) + "]"); }

void throw_at(const InputError& e, const std::string& place) {
  if (!e.problems().empty()) {
    throw InputError(place + ": " + title_of(e), placed(place, e.problems()));
  }
  // InputError put its own path in front of its message; it gets the longer one instead.
  const std::string_view message = unplaced_message(e);
  if (e.code() == ErrorCode::out_of_range) {
    throw RangeError(std::string(message), join_path(place, e.path()));
  }
  throw InputError(std::string(message), join_path(place, e.path()));
}

void throw_at_line(const InputError& e, std::string_view place) {
  const std::string title = std::string(place) + ": " + (e.problems().empty() ? "invalid ticket" : title_of(e));
  // A lone error (no problem list) becomes a list of one, so that every line's error reads alike.
  throw InputError(title, e.problems().empty() ? std::vector<Problem>{{e.path(), std::string(unplaced_message(e))}}
                                               : e.problems());
}

const TicketBatch* as_ticket_batch(pybind11::handle tickets) {
  return pybind11::isinstance<TicketBatch>(tickets) ? &tickets.cast<const TicketBatch&>() : nullptr;
}

pybind11::tuple ticket_tuple(pybind11::handle tickets) {
  auto items = pybind11::reinterpret_steal<pybind11::tuple>(PySequence_Tuple(tickets.ptr()));
  if (!items) throw pybind11::error_already_set();
  return items;
}

pybind11::tuple ticket_dicts(pybind11::handle tickets) {
  const std::string_view type = Py_TYPE(tickets.ptr())->tp_name;
  if (type == "DataFrame")
    throw pybind11::type_error("expected ticket dicts or a TicketBatch, got a DataFrame: read a pandas one with "
                               "aftersales.TicketBatch.from_pandas(frame)");
  if (type == "pyarrow.lib.Table" || type == "pyarrow.lib.RecordBatch")
    throw pybind11::type_error("expected ticket dicts or a TicketBatch, got a " + std::string(type) +
                               ": read it with aftersales.TicketBatch.from_arrow(table)");
  return ticket_tuple(tickets);
}

std::size_t read_ticket_dicts(const pybind11::tuple& items, std::size_t begin, std::span<Ticket> out,
                              TicketDictReader& reader, std::exception_ptr& unread) {
  // Reading a million dicts takes seconds with the GIL held: Ctrl-C is heard here too.
  constexpr std::size_t between_checks = 8192;
  for (std::size_t j = 0; j < out.size(); ++j) {
    if ((begin + j) % between_checks == 0) check_signals();
    try {
      out[j] = at_ticket(begin + j, [&] {
        return reader.read(PyTuple_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(begin + j)), begin + j);
      });
    } catch (const InputError&) {
      unread = std::current_exception();
      return j;
    }
  }
  return out.size();
}

TicketBatch TicketBatch::from_dicts(pybind11::handle tickets) {
  const pybind11::tuple items = ticket_dicts(tickets);
  detail::ColumnsBuilder builder;
  TicketDictReader reader;
  // A chunk at a time into reused Tickets, appended to the columns: no more is ever held.
  constexpr std::size_t chunk = 1024;
  std::vector<Ticket> read(std::min<std::size_t>(chunk, items.size()));
  for (std::size_t begin = 0; begin < items.size(); begin += chunk) {
    const std::span<Ticket> part(read.data(), std::min(chunk, items.size() - begin));
    std::exception_ptr unread;
    const std::size_t size = read_ticket_dicts(items, begin, part, reader, unread);
    if (unread) std::rethrow_exception(unread);
    for (std::size_t j = 0; j < size; ++j) builder.append(part[j]);
  }
  return TicketBatch(builder.finish());
}

namespace {

// "line 8" or "line 8 of "tickets.jsonl"": where a bad line is, for throw_at_line.
detail::PlaceLineError line_placer(std::string_view source) {
  return [source = std::string(source)](const InputError& e, const batch::Line& line) {
    std::string place = "line " + std::to_string(line.number);
    if (!source.empty()) place += " of \"" + source + "\"";
    throw_at_line(e, place);
  };
}

}  // namespace

TicketBatch TicketBatch::from_lines(std::string_view text, unsigned threads, const BatchProgress& progress,
                                    std::string_view source) {
  const std::vector<batch::Line> lines = batch::non_blank_lines(text);
  detail::ColumnsBuilder builder;
  batch::Progress counted(progress, lines.size());
  detail::append_lines(builder, lines, threads, counted, line_placer(source));
  counted.finish();
  return TicketBatch(builder.finish());
}

namespace {

namespace py = pybind11;

TicketBatch from_lines(py::handle jsonl, unsigned threads, py::handle progress) {
  // A view into `jsonl`, which the caller's reference keeps alive while the GIL is released.
  const std::string_view text = json_lines_text(jsonl, "TicketBatch.from_lines");
  const BatchProgress report = python_progress(progress, "TicketBatch.from_lines");
  const py::gil_scoped_release release;
  return TicketBatch::from_lines(text, threads, report);
}

// A file is read a block at a time (batch::LineBlocks), so that the batch, never the file's
// text, is what memory holds (docs/performance.md, "Compact tickets").
TicketBatch from_file(const std::filesystem::path& path, unsigned threads, py::handle progress) {
  const BatchProgress report = python_progress(progress, "TicketBatch.from_file");
  const py::gil_scoped_release release;
  const auto cannot_read = [&](const std::string& why) {
    return InputError("cannot read tickets file \"" + path.string() + "\"" + (why.empty() ? "" : ": " + why));
  };
  std::error_code ec;
  (void)std::filesystem::file_size(path, ec);
  if (ec) throw cannot_read(ec.message());
  std::ifstream in(path, std::ios::binary);
  constexpr std::size_t block = 16u << 20;
  // Each block's lines, or why the file cannot be read.
  const auto next = [&](batch::LineBlocks& blocks) {
    try {
      return blocks.next();
    } catch (const RangeError&) {
      throw;
    } catch (const InputError&) {
      throw cannot_read("");
    }
  };
  // Progress counts lines: a first pass counts them, only when someone listens.
  std::size_t total = 0;
  if (report) {
    batch::LineBlocks counting(in, block, detail::max_ticket_bytes, 1);
    for (auto lines = next(counting); !lines.empty(); lines = next(counting)) total += lines.size();
    in.clear();
    in.seekg(0);
  }
  batch::Progress counted(report, total);
  detail::ColumnsBuilder builder;
  const detail::PlaceLineError place = line_placer(path.string());
  batch::LineBlocks blocks(in, block, detail::max_ticket_bytes, 1);
  for (auto lines = next(blocks); !lines.empty(); lines = next(blocks))
    detail::append_lines(builder, lines, threads, counted, place);
  counted.finish();
  return TicketBatch(builder.finish());
}

py::bytes to_bytes(const TicketBatch& batch) {
  std::string data;
  {
    const py::gil_scoped_release release;
    data = detail::write_tickets(batch.batch());
  }
  return py::bytes(data);
}

// Any contiguous bytes-like object (bytes, bytearray, memoryview), read in place.
TicketBatch from_bytes(const py::object& data) {
  Py_buffer view;
  if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();
    throw py::type_error("TicketBatch.from_bytes: expected bytes (or another contiguous bytes-like object), got " +
                         std::string(Py_TYPE(data.ptr())->tp_name));
  }
  const std::unique_ptr<Py_buffer, void (*)(Py_buffer*)> held(&view, PyBuffer_Release);
  const std::string_view bytes(static_cast<const char*>(view.buf), static_cast<std::size_t>(view.len));
  const py::gil_scoped_release release;
  return TicketBatch(detail::read_tickets(bytes));
}

std::vector<std::string_view> ids(const TicketBatch& batch) {
  const detail::TicketColumns& columns = detail::columns_of(batch.batch());
  std::vector<std::string_view> ids(columns.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ids[i] = detail::BatchRow(columns, i).id();
  }
  return ids;
}

}  // namespace

void bind_ticket_batch(py::module_& m) {
  m.attr("MAX_TICKET_EVENTS") = max_ticket_events;
  m.def("_unpickle_TicketBatch", &from_bytes);
  py::class_<TicketBatch>(m, "TicketBatch",
                          "Tickets read once into the library's own form, to evaluate many times "
                          "(several policies or instants) without reading a dict again: pass it "
                          "wherever a list of ticket dicts is taken (SlaEngine.evaluate_many, "
                          "KpiEngine.compute, KpiAccumulator.add_many). Immutable; share it across threads.")
      .def(py::init(&TicketBatch::from_dicts), py::arg("tickets"),
           "Reads the ticket dicts of `tickets` (any iterable), as SlaEngine.evaluate_many does; raises "
           "for the first that cannot be read, its index in the path: 'tickets[7].events[2].at'.")
      .def_static("from_lines", &from_lines, py::arg("jsonl"), py::arg("threads") = 0, py::kw_only(),
                  py::arg("progress") = py::none(),
                  "Parses JSON Lines (str or bytes), one ticket per line, blank lines skipped, on up "
                  "to `threads` threads (0: one per core) with the GIL released. Raises InputError "
                  "for the first bad line: 'line 8: invalid ticket: ...'. `progress`: called as "
                  "progress(done, total) in lines, throttled (docs/threading.md).")
      .def_static("from_file", &from_file, py::arg("path"), py::arg("threads") = 0, py::kw_only(),
                  py::arg("progress") = py::none(),
                  "from_lines on the contents of a JSON Lines file; the error names the line and "
                  "the file. Raises InputError if the file cannot be read.")
      .def("to_bytes", &to_bytes,
           "The tickets in a compact, versioned binary form (docs/python.md, \"Pickling and processes\"), "
           "for TicketBatch.from_bytes in this or another process; how a TicketBatch pickles.")
      .def_static("from_bytes", &from_bytes, py::arg("data"),
                  "The batch that to_bytes wrote into `data` (bytes, bytearray or memoryview), read with "
                  "the GIL released. Raises InputError if the data is not a TicketBatch's, is damaged "
                  "(cut short or changed), or holds what no ticket reader accepts, naming the place: "
                  "'tickets[3].events[2].score'.")
      .def("__reduce__",
           [](const TicketBatch& batch) { return reduce_with("_unpickle_TicketBatch", py::make_tuple(to_bytes(batch))); })
      .def("__len__", [](const TicketBatch& batch) { return batch.batch().size(); })
      .def_property_readonly("memory_bytes", [](const TicketBatch& batch) { return batch.batch().memory_bytes(); },
                             "The bytes the batch's columns take (docs/performance.md, \"Compact tickets\").")
      .def_property_readonly("ids", &ids,
                             "The tickets' ids in order (a new list each time): the reports of a "
                             "batch call come back in the same order.")
      .def("__repr__", [](const TicketBatch& batch) {
        return "<aftersales.TicketBatch tickets=" + std::to_string(batch.batch().size()) + ">";
      });
}

}  // namespace aftersales::python
