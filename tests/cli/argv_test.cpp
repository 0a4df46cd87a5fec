// SPDX-License-Identifier: Apache-2.0
// "--flag=" is an empty value on every command, never the next word (issue 12.1), and
// "--flag=value" equals "--flag value" everywhere.
#include <catch2/catch.hpp>

#include "cli/command_list.h"
#include "support/support.h"
#include "tdx/pe_builder.h"
#include "util/file.h"
#include "util/output.h"

using coco::test::run_coco;
using Catch::Matchers::Contains;

TEST_CASE("every command reads --output=, --output=json and --output json the CLI11 way, empty stays empty", "[cli][hostile][argv]") {
  coco::test::TempDir cache;  // cache prune and image commands must not touch the user's cache
  const std::vector<std::string> env = {"XDG_CACHE_HOME=" + cache.path().string()};
  for (const auto& cmd : coco::test::kAllCommands) {
    INFO(cmd.front() << (cmd.size() > 1 ? " " + cmd[1] : ""));
    // The empty value is refused as a value ('' is not a format); before the fix CLI11 took
    // "--quiet" as the format and said so.
    const auto empty = run_coco(coco::test::with(cmd, {"--output=", "--quiet"}), "", env);
    CHECK(empty.exit_code == 2);
    CHECK_THAT(empty.err, !Contains("--quiet"));
    // The two spellings of a value give the same answer (success or the same error).
    const auto eq = run_coco(coco::test::with(cmd, {"--output=json"}), "", env);
    const auto sp = run_coco(coco::test::with(cmd, {"--output", "json"}), "", env);
    CHECK(eq.exit_code == sp.exit_code);
    CHECK(eq.out == sp.out);
    CHECK(eq.err == sp.err);
  }
}

TEST_CASE("measure snp --append= measures the empty command line as sev-snp-measure does", "[cli][hostile][argv][snp]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const std::string ovmf = coco::test::shared_path("fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin");
  const std::vector<std::string> base = {"measure", "snp", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4",
                                         "--ovmf", ovmf, "--kernel", "/dev/null"};
  auto digest = [](const std::vector<std::string>& args) {
    const auto r = run_coco(args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out;
  };
  const std::string none = digest(base);
  REQUIRE(none.size() == 97);
  // specs/snp.md §4.3: an empty --append equals no --append.
  CHECK(digest(coco::test::with(base, {"--append="})) == none);
  CHECK(digest(coco::test::with(base, {"--append", ""})) == none);
  CHECK(digest(coco::test::with(base, {"--append=", "--guest-features=0x1"})) == none);
  CHECK(digest(coco::test::with(base, {"--append=", "--guest-features", "0x1"})) == none);
  // A command line that is really "--guest-features=0x1" differs, and both spellings agree on it.
  const std::string odd = digest(coco::test::with(base, {"--append", "--guest-features=0x1"}));
  CHECK(odd != none);
  CHECK(digest(coco::test::with(base, {"--append=--guest-features=0x1"})) == odd);
  CHECK(digest(coco::test::with(base, {"--guest-features=0x21"})) == digest(coco::test::with(base, {"--guest-features", "0x21"})));
  // Without --kernel an empty --append is no --append (sev-snp-measure: "" is false); a real one is refused.
  const std::vector<std::string> no_kernel(base.begin(), base.end() - 2);
  CHECK(digest(coco::test::with(no_kernel, {"--append="})) == digest(no_kernel));
  CHECK(run_coco(coco::test::with(no_kernel, {"--append=quiet"})).exit_code == 2);
  // An empty value where a file is needed is an error about that flag, not the next word.
  const auto r = run_coco(coco::test::with(base, {"--initrd=", "--append=quiet"}));
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, !Contains("--append=quiet"));
}

TEST_CASE("measure tdx --append= keeps --memory a flag", "[cli][hostile][argv][tdx]") {
  const std::string fw = "/usr/share/ovmf/OVMF.fd";
  if (!coco::file_exists(fw)) {
    WARN("skipped: " << fw << " is missing (apt-get install ovmf)");
    return;
  }
  coco::test::TempDir dir;
  const std::string kernel = dir.file("vmlinuz.efi");
  coco::write_file_atomic(kernel, coco::as_chars(coco::test::tdx::build_pe({}).bytes));
  const std::vector<std::string> base = {"measure", "tdx", "--output", "json", "--firmware", fw, "--kernel", kernel};
  const auto eq = run_coco(coco::test::with(base, {"--append=", "--memory=4G"}));
  INFO(eq.err);
  REQUIRE(eq.exit_code == 0);
  const auto sp = run_coco(coco::test::with(base, {"--append", "", "--memory", "4G"}));
  REQUIRE(sp.exit_code == 0);
  CHECK(eq.out == sp.out);
  const coco::Json j = coco::parse_json(eq.out, "stdout");
  CHECK(j["inputs"]["memory_bytes"] == 4ull << 30);
}
