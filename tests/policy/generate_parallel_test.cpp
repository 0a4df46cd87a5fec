// SPDX-License-Identifier: Apache-2.0
// The generator on every core (issue 17 item 4): pods are generated in parallel and merged in
// input order, so the outputs are the same bytes whatever the thread count; an error is the one a
// sequential run stops at; with an offline pass (stand-ins for registry images) the same errors
// come before any registry request, and the same bytes after.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "policy/check.h"
#include "policy/generate.h"
#include "policy/settings.h"
#include "util/parallel.h"
#include "support/support.h"
#include "test_images.h"
#include "util/error.h"

using namespace coco;

namespace {

policy::GenerateOptions parallel_options(unsigned jobs) {
  policy::GenerateOptions o;
  o.settings = policy::default_settings(policy::Profile::Upstream);
  o.rules = policy::embedded_rules();
  o.jobs = jobs;
  return o;
}

// `n` workloads of three kinds over the images of testdata/policy/images.json, with a ConfigMap.
std::string many_workloads(int n, int broken = -1) {
  std::string y = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {LOG_LEVEL: info}\n";
  for (int i = 0; i < n; ++i) {
    const std::string image = i == broken ? "" : (i % 2 ? "registry.example/nginx:1.25" : "registry.example/app:1");
    const std::string pod = "      containers:\n        - name: app\n          image: \"" + image + "\"\n"
                            "          args: [\"--id\", \"" + std::to_string(i) + "\"]\n"
                            "          envFrom: [{configMapRef: {name: settings}}]\n";
    if (i % 3 == 0)
      y += "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p" + std::to_string(i) + "}\nspec:\n" +
           "  containers:\n    - name: app\n      image: \"" + image + "\"\n      args: [\"--id\", \"" + std::to_string(i) + "\"]\n";
    else
      y += "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d" + std::to_string(i) +
           "\nspec:\n  selector: {matchLabels: {app: d}}\n  template:\n    metadata: {labels: {app: d}}\n    spec:\n" + pod;
  }
  return y;
}

// The most threads this process had while `f` ran, as a watcher thread (counted) saw in
// /proc/self/task: workers live for milliseconds, the watcher looks every few microseconds.
std::size_t most_threads_during(const std::function<void()>& f) {
  std::atomic<bool> done{false};
  std::size_t most = 0;
  std::thread watcher([&] {
    do {
      std::size_t n = 0;
      for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) ++n;
      most = std::max(most, n);
    } while (!done);
  });
  f();
  done = true;
  watcher.join();
  return most;
}

}  // namespace

TEST_CASE("parallel_for: every task runs, the lowest failing index is rethrown", "[policy][parallel]") {
  for (unsigned jobs : {1u, 2u, 5u}) {
    INFO("jobs " << jobs);
    std::vector<int> done(100, 0);
    parallel_for(done.size(), [&](std::size_t i) { done[i] += 1; }, jobs);
    CHECK(std::count(done.begin(), done.end(), 1) == 100);
    std::atomic<int> ran{0};
    try {
      parallel_for(200, [&](std::size_t i) {
        ++ran;
        if (i == 37 || i == 38 || i == 150) throw Error(Exit::Failure, "task " + std::to_string(i));
      }, jobs);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) == "task 37");
    }
    CHECK(ran >= 38);  // every index below the failing one ran
  }
  CHECK(worker_count(0, 4) == 1);
  CHECK(worker_count(3, 8) == 3);
  CHECK(worker_count(100, 2) == 2);
  CHECK(worker_count(1000, 300) == kMaxJobs);  // as many as --jobs accepts, no more
}

TEST_CASE("generate: the same bytes on one thread and on several", "[policy][parallel]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = many_workloads(24);
  const auto one = policy::generate(yaml, "many.yaml", parallel_options(1), resolve);
  REQUIRE(one.pods.size() == 24);
  for (unsigned jobs : {2u, 3u, 8u}) {
    INFO("jobs " << jobs);
    const auto g = policy::generate(yaml, "many.yaml", parallel_options(jobs), resolve);
    CHECK(g.manifests() == one.manifests());
    CHECK(g.policies == one.policies);
    CHECK(g.notes == one.notes);
    REQUIRE(g.pods.size() == one.pods.size());
    for (std::size_t i = 0; i < g.pods.size(); ++i) {
      CHECK(g.pods[i].name == one.pods[i].name);
      CHECK(g.pods[i].binding.digest == one.pods[i].binding.digest);
      CHECK(g.pods[i].images == one.pods[i].images);
    }
  }
  // Every pod has its own policy (the args differ), and the first one's is in the first pod.
  CHECK(std::set<std::string>(one.policies.begin(), one.policies.end()).size() == 24);
  CHECK(one.policies[0].find("\"--id\",\n") != std::string::npos);
  CHECK(one.pods[0].name == "p0");
}

