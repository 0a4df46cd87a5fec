// SPDX-License-Identifier: Apache-2.0
// regorus's Kata replays (../shared/vectors/rego/regorus/kata): each genpolicy policy (Rego v0)
// answers every recorded agent request, in order, as regorus did (outputs.json), and writes the
// same print lines (prints.json, formatted "<module>:<line>: <args>").
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "support/support.h"
#include "util/error.h"

namespace fs = std::filesystem;
using coco::rego::Engine;
using coco::rego::Json;

namespace {

using coco::test::slurp;

// `["ep":"<Entrypoint>",{…}],` → ["<Entrypoint>", {…}]
Json request_line(std::string line) {
  auto at = line.find("\"ep\":");
  if (at != std::string::npos) line.erase(at, 5);
  while (!line.empty() && (line.back() == ',' || line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
    line.pop_back();
  return Json::parse(line);
}

struct Replay {
  std::size_t requests = 0, answers_ok = 0, prints_ok = 0;
  std::vector<std::string> answer_failures, print_failures;
};

// `early_exit`: Engine::set_early_exit, as `coco policy test` evaluates (prints are then not
// compared: the bodies it skips print nothing).
Replay replay(const fs::path& dir, bool early_exit = false) {
  Replay r;
  std::string name = dir.filename().string();
  Engine e;
  e.set_early_exit(early_exit);
  e.add_module("tests/kata/data/" + name + "/policy.rego", slurp(dir / "policy.rego"), coco::rego::Syntax::V0);
  Json outputs = Json::parse(slurp(dir / "outputs.json"));
  Json prints = Json::parse(slurp(dir / "prints.json"));
  std::istringstream in(slurp(dir / "inputs.txt"));
  std::string line;
  std::size_t i = 0;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json req = request_line(line);
    std::string ep = req[0].get<std::string>();
    e.set_input(req[1]);
    std::optional<Json> got;
    std::string err;
    try {
      got = e.eval("data.agent_policy." + ep);
    } catch (const coco::Error& ex) {
      err = ex.what();
    }
    auto lines = e.take_prints();
    ++r.requests;
    const Json& want = outputs.at(i);
    if (err.empty() && got && *got == want) {
      ++r.answers_ok;
    } else {
      r.answer_failures.push_back(name + " #" + std::to_string(i) + " " + ep + ": want " + want.dump() + ", got " +
                                  (err.empty() ? (got ? got->dump() : "undefined") : err));
    }
    Json want_prints = prints.at(i);
    Json got_prints = Json::array();
    for (const auto& l : lines) got_prints.push_back(l);
    if (got_prints == want_prints) {
      ++r.prints_ok;
    } else {
      std::string detail;
      for (std::size_t k = 0; k < std::max(want_prints.size(), got_prints.size()); ++k) {
        std::string w = k < want_prints.size() ? want_prints[k].get<std::string>() : "<none>";
        std::string g = k < got_prints.size() ? got_prints[k].get<std::string>() : "<none>";
        if (w != g) {
          detail = "line " + std::to_string(k) + ": want `" + w.substr(0, 300) + "` got `" + g.substr(0, 300) + "`";
          break;
        }
      }
      r.print_failures.push_back(name + " #" + std::to_string(i) + " " + ep + ": " + detail);
    }
    ++i;
  }
  return r;
}

std::vector<fs::path> kata_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& d : fs::directory_iterator(coco::test::shared_path("vectors/rego/regorus/kata")))
    if (d.is_directory()) dirs.push_back(d.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace

TEST_CASE("rego Kata policies answer every replayed agent request as regorus does", "[rego][kata]") {
  if (!coco::test::shared_available("vectors/rego/regorus/kata")) return;
  std::size_t total = 0, ok = 0, prints_ok = 0;
  for (const auto& dir : kata_dirs()) {
    Replay r = replay(dir);
    std::printf("%s: %zu requests, %zu answers as regorus, %zu with the same print lines\n",
                dir.filename().string().c_str(), r.requests, r.answers_ok, r.prints_ok);
    for (const auto& f : r.answer_failures) UNSCOPED_INFO(f);
    for (std::size_t k = 0; k < r.print_failures.size() && k < 3; ++k) std::printf("  print mismatch %s\n", r.print_failures[k].c_str());
    total += r.requests;
    ok += r.answers_ok;
    prints_ok += r.prints_ok;
  }
  std::printf("kata total: %zu requests, %zu answers as regorus, %zu with the same print lines\n", total, ok, prints_ok);
  CHECK(total == 315);
  CHECK(ok == total);
  CHECK(prints_ok == total);
}

TEST_CASE("rego Kata policies answer every replayed request as regorus does with early exit", "[rego][kata]") {
  if (!coco::test::shared_available("vectors/rego/regorus/kata")) return;
  std::size_t total = 0, ok = 0;
  for (const auto& dir : kata_dirs()) {
    Replay r = replay(dir, true);
    for (const auto& f : r.answer_failures) UNSCOPED_INFO(f);
    total += r.requests;
    ok += r.answers_ok;
  }
  CHECK(total == 315);
  CHECK(ok == total);
}

TEST_CASE("rego large.rego with a trailing NUL fails cleanly", "[rego][kata]") {
  if (!coco::test::shared_available("vectors/rego/regorus/kata/large.rego")) return;
  Engine e;
  std::string src = slurp(coco::test::shared_path("vectors/rego/regorus/kata/large.rego"));
  REQUIRE(!src.empty());
  CHECK(src.back() == '\0');
  try {
    e.add_module("large.rego", src, coco::rego::Syntax::V0);
    SUCCEED("parsed");
  } catch (const coco::Error& err) {
    std::string msg = err.what();
    CHECK(msg.find("large.rego:") != std::string::npos);
  }
}
