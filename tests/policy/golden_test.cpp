// SPDX-License-Identifier: Apache-2.0
// Golden tests over testdata/manifests (policy.md §5.3 shapes): the policy data of every pod and
// the annotated output are asserted byte for byte against testdata/policy/*.expected.*, which were
// reviewed by hand. COCO_UPDATE_GOLDEN=1 rewrites them (then review the diff).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "k8s/manifest.h"
#include "policy/generate.h"
#include "policy/settings.h"
#include "support/support.h"
#include "test_images.h"
#include "util/encoding.h"
#include "util/file.h"

namespace fs = std::filesystem;
using namespace coco;

namespace {

policy::GenerateOptions options_for(const std::string& yaml) {
  policy::GenerateOptions o;
  o.settings = policy::default_settings(policy::Profile::Upstream);
  o.rules = policy::embedded_rules();
  const std::string tag = "# coco-test: --service-env ";
  if (yaml.rfind(tag, 0) == 0) o.service_env = policy::parse_service_env(yaml.substr(tag.size(), yaml.find('\n') - tag.size()));
  return o;
}

std::vector<fs::path> golden_manifests() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(test::source_path("testdata/manifests")))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void check_golden(const std::string& path, const std::string& actual) {
  if (std::getenv("COCO_UPDATE_GOLDEN") != nullptr) {
    write_file_atomic(path, actual);
    return;
  }
  REQUIRE(file_exists(path));
  const std::string expected = read_text_file(path);
  CHECK(expected == actual);
}

}  // namespace

TEST_CASE("golden policies for testdata/manifests", "[policy][golden]") {
  const auto files = golden_manifests();
  REQUIRE(files.size() >= 20);
  const auto resolve = test::test_resolver();
  for (const auto& f : files) {
    const std::string stem = f.stem().string();
    INFO("manifest " << f.filename().string());
    const std::string yaml = read_text_file(f.string());
    const auto opts = options_for(yaml);
    const auto g = policy::generate(yaml, f.filename().string(), opts, resolve);
    CHECK(!g.pods.empty());
    for (const Json& d : g.policy_data) CHECK(pretty_json(d) == d.dump(2));  // the text initdata hashes
    check_golden(test::source_path("testdata/policy/" + stem + ".expected.json"), render_json(Json(g.policy_data)));
    check_golden(test::source_path("testdata/policy/" + stem + ".expected.yaml"), g.manifests());

    // Determinism and idempotence: the same input twice, and coco's output as input.
    const auto again = policy::generate(yaml, f.filename().string(), opts, resolve);
    CHECK(again.manifests() == g.manifests());
    const auto rerun = policy::generate(g.manifests(), "out.yaml", opts, resolve);
    CHECK(rerun.manifests() == g.manifests());
  }
}

// The aks profile: host-pulled tarfs layers bound by their dm-verity roots in the shape the AKS
// agent's rules read, the pause image's layers too, and the agent-policy annotation.
TEST_CASE("golden policies for the aks profile", "[policy][golden]") {
  const auto resolve = test::test_resolver();
  for (const std::string stem : {"01-pod-basic", "03-deployment", "11-init-sidecar"}) {
    INFO(stem);
    const std::string yaml = read_text_file(test::source_path("testdata/manifests/" + stem + ".yaml"));
    auto opts = options_for(yaml);
    opts.settings = policy::default_settings(policy::Profile::Aks);
    opts.annotation = policy::AnnotationKind::AgentPolicy;
    const auto g = policy::generate(yaml, stem + ".yaml", opts, resolve);
    check_golden(test::source_path("testdata/policy/aks/" + stem + ".expected.json"), render_json(Json(g.policy_data)));
    check_golden(test::source_path("testdata/policy/aks/" + stem + ".expected.yaml"), g.manifests());
  }
}

