// SPDX-License-Identifier: Apache-2.0
// The cores coco starts threads for: the affinity mask and a cgroup CPU quota, not the host's count.
#include <catch2/catch.hpp>
#include <sched.h>

#include <cstdlib>
#include <thread>

#include "util/cores.h"
#include "util/parallel.h"

using namespace coco;

TEST_CASE("cores: cgroup v2 cpu.max and v1 CFS quotas, rounded up", "[util][cores]") {
  CHECK(cores_of_cpu_max("max 100000\n") == std::nullopt);  // no limit
  CHECK(cores_of_cpu_max("200000 100000\n") == 2u);
  CHECK(cores_of_cpu_max("150000 100000") == 2u);  // 1.5 CPUs: two threads
  CHECK(cores_of_cpu_max("50000 100000") == 1u);
  CHECK(cores_of_cpu_max("100000 100000") == 1u);
  CHECK(cores_of_cpu_max("9223372036854775807 1") == 65536u);  // capped, no overflow
  for (const char* bad :
       {"", "200000", "0 100000", "-1 100000", "200000 0", "200000 -5", "2e5 100000", "200000 100000 7", "max"}) {
    INFO("'" << bad << "'");
    CHECK(cores_of_cpu_max(bad) == std::nullopt);
  }
  CHECK(cores_of_cfs_quota("-1\n", "100000\n") == std::nullopt);  // no limit
  CHECK(cores_of_cfs_quota("250000\n", "100000\n") == 3u);
  CHECK(cores_of_cfs_quota("100000", "100000") == 1u);
  CHECK(cores_of_cfs_quota("", "100000") == std::nullopt);  // no such file
  CHECK(cores_of_cfs_quota("abc", "100000") == std::nullopt);
  CHECK(cores_of_cfs_quota("100000", "0") == std::nullopt);
}

TEST_CASE("cores: the affinity mask limits the cores, and with them the default worker count", "[util][cores]") {
  const unsigned all = count_usable_cores();
  CHECK(all >= 1);
  CHECK(all <= std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t before;
  REQUIRE(sched_getaffinity(0, sizeof before, &before) == 0);
  int first = 0;
  while (first < CPU_SETSIZE && !CPU_ISSET(first, &before)) ++first;
  REQUIRE(first < CPU_SETSIZE);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);  // this thread only: as `taskset -c N` would
  const unsigned pinned = count_usable_cores();
  REQUIRE(sched_setaffinity(0, sizeof before, &before) == 0);
  CHECK(pinned == 1);
  CHECK(count_usable_cores() == all);
  // What the default worker count starts from (COCO_JOBS overrides it).
  if (std::getenv("COCO_JOBS") == nullptr) CHECK(worker_count(1000, 0) == std::min(usable_cores(), kMaxJobs));
}