TEST_CASE("generate: an error is the first pod's in input order, with or without an offline pass", "[policy][parallel]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = many_workloads(30, 7);  // pod 7 (a Deployment) has no image; 20 others follow
  std::string first;
  for (unsigned jobs : {1u, 4u}) {
    for (bool offline : {false, true}) {
      INFO("jobs " << jobs << " offline pass " << offline);
      auto o = parallel_options(jobs);
      std::atomic<int> asked{0};
      policy::ImageResolver counted = resolve;
      if (offline) {  // no image is offline: each takes a stand-in, and the registry is never asked
        o.offline_image = [](const std::string&) { return false; };
        counted = [&](const std::string& image, const std::string& where) {
          ++asked;
          return resolve(image, where);
        };
      }
      try {
        policy::generate(yaml, "many.yaml", o, counted);
        FAIL("no error");
      } catch (const Error& e) {
        const std::string message = e.what();
        CHECK_THAT(message, Catch::Contains("Deployment d7") && Catch::Contains("container without an image"));
        if (first.empty()) first = message;
        CHECK(message == first);
      }
      CHECK(asked == 0);
    }
  }
}

TEST_CASE("generate: an offline pass gives the same bytes, asking only for the images that had a stand-in",
          "[policy][parallel]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = many_workloads(12);
  const auto plain = policy::generate(yaml, "many.yaml", parallel_options(2), resolve);
  for (const std::string offline_one : {"", "registry.example/app:1", "registry.example/nginx:1.25"}) {
    INFO("offline image: '" << offline_one << "'");
    auto o = parallel_options(2);
    o.offline_image = [&](const std::string& image) { return image == offline_one; };
    std::mutex mu;
    std::map<std::string, int> asked;
    const policy::ImageResolver counted = [&](const std::string& image, const std::string& where) {
      std::lock_guard<std::mutex> lock(mu);
      ++asked[image];
      return resolve(image, where);
    };
    const auto g = policy::generate(yaml, "many.yaml", o, counted);
    CHECK(g.manifests() == plain.manifests());
    CHECK(g.policies == plain.policies);
    REQUIRE(g.pods.size() == plain.pods.size());
    for (std::size_t i = 0; i < g.pods.size(); ++i) CHECK(g.pods[i].binding.digest == plain.pods[i].binding.digest);
    // Each pod is generated once with its real image: those of the offline image in the first
    // pass, the others (after a stand-in) in the second.
    CHECK(asked == std::map<std::string, int>{{"registry.example/app:1", 6}, {"registry.example/nginx:1.25", 6}});
  }
  // A malformed reference is an input error whatever the other pods need.
  auto o = parallel_options(2);
  o.offline_image = [](const std::string&) { return false; };
  std::string bad = yaml;
  bad.replace(bad.find("registry.example/app:1"), std::string("registry.example/app:1").size(), "Not/Valid!");
  CHECK_THROWS_WITH(policy::generate(bad, "many.yaml", o, resolve), Catch::Contains("not a valid image reference"));
}

TEST_CASE("generate without keeping policies writes the same bytes and keeps none", "[policy][parallel]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = many_workloads(9);
  const auto kept = policy::generate(yaml, "many.yaml", parallel_options(2), resolve);
  auto o = parallel_options(2);
  o.keep_policies = false;
  const auto g = policy::generate(yaml, "many.yaml", o, resolve);
  CHECK(g.manifests() == kept.manifests());
  REQUIRE(g.pods.size() == kept.pods.size());
  for (std::size_t i = 0; i < g.pods.size(); ++i) CHECK(g.pods[i].binding.digest == kept.pods[i].binding.digest);
  CHECK(kept.policies.size() == 9);
  CHECK(g.policies.empty());
  CHECK(g.policy_data.empty());
  CHECK(g.documents.empty());
}

// --jobs 1 means one thread for all of a run: the pods, reading a long stream (more than
// LoadLimits::parallel_min_bytes), the read-back of the patched text, the self-check, freeing.
TEST_CASE("generate and its self-check: jobs 1 starts no thread, jobs 2 does", "[policy][parallel]") {
  const auto resolve = test::test_resolver();
  // A few pods in a long stream: ConfigMaps make up the length.
  std::string yaml = many_workloads(30);
  for (int i = 0; i < 400; ++i)
    yaml += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: pad" + std::to_string(i) + "}\ndata: {TEXT: \"" +
            std::string(300, 'x') + "\"}\n";
  const std::vector<policy::Input> inputs{{"many.yaml", yaml}};
  REQUIRE(inputs[0].text.size() > k8s::LoadLimits{}.parallel_min_bytes);
  const std::size_t alone = most_threads_during([] {});
  const auto run = [&](unsigned jobs) {
    return most_threads_during([&] {
      const auto o = parallel_options(jobs);
      const policy::Generated g = policy::generate(inputs, o, resolve);
      policy::self_check(inputs, g, o, resolve);
      policy::TestOptions t;
      t.jobs = jobs;
      CHECK(policy::test_manifests({{"out.yaml", g.manifests()}}, t, resolve).failures() == 0);
    });
  };
  CHECK(run(1) == alone);
  CHECK(run(2) > alone);  // the watcher does see workers
}
