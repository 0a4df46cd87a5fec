// SPDX-License-Identifier: Apache-2.0
// Issue 15 items 2-9 through the built binary: typos, help, flag spellings, the registry option
// group, quiet output, "-" for stdin/stdout, help layout and the smaller conventions.
#include <catch2/catch.hpp>
#include <sstream>

#include "cli/command_list.h"
#include "support/support.h"
#include "tdx/pe_builder.h"
#include "util/file.h"
#include "util/output.h"

using Catch::Matchers::Contains;
using coco::test::run_coco;
using coco::test::run_program;

namespace {


std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The long options of a command that take a value, read from its --help ("  --name VALUE"),
// and the global ones every command takes.
std::vector<std::string> value_options(const std::vector<std::string>& cmd) {
  std::vector<std::string> out = {"--output", "--color"};
  for (const auto& l : lines_of(run_coco(coco::test::with(cmd, {"--help"})).out)) {
    if (l.rfind("  -", 0) != 0) continue;
    // "  NAMES VALUE   description": the value name follows the names after one space, the
    // description after two or more (or on the next line).
    const auto names_end = l.find(' ', 2);
    if (names_end == std::string::npos || names_end + 1 >= l.size() || l[names_end + 1] == ' ') continue;  // a flag
    const std::string names = l.substr(2, names_end - 2);
    const auto long_at = names.find("--");
    if (long_at == std::string::npos) continue;
    out.push_back(names.substr(long_at, names.find(',', long_at) - long_at));  // the first long name
  }
  return out;
}

// The lines of one titled group of a --help page.
std::string help_group(const std::string& help, const std::string& title) {
  const auto at = help.find("\n" + title + ":\n");
  if (at == std::string::npos) return "";
  const auto end = help.find("\n\n", at + 1);
  return help.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

TEST_CASE("a misspelt command is reported as one whatever follows it", "[cli][usability]") {
  const auto a = run_coco({"mesure", "snp", "--ovmf", "x"});
  CHECK(a.exit_code == 2);
  CHECK_THAT(a.err, Contains("unknown command 'mesure' for 'coco'") && Contains("did you mean 'measure'?"));
  const auto b = run_coco({"polcy", "generate", "-f", "x"});
  CHECK(b.exit_code == 2);
  CHECK_THAT(b.err, Contains("unknown command 'polcy' for 'coco'") && Contains("did you mean 'policy'?"));
  const auto c = run_coco({"measure", "snpp", "--ovmf", "x"});
  CHECK(c.exit_code == 2);
  CHECK_THAT(c.err, Contains("unknown command 'snpp' for 'coco measure'") && Contains("did you mean 'snp'?"));
  // A global flag and its value before the typo are skipped, not taken for the command.
  const auto d = run_coco({"--output", "json", "verison"});
  CHECK_THAT(d.err, Contains("unknown command 'verison'") && Contains("did you mean 'version'?"));
}

TEST_CASE("coco help COMMAND and --version", "[cli][usability]") {
  const auto top = run_coco({"help"});
  CHECK(top.exit_code == 0);
  CHECK(top.out == run_coco({"--help"}).out);
  const auto sub = run_coco({"help", "measure", "snp"});
  CHECK(sub.exit_code == 0);
  CHECK(sub.out == run_coco({"measure", "snp", "--help"}).out);
  CHECK_THAT(sub.out, Contains("Usage: coco measure snp"));
  const auto typo = run_coco({"help", "mesure"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Contains("did you mean 'measure'?"));
  const auto v = run_coco({"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out == COCO_VERSION "\n");
}

TEST_CASE("every value option reads --flag=value as --flag value, and --flag= as an empty value", "[cli][usability][argv]") {
  coco::test::TempDir cache;
  const std::vector<std::string> env = {"XDG_CACHE_HOME=" + cache.path().string()};
  std::size_t checked = 0;
  for (const auto& cmd : coco::test::kAllCommands) {
    const auto options = value_options(cmd);
    for (const auto& o : options) {
      INFO(cmd.front() << (cmd.size() > 1 ? " " + cmd[1] : "") << " " << o);
      // A value no option accepts as valid data and no file is named: both spellings must give
      // the same answer (success or the same error about the same value).
      // (A path that cannot exist: an output option writes nothing, an input one reads nothing.)
      const std::string value = "/nonexistent-coco-test/value";
      const auto eq = run_coco(coco::test::with(cmd, {o + "=" + value}), "", env);
      const auto sp = run_coco(coco::test::with(cmd, {o, value}), "", env);
      CHECK(eq.exit_code == sp.exit_code);
      CHECK(eq.out == sp.out);
      CHECK(eq.err == sp.err);
      // "--flag=" is the empty value, never the next word.
      const auto empty_eq = run_coco(coco::test::with(cmd, {o + "=", "--quiet"}), "", env);
      const auto empty_sp = run_coco(coco::test::with(cmd, {o, "", "--quiet"}), "", env);
      CHECK(empty_eq.exit_code == empty_sp.exit_code);
      CHECK(empty_eq.err == empty_sp.err);
      ++checked;
    }
  }
  CHECK(checked > 60);
}

TEST_CASE("one registry option group, the same text on every command that reads images", "[cli][usability]") {
  const std::string title = "Registry and image options";
  const std::string reference = help_group(run_coco({"image", "inspect", "--help"}).out, title);
  REQUIRE_FALSE(reference.empty());
  for (const char* flag : {"--authfile", "--insecure-registry", "--cache-dir", "--no-cache", "--jobs", "--retries",
                           "--platform"})
    CHECK_THAT(reference, Contains(flag));
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"image", "hash"}, {"policy", "generate"}, {"policy", "test"}}) {
    INFO(cmd[0] << " " << cmd[1]);
    CHECK(help_group(run_coco(coco::test::with(cmd, {"--help"})).out, title) == reference);
  }
  // policy generate takes the --authfile it names in its errors (a missing file: exit 1).
  const auto r = run_coco({"policy", "generate", "-f", "-", "--authfile", "/nonexistent/auth.json"}, "");
  CHECK(r.exit_code == 1);
  CHECK(r.err == "coco: /nonexistent/auth.json: cannot open: No such file or directory\n");
}

TEST_CASE("unsupported transports and bare paths fail at once with what to write", "[cli][usability][oci]") {
  for (const char* ref : {"containers-storage:busybox", "docker-daemon:busybox:latest", "ostree:x", "sif:/tmp/x.sif"}) {
    INFO(ref);
    const auto r = run_coco({"image", "inspect", ref});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("unsupported transport") && Contains("(supported: docker://, oci:, oci-archive:, "
                                                                     "docker-archive:, dir:)"));
  }
  coco::test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "layout");
  dir.write("layout/oci-layout", R"({"imageLayoutVersion": "1.0.0"})");
  const auto bare = run_coco({"image", "hash", dir.file("layout")});
  CHECK(bare.exit_code == 2);
  CHECK_THAT(bare.err, Contains("did you mean oci:" + dir.file("layout") + "?"));
  const auto tar = run_coco({"image", "inspect", dir.write("image.tar", "")});
  CHECK(tar.exit_code == 2);
  CHECK_THAT(tar.err, Contains("did you mean docker-archive:"));
  // docker:// still names a registry image whatever it looks like.
  CHECK_THAT(run_coco({"image", "inspect", "docker://containers-storage", "--retries", "0"}, "",
                      {"HTTPS_PROXY=http://127.0.0.1:9", "https_proxy=http://127.0.0.1:9"}).err,
             !Contains("unsupported transport"));
}

