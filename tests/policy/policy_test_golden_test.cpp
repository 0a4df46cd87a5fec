// SPDX-License-Identifier: Apache-2.0
// `policy test` with the embedded Rego engine: every golden manifest's policy allows the requests
// a node sends for its pod and denies the near misses; the regorus captures replayed against their
// Kata policies give regorus's answers; a denied request is explained down to the failing field.
#include <catch2/catch.hpp>
#include <filesystem>

#include "policy/check.h"
#include "policy/settings.h"
#include "support/support.h"
#include "test_images.h"
#include "util/file.h"

using namespace coco;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> goldens(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(test::source_path(dir)))
    if (e.path().string().ends_with(".expected.yaml")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string failures_of(const policy::TestReport& r) {
  std::string s;
  for (const auto& p : r.pods)
    for (const auto& x : p.results)
      if (!x.ok())
        s += p.where + " #" + std::to_string(x.index + 1) + " " + x.request.kind + " " + x.request.what + ": " +
             (x.decision.allowed ? "allowed" : "denied") + (x.decision.why ? " — " + x.decision.why->summary : "") + "\n";
  for (const auto& p : r.pods)
    for (const auto& x : p.results)
      if (!x.ok() && x.decision.why)
        for (const auto& d : x.decision.why->detail) s += "    " + d.substr(0, 300) + "\n";
  return s;
}

// Every failure counts: a needed request denied or a near miss allowed.
std::size_t unexpected(const policy::TestReport& r, const std::string& /*stem*/, const char* /*shim*/) {
  std::size_t n = 0;
  for (const auto& p : r.pods)
    for (const auto& x : p.results) n += !x.ok();
  return n;
}

policy::TestReport run_golden(const fs::path& file, policy::Profile profile, policy::Shim shim, bool negative) {
  static const auto resolve = policy::memoize(test::test_resolver());
  policy::TestOptions o;
  o.simulate.node = policy::node_options(policy::default_settings(profile), shim, resolve);
  o.simulate.negative = negative;
  o.explain = true;
  return policy::test_manifests({{file.filename().string(), read_text_file(file.string())}}, o, resolve);
}

struct Replay {
  std::vector<policy::RecordedRequest> requests;
  std::string policy;
  Json outputs;
};

Replay replay(const std::string& pod) {
  const std::string dir = "vectors/rego/regorus/kata/" + pod + "/";
  auto text = [&](const std::string& f) {
    const ByteVec b = test::read_shared(dir + f);
    return std::string(b.begin(), b.end());
  };
  return {policy::parse_requests(text("inputs.txt"), pod + "/inputs.txt"), text("policy.rego"),
          parse_json(text("outputs.json"), pod + "/outputs.json")};
}

}  // namespace

TEST_CASE("every golden policy allows its pod's requests and denies the near misses (Go shim)", "[policy][ptest][golden]") {
  const auto files = goldens("testdata/policy");
  REQUIRE(files.size() >= 20);
  std::size_t requests = 0, pods = 0, needed = 0, needed_allowed = 0, misses = 0, misses_denied = 0;
  for (const auto& f : files) {
    INFO(f.filename().string());
    const auto r = run_golden(f, policy::Profile::Upstream, policy::Shim::Go, true);
    INFO(failures_of(r));
    CHECK(unexpected(r, f.filename().string(), "go") == 0);
    requests += r.requests();
    pods += r.pods.size();
    for (const auto& p : r.pods)
      for (const auto& x : p.results) {
        (x.request.must_allow ? needed : misses) += 1;
        (x.request.must_allow ? needed_allowed : misses_denied) += x.ok();
      }
  }
  WARN("goldens (Go shim): " << pods << " pods, " << needed_allowed << "/" << needed << " needed requests allowed, "
                             << misses_denied << "/" << misses << " near misses denied");
  CHECK(requests > 1000);
}

TEST_CASE("every golden policy allows its pod's exec requests from runtime-rs", "[policy][ptest][golden]") {
  for (const auto& f : goldens("testdata/policy")) {
    INFO(f.filename().string());
    const auto r = run_golden(f, policy::Profile::Upstream, policy::Shim::Rs, false);
    INFO(failures_of(r));
    CHECK(unexpected(r, f.filename().string(), "rs") == 0);
  }
}

