// SPDX-License-Identifier: Apache-2.0
// Hostile modules and requests: a policy is untrusted input (`--rules`), so every one of these
// must end in a coco::Error naming the place, or a normal answer — never a crash or a hang.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "support/support.h"
#include "util/error.h"

using coco::rego::Engine;
using coco::rego::Json;
using coco::rego::Limits;
using coco::rego::Syntax;

namespace {

using coco::test::slurp;

// The message of the coco::Error `fn` throws; fails the test if it throws anything else or nothing.
template <class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const coco::Error& e) {
    return e.what();
  }
  FAIL("no coco::Error was thrown");
  return {};
}

}  // namespace

TEST_CASE("rego deep nesting in a module is a parse error naming the place", "[rego][hostile]") {
  for (const char* open : {"[", "{", "(", "[x | "}) {
    std::string src = "package p\nx := ";
    for (int i = 0; i < 100000; ++i) src += open;
    Engine e;
    std::string msg = error_of([&] { e.add_module("deep.rego", src); });
    CHECK(msg.find("deep.rego:2:") != std::string::npos);
    CHECK(msg.find("nesting deeper than 256") != std::string::npos);
  }
  std::string nots = "package p\nx if { ";
  for (int i = 0; i < 100000; ++i) nots += "not ";
  nots += "true }";
  Engine e;
  CHECK(error_of([&] { e.add_module("nots.rego", nots); }).find("nesting deeper") != std::string::npos);
}

TEST_CASE("rego deeply nested input JSON is refused, not recursed into", "[rego][hostile]") {
  std::string text(100000, '[');
  text += std::string(100000, ']');
  Json deep = Json::parse(text);
  Engine e;
  e.add_module("p.rego", "package p\nx := count(input)\n");
  std::string msg = error_of([&] { e.set_input(deep); });
  CHECK(msg.find("nested deeper than 1000") != std::string::npos);
}

TEST_CASE("rego huge comprehensions stop at the step budget", "[rego][hostile]") {
  Limits limits;
  limits.max_steps = 200'000;
  Engine e(limits);
  e.add_module("huge.rego", "package p\nn := count([1 | some a in input; some b in input; some c in input])\n");
  Json xs = Json::array();
  for (int i = 0; i < 1000; ++i) xs.push_back(i);
  e.set_input(xs);
  std::string msg = error_of([&] { e.eval("data.p.n"); });
  CHECK(msg.find("huge.rego:2:") != std::string::npos);
  CHECK(msg.find("exceeded 200000 steps") != std::string::npos);
}

TEST_CASE("rego unbounded recursion through functions stops at the call depth", "[rego][hostile]") {
  Engine e;  // recursion is refused by the compile step, before it can run
  e.add_module("rec.rego", "package p\nf(x) := y if { y := f(x + 1) }\nr := f(0)\n");
  std::string msg = error_of([&] { e.eval("data.p.r"); });
  CHECK(msg.find("rec.rego:2:") != std::string::npos);
  CHECK(msg.find("rego_recursion_error") != std::string::npos);
  // A chain of 300 distinct functions is no recursion, and still stops at the call depth.
  std::string chain = "package p\nr := f0(0)\n";
  for (int i = 0; i < 300; ++i) chain += "f" + std::to_string(i) + "(x) := f" + std::to_string(i + 1) + "(x + 1)\n";
  chain += "f300(x) := x\n";
  Engine d;
  d.add_module("chain.rego", chain);
  msg = error_of([&] { d.eval("data.p.r"); });
  CHECK(msg.find("chain.rego:") != std::string::npos);
  CHECK((msg.find("nested deeper than 256") != std::string::npos || msg.find("stack budget") != std::string::npos));
  Engine g;
  g.add_module("rule.rego", "package p\na := b\nb := a\n");
  CHECK(error_of([&] { g.eval("data.p.a"); }).find("rego_recursion_error") != std::string::npos);
}

TEST_CASE("rego 10 MB strings in input and in a module", "[rego][hostile]") {
  std::string big(10u << 20, 'a');
  Engine e;
  e.add_module("big.rego", "package p\nn := count(input.s)\nm := regex.match(\"^a+$\", input.s)\ns := count(split(input.s, \"b\"))\nbig := \"" + big + "\"\n");
  e.set_input(Json{{"s", big}});
  CHECK(e.eval("data.p.n") == Json(10u << 20));
  CHECK(e.eval("data.p.m") == Json(true));
  CHECK(e.eval("data.p.s") == Json(1));
  CHECK(e.eval("data.p.big")->get<std::string>().size() == big.size());
}

TEST_CASE("rego random mutations of a Kata policy and of its requests never crash", "[rego][hostile]") {
  const std::string dir = "vectors/rego/regorus/kata/pod-cm1";
  if (!coco::test::shared_available(dir)) return;
  std::string policy = slurp(coco::test::shared_path(dir + "/policy.rego"));
  std::istringstream in(slurp(coco::test::shared_path(dir + "/inputs.txt")));
  std::vector<std::pair<std::string, Json>> requests;
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find("\"ep\":");
    if (at == std::string::npos) continue;
    line.erase(at, 5);
    while (!line.empty() && (line.back() == ',' || line.back() == '\r')) line.pop_back();
    Json r = Json::parse(line);
    requests.emplace_back(r[0].get<std::string>(), r[1]);
  }
  REQUIRE(requests.size() == 25);
  std::mt19937 rng(13);
  const std::string alphabet = "{}[]()=:;,. \n\"`x_0-+*|&!<>#\\";
  Limits limits;
  limits.max_steps = 2'000'000;
  std::size_t parsed = 0, errors = 0, answered = 0;
  for (int round = 0; round < 120; ++round) {
    std::string src = policy;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      std::size_t pos = rng() % src.size();
      switch (rng() % 3) {
        case 0: src.erase(pos, 1 + rng() % 8); break;
        case 1: src.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        default: src[pos] = alphabet[rng() % alphabet.size()];
      }
    }
    Engine e(limits);
    try {
      e.add_module("mutant.rego", src, Syntax::V0);
      ++parsed;
      const auto& [ep, req] = requests[rng() % requests.size()];
      e.set_input(req);
      e.eval("data.agent_policy." + ep);
      ++answered;
    } catch (const coco::Error& err) {
      ++errors;
      CHECK(std::string(err.what()).find("mutant.rego:") != std::string::npos);
    }
  }
  CHECK(parsed + (120 - parsed) == 120);
  CHECK(errors > 0);
  CHECK(answered > 0);

  // Requests: replace random members with values of other types.
  Engine e(limits);
  e.add_module("policy.rego", policy, Syntax::V0);
  const Json replacements[] = {nullptr, 0, -1, 1e300, "", "x", Json::array(), Json::object(), true,
                               Json::array({1, "a", nullptr})};
  std::size_t evaluated = 0;
  for (int round = 0; round < 200; ++round) {
    auto [ep, req] = requests[rng() % requests.size()];
    for (int k = 0; k < 3; ++k) {
      Json* node = &req;
      for (int depth = 0; depth < 6 && (node->is_object() || node->is_array()) && !node->empty(); ++depth) {
        auto it = node->begin();
        std::advance(it, static_cast<long>(rng() % node->size()));
        node = &*it;
      }
      *node = replacements[rng() % std::size(replacements)];
    }
    e.set_input(req);
    try {
      auto v = e.eval("data.agent_policy." + ep);
      ++evaluated;
      if (v) CHECK(v->is_boolean());
    } catch (const coco::Error& err) {
      CHECK(std::string(err.what()).find("policy.rego:") != std::string::npos);
    }
  }
  CHECK(evaluated > 0);
}