TEST_CASE("quiet output: -q prints the primary values one per line, and each help says which", "[cli][usability]") {
  CHECK(run_coco({"version", "-q"}).out == COCO_VERSION "\n");
  CHECK(run_coco({"-q", "version", "--output", "json"}).out.front() == '{');  // -q shapes the text form only
  coco::test::TempDir dir;
  const auto cache = run_coco({"cache", "dir", "--cache-dir", dir.path().string(), "-q"});
  CHECK(cache.out == dir.path().string() + "\n");
  const auto key = run_coco({"key", "generate", "-o", dir.file("k.key"), "-q"});
  CHECK(key.out == dir.file("k.pub") + "\n");
  const std::string file = dir.write("a.txt", "hello\n");
  CHECK(run_coco({"sign", file, "--key", dir.file("k.key"), "-q"}).out == file + ".sigstore.json\n");
  CHECK(run_coco({"verify", file, "--key", dir.file("k.pub"), "-q"}).out == file + "\n");
  const std::string fw = "/usr/share/ovmf/OVMF.fd";
  if (coco::file_exists(fw)) {
    const std::string kernel = dir.file("vmlinuz.efi");
    coco::write_file_atomic(kernel, coco::as_chars(coco::test::tdx::build_pe({}).bytes));
    const auto tdx = run_coco({"measure", "tdx", "--firmware", fw, "--kernel", kernel, "-q"});
    INFO(tdx.err);
    REQUIRE(tdx.exit_code == 0);
    const auto l = lines_of(tdx.out);
    REQUIRE(l.size() == 5);  // MRTD, RTMR0-3
    const auto json =
        coco::parse_json(run_coco({"measure", "tdx", "--firmware", fw, "--kernel", kernel, "--output", "json"}).out, "json");
    CHECK(l[0] == json["mrtd"].get<std::string>());
    for (std::size_t i = 0; i < 4; ++i)
      CHECK(l[i + 1] == (json["rtmr"][i].is_null() ? "null" : json["rtmr"][i].get<std::string>()));
  } else {
    WARN("measure tdx -q not exercised: " << fw << " is missing (apt-get install ovmf)");
  }
  for (const auto& cmd : coco::test::kAllCommands) {
    if (cmd.front() == "completion") continue;  // prints a script, nothing to reduce
    INFO(cmd.front() << (cmd.size() > 1 ? " " + cmd[1] : ""));
    CHECK_THAT(run_coco(coco::test::with(cmd, {"--help"})).out, Contains("With -q, prints only"));
  }
}

