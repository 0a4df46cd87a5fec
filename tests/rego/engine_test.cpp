// SPDX-License-Identifier: Apache-2.0
// The Engine facade (rego.h) as lib/policy and `coco policy explain` use it: eval vs query,
// undefined vs false, print of undefined values, strict builtin errors, conflicts, `with`,
// v0 syntax, and the tracer's Fail events (location, source text, locals).
#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "rego/rego_test_util.h"
#include "util/error.h"

using coco::rego::Engine;
using coco::rego::Json;
using coco::rego::Syntax;
using coco::rego::TraceEvent;

TEST_CASE("rego eval distinguishes undefined from false and returns sets as sorted arrays", "[rego]") {
  Engine e;
  e.add_module("p.rego", R"(package p
default allow := false
allow if input.user == "alice"
never if false
s contains x if some x in ["b", "a", "b"]
obj[k] := v if some k, v in {"x": 1, "y": 2}
)");
  CHECK(e.eval("data.p.allow") == Json(false));
  e.set_input(Json{{"user", "alice"}});
  CHECK(e.eval("data.p.allow") == Json(true));
  CHECK_FALSE(e.eval("data.p.never").has_value());
  CHECK_FALSE(e.eval("data.p.missing").has_value());
  CHECK(e.eval("data.p.s") == Json::array({"a", "b"}));
  CHECK(e.eval("data.p.obj") == Json{{"x", 1}, {"y", 2}});
  e.clear_input();
  CHECK(e.eval("data.p.allow") == Json(false));
}

TEST_CASE("rego query returns one row per solution with the named variables", "[rego]") {
  Engine e;
  e.set_data(Json{{"xs", Json::array({1, 2, 3})}});
  auto rows = e.query("x := data.xs[i]; x > 1");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].at("x") == Json(2));
  CHECK(rows[0].at("i") == Json(1));
  CHECK(rows[1].at("x") == Json(3));
  CHECK(e.query("data.xs[_] == 7").empty());
}

TEST_CASE("rego print writes undefined arguments as <undefined> and does not fail the body", "[rego]") {
  Engine e;
  e.add_module("k.rego", "package k\n\nr {\n    print(\"state:\", input.missing, 1, {\"a\": [true]})\n    true\n}\n",
               Syntax::V0);
  CHECK(e.eval("data.k.r") == Json(true));
  auto lines = e.take_prints();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "k.rego:4: state: <undefined> 1 {\"a\": [true]}");
  CHECK(e.take_prints().empty());
}

TEST_CASE("rego builtin errors are undefined unless strict, then name the place", "[rego]") {
  Engine e;
  e.add_module("d.rego", "package d\nx := 1 / input.n\n");
  e.set_input(Json{{"n", 0}});
  CHECK_FALSE(e.eval("data.d.x").has_value());
  e.set_strict_builtin_errors(true);
  std::string msg = coco::test::eval_error(e, "data.d.x");
  CHECK(msg.find("d.rego:2:6") != std::string::npos);
  CHECK(msg.find("eval_builtin_error: div: divide by zero") != std::string::npos);
}

TEST_CASE("rego conflicting complete rules are an eval_conflict_error", "[rego]") {
  Engine e;
  e.add_module("c.rego", "package c\np := 1\np := 2\n");
  CHECK(coco::test::eval_error(e, "data.c.p").find("eval_conflict_error") != std::string::npos);
}

TEST_CASE("rego syntax errors name the file line and column", "[rego]") {
  Engine e;
  try {
    e.add_module("bad.rego", "package p\n\nallow if {\n  x := [1, 2\n}\n");
    FAIL("no error");
  } catch (const coco::Error& err) {
    CHECK(std::string(err.what()).find("bad.rego:5:1") != std::string::npos);
  }
}

TEST_CASE("rego with replaces input and data for one expression", "[rego]") {
  Engine e;
  e.add_module("w.rego", R"(package w
q := input.v
p := [a, b] if {
  a := q with input.v as 1
  b := q with input.v as 2
}
r := x if { x := data.w.q with data.w.q as "mocked" }
)");
  CHECK(e.eval("data.w.p") == Json::array({1, 2}));
  CHECK(e.eval("data.w.r") == Json("mocked"));
}

