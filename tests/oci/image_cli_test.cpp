// SPDX-License-Identifier: Apache-2.0
// coco image hash|inspect and coco cache dir|prune through the built binary: JSON against the
// schemas (python3-jsonschema), exit codes, messages, credential helpers, the cache.
#include <catch2/catch.hpp>
#include <filesystem>

#include "oci/fixture.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/output.h"

using namespace coco;
using coco::test::oci_images;
using coco::test::oci_layout;
using coco::test::run_coco;

namespace {
}  // namespace

TEST_CASE("coco image hash: JSON matches its schema and the independent tools", "[oci][cli]") {
  test::TempDir cache;
  const auto r = run_coco({"image", "hash", oci_layout("v1"), "oci-archive:" + oci_images() + "/hello-oci.tar", "--verity",
                           "tar", "--cache-dir", cache.path().string(), "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(test::schema_errors("image-hash.schema.json", r.out) == "");
  const Json j = parse_json(r.out, "stdout");
  REQUIRE(j["images"].size() == 2);
  const Json& layer0 = j["images"][0]["layers"][0];
  CHECK(layer0["diff_id"] == "sha256:" + test::sha256sum(oci_images() + "/layers/l0.tar"));
  CHECK(layer0["uncompressed_size"] == file_size(oci_images() + "/layers/l0.tar"));
  CHECK(j["images"][1]["layers"] == j["images"][0]["layers"]);
  CHECK(j["images"][0]["config"]["user"] == "app");
  CHECK(j["images"][0]["diff_ids_match"] == true);
  // Warm cache: same answer, entries on disk.
  const auto again = run_coco({"image", "hash", oci_layout("v1"), "oci-archive:" + oci_images() + "/hello-oci.tar",
                               "--verity", "tar", "--cache-dir", cache.path().string(), "--output", "json"});
  CHECK(again.out == r.out);
  const auto dir = run_coco({"cache", "dir", "--cache-dir", cache.path().string(), "--output", "json"});
  REQUIRE(dir.exit_code == 0);
  CHECK(test::schema_errors("image-cache.schema.json", dir.out) == "");
  CHECK(parse_json(dir.out, "stdout")["entries"] == 3);
  const auto prune = run_coco({"cache", "prune", "--cache-dir", cache.path().string()});
  CHECK(prune.exit_code == 0);
  CHECK_THAT(prune.out, Catch::Contains("removed 3 entries"));
  CHECK(parse_json(run_coco({"cache", "dir", "--cache-dir", cache.path().string(), "--output", "json"}).out, "o")["entries"] == 0);
  const auto text = run_coco({"image", "hash", oci_layout("v1"), "--no-cache"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("diff_id      sha256:" + test::sha256sum(oci_images() + "/layers/l1.tar")));
}

TEST_CASE("coco image hash: a diff_id mismatch is a result: output, message, exit 1", "[oci][cli]") {
  const auto r = run_coco({"image", "hash", oci_layout("bad-diffid"), "--no-cache", "--output", "json"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("layer 1") && Catch::Contains("the config states sha256:0000"));
  CHECK(test::schema_errors("image-hash.schema.json", r.out) == "");
  CHECK(parse_json(r.out, "stdout")["images"][0]["diff_ids_match"] == false);
}

TEST_CASE("coco image inspect: JSON matches its schema", "[oci][cli]") {
  const auto r = run_coco({"image", "inspect", oci_layout("multi"), "--platform", "linux/arm64", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(test::schema_errors("image-inspect.schema.json", r.out) == "");
  const Json j = parse_json(r.out, "stdout");
  CHECK(j["index_digest"].is_string());
  CHECK(j["layers"].size() == 1);
  const auto text = run_coco({"image", "inspect", "docker-archive:" + oci_images() + "/hello-docker.tar"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("cmd          /bin/hi") && Catch::Contains("user         app"));
}

TEST_CASE("coco image: bad arguments and inputs exit 1 or 2 with one clear line", "[oci][cli][hostile]") {
  struct Case { std::vector<std::string> args; int code; const char* msg; };
  const Case cases[] = {
      {{"image", "hash", "Not/A/Valid:Ref!"}, 2, "not a valid image reference"},
      {{"image", "hash", oci_layout("v1"), "--verity", "ext4"}, 2, "ext4"},
      {{"image", "hash", oci_layout("v1"), "--platform", "linux"}, 2, "expected os/arch[/variant]"},
      {{"image", "hash", "oci:/nonexistent"}, 1, "not an OCI image layout"},
      {{"image", "hash", "docker-archive:/nonexistent.tar"}, 1, "no such file"},
      {{"image", "hash", oci_layout("v1"), "--no-cache", "--max-layer-size", "1KiB"}, 1, "exceeds the limit of 1024 bytes"},
  };
  for (const Case& c : cases) {
    INFO(c.args[2]);
    const auto r = run_coco(c.args);
    CHECK(r.exit_code == c.code);
    CHECK(r.out == "");
    CHECK_THAT(r.err, Catch::StartsWith("coco: ") && Catch::Contains(c.msg));
  }
}

TEST_CASE("coco image hash: registries, credential helpers and transient failures", "[oci][cli][registry]") {
  const auto& reg = test::registries();
  if (reg.empty()) {
    WARN("registry tools missing: skipped");
    return;
  }
  test::TempDir dir;
  // A credential helper on PATH (the Docker helper protocol: server on stdin, JSON on stdout).
  std::filesystem::create_directories(dir.path() / "bin");
  const std::string helper = dir.write("bin/docker-credential-cocotest",
      "#!/bin/sh\nread server\necho \"$server\" > \"$(dirname \"$0\")/asked\"\n"
      "echo '{\"ServerURL\":\"'$server'\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}'\n");
  const std::string broken = dir.write("bin/docker-credential-broken", "#!/bin/sh\necho 'boom: s3cret-ish' >&2\nexit 7\n");
  std::filesystem::permissions(helper, std::filesystem::perms::owner_all);
  std::filesystem::permissions(broken, std::filesystem::perms::owner_all);
  const std::string path = "PATH=" + (dir.path() / "bin").string() + ":/usr/bin:/bin";
  const std::string basic = reg.at("BASIC");
  const std::string good = dir.write("good.json", R"({"credHelpers": {")" + basic + R"(": "cocotest"}})");
  const auto ok = run_coco({"image", "hash", basic + "/coco/hello:v1", "--insecure-registry", basic, "--authfile", good,
                            "--no-cache", "--output", "json"},
                           "", {path});
  CHECK(ok.exit_code == 0);
  CHECK(test::schema_errors("image-hash.schema.json", ok.out) == "");
  CHECK(read_text_file(dir.file("bin/asked")) == basic + "\n");
  const std::string bad = dir.write("bad.json", R"({"credsStore": "broken"})");
  const auto failed = run_coco({"image", "hash", basic + "/coco/hello:v1", "--insecure-registry", basic, "--authfile",
                                bad, "--no-cache"}, "", {path});
  CHECK(failed.exit_code == 1);
  CHECK_THAT(failed.err, Catch::Contains("docker-credential-broken: credential helper failed") && Catch::Contains("exit 7"));
  // $REGISTRY_AUTH_FILE is read when no --authfile is given.
  const std::string auths = dir.write("auths.json", R"({"auths": {")" + basic + R"(": {"auth": ")" +
                                                       to_base64(as_bytes(std::string("alice:s3cret"))) + R"("}}})");
  CHECK(run_coco({"image", "inspect", basic + "/coco/hello:v1", "--insecure-registry", basic}, "",
                 {"REGISTRY_AUTH_FILE=" + auths}).exit_code == 0);
  // Exit 3 for what a retry may fix; TLS to a plain-HTTP registry is not that.
  const std::string fault = reg.at("FAULT");
  const auto transient = run_coco({"image", "hash", fault + "/e500/coco/hello:v1", "--insecure-registry", fault,
                                   "--retries", "0", "--no-cache"});
  CHECK(transient.exit_code == 3);
  CHECK_THAT(transient.err, Catch::Contains("HTTP 500"));
  const auto tls = run_coco({"image", "inspect", reg.at("PLAIN") + "/coco/hello:v1", "--retries", "0"});
  CHECK(tls.exit_code == 1);
  CHECK(tls.out == "");
  CHECK_THAT(tls.err, Catch::Contains("TLS with https://" + reg.at("PLAIN")) &&
                          Catch::Contains("--insecure-registry " + reg.at("PLAIN")));
}
