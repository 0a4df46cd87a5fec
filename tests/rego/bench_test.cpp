// SPDX-License-Identifier: Apache-2.0
// Rego engine benchmark (hidden: run with `coco_tests "[bench]"`, or tests/bench/rego.sh):
// parse + compile time of each Kata policy, evaluation latency of every replayed request (and of
// CreateContainerRequest alone), and peak RSS.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "support/support.h"

namespace fs = std::filesystem;
using coco::rego::Engine;
using coco::rego::Json;
using Clock = std::chrono::steady_clock;

namespace {

using coco::test::slurp;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of this thread: the machines that run this are shared, wall time is noisy.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

TEST_CASE("rego bench: Kata policies compile time and per-request latency", "[.bench][rego]") {
  if (!coco::test::shared_available("vectors/rego/regorus/kata")) return;
  std::vector<fs::path> dirs;
  for (const auto& d : fs::directory_iterator(coco::test::shared_path("vectors/rego/regorus/kata")))
    if (d.is_directory()) dirs.push_back(d.path());
  std::sort(dirs.begin(), dirs.end());
  struct Sample {
    std::vector<double> all, create, create_cpu, create_print_cpu;
  } cold, warm;
  for (const auto& dir : dirs) {
    std::string src = slurp(dir / "policy.rego");
    std::vector<std::pair<std::string, Json>> reqs;
    std::istringstream in(slurp(dir / "inputs.txt"));
    std::string line;
    while (std::getline(in, line)) {
      auto at = line.find("\"ep\":");
      if (at == std::string::npos) continue;
      line.erase(at, 5);
      while (!line.empty() && (line.back() == ',' || line.back() == '\r')) line.pop_back();
      Json r = Json::parse(line);
      reqs.emplace_back(r[0].get<std::string>(), r[1]);
    }
    auto t0 = Clock::now();
    Engine e;
    e.add_module("policy.rego", src, coco::rego::Syntax::V0);
    e.eval("data.agent_policy.AllowRequestsFailingPolicy");  // compiles
    double compile_ms = ms_since(t0);
    double sum = 0;
    double first_create = -1;  // parse + compile + the first CreateContainerRequest (rego.sh's ratio)
    // Pass 0 is the first time the process sees each request (patterns not yet compiled, caches
    // cold); pass 1 is a running agent's case. COCO_REGO_BENCH_REPEAT=N adds passes (for a profiler).
    const char* rep = std::getenv("COCO_REGO_BENCH_REPEAT");
    const int passes = std::max(2, rep ? std::atoi(rep) + 1 : 2);
    for (int pass = 0; pass < passes; ++pass) {
      const bool first = pass == 0, timed = pass == 0 || pass == passes - 1;
      for (const auto& [ep, req] : reqs) {
        e.set_input(req);
        auto t = Clock::now();
        double c0 = cpu_ms();
        e.eval("data.agent_policy." + ep);
        double ms = ms_since(t);
        double c1 = cpu_ms();
        e.take_prints();  // print's text is made here, when the lines are read
        double c2 = cpu_ms();
        if (!timed) continue;
        Sample& out = first ? cold : warm;
        out.all.push_back(ms);
        if (first) sum += ms;
        if (ep != "CreateContainerRequest") continue;
        out.create.push_back(ms);
        out.create_cpu.push_back(c1 - c0);
        out.create_print_cpu.push_back(c2 - c0);
        if (first && first_create < 0) first_create = compile_ms + ms;
      }
    }
    std::printf("%-22s %6zu KB  parse+compile %7.2f ms  %3zu requests  mean %6.3f ms (first pass)\n",
                dir.filename().string().c_str(), src.size() / 1024, compile_ms, reqs.size(), sum / static_cast<double>(reqs.size()));
    if (first_create >= 0) std::printf("first-create %s %.3f\n", dir.filename().string().c_str(), first_create);
  }
  auto stats = [](std::vector<double> v, const char* what) {
    if (v.empty()) return;
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    std::printf("%s: %zu requests, mean %.3f ms, median %.3f ms, max %.3f ms\n", what, v.size(),
                sum / static_cast<double>(v.size()), v[v.size() / 2], v.back());
  };
  for (const auto* pass : {&cold, &warm}) {
    std::printf("%s\n", pass == &cold ? "first pass (cold: each request the first time this process sees it)"
                                       : "second pass (warm: as in a running agent)");
    stats(pass->all, "  all requests");
    stats(pass->create, "  CreateContainerRequest (wall)");
    stats(pass->create_cpu, "  CreateContainerRequest (thread CPU)");
    stats(pass->create_print_cpu, "  CreateContainerRequest with its print lines (thread CPU)");
  }
  std::printf("peak RSS: %ld KB\n", peak_rss_kb());
  CHECK(!cold.all.empty());
}
