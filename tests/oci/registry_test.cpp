// SPDX-License-Identifier: Apache-2.0
// The registry source against Debian's docker-registry on loopback (tests/registry/registry.sh):
// four configurations and a fault proxy. Expected values are those of the same image read from the
// OCI layout umoci wrote (itself checked against sha256sum in image_facts_test.cpp).
#include <catch2/catch.hpp>
#include <chrono>

#include "oci/cache.h"
#include "oci/fixture.h"
#include "oci/image_facts.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;
using coco::test::oci_images;
using coco::test::registries;

namespace {

#define NEED_REGISTRIES()                                                                  \
  if (registries().empty()) {                                                              \
    WARN("docker-registry, skopeo, umoci or htpasswd missing: registry tests skipped");     \
    return;                                                                                \
  }

oci::ImageOptions opts_for(const std::string& host) {
  oci::ImageOptions o;
  o.no_cache = true;
  o.platform = "linux/amd64";
  o.insecure_registries = {host};
  o.retry_base_ms = 20;
  return o;
}

oci::ImageFacts from_layout(const std::string& tag) {
  oci::ImageOptions o;
  o.no_cache = true;
  o.platform = "linux/amd64";
  return oci::image_facts("oci:" + oci_images() + "/layout:" + tag, o);
}

void same_image(const oci::ImageFacts& got, const oci::ImageFacts& want) {
  CHECK(got.config_digest == want.config_digest);
  REQUIRE(got.layers.size() == want.layers.size());
  for (std::size_t l = 0; l < got.layers.size(); ++l) {
    INFO("layer " << l);
    CHECK(got.layers[l].digest == want.layers[l].digest);
    CHECK(got.layers[l].size == want.layers[l].size);
    CHECK(got.layers[l].media_type == want.layers[l].media_type);
    CHECK(got.layers[l].diff_id == want.layers[l].diff_id);
    CHECK(got.layers[l].uncompressed_size == want.layers[l].uncompressed_size);
    CHECK(got.layers[l].verity_root == want.layers[l].verity_root);
  }
  CHECK(got.etc_passwd == want.etc_passwd);
  CHECK(got.etc_group == want.etc_group);
  CHECK(got.mismatches == want.mismatches);
}

std::string auth_file(const test::TempDir& dir, const std::string& host, const std::string& entry_json) {
  return dir.write("auth.json", R"({"auths": {")" + host + R"(": )" + entry_json + "}}");
}
std::string basic_entry() { return R"({"auth": ")" + to_base64(as_bytes(std::string("alice:s3cret"))) + R"("})"; }

Exit kind_of(const std::function<void()>& f, std::string& message) {
  try {
    f();
  } catch (const Error& e) {
    message = e.what();
    return e.kind();
  }
  return Exit::Ok;
}

}  // namespace

TEST_CASE("registry: plain, Basic, Bearer and redirecting registries serve the layout's image", "[oci][registry]") {
  NEED_REGISTRIES();
  const auto& r = registries();
  const oci::ImageFacts want = from_layout("v1");
  test::TempDir dir;
  for (const char* key : {"PLAIN", "BASIC", "TOKEN", "REDIRECT"}) {
    INFO(key);
    const std::string host = r.at(key);
    oci::ImageOptions o = opts_for(host);
    if (std::string(key) == "BASIC") o.auth_file = auth_file(dir, host, basic_entry());
    const oci::ImageFacts got = oci::image_facts(host + "/coco/hello:v1", o);
    CHECK(got.source == "registry");
    CHECK(got.manifest_digest == want.manifest_digest);
    CHECK(got.pinned == host + "/coco/hello@" + want.manifest_digest);
    same_image(got, want);
  }
  // By digest, and with docker:// in front.
  const std::string host = r.at("PLAIN");
  const auto by_digest = oci::image_facts("docker://" + host + "/coco/hello@" + want.manifest_digest, opts_for(host));
  CHECK(by_digest.manifest_digest == want.manifest_digest);
}

TEST_CASE("registry: credentials for Basic and Bearer realms", "[oci][registry]") {
  NEED_REGISTRIES();
  const auto& r = registries();
  test::TempDir dir;
  std::string msg;
  // Basic realm without credentials, and with wrong ones.
  const std::string basic = r.at("BASIC");
  CHECK(kind_of([&] { oci::image_facts(basic + "/coco/hello:v1", opts_for(basic)); }, msg) == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("requires credentials") && Catch::Contains(basic));
  auto o = opts_for(basic);
  o.auth_file = auth_file(dir, basic, R"({"auth": ")" + to_base64(as_bytes(std::string("alice:wrong"))) + R"("})");
  CHECK(kind_of([&] { oci::image_facts(basic + "/coco/hello:v1", o); }, msg) == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("HTTP 401"));
  CHECK_THAT(msg, !Catch::Contains("wrong") && !Catch::Contains("YWxp"));  // no secret in messages
  // Bearer: private/ needs credentials: anonymous fails, user:password and an identity token work.
  const std::string token = r.at("TOKEN");
  CHECK(kind_of([&] { oci::image_facts(token + "/private/hello:v1", opts_for(token)); }, msg) == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("HTTP 401"));
  o = opts_for(token);
  o.auth_file = auth_file(dir, token, basic_entry());
  CHECK(oci::image_facts(token + "/private/hello:v1", o).manifest_digest == from_layout("v1").manifest_digest);
  o.auth_file = auth_file(dir, "http://" + token, R"({"identitytoken": "s3cret"})");
  CHECK(oci::image_facts(token + "/private/hello:v1", o).layers.size() == 3);
  o.auth_file = auth_file(dir, token, R"({"auth": ")" + to_base64(as_bytes(std::string("alice:nope"))) + R"("})");
  CHECK(kind_of([&] { oci::image_facts(token + "/private/hello:v1", o); }, msg) == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("token request") && Catch::Contains("refused"));
}

