// SPDX-License-Identifier: Apache-2.0
#include "util/cores.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace coco {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> whole_number(std::string_view s) {
  s = trimmed(s);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The tighter of two limits (nullopt: none).
std::optional<unsigned> tighter(std::optional<unsigned> a, std::optional<unsigned> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// quota/period CPUs, rounded up (half a CPU still needs a thread).
std::optional<unsigned> cores_of(std::int64_t quota, std::int64_t period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  const std::int64_t cores = std::min<std::int64_t>(quota / period + (quota % period != 0), 1 << 16);
  return static_cast<unsigned>(cores);
}

// A cgroup file's first line ("" when it cannot be read: no such controller, no such directory).
std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// The quota of the cgroup at `path` under the hierarchy mounted at `mount`, and of every ancestor
// (a parent's limit holds for its children). Inside a container the path may name the host's
// cgroup, which the container sees as its root: those directories do not exist, and the walk
// reaches the mount itself.
template <typename Quota>
std::optional<unsigned> tightest_quota(const std::string& mount, std::string path, const Quota& quota_at) {
  std::optional<unsigned> best;
  for (;;) {
    best = tighter(best, quota_at(mount + path));
    if (path.empty() || path == "/") return best;
    const auto slash = path.find_last_of('/');
    path.erase(slash == std::string::npos ? 0 : slash);
  }
}

std::optional<unsigned> cgroup_quota_cores() {
  std::ifstream in("/proc/self/cgroup");
  std::optional<unsigned> best;
  for (std::string line; std::getline(in, line);) {  // "ID:CONTROLLERS:PATH"
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (line.compare(0, first, "0") == 0 && controllers.empty()) {  // cgroup v2
      best = tighter(best, tightest_quota("/sys/fs/cgroup", path, [](const std::string& dir) {
        return cores_of_cpu_max(first_line(dir + "/cpu.max"));
      }));
      continue;
    }
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) {
      if (name != "cpu") continue;  // cgroup v1: the hierarchy is mounted as its controller list
      best = tighter(best, tightest_quota("/sys/fs/cgroup/" + controllers, path, [](const std::string& dir) {
        return cores_of_cfs_quota(first_line(dir + "/cpu.cfs_quota_us"), first_line(dir + "/cpu.cfs_period_us"));
      }));
    }
  }
  return best;
}

}  // namespace

std::optional<unsigned> cores_of_cpu_max(std::string_view text) {
  text = trimmed(text);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto quota = whole_number(text.substr(0, space));  // "max": not a number, no limit
  const auto period = whole_number(text.substr(space + 1));
  if (!quota || !period) return std::nullopt;
  return cores_of(*quota, *period);
}

std::optional<unsigned> cores_of_cfs_quota(std::string_view quota, std::string_view period) {
  const auto q = whole_number(quota), p = whole_number(period);
  if (!q || !p) return std::nullopt;
  return cores_of(*q, *p);
}

unsigned count_usable_cores() {
  std::optional<unsigned> cores;  // every value set here is at least 1
  if (const unsigned online = std::thread::hardware_concurrency(); online > 0) cores = online;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) cores = static_cast<unsigned>(CPU_COUNT(&set));
  return tighter(cores, cgroup_quota_cores()).value_or(1);
}

unsigned usable_cores() {
  static const unsigned cores = count_usable_cores();
  return cores;
}

}  // namespace coco
