// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the command tree and its conventions, through the built binary.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support/support.h"
#include "util/file.h"
#include "util/output.h"

using coco::test::run_coco;
using coco::test::run_program;

namespace {
std::size_t count_lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }
}  // namespace

TEST_CASE("coco version: text and JSON that matches its schema", "[cli]") {
  const auto text = run_coco({"version"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.rfind("coco " COCO_VERSION " (commit ", 0) == 0);
  const auto json = run_coco({"version", "--output", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(coco::parse_json(json.out, "stdout")["version"] == COCO_VERSION);
  CHECK(coco::test::schema_errors("version.schema.json", json.out) == "");
  const auto yaml = run_coco({"--output", "yaml", "version"});
  CHECK(yaml.exit_code == 0);
  CHECK(yaml.out.rfind("version: " COCO_VERSION, 0) == 0);
}

TEST_CASE("the schema check can fail", "[cli]") {
  CHECK(coco::test::schema_errors("version.schema.json", R"({"version": "1.0.0"})") != "");
}

TEST_CASE("usage errors exit 2 with one line and a hint", "[cli][hostile]") {
  const auto bogus = run_coco({"--bogus"});
  CHECK(bogus.exit_code == 2);
  CHECK(bogus.out.empty());
  CHECK(count_lines(bogus.err) == 2);  // the message, then where to find usage
  CHECK(bogus.err.rfind("coco: ", 0) == 0);
  CHECK_THAT(bogus.err, Catch::Contains("--bogus") && Catch::Contains("coco --help"));

  const auto typo = run_coco({"verson"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Catch::Contains("did you mean 'version'?"));

  const auto flag_typo = run_coco({"version", "--outptu", "json"});
  CHECK(flag_typo.exit_code == 2);
  CHECK_THAT(flag_typo.err, Catch::Contains("did you mean '--output'?"));

  CHECK(run_coco({}).exit_code == 2);
  const auto bad_value = run_coco({"version", "--output", "xml"});
  CHECK(bad_value.exit_code == 2);
  CHECK_THAT(bad_value.err, Catch::Contains("xml"));
  CHECK(run_coco({"completion", "tcsh"}).exit_code == 2);
}

TEST_CASE("a missing input file exits 1 and names the file", "[cli][hostile]") {
  const auto r = run_coco({"measure", "snp", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--ovmf",
                           "/nonexistent/OVMF.fd"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "coco: /nonexistent/OVMF.fd: cannot open: No such file or directory\n");
}

TEST_CASE("help: --help exits 0 and shows examples", "[cli]") {
  const auto help = run_coco({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("Examples:") && Catch::Contains("version"));
  const auto sub = run_coco({"completion", "--help"});
  CHECK(sub.exit_code == 0);
  CHECK_THAT(sub.out, Catch::Contains("completion bash"));
}

TEST_CASE("as kubectl-coco the usage says 'kubectl coco'", "[cli]") {
  const auto help = run_coco({"--help"}, "", {}, "kubectl-coco");
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("kubectl coco"));
  const auto bad = run_coco({"--bogus"}, "", {}, "kubectl-coco");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("Run 'kubectl coco --help'"));
}

TEST_CASE("__complete speaks the cobra protocol", "[cli][completion]") {
  const auto top = run_coco({"__complete", "vers"});  // "ver" also offers verify
  CHECK(top.exit_code == 0);
  CHECK(top.out == "version\tPrint coco's version and the libraries it uses\n:4\n");

  const auto flags = run_coco({"__complete", "version", "--out"});
  CHECK(flags.out.rfind("--output\t", 0) == 0);
  CHECK_THAT(flags.out, Catch::EndsWith(":4\n"));

  const auto values = run_coco({"__complete", "version", "--output", ""});
  CHECK(values.out == "text\njson\nyaml\n:4\n");
  const auto eq = run_coco({"__complete", "--color=al"});
  CHECK(eq.out == "--color=always\n:4\n");
  const auto shells = run_coco({"__complete", "completion", "z"});
  CHECK(shells.out == ":0\n");  // a positional with choices: no subcommands to offer

  // kubectl >= 1.26 runs kubectl_complete-coco with the words.
  const auto plugin = run_coco({"vers"}, "", {}, "kubectl_complete-coco");
  CHECK(plugin.out == "version\tPrint coco's version and the libraries it uses\n:4\n");
}

TEST_CASE("coco completion prints the committed scripts", "[cli][completion]") {
  const std::pair<const char*, const char*> shells[] = {
      {"bash", "completions/coco.bash"}, {"zsh", "completions/_coco"}, {"fish", "completions/coco.fish"}};
  for (const auto& [shell, file] : shells) {
    INFO(shell);
    const auto r = run_coco({"completion", shell});
    CHECK(r.exit_code == 0);
    CHECK(r.out == coco::read_text_file(coco::test::source_path(file)));
  }
}

TEST_CASE("bash completes 'coco ver<TAB>' and '--output <TAB>' through the script", "[cli][completion]") {
  coco::test::TempDir dir;
  const std::string bin = dir.file("coco");
  std::filesystem::create_symlink(COCO_BINARY, bin);
  const std::string script = coco::test::source_path("completions/coco.bash");
  // COMP_LINE is the line as typed (the script reads the words from it); COMP_WORDS is bash's
  // split of it at COMP_WORDBREAKS.
  auto complete = [&](const std::string& words, int cword) {
    return run_program({"bash", "-c",
                        "source '" + script + "'; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                            std::to_string(cword) + "; COMP_LINE=\"${COMP_WORDS[*]}\"; "
                            "COMP_POINT=${#COMP_LINE}; _coco_complete; printf '%s\\n' \"${COMPREPLY[@]}\""},
                       "", {"PATH=" + dir.path().string() + ":/usr/bin:/bin"});
  };
  CHECK(complete("coco ver", 1).out == "version\nverify\n");
  CHECK(complete("coco me", 1).out == "measure\n");
  CHECK(complete("coco measure snp --vmm-type ''", 4).out == "qemu\nec2\ngce\n");
  CHECK(complete("coco vers", 1).out == "version\n");  // "ver" also offers verify
  CHECK(complete("coco version --output ''", 3).out == "text\njson\nyaml\n");
}

TEST_CASE("fish completes through the script, zsh accepts its script", "[cli][completion]") {
  coco::test::TempDir dir;
  std::filesystem::create_symlink(COCO_BINARY, dir.file("coco"));
  const std::string path = "PATH=" + dir.path().string() + ":/usr/bin:/bin";
  if (coco::test::have_program("fish")) {
    const auto r = run_program({"fish", "--no-config", "-c",
                                "source " + coco::test::source_path("completions/coco.fish") +
                                    "; complete -C 'coco vers'; complete -C 'coco version --output y'"},
                               "", {path});
    CHECK(r.out == "version\tPrint coco's version and the libraries it uses\nyaml\n");
  } else {
    WARN("fish is not installed: fish completion not exercised");
  }
  if (coco::test::have_program("zsh"))
    CHECK(run_program({"zsh", "-n", coco::test::source_path("completions/_coco")}).exit_code == 0);
}

TEST_CASE("man pages match the command tree and render", "[cli][man]") {
  coco::test::TempDir dir;
  REQUIRE(run_coco({"__man", "--dir", dir.path().string()}).exit_code == 0);
  std::size_t pages = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++pages;
    const std::string name = e.path().filename().string();
    INFO(name << ": regenerate with `cmake --build build --target man`");
    const std::string committed = coco::test::source_path("man/" + name);
    REQUIRE(std::filesystem::exists(committed));
    CHECK(coco::read_text_file(e.path().string()) == coco::read_text_file(committed));
    const auto lint = run_program({"groff", "-man", "-ww", "-z", e.path().string()});
    CHECK(lint.exit_code == 0);
    CHECK(lint.err == "");
  }
  std::size_t committed_pages = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(coco::test::source_path("man"))) ++committed_pages;
  CHECK(committed_pages == pages);
  CHECK(pages >= 3);
}