TEST_CASE("aks golden policies allow their pods' tarfs requests and deny the near misses", "[policy][ptest][golden]") {
  const auto files = goldens("testdata/policy/aks");
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    INFO(f.filename().string());
    const auto r = run_golden(f, policy::Profile::Aks, policy::Shim::Go, true);
    INFO(failures_of(r));
    CHECK(unexpected(r, "aks/" + f.filename().string(), "go") == 0);
  }
}

TEST_CASE("regorus captures replayed with their Kata policies give regorus's answers", "[policy][ptest][vector]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  std::size_t total = 0, allowed = 0;
  for (const std::string pod : {"k8s-policy-job", "k8s-policy-pod", "k8s-policy-rc", "pod-cm1", "pod-cm2", "pod-lifecycle",
                                "pod-many-layers", "pod-same-containers", "web"}) {
    INFO(pod);
    const Replay r = replay(pod);
    const auto result = policy::test_recorded(r.policy, pod + "/policy.rego", r.requests, false);
    REQUIRE(result.results.size() == r.outputs.size());
    for (std::size_t i = 0; i < r.outputs.size(); ++i) {
      INFO("request " << i + 1 << " " << r.requests[i].request.kind);
      CHECK(result.results[i].decision.allowed == r.outputs[i].get<bool>());
      ++total;
      allowed += result.results[i].decision.allowed;
    }
  }
  CHECK(total == 315);
  CHECK(allowed == 306);
}

TEST_CASE("a denied captured request is explained naming the failing field", "[policy][ptest][vector]") {
  if (!test::shared_available("vectors/rego/regorus/kata/pod-lifecycle")) return;
  Replay r = replay("pod-lifecycle");
  // The app container's create with one env value changed: denied, and the explanation names it.
  std::size_t create = 0, seen = 0;
  for (std::size_t i = 0; i < r.requests.size(); ++i)
    if (r.requests[i].request.kind == "CreateContainerRequest" && seen++ == 1) create = i;
  REQUIRE(create > 0);
  Json& env = r.requests[create].request.input["OCI"]["Process"]["Env"];
  REQUIRE(env[3] == "POD_IP=10.244.0.17");
  env[3] = "POD_IP=not-an-ip";
  std::vector<policy::RecordedRequest> upto(r.requests.begin(), r.requests.begin() + static_cast<long>(create) + 1);
  const auto result = policy::test_recorded(r.policy, "pod-lifecycle/policy.rego", upto, true);
  const auto& last = result.results.back();
  CHECK(!last.decision.allowed);
  REQUIRE(last.decision.why);
  INFO(last.decision.why->summary);
  CHECK_THAT(last.decision.why->summary, Contains("OCI.Process.Env[3]") && Contains("POD_IP=not-an-ip"));
  CHECK(!last.decision.why->trace.empty());
}

TEST_CASE("with_rules swaps the rules and keeps policy_data", "[policy][ptest]") {
  const std::string policy = "package agent_policy\n\ndefault A := true\n\npolicy_data := {\"x\": 1}\n";
  CHECK(policy::with_rules(policy, "package agent_policy\ndefault A := false", "p") ==
        "package agent_policy\ndefault A := false\n\npolicy_data := {\"x\": 1}\n");
  CHECK_THROWS_WITH(policy::with_rules("package p\n", "x", "p.rego"), Contains("p.rego: --rules: the policy has no `policy_data"));
}

TEST_CASE("the agent's state: ops of an allowed create are applied, undefined is a denial", "[policy][ptest]") {
  const std::string policy = R"(package agent_policy
import rego.v1
default StartContainerRequest := false
CreateContainerRequest := {"allowed": true, "ops": [{"op": "add", "path": concat("", ["/pstate/c_", input.container_id]), "value": 7}]}
StartContainerRequest if data.pstate[concat("", ["c_", input.container_id])] == 7
)";
  policy::PolicyRunner runner(policy, "state.rego");
  const policy::Request start{"StartContainerRequest", {{"container_id", "a"}}, "", "start", true};
  CHECK(!runner.decide(start).allowed);
  CHECK(runner.decide({"CreateContainerRequest", {{"container_id", "a"}}, "", "create", true}).allowed);
  CHECK(runner.state() == Json{{"c_a", 7}});
  CHECK(runner.decide(start).allowed);
  const auto undefined = runner.decide({"ExecProcessRequest", Json::object(), "", "exec", true});
  CHECK(!undefined.allowed);
  CHECK(undefined.note == "undefined");
}
