// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/vectors/snp.tsv (sev-snp-measure 0.0.13 run on fixtures, Debian's OVMF
// and synthetic kernels; specs/snp.md §4) through the built coco, compared exactly.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/output.h"

using namespace coco;

namespace {

struct Row {
  std::size_t line;
  std::string ovmf, sha256, params, expected;
};

std::vector<Row> read_rows() {
  std::ifstream in(test::shared_path("vectors/snp.tsv"));
  std::vector<Row> rows;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    if (line == 1) continue;  // header
    std::vector<std::string> cols;
    for (std::size_t at = 0;;) {
      const auto tab = text.find('\t', at);
      cols.push_back(text.substr(at, tab - at));
      if (tab == std::string::npos) break;
      at = tab + 1;
    }
    if (cols.size() == 4) rows.push_back({line, cols[0], cols[1], cols[2], cols[3]});
  }
  return rows;
}

// The params column is a POSIX shell word list ('…' quoting, as Python's shlex.quote writes it).
std::vector<std::string> shell_words(const std::string& s) {
  std::vector<std::string> words;
  std::string w;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\'') {
      const auto end = s.find('\'', i + 1);
      w += s.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == ' ') {
      if (in_word) words.push_back(w), w.clear(), in_word = false;
    } else {
      w += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(w);
  return words;
}

std::string sha256_of_file(const std::string& path) { return to_hex(digest_file(Algo::Sha256, path)); }

}  // namespace

TEST_CASE("snp.tsv: every vector through coco measure snp", "[snp][vector][conformance]") {
  if (!coco::test::shared_available("vectors/snp.tsv") || !coco::test::shared_available("fixtures/sev-snp-measure")) return;
  test::TempDir dir;
  std::string kernel(1000003, '\0'), initrd(300001, '\0');  // snp.md §4.1 synthetic inputs
  for (std::size_t i = 0; i < kernel.size(); ++i) kernel[i] = static_cast<char>(i % 251);
  for (std::size_t i = 0; i < initrd.size(); ++i) initrd[i] = static_cast<char>(0x41 + i % 7);
  std::map<std::string, std::string> files = {
      {"kernel_a.bin", dir.write("kernel_a.bin", kernel)},
      {"initrd_a.bin", dir.write("initrd_a.bin", initrd)},
      {"svsm.bin", test::shared_path("fixtures/sev-snp-measure/svsm.bin")},
      {"/dev/null", "/dev/null"},
  };
  // Debian files stand in for the labels when they are the very bytes the vectors were made from.
  const std::map<std::string, std::pair<std::string, std::string>> debian = {
      {"deb12/OVMF.fd", {"/usr/share/ovmf/OVMF.fd", "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773"}},
      {"deb12/OVMF_VARS_4M.fd", {"/usr/share/OVMF/OVMF_VARS_4M.fd", "5d2ac383371b408398accee7ec27c8c09ea5b74a0de0ceea6513388b15be5d1e"}},
  };
  std::map<std::string, std::string> unavailable;  // label → why
  for (const auto& [label, where] : debian) {
    if (!file_exists(where.first)) unavailable[label] = where.first + " is missing (apt-get install ovmf)";
    else if (sha256_of_file(where.first) != where.second) unavailable[label] = where.first + " has another sha256 than the vectors' build";
    else files[label] = where.first;
  }
  auto resolve = [&](const std::string& name, std::string* why) -> std::string {
    if (name.rfind("fixtures/", 0) == 0) return test::shared_path("fixtures/sev-snp-measure/" + name.substr(9));
    if (unavailable.count(name)) *why = unavailable[name];
    return files.count(name) ? files[name] : name;
  };

  std::size_t ran = 0, errors = 0;
  std::vector<std::string> skipped;
  for (const Row& row : read_rows()) {
    INFO("snp.tsv line " << row.line << ": --ovmf=" << row.ovmf << " " << row.params);
    std::string why;
    std::vector<std::string> args = {"measure", "snp", "--ovmf", resolve(row.ovmf, &why)};
    for (const std::string& w : shell_words(row.params)) {
      const auto eq = w.find('=');
      const std::string flag = w.substr(0, eq), value = eq == std::string::npos ? "" : w.substr(eq + 1);
      const bool is_file = flag == "--kernel" || flag == "--initrd" || flag == "--svsm" || flag == "--vars-file";
      args.push_back(is_file ? flag + "=" + resolve(value, &why) : w);
    }
    if (!why.empty()) {
      skipped.push_back("line " + std::to_string(row.line) + ": " + why);
      continue;
    }
    if (row.ovmf.rfind("fixtures/", 0) == 0) REQUIRE(sha256_of_file(args[3]) == row.sha256);
    ++ran;
    if (row.expected.rfind("ERROR(rc=1): Error: ", 0) == 0) {
      const auto r = test::run_coco(args);
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK_THAT(r.err, Catch::Contains(row.expected.substr(20)));
      ++errors;
    } else if (row.params.find("--vcpus=0 ") != std::string::npos) {
      // coco refuses a guest without vCPUs (exit 2); the value the reference tool prints for it
      // is the digest before the VMSAs, which coco reports as stages.after_metadata.
      const auto refused = test::run_coco(args);
      CHECK(refused.exit_code == 2);
      CHECK_THAT(refused.err, Catch::Contains("--vcpus 0"));
      for (auto& a : args)
        if (a == "--vcpus=0") a = "--vcpus=1";
      args.push_back("--output=json");
      const auto r = test::run_coco(args);
      REQUIRE(r.exit_code == 0);
      CHECK(parse_json(r.out, "stdout")["stages"]["after_metadata"] == row.expected);
    } else {
      const auto r = test::run_coco(args);
      CHECK(r.exit_code == 0);
      CHECK(r.out == row.expected + "\n");
      CHECK((r.err.empty() || r.err.rfind("coco: warning: ", 0) == 0));  // e.g. --guest-features ignored in seves
    }
  }
  std::string report = "snp.tsv: " + std::to_string(ran) + " rows ran (" + std::to_string(errors) + " error rows), " +
                       std::to_string(skipped.size()) + " skipped";
  for (const auto& s : skipped) report += "\n  skipped " + s;
  WARN(report);
  CHECK(ran > 0);
  CHECK(ran + skipped.size() == read_rows().size());
  CHECK(read_rows().size() == 81);
}
