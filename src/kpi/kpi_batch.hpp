#pragma once
// KPIs of many tickets on threads, for every surface that counts them (KpiEngine, Python's
// Policy.kpi and KpiAccumulator.add_many): one slicing, so all give the same result.

#include <aftersales/kpi.hpp>

#include <cstddef>

#include "batch/batch.hpp"

namespace aftersales::detail {

/// Tickets per accumulator: enough that merging the slices costs little beside counting them.
/// Tickets grouped by agent and day spread over a thousand groups or more: a slice of 256 (the
/// size before) made and merged a group for nearly every ticket (bench/kpi_season_bench.cpp,
/// docs/performance.md).
inline constexpr std::size_t kpi_slice = 4096;

/// Adds tickets [0, count) to `total`, each added by `add(part, i)` to the accumulator of its
/// slice (an empty copy of `total`) on up to `threads` threads, the slices merged into `total` in
/// order (batch::reduce_into: the result does not depend on the threads; the earliest failure is
/// raised). The tickets are counted in `progress`.
template <class Add>
void add_sliced_into(KpiAccumulator& total, std::size_t count, unsigned threads, batch::Progress& progress,
                     const Add& add) {
  batch::reduce_into(
      total, count, threads, kpi_slice, progress, [&] { return total.empty_copy(); }, add,
      [](KpiAccumulator& into, const KpiAccumulator& part) { into.merge(part); });
}

/// An empty copy of `like` holding tickets [0, count) (add_sliced_into).
template <class Add>
KpiAccumulator add_sliced(const KpiAccumulator& like, std::size_t count, unsigned threads, batch::Progress& progress,
                          const Add& add) {
  KpiAccumulator total = like.empty_copy();
  add_sliced_into(total, count, threads, progress, add);
  return total;
}

/// add_sliced on `options.threads`, reporting to `options.progress` (the last report included).
template <class Add>
KpiAccumulator add_sliced(const KpiAccumulator& like, std::size_t count, const BatchOptions& options, const Add& add) {
  batch::Progress progress(options.progress, count);
  KpiAccumulator all = add_sliced(like, count, options.threads, progress, add);
  progress.finish();
  return all;
}

}  // namespace aftersales::detail