TEST_CASE("stdin and stdout: - is stdin for inputs and stdout for -o", "[cli][usability]") {
  coco::test::TempDir dir;
  REQUIRE(run_coco({"key", "generate", "-o", dir.file("k.key")}).exit_code == 0);
  const std::string file = dir.write("a.txt", "hello\n");
  const auto signed_out = run_coco({"sign", file, "--key", dir.file("k.key"), "-o", "-"});
  REQUIRE(signed_out.exit_code == 0);
  CHECK_FALSE(coco::file_exists(dir.file("-")));
  CHECK(coco::parse_json(signed_out.out, "stdout").contains("dsseEnvelope"));
  const auto verified = run_coco({"verify", file, "--bundle", "-", "--key", dir.file("k.pub")}, signed_out.out);
  CHECK(verified.exit_code == 0);
  CHECK_THAT(verified.out, Contains("verified: " + file));
  // A tampered bundle on stdin fails as a file would.
  std::string tampered = signed_out.out;
  tampered[tampered.find("\"sig\": \"") + 9] ^= 1;
  CHECK(run_coco({"verify", file, "--bundle", "-", "--key", dir.file("k.pub")}, tampered).exit_code == 1);
  // refvals reads another command's JSON from stdin.
  const std::string d48(96, 'a');
  const std::string snp = R"({"mode": "snp", "launch_digest": ")" + d48 + R"("})";
  const auto rv = run_coco({"refvals", "--snp", "-", "--format", "json", "--encoding", "hex", "-o", "-"}, snp);
  REQUIRE(rv.exit_code == 0);
  CHECK(coco::parse_json(rv.out, "stdout")["reference_values"][0]["values"][0] == d48);
}

TEST_CASE("help wraps to 80 columns off a terminal, without CLI11 type names, with group examples", "[cli][usability][man]") {
  std::vector<std::vector<std::string>> pages = coco::test::kAllCommands;
  for (const char* g : {"measure", "snp", "tdx", "image", "cache", "policy", "key"}) pages.push_back({g});
  pages.push_back({});
  for (const auto& cmd : pages) {
    const auto help = run_coco(coco::test::with(cmd, {"--help"}));
    INFO((cmd.empty() ? "coco" : cmd.front()) << (cmd.size() > 1 ? " " + cmd[1] : ""));
    CHECK(help.exit_code == 0);
    for (const auto& l : lines_of(help.out)) {
      INFO(l);
      // Example lines are commands to copy, kept whole.
      if (l.rfind("  coco ", 0) != 0 && l.rfind("  openssl ", 0) != 0 && l.rfind("  LD=", 0) != 0 &&
          l.rfind("  source ", 0) != 0 && l.rfind("  cat ", 0) != 0)
        CHECK(l.size() <= 80);
    }
    for (const char* noise : {"TEXT", "UINT", ":INT", "INT in [", "REQUIRED", "=64GiB", "{none,", "VALUE:"})
      CHECK_THAT(help.out, !Contains(noise));
    if (cmd.size() == 1 && cmd.front() != "version" && cmd.front() != "sign" && cmd.front() != "verify" &&
        cmd.front() != "refvals")
      CHECK_THAT(help.out, Contains("Examples:\n  coco " + cmd.front() + " "));
  }
  // Defaults are said one way: "(default: X)".
  const auto hash = run_coco({"image", "hash", "--help"}).out;
  CHECK_THAT(hash, Contains("(default: 4)") && Contains("(default: 64GiB)"));
}