TEST_CASE("rego tracer reports the failing expression with its text and locals", "[rego]") {
  Engine e;
  e.add_module("t.rego", R"(package t
allow if {
  n := count(input.items)
  n > 2
}
)");
  e.set_input(Json{{"items", Json::array({1, 2})}});
  std::vector<TraceEvent> events;
  e.set_tracer([&](const TraceEvent& ev) { events.push_back(ev); });
  CHECK_FALSE(e.eval("data.t.allow").has_value());
  const TraceEvent* fail = nullptr;
  for (const auto& ev : events)
    if (ev.kind == TraceEvent::Kind::Fail && ev.location.rfind("t.rego:", 0) == 0) fail = &ev;
  REQUIRE(fail != nullptr);
  CHECK(fail->location == "t.rego:4:3");
  CHECK(fail->text == "n > 2");
  CHECK(fail->depth == 1);
  REQUIRE(fail->locals.size() == 1);
  CHECK(fail->locals[0].first == "n");
  CHECK(fail->locals[0].second == Json(2));
  bool entered = false;
  for (const auto& ev : events)
    if (ev.kind == TraceEvent::Kind::Enter && ev.text == "allow") entered = true;
  CHECK(entered);
  e.set_tracer({});
  events.clear();
  e.eval("data.t.allow");
  CHECK(events.empty());
}

TEST_CASE("rego v0 modules with future keywords and legacy builtin calls", "[rego]") {
  Engine e;
  e.add_module("v0.rego", R"(package v0
import future.keywords.in
import future.keywords.every

default ok = false
ok {
  every x in input.xs { x > 0 }
  some y in input.xs
  y == 2
  count(input.xs, n)
  n == 3
}
names[n] { n := input.names[_] }
)",
               Syntax::V0);
  e.set_input(Json{{"xs", Json::array({1, 2, 3})}, {"names", Json::array({"b", "a"})}});
  CHECK(e.eval("data.v0.ok") == Json(true));
  CHECK(e.eval("data.v0.names") == Json::array({"a", "b"}));
}

TEST_CASE("rego engines made by share() answer a constant rule with their own value", "[rego]") {
  Engine first;
  first.add_module("p.rego", R"(package agent_policy
allow if input.x in policy_data.allowed
count_allowed := count(policy_data.allowed)
seen := policy_data
mocked := v if v := count_allowed with data.agent_policy.policy_data as {"allowed": [1, 2, 3, 4]}
policy_data := {"allowed": [1, 2]}
)");
  Engine second = first.share();
  second.set_rule_value("data.agent_policy.policy_data", Json{{"allowed", Json::array({7})}});
  for (Engine* e : {&first, &second}) e->set_input(Json{{"x", 7}});
  CHECK(first.eval("data.agent_policy.allow") == std::nullopt);
  CHECK(second.eval("data.agent_policy.allow") == Json(true));
  CHECK(first.eval("data.agent_policy.count_allowed") == Json(2));
  CHECK(second.eval("data.agent_policy.count_allowed") == Json(1));
  // The whole document, the rule read as data, and `with`, which still wins.
  CHECK(second.eval("data.agent_policy.seen") == Json{{"allowed", Json::array({7})}});
  CHECK(second.eval("data.agent_policy")->at("policy_data") == Json{{"allowed", Json::array({7})}});
  CHECK(second.eval("data.agent_policy.mocked") == Json(4));
  // The first engine is untouched, and a rule that is not a complete rule is refused by name.
  CHECK(first.eval("data.agent_policy.seen") == Json{{"allowed", Json::array({1, 2})}});
  CHECK_THROWS_WITH(second.set_rule_value("data.agent_policy.nothing", Json::object()),
                    Catch::Contains("data.agent_policy.nothing is not a complete rule"));
  CHECK_THROWS_WITH(second.set_rule_value("agent_policy.allow", Json::object()), Catch::Contains("is not under data"));
  // add_module compiles anew: the value set before no longer applies.
  second.add_module("q.rego", "package q\nz := 1\n");
  CHECK(second.eval("data.agent_policy.count_allowed") == Json(2));
}

