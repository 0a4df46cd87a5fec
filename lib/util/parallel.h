// SPDX-License-Identifier: Apache-2.0
// Independent tasks spread over the machine's cores (issue 17 item 4): the pods of a
// `policy generate` / `policy test` run, the parts of a long manifest. Results are merged in
// input order afterwards (outputs byte for byte as one thread).
// A failing task stops the handing out of further ones, and the error of the lowest failing
// index is rethrown: the one a sequential loop would have stopped at, since every lower index
// was handed out before it.
#pragma once

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <functional>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "util/cores.h"

namespace coco {

// The most threads a run starts for one piece of work: what --jobs accepts.
inline constexpr unsigned kMaxJobs = 256;

// Threads for `tasks` tasks: `jobs` (0: COCO_JOBS when set, else the cores this process may use,
// util/cores.h), at most `tasks`.
inline unsigned worker_count(std::size_t tasks, unsigned jobs = 0);

// Runs task(0) … task(n - 1) on worker_count(n, jobs) threads (the caller's among them).
inline void parallel_for(std::size_t n, const std::function<void(std::size_t)>& task, unsigned jobs = 0);

inline unsigned worker_count(std::size_t tasks, unsigned jobs) {
  if (jobs == 0) {
    // COCO_JOBS=1 reproduces a one-thread run (profiles, benchmarks); anything else unreadable is ignored.
    if (const char* env = std::getenv("COCO_JOBS"); env != nullptr) {
      const std::string_view s(env);
      unsigned v = 0;
      if (std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc() && v > 0) jobs = v;
    }
  }
  if (jobs == 0) jobs = usable_cores();
  jobs = std::min(jobs, kMaxJobs);
  return static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(tasks, 1)));
}

inline void parallel_for(std::size_t n, const std::function<void(std::size_t)>& task, unsigned jobs) {
  const unsigned threads = worker_count(n, jobs);
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) task(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::size_t first_failure = n;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        task(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (i < first_failure) {
          first_failure = i;
          error = std::current_exception();
        }
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error&) {  // no more threads: the ones there are do the work
      break;
    }
  }
  worker();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace coco
