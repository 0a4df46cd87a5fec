// SPDX-License-Identifier: Apache-2.0
// Compile-time checks of lib/rego/recursion.h: recursion between rules or functions is an error of
// the compile step (before any rule is evaluated, whatever the query), naming the place and the
// cycle; a function named only as a `with` mock is no dependency.
#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "rego/rego_test_util.h"
#include "util/error.h"

using coco::rego::Engine;
using coco::rego::Json;

TEST_CASE("rego recursion between rules is a compile error whatever the query", "[rego]") {
  Engine e;
  e.add_module("r.rego", "package r\n\nother := 1\n\np := x if x := q\n\nq := y if y := p\n");
  // The query never reaches p or q: the error comes from the compile step.
  std::string err = coco::test::eval_error(e, "data.r.other");
  CHECK(err.find("rego_recursion_error") != std::string::npos);
  CHECK(err.find("r.rego:5:") != std::string::npos);
  CHECK(err.find("data.r.p -> data.r.q -> data.r.p") != std::string::npos);
}

TEST_CASE("rego recursion through functions and package references is a compile error", "[rego]") {
  Engine fns;
  fns.add_module("f.rego", "package f\n\nf(x) := g(x)\n\ng(x) := y if y := f(x)\n\nok := true\n");
  std::string err = coco::test::eval_error(fns, "data.f.ok");
  CHECK(err.find("rego_recursion_error") != std::string::npos);
  CHECK(err.find("data.f.f -> data.f.g -> data.f.f") != std::string::npos);

  Engine whole;  // a rule reading its whole package depends on every rule in it, itself too
  whole.add_module("w.rego", "package w\n\nn := count(data.w)\n");
  CHECK(coco::test::eval_error(whole, "data.w.n").find("rego_recursion_error") != std::string::npos);
}

TEST_CASE("rego a function named only as a with mock is not a dependency", "[rego]") {
  Engine e;
  e.add_module("m.rego", "package m\n\nf(_) := 2\n\ng(x) := f(x)\n\np := y if y := f(1) with f as g\n");
  CHECK(e.eval("data.m.p") == Json(2));
  Engine self;  // a rule reading another package's rules is no cycle
  self.add_module("a.rego", "package a\n\nx := data.b.y + 1\n");
  self.add_module("b.rego", "package b\n\ny := 41\n");
  CHECK(self.eval("data.a.x") == Json(42));
}