TEST_CASE("man pages render without warnings in man itself", "[cli][usability][man]") {
  if (!coco::test::have_program("man")) {
    WARN("man is not installed: man --warnings not run");
    return;
  }
  for (const auto& e : std::filesystem::directory_iterator(coco::test::source_path("man"))) {
    INFO(e.path().filename().string());
    const auto r = run_program({"man", "--warnings", "-l", e.path().string()}, "", {"MANPAGER=cat", "MANWIDTH=80"});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
    CHECK(r.out.size() > 200);
  }
}

TEST_CASE("smaller conventions of issue 15 item 9", "[cli][usability][hostile]") {
  // A missing input is exit 1 in coco's words in sign and verify too.
  coco::test::TempDir dir;
  REQUIRE(run_coco({"key", "generate", "-o", dir.file("k.key")}).exit_code == 0);
  const auto sign = run_coco({"sign", "/nonexistent/a.txt", "--key", dir.file("k.key")});
  CHECK(sign.exit_code == 1);
  CHECK(sign.err == "coco: /nonexistent/a.txt: cannot open: No such file or directory\n");
  const auto verify = run_coco({"verify", dir.write("a.txt", "x"), "--key", "/nonexistent/k.pub"});
  CHECK(verify.exit_code == 1);
  CHECK(verify.err == "coco: /nonexistent/k.pub: cannot open: No such file or directory\n");

  // refvals: no time-dependent default, a warning on the encoding it picked, and another
  // command's JSON named as such.
  const std::string snp = dir.write("snp.json", R"({"mode": "snp", "launch_digest": ")" + std::string(96, 'b') + R"("})");
  const auto a = run_coco({"refvals", "--snp", snp, "--format", "json"});
  REQUIRE(a.exit_code == 0);
  CHECK(coco::parse_json(a.out, "stdout")["expiration"].is_null());
  CHECK_THAT(a.err, Contains("warning") && Contains("--trustee-version"));
  CHECK(run_coco({"refvals", "--snp", snp, "--format", "json", "--trustee-version", "v0.18.0"}).err == "");
  CHECK(run_coco({"refvals", "--snp", snp, "--format", "trustee-configmap"}).exit_code == 2);
  const std::string tdx = dir.write("tdx.json", R"({"mrtd": ")" + std::string(96, 'c') + R"(", "rtmr": [null, null, null, null]})");
  const auto wrong = run_coco({"refvals", "--snp", tdx});
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Contains("this is the output of 'coco measure tdx --output json'; --snp reads 'coco measure snp"));

  // key generate refuses an empty passphrase.
  const auto empty = run_coco({"key", "generate", "-o", dir.file("e.key")}, "", {"COCO_KEY_PASSWORD="});
  CHECK(empty.exit_code == 1);
  CHECK_THAT(empty.err, Contains("empty passphrase"));
  CHECK_FALSE(coco::file_exists(dir.file("e.key")));

  // snp id-block says whether the author key is enabled.
  const std::string id = dir.file("id.pem");
  REQUIRE(run_program({"openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", id}).exit_code == 0);
  const auto block = run_coco({"snp", "id-block", "--measurement", std::string(96, 'a'), "--id-key", id});
  REQUIRE(block.exit_code == 0);
  CHECK_THAT(block.out, Contains("\nauthor-key-enabled: off\n"));
  CHECK_THAT(run_coco({"snp", "id-block", "--measurement", std::string(96, 'a'), "--id-key", id, "-q"}).out,
             Contains(",author-key-enabled=off\n"));
}

TEST_CASE("tdx replay and measure tdx --explain name registers alike", "[cli][usability][tdx]") {
  const std::string fw = "/usr/share/ovmf/OVMF.fd";
  if (!coco::file_exists(fw)) {
    WARN("skipped: " << fw << " is missing (apt-get install ovmf)");
    return;
  }
  coco::test::TempDir dir;
  const std::string kernel = dir.file("vmlinuz.efi");
  coco::write_file_atomic(kernel, coco::as_chars(coco::test::tdx::build_pe({}).bytes));
  const auto explain = run_coco({"measure", "tdx", "--firmware", fw, "--kernel", kernel, "--explain"});
  INFO(explain.err);
  REQUIRE(explain.exit_code == 0);
  CHECK_THAT(explain.out, Contains("REGISTER  #") && Contains("\nRTMR0     "));
  if (!coco::test::shared_available("fixtures/ccel")) return;
  const auto replay = run_coco({"tdx", "replay", "--ccel", coco::test::shared_path("fixtures/ccel/dstack-sample-ccel.bin")});
  REQUIRE(replay.exit_code == 0);
  CHECK_THAT(replay.out, Contains("OFFSET    REGISTER  TYPE") && Contains("RTMR0     "));
}
