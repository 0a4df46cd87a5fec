// SPDX-License-Identifier: Apache-2.0
// image_facts over local sources: the OCI layout (umoci/skopeo-written), oci-archive and
// docker-archive. Expected values come from sha256sum over the blobs and the generated tars,
// veritysetup, and the config umoci wrote; never from coco's own earlier output.
#include <catch2/catch.hpp>

#include "oci/fixture.h"
#include "oci/image_facts.h"
#include "support/support.h"
#include "util/file.h"
#include "util/output.h"

using namespace coco;
using coco::test::oci_images;
using coco::test::oci_layout;
using coco::test::sha256sum;

namespace {
oci::ImageOptions local_opts() {
  oci::ImageOptions o;
  o.no_cache = true;
  o.platform = "linux/amd64";
  return o;
}
std::vector<std::string> tar_diff_ids() {
  std::vector<std::string> out;
  for (const char* l : {"l0", "l1", "l2"}) out.push_back("sha256:" + sha256sum(oci_images() + "/layers/" + l + ".tar"));
  return out;
}
std::string shell(const std::string& script) {
  const auto r = coco::test::run_program({"sh", "-c", script});
  REQUIRE(r.exit_code == 0);
  return r.out;
}
}  // namespace

TEST_CASE("oci: layout: digests, diff_ids, config, passwd and group of the merged filesystem", "[oci]") {
  const oci::ImageFacts f = oci::image_facts(oci_layout("v1"), local_opts());
  CHECK(f.reference == oci_layout("v1"));
  CHECK(f.source == "oci");
  CHECK(f.platform == "linux/amd64");
  CHECK_FALSE(f.index_digest);
  const Json index = parse_json(read_text_file(oci_images() + "/layout/index.json"), "index.json");
  CHECK(f.manifest_digest == index["manifests"][0]["digest"]);
  CHECK(f.config_digest.size() == 71);
  CHECK(sha256sum(oci_images() + "/layout/blobs/sha256/" + f.config_digest.substr(7)) == f.config_digest.substr(7));
  REQUIRE(f.layers.size() == 3);
  const auto diff_ids = tar_diff_ids();
  for (std::size_t l = 0; l < 3; ++l) {
    INFO("layer " << l);
    const std::string blob = oci_images() + "/layout/blobs/sha256/" + f.layers[l].digest.substr(7);
    CHECK(f.layers[l].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
    CHECK(sha256sum(blob) == f.layers[l].digest.substr(7));
    CHECK(f.layers[l].size == file_size(blob));
    CHECK(f.layers[l].diff_id == diff_ids[l]);
    CHECK(f.layers[l].uncompressed_size == file_size(oci_images() + "/layers/l" + std::to_string(l) + ".tar"));
    CHECK_FALSE(f.layers[l].verity_root);
  }
  CHECK(f.mismatches.empty());
  // Chain IDs (OCI config.md) recomputed with the shell's sha256sum.
  const std::string chain1 =
      "sha256:" + shell("printf '%s' '" + diff_ids[0] + " " + diff_ids[1] + "' | sha256sum").substr(0, 64);
  REQUIRE(f.chain_ids.size() == 3);
  CHECK(f.chain_ids[0] == diff_ids[0]);
  CHECK(f.chain_ids[1] == chain1);
  // umoci's config, as make_images.sh set it.
  CHECK(f.config.user == "app");
  CHECK(f.config.working_dir == "/opt");
  CHECK(f.config.entrypoint == std::vector<std::string>{"/bin/sh"});
  CHECK(f.config.cmd == std::vector<std::string>{"/bin/hi"});
  CHECK(f.config.env == std::vector<std::string>{"PATH=/bin:/usr/bin", "MODE=test"});
  CHECK(f.config.volumes == std::vector<std::string>{"/data"});
  CHECK(f.config.exposed_ports == std::vector<std::string>{"8080/tcp"});
  CHECK(f.config.labels.at("org.example.k") == "v");
  // Layer 1 rewrote /etc/passwd; layer 2 whited out /etc/group.
  REQUIRE(f.etc_passwd);
  CHECK(*f.etc_passwd == shell("tar -xOf '" + oci_images() + "/layers/l1.tar' ./etc/passwd"));
  CHECK_THAT(*f.etc_passwd, Catch::Contains("app:x:1000:1000"));
  CHECK_FALSE(f.etc_group);
}

TEST_CASE("oci: zstd and uncompressed layers give the same diff_ids", "[oci]") {
  const auto diff_ids = tar_diff_ids();
  for (const char* tag : {"zstd", "plain"}) {
    INFO(tag);
    const oci::ImageFacts f = oci::image_facts(oci_layout(tag), local_opts());
    REQUIRE(f.layers.size() == 3);
    for (std::size_t l = 0; l < 3; ++l) {
      CHECK(f.layers[l].diff_id == diff_ids[l]);
      CHECK(sha256sum(oci_images() + "/layout/blobs/sha256/" + f.layers[l].digest.substr(7)) == f.layers[l].digest.substr(7));
    }
    CHECK(f.mismatches.empty());
    CHECK(f.etc_passwd);
  }
  CHECK(oci::image_facts(oci_layout("zstd"), local_opts()).layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
  CHECK(oci::image_facts(oci_layout("plain"), local_opts()).layers[0].digest == tar_diff_ids()[0]);
}

TEST_CASE("oci: an index resolves per platform and pins the index digest", "[oci]") {
  auto o = local_opts();
  const oci::ImageFacts amd = oci::image_facts(oci_layout("multi"), o);
  const oci::ImageFacts v1 = oci::image_facts(oci_layout("v1"), o);
  REQUIRE(amd.index_digest);
  CHECK(amd.manifest_digest == v1.manifest_digest);
  CHECK(amd.pinned.ends_with("@" + *amd.index_digest));
  o.platform = "linux/arm64";  // the index says arm64/v8; no variant given means v8
  const oci::ImageFacts arm = oci::image_facts(oci_layout("multi"), o);
  CHECK(arm.manifest_digest == oci::image_facts(oci_layout("empty"), local_opts()).manifest_digest);
  CHECK(arm.platform == "linux/arm64");  // from the config
  REQUIRE(arm.layers.size() == 1);
  CHECK(arm.layers[0].diff_id == "sha256:" + sha256sum(oci_images() + "/layers/empty.tar"));
  CHECK_FALSE(arm.etc_passwd);
  o.platform = "linux/s390x";
  CHECK_THROWS_WITH(oci::image_facts(oci_layout("multi"), o),
                    Catch::Contains("no manifest for platform linux/s390x") && Catch::Contains("linux/arm64/v8"));
}

TEST_CASE("oci: a wrong config diff_id is reported, not hidden", "[oci]") {
  const oci::ImageFacts f = oci::image_facts(oci_layout("bad-diffid"), local_opts());
  REQUIRE(f.mismatches.size() == 1);
  CHECK_THAT(f.mismatches[0], Catch::Contains("layer 1") && Catch::Contains(tar_diff_ids()[1]) &&
                                  Catch::Contains("sha256:" + std::string(64, '0')));
  CHECK(f.layers[1].diff_id == tar_diff_ids()[1]);
}

TEST_CASE("oci: oci-archive and docker-archive agree with the layout", "[oci]") {
  const oci::ImageFacts ref = oci::image_facts(oci_layout("v1"), local_opts());
  const oci::ImageFacts oa = oci::image_facts("oci-archive:" + oci_images() + "/hello-oci.tar", local_opts());
  CHECK(oa.source == "oci-archive");
  CHECK(oa.manifest_digest == ref.manifest_digest);
  CHECK(oa.config_digest == ref.config_digest);
  const oci::ImageFacts da = oci::image_facts("docker-archive:" + oci_images() + "/hello-docker.tar", local_opts());
  const oci::ImageFacts da_named =
      oci::image_facts("docker-archive:" + oci_images() + "/hello-docker.tar:coco/hello:v1", local_opts());
  CHECK(da.source == "docker-archive");
  CHECK(da.manifest_digest == "");  // a legacy docker save has no manifest: nothing invented
  CHECK(da_named.config_digest == da.config_digest);
  for (const oci::ImageFacts* f : {&oa, &da}) {
    REQUIRE(f->layers.size() == 3);
    for (std::size_t l = 0; l < 3; ++l) CHECK(f->layers[l].diff_id == ref.layers[l].diff_id);
    CHECK(f->etc_passwd == ref.etc_passwd);
    CHECK(f->etc_group == ref.etc_group);
    CHECK(f->config.cmd == ref.config.cmd);
    CHECK(f->mismatches.empty());
  }
  CHECK_THROWS_WITH(oci::image_facts("docker-archive:" + oci_images() + "/hello-docker.tar:coco/other:v1", local_opts()),
                    Catch::Contains("no image tagged 'coco/other:v1'") && Catch::Contains("coco/hello:v1"));
}

TEST_CASE("oci: --verity tar roots equal veritysetup on the zero-padded layer tar", "[oci][vector]") {
  if (!coco::test::have_program("veritysetup")) { WARN("veritysetup (cryptsetup-bin) is not installed: skipped"); return; }
  auto o = local_opts();
  o.verity = oci::VerityFlavour::Tar;
  const oci::ImageFacts f = oci::image_facts(oci_layout("v1"), o);
  coco::test::TempDir dir;
  for (std::size_t l = 0; l < 3; ++l) {
    const std::string padded = dir.file("l.tar");
    shell("cp '" + oci_images() + "/layers/l" + std::to_string(l) + ".tar' " + padded + " && truncate -s %4096 " + padded);
    const std::string out = shell("veritysetup format --no-superblock --format=1 --hash=sha256 --data-block-size=4096 "
                                  "--hash-block-size=4096 --salt=" + std::string(64, '0') + " " + padded + " " +
                                  dir.file("hash") + " | sed -n 's/^Root hash:[[:space:]]*//p'");
    INFO("layer " << l);
    REQUIRE(f.layers[l].verity_root);
    CHECK(*f.layers[l].verity_root + "\n" == out);
  }
}

TEST_CASE("oci: bad layouts name the problem", "[oci][hostile]") {
  const auto o = local_opts();
  CHECK_THROWS_WITH(oci::image_facts("oci:/nonexistent/dir", o), Catch::Contains("not an OCI image layout"));
  CHECK_THROWS_WITH(oci::image_facts(oci_layout("nope"), o), Catch::Contains("no image tagged 'nope'") && Catch::Contains("v1"));
  CHECK_THROWS_WITH(oci::image_facts("oci:" + oci_images() + "/layout", o), Catch::Contains("several images"));
}

TEST_CASE("oci: several images at once share their common layers", "[oci]") {
  const auto both = oci::image_facts(std::vector<std::string>{oci_layout("v1"), oci_layout("bad-diffid"), oci_layout("zstd")}, local_opts());
  REQUIRE(both.size() == 3);
  const auto one = oci::image_facts(oci_layout("v1"), local_opts());
  for (std::size_t l = 0; l < 3; ++l) {
    CHECK(both[0].layers[l].diff_id == one.layers[l].diff_id);
    CHECK(both[1].layers[l].diff_id == one.layers[l].diff_id);  // same blobs, hashed once
    CHECK(both[2].layers[l].diff_id == one.layers[l].diff_id);
  }
  CHECK(both[0].mismatches.empty());
  CHECK(both[1].mismatches.size() == 1);
  CHECK(both[0].warnings.empty());
  REQUIRE(both[2].warnings.size() == 3);
  CHECK_THAT(both[2].warnings[0], Catch::Contains("zstd") && Catch::Contains("genpolicy"));
}
