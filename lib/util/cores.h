// SPDX-License-Identifier: Apache-2.0
// How many cores this process may keep busy: the default for --jobs and for the workers of
// util/parallel.h. std::thread::hardware_concurrency() counts every online CPU of the host, so in
// a CI container limited to 2 CPUs on a 64-core host it would start 64 threads that the kernel
// then throttles. What limits a process here: its affinity mask (taskset, a container's cpuset)
// and a CPU quota (`docker run --cpus`, a Kubernetes CPU limit: cgroup v2 cpu.max, v1
// cpu.cfs_quota_us over cpu.cfs_period_us).
#pragma once

#include <optional>
#include <string_view>

namespace coco {

// The smaller of the CPUs in the calling thread's affinity mask and the CPU quota of the process's
// cgroup and its ancestors (rounded up); hardware_concurrency() when neither can be read; at least 1.
// Read once, at the first call.
unsigned usable_cores();

// The same, read anew at each call (tests change the affinity mask in between).
unsigned count_usable_cores();

// The cores a cgroup v2 cpu.max allows ("150000 100000": 2, rounded up); nullopt for "max …" (no
// limit) and for text that is not a quota.
std::optional<unsigned> cores_of_cpu_max(std::string_view text);

// The same for cgroup v1's cpu.cfs_quota_us and cpu.cfs_period_us (a quota of -1: no limit).
std::optional<unsigned> cores_of_cfs_quota(std::string_view quota, std::string_view period);

}  // namespace coco