TEST_CASE("rego a print whose argument fails keeps no line, and lines are kept until read", "[rego]") {
  Engine e;
  e.set_strict_builtin_errors(true);
  e.add_module("k.rego", "package k\nr if {\n  print(\"before\", [input.n])\n  print(\"x\", 1 / input.n)\n}\n");
  e.set_input(Json{{"n", 0}});
  CHECK_THROWS(e.eval("data.k.r"));
  e.set_input(Json{{"n", 2}});
  CHECK(e.eval("data.k.r") == Json(true));
  // Text made at take_prints() is the text of the values as they were printed.
  auto lines = e.take_prints();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "k.rego:3: before [0]");
  CHECK(lines[1] == "k.rego:3: before [2]");
  CHECK(lines[2] == "k.rego:4: x 0.5");
  // A new module compiles anew; lines printed before stay readable.
  CHECK(e.eval("data.k.r") == Json(true));
  e.add_module("q.rego", "package q\nz := 1\n");
  CHECK(e.eval("data.q.z") == Json(1));
  lines = e.take_prints();
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == "k.rego:4: x 0.5");
  e.eval("data.k.r");
  e.discard_prints();
  CHECK(e.take_prints().empty());
}

TEST_CASE("rego a print inside a print's argument comes first, whole", "[rego]") {
  Engine e;
  e.add_module("n.rego", "package n\nf(x) := y if {\n  print(\"inner\", x)\n  y := x + 1\n}\nr if print(\"outer\", f(1), f(2))\n");
  CHECK(e.eval("data.n.r") == Json(true));
  auto lines = e.take_prints();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "n.rego:3: inner 1");
  CHECK(lines[1] == "n.rego:3: inner 2");
  CHECK(lines[2] == "n.rego:6: outer 2 3");
}

TEST_CASE("rego early exit: the first body that holds answers a one-constant function or rule", "[rego]") {
  // Both definitions of f and of allow give true, so the first body that holds is the answer.
  // The second body's print shows whether it ran; g has two values and is always tried whole.
  const char* src = R"(package x
f(n) if n > 0
f(n) if {
  print("second f", n)
  n > 1
}
g(n) := 1 if n > 0
g(n) := 2 if {
  print("second g", n)
  n > 5
}
allow if f(2)
allow if print("second allow")
some_member if {
  some v in [1, 2, 3]
  print("tried", v)
  v > 0
}
)";
  for (bool early : {false, true}) {
    INFO("early exit " << early);
    Engine e;
    e.add_module("x.rego", src);
    e.set_early_exit(early);
    CHECK(e.eval("data.x.allow") == Json(true));
    auto lines = e.take_prints();
    CHECK(lines.size() == (early ? 0u : 2u));  // f's second body and allow's second, or neither
    CHECK(e.eval("data.x.g(3)") == Json(1));   // two values: every body is tried either way
    CHECK(e.take_prints() == std::vector<std::string>{"x.rego:9: second g 3"});
    CHECK_THROWS_WITH(e.eval("data.x.g(9)"), Catch::Contains("eval_conflict_error"));  // found either way
    e.discard_prints();
    CHECK(e.eval("data.x.some_member") == Json(true));
    CHECK(e.take_prints().size() == 1u);  // a complete rule with a constant value stops at its first solution
    // The tracer sees every body: explanations are not cut short.
    std::size_t enters = 0;
    Engine t;
    t.add_module("x.rego", src);
    t.set_early_exit(early);
    t.set_tracer([&](const coco::rego::TraceEvent& ev) { enters += ev.kind == coco::rego::TraceEvent::Kind::Enter; });
    CHECK(t.eval("data.x.allow") == Json(true));
    CHECK(enters >= 4);
  }
}