TEST_CASE("registry: compressions, indexes, Docker v2s2 and a wrong diff_id", "[oci][registry]") {
  NEED_REGISTRIES();
  const std::string host = registries().at("PLAIN");
  const auto o = opts_for(host);
  for (const char* tag : {"zstd", "plain", "bad-diffid", "empty"}) {
    INFO(tag);
    const auto got = oci::image_facts(host + "/coco/hello:" + tag, o);
    const auto want = from_layout(tag);
    CHECK(got.manifest_digest == want.manifest_digest);
    same_image(got, want);
  }
  CHECK(oci::image_facts(host + "/coco/hello:bad-diffid", o).mismatches.size() == 1);
  const auto multi = oci::image_facts(host + "/coco/hello:multi", o);
  const auto multi_layout = from_layout("multi");
  REQUIRE(multi.index_digest);
  CHECK(multi.index_digest == multi_layout.index_digest);
  CHECK(multi.pinned == host + "/coco/hello@" + *multi_layout.index_digest);
  same_image(multi, from_layout("v1"));
  // v2s2: other manifest bytes and media types, same layers and diff_ids.
  const auto docker = oci::image_facts(host + "/coco/hello-docker:v1", o);
  CHECK(docker.manifest_media_type == "application/vnd.docker.distribution.manifest.v2+json");
  CHECK(docker.manifest_digest != from_layout("v1").manifest_digest);
  for (std::size_t l = 0; l < 3; ++l) CHECK(docker.layers[l].diff_id == from_layout("v1").layers[l].diff_id);
}

TEST_CASE("registry: faults give the documented exit codes and leave the cache consistent", "[oci][registry][hostile]") {
  NEED_REGISTRIES();
  const std::string fault = registries().at("FAULT");
  test::TempDir cache;
  auto o = opts_for(fault);
  o.no_cache = false;
  o.cache_dir = cache.path().string();
  o.retries = 2;
  std::string msg;
  const auto run = [&](const std::string& kind) {
    return kind_of([&] { oci::image_facts(fault + "/" + kind + "/coco/hello:v1", o); }, msg);
  };
  CHECK(run("e500") == Exit::Transient);
  CHECK_THAT(msg, Catch::Contains("HTTP 500") && Catch::Contains("injected failure"));
  CHECK(run("wrongblob") == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("digest mismatch") && Catch::Contains("layer 0"));
  CHECK(run("shortblob") == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("truncated"));
  CHECK(run("truncate") == Exit::Transient);
  CHECK_THAT(msg, Catch::Contains("gave up after 3 attempts"));
  CHECK(run("badtype") == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("unknown layer media type 'application/x-coco-unknown'"));
  CHECK(run("lie") == Exit::Failure);
  CHECK_THAT(msg, Catch::Contains("the registry says the manifest is"));
  // Nothing of the failed layers reached the cache.
  CHECK(test::run_program({"sh", "-c", "find '" + cache.path().string() + "' -type f | wc -l"}).out == "0\n");
  // Recoverable faults: retried, the restarted transfer hashed from the start, Retry-After honoured.
  const auto want = from_layout("v1");
  same_image(oci::image_facts(fault + "/flaky/coco/hello:v1", o), want);
  same_image(oci::image_facts(fault + "/droponce/coco/hello:v1", o), want);
  o.no_cache = true;
  const auto start = std::chrono::steady_clock::now();
  same_image(oci::image_facts(fault + "/slow429/coco/hello:v1", o), want);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));
  // Nobody listening: transient.
  auto closed = opts_for("127.0.0.1:1");
  closed.retries = 0;
  CHECK(kind_of([&] { oci::image_facts("127.0.0.1:1/coco/hello:v1", closed); }, msg) == Exit::Transient);
}

TEST_CASE("registry: a cache entry that was tampered with is detected and recomputed", "[oci][registry][hostile]") {
  NEED_REGISTRIES();
  const std::string host = registries().at("PLAIN");
  test::TempDir cache;
  auto o = opts_for(host);
  o.no_cache = false;
  o.cache_dir = cache.path().string();
  o.verity = oci::VerityFlavour::Tar;
  const auto first = oci::image_facts(host + "/coco/hello:v1", o);
  const std::string entry = cache.path().string() + "/layers/v" + std::to_string(oci::kCacheAlgoVersion) + "/sha256/" + first.layers[0].digest.substr(7) + ".tar.json";
  REQUIRE(file_exists(entry));
  std::string text = read_text_file(entry);
  text.replace(text.find(first.layers[0].diff_id.substr(7, 8)), 8, "deadbeef");  // a forged diff_id
  write_file_atomic(entry, text);
  const auto second = oci::image_facts(host + "/coco/hello:v1", o);
  CHECK(second.layers[0].diff_id == first.layers[0].diff_id);
  REQUIRE(second.warnings.size() == 1);
  CHECK_THAT(second.warnings[0], Catch::Contains("corrupt"));
  CHECK(oci::image_facts(host + "/coco/hello:v1", o).warnings.empty());  // rewritten
}