TEST_CASE("annotation decodes with base64 -d | gunzip, digest matches openssl dgst", "[policy][golden]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = read_text_file(test::source_path("testdata/manifests/03-deployment.yaml"));
  for (const char* algo : {"sha256", "sha384", "sha512"}) {
    INFO(algo);
    auto opts = options_for(yaml);
    opts.algorithm = parse_algo(algo);
    opts.initdata_extra["aa.toml"] = "[token_configs]\n[token_configs.kbs]\nurl = \"https://kbs.example:8080\"\n";
    const auto g = policy::generate(yaml, "03-deployment.yaml", opts, resolve);
    REQUIRE(g.pods.size() == 1);
    const Json out = k8s::load_documents(g.manifests(), "out")[0].value;
    const std::string b64 = out["spec"]["template"]["metadata"]["annotations"][policy::kInitdataAnnotation];
    const auto toml = test::run_program({"/bin/sh", "-c", "base64 -d | gunzip"}, b64);
    REQUIRE(toml.exit_code == 0);
    CHECK(toml.out.rfind("version = \"0.1.0\"\nalgorithm = \"" + std::string(algo) + "\"\n\n[data]\n\"aa.toml\" = '''\n", 0) == 0);
    CHECK(toml.out.find("\"policy.rego\" = '''\n" + policy::embedded_rules()) != std::string::npos);
    CHECK(toml.out.find("\npolicy_data := " + g.policy_data[0].dump(2) + "\n'''\n") != std::string::npos);
    test::TempDir dir;
    const auto dgst = test::run_program({"openssl", "dgst", std::string("-") + algo, "-r", dir.write("init.toml", toml.out)});
    REQUIRE(dgst.exit_code == 0);
    const std::string hex = dgst.out.substr(0, dgst.out.find(' '));
    CHECK(to_hex(g.pods[0].binding.digest) == hex);
    // HOSTDATA: first 32 bytes; MRCONFIGID: 48 bytes, zero-padded for sha256 (policy.md §4.2).
    CHECK(to_hex(g.pods[0].binding.hostdata) == hex.substr(0, 64));
    const std::string mrconfigid = hex.size() >= 96 ? hex.substr(0, 96) : hex + std::string(96 - hex.size(), '0');
    CHECK(to_hex(g.pods[0].binding.mrconfigid) == mrconfigid);
    // coco policy digest's library half recomputes the same from the annotated manifest.
    const auto d = policy::digests(g.manifests(), "out.yaml");
    REQUIRE(d.size() == 1);
    CHECK(to_hex(d[0].binding.digest) == hex);
  }
}

TEST_CASE("agent-policy annotation: base64 Rego, HOSTDATA = sha256 of the policy", "[policy][golden]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = read_text_file(test::source_path("testdata/manifests/01-pod-basic.yaml"));
  auto opts = options_for(yaml);
  opts.annotation = policy::AnnotationKind::AgentPolicy;
  const auto g = policy::generate(yaml, "01-pod-basic.yaml", opts, resolve);
  const Json out = k8s::load_documents(g.manifests(), "out")[0].value;
  CHECK_FALSE(out["metadata"]["annotations"].contains(policy::kInitdataAnnotation));
  const std::string b64 = out["metadata"]["annotations"][policy::kPolicyAnnotation];
  const auto sum = test::run_program({"/bin/sh", "-c", "base64 -d | sha256sum"}, b64);
  REQUIRE(sum.exit_code == 0);
  CHECK(to_hex(g.pods[0].binding.hostdata) == sum.out.substr(0, 64));
  // switching back replaces the annotation rather than adding a second binding
  opts.annotation = policy::AnnotationKind::Initdata;
  const auto back = policy::generate(g.manifests(), "out.yaml", opts, resolve);
  const Json b = k8s::load_documents(back.manifests(), "out")[0].value;
  CHECK_FALSE(b["metadata"]["annotations"].contains(policy::kPolicyAnnotation));
  CHECK(b["metadata"]["annotations"].contains(policy::kInitdataAnnotation));
}

TEST_CASE("random mutations of manifests generate or fail with a coco error", "[policy][hostile]") {
  const auto resolve = test::test_resolver();
  std::mt19937 rng(1234);
  const std::string alphabet = ":-[]{}&*!|>'\"#%@`\n \t?,0a";
  int generated = 0;
  for (const char* name : {"12-volumes.yaml", "14-env-valuefrom.yaml", "18-securitycontext-runas.yaml", "15-services-strict.yaml"}) {
    const std::string base = read_text_file(test::source_path(std::string("testdata/manifests/") + name));
    const auto opts = options_for(base);
    for (int i = 0; i < 400; ++i) {
      std::vector<char> buf(base.begin(), base.end());
      for (int e = 0, n = 1 + static_cast<int>(rng() % 3); e < n && !buf.empty(); ++e) {
        const auto at = static_cast<std::ptrdiff_t>(rng() % buf.size());
        const char c = alphabet[rng() % alphabet.size()];
        if (rng() % 2) buf[static_cast<std::size_t>(at)] = c;
        else buf.erase(buf.begin() + at);
      }
      const std::string s(buf.begin(), buf.end());
      if (std::getenv("COCO_TRACE_MUTATION")) write_file_atomic("/tmp/coco-last-mutation.yaml", s);
      try {
        (void)policy::generate(s, "m.yaml", opts, resolve);
        ++generated;
      } catch (const Error& e) {
        INFO(s);
        CHECK(std::string(e.what()).rfind("m.yaml", 0) == 0);
      } catch (const std::exception& e) {
        INFO(s);
        FAIL("not a coco::Error: " << e.what());
      }
    }
  }
  CHECK(generated > 0);
}
