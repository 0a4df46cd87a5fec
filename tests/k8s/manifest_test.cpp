// SPDX-License-Identifier: Apache-2.0
// Manifest loading (policy.md §1.2): YAML 1.2 scalar types survive the round trip, hostile YAML is
// bounded and named by line:column, and random mutations never crash the loader.
#include <catch2/catch.hpp>

#include <chrono>
#include <random>

#include "k8s/manifest.h"
#include "k8s/workload.h"
#include "support/support.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;

TEST_CASE("scalars keep their YAML meaning", "[k8s]") {
  const auto d = k8s::load_documents("a: 80\nb: \"80\"\nc: true\nd: 'true'\ne: ~\nf: 0.5\ng: 0755\nh: !!str 12\n"
                                     "i: 99999999999999999999999\nj: x y\n", "t.yaml");
  REQUIRE(d.size() == 1);
  const Json& v = d[0].value;
  CHECK(v["a"] == 80);
  CHECK(v["b"] == "80");
  CHECK(v["c"] == true);
  CHECK(v["d"] == "true");
  CHECK(v["e"].is_null());
  CHECK(v["f"] == 0.5);
  CHECK(v["g"] == 755);  // YAML 1.2: a leading zero is still decimal
  CHECK(v["h"] == "12");
  CHECK(v["i"] == "99999999999999999999999");  // too large: kept as text, no digits lost
  CHECK(v["j"] == "x y");
  // render → load gives the same values
  const auto again = k8s::load_documents(k8s::render_documents(d), "r.yaml");
  CHECK(again[0].value == v);
}

TEST_CASE("documents, lines and empty documents", "[k8s]") {
  const auto d = k8s::load_documents("---\nkind: A\n---\n---\n# c\nkind: B\n", "t.yaml");
  REQUIRE(d.size() == 3);
  CHECK(d[0].line == 2);
  CHECK(d[1].value.is_null());
  CHECK(d[2].value["kind"] == "B");
  CHECK(k8s::render_documents(d) == "---\nkind: A\n---\n---\nkind: B\n");
}

TEST_CASE("hostile YAML: errors name file:line:column", "[k8s][hostile]") {
  CHECK_THROWS_WITH(k8s::load_documents("a: 1\na: 2\n", "dup.yaml"), Catch::StartsWith("dup.yaml:2:1: duplicate key 'a'"));
  CHECK_THROWS_WITH(k8s::load_documents("a: [1, 2\n", "bad.yaml"), Catch::StartsWith("bad.yaml:"));
  CHECK_THROWS_WITH(k8s::load_documents("? [a]\n: 1\n", "key.yaml"), Catch::Contains("a mapping key must be a scalar"));
  // yaml-cpp 0.7's document loop stops advancing on a token that cannot start a node and would
  // return empty documents without end: each is refused where it stands
  CHECK_THROWS_WITH(k8s::load_documents(", a\n", "c.yaml"), Catch::StartsWith("c.yaml:1:1: ',' cannot start a node here"));
  CHECK_THROWS_WITH(k8s::load_documents("a: 1\n---\n  # x\n  ,\n", "c.yaml"), Catch::StartsWith("c.yaml:4:3:"));
  CHECK_THROWS_WITH(k8s::load_documents("--- , a\n", "c.yaml"), Catch::StartsWith("c.yaml:1:5:"));
  // ... and on a line starting with ',' after a root block sequence (found by tests/fuzz/k8s_manifest)
  CHECK_THROWS_WITH(k8s::load_documents("- a\n, b\n", "s.yaml"), Catch::StartsWith("s.yaml:2:1: ',' cannot start a node here"));
  CHECK_THROWS_WITH(k8s::load_documents("kind: A\n---\n  - a: b\n# c\n  , d\n", "s.yaml"), Catch::StartsWith("s.yaml:5:3:"));
  CHECK(k8s::load_documents("a:\n- x\n- y, z\n", "ok.yaml").size() == 1);
  // ... also after node properties on such a line (yaml-cpp loops; found by the CI fuzz smoke run)
  CHECK_THROWS_WITH(k8s::load_documents("---\n-\n!<NULLx>,\n", "p.yaml"), Catch::StartsWith("p.yaml:3:9: ',' cannot start a node here"));
  CHECK_THROWS_WITH(k8s::load_documents("- a\n!<x>, b\n", "p.yaml"), Catch::StartsWith("p.yaml:2:5:"));
  CHECK_THROWS_WITH(k8s::load_documents("-\n!t ,x\n", "p.yaml"), Catch::StartsWith("p.yaml:2:4:"));
  CHECK_THROWS_WITH(k8s::load_documents("-\n!!str &a ,\n", "p.yaml"), Catch::StartsWith("p.yaml:2:10:"));
  // ... and after a root that is a quoted scalar or a flow collection
  CHECK_THROWS_WITH(k8s::load_documents("'a',\n", "r.yaml"), Catch::StartsWith("r.yaml:1:4: ',' cannot start a node here"));
  CHECK_THROWS_WITH(k8s::load_documents("!str ',\n128-\n!!str ',\n128M", "r.yaml"), Catch::StartsWith("r.yaml:3:8:"));
  CHECK_THROWS_WITH(k8s::load_documents("[a, \"]\", [b]] # c\n ,\n", "r.yaml"), Catch::StartsWith("r.yaml:2:2:"));
  CHECK_THROWS_WITH(k8s::load_documents("kind: A\n--- \"it''s\\\" x\" ,\n", "r.yaml"), Catch::StartsWith("r.yaml:2:"));
  CHECK_THROWS_WITH(k8s::load_documents("-\n\"a\",; a*!<x>, b\n", "r.yaml"), Catch::StartsWith("r.yaml:2:4:"));
  CHECK(k8s::load_documents("\"kind\": Pod\n'apiVersion': v1\n", "ok.yaml").size() == 1);
  // shapes the old line scan missed (tests/fuzz/k8s_manifest): a ',' line under a mapping, and one
  // after a document marker inside a scalar's line
  CHECK_THROWS_WITH(k8s::load_documents(" -a: b\n# c\n, d", "f.yaml"), Catch::StartsWith("f.yaml:3:1: ',' cannot start"));
  CHECK_THROWS_WITH(k8s::load_documents("\"\"a!\t---\n!<tag:x>, b", "f.yaml"), Catch::StartsWith("f.yaml:"));
  CHECK_THROWS_WITH(k8s::load_documents("a: b\n]\n", "f.yaml"), Catch::StartsWith("f.yaml:2:1:"));
  CHECK_THROWS_WITH(k8s::load_documents("a: b\n}\n", "f.yaml"), Catch::StartsWith("f.yaml:2:1:"));
  {  // those scans stay linear: many lines (or documents) opening a flow that never closes
    std::string lines = "-\n", docs;
    for (int k = 0; k < 100000; ++k) lines += "[\n", docs += "---\n[\n";
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS(k8s::load_documents(lines, "l.yaml"));
    CHECK_THROWS(k8s::load_documents(docs, "d.yaml"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  }
  CHECK(k8s::load_documents("{\"kind\": \"Pod\", \"a\": [1, \"x,]\"]}\n", "ok.yaml").size() == 1);
  CHECK_THROWS_WITH(k8s::load_documents("-\x12[\x12\n#&a\n, b\n", "s.yaml"),
                    Catch::StartsWith("s.yaml:1:2: a control character (byte 0x12 at offset 1)"));
  CHECK(k8s::load_documents("a: \"tab\there\"\r\nb: 1\r\n", "ok.yaml").size() == 1);
  k8s::LoadLimits small;
  small.max_nodes = 50;
  CHECK_THROWS_WITH(k8s::load_documents("a: &x [1, 2, 3, 4, 5, 6, 7, 8]\nb: [*x, *x, *x, *x, *x, *x, *x]\n", "b.yaml", small),
                    Catch::Contains("alias bomb"));
}

TEST_CASE("anchors and aliases expand to copies (also as keys) and an alias inside its own node is refused", "[k8s][hostile]") {
  const auto d = k8s::load_documents("a: &x {k: [1, &n 80]}\nb: *x\nc: *n\n&key name: v\nm:\n  *key : w\n", "t.yaml");
  REQUIRE(d.size() == 1);
  CHECK(d[0].value["b"] == d[0].value["a"]);
  CHECK(d[0].value["c"] == 80);
  CHECK(d[0].value["m"]["name"] == "w");
  CHECK_THROWS_WITH(k8s::load_documents("&key name: v\n*key : w\n", "t.yaml"), Catch::StartsWith("t.yaml:2:1: duplicate key 'name'"));
  CHECK_THROWS_WITH(k8s::load_documents("a: &x [1, *x]\n", "t.yaml"), Catch::StartsWith("t.yaml:1:11: an alias to a node that contains it"));
  CHECK_THROWS_WITH(k8s::load_documents("a: &x [1]\n*x : 2\n", "t.yaml"), Catch::StartsWith("t.yaml:2:1: a mapping key must be a scalar"));
  // an alias counts the nodes and the depth it expands to
  k8s::LoadLimits shallow;
  shallow.max_depth = 3;
  CHECK_THROWS_WITH(k8s::load_documents("a: &x [[1]]\nb: [*x]\n", "t.yaml", shallow), Catch::StartsWith("t.yaml:2:5: nesting deeper than 3"));
  CHECK(k8s::load_documents("a: &x [[1]]\nb: *x\n", "t.yaml", shallow).size() == 1);
  // anchors belong to their document
  CHECK_THROWS_WITH(k8s::load_documents("a: &x 1\n---\nb: *x\n", "t.yaml"), Catch::StartsWith("t.yaml:3:4:"));
}

TEST_CASE("random mutations of a manifest parse or fail cleanly", "[k8s][hostile]") {
  const std::string base = read_text_file(test::source_path("testdata/manifests/12-volumes.yaml"));
  std::mt19937 rng(42);
  const std::string alphabet = ":-[]{}&*!|>'\"#%@`\n \t?,";
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::vector<char> buf(base.begin(), base.end());
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !buf.empty(); ++e) {
      const auto at = static_cast<std::ptrdiff_t>(rng() % buf.size());
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: buf[static_cast<std::size_t>(at)] = c; break;
        case 1: buf.erase(buf.begin() + at, buf.begin() + std::min<std::ptrdiff_t>(at + 1 + static_cast<std::ptrdiff_t>(rng() % 8), static_cast<std::ptrdiff_t>(buf.size()))); break;
        default: buf.insert(buf.begin() + at, c); break;
      }
    }
    const std::string s(buf.begin(), buf.end());
    try {
      const auto docs = k8s::load_documents(s, "m.yaml");
      (void)k8s::find_pod_templates(docs, "m.yaml");
      (void)k8s::collect_objects(docs, "m.yaml");
      ++parsed;
    } catch (const Error& e) {
      INFO(s);
      CHECK(std::string(e.what()).rfind("m.yaml", 0) == 0);
    }
  }
  CHECK(parsed > 0);
}

TEST_CASE("regex_escape leaves only literal characters", "[k8s]") {
  CHECK(k8s::regex_escape("a.b*c(d)[e]{f}^$|+?\\-/") == "a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\^\\$\\|\\+\\?\\\\-/");
}

TEST_CASE("invalid UTF-8 anywhere in a manifest is named by line and column", "[k8s][hostile]") {
  struct Case {
    std::string text;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"metadata:\n  name: ab\xff\n", "m.yaml:2:11: invalid UTF-8 (byte 0xff at offset 20)"},  // a value
      {"metadata:\n  na\xc3me: x\n", "m.yaml:2:5:"},                                          // a key, cut sequence
      {"kind: ConfigMap\nbinaryData:\n  k: \xed\xa0\x80\n", "m.yaml:3:6:"},                   // a surrogate
      {"a: \xc0\xaf\n", "m.yaml:1:4:"},                                                      // overlong '/'
      {"\xfe\xff", "m.yaml:1:1:"},                                                           // a UTF-16 mark
      {"a: \"\\ud800\"\n", "m.yaml:1:"},  // via an escape (yaml-cpp or the scalar check)
  };
  for (const auto& c : cases) {
    INFO(c.where);
    CHECK_THROWS_WITH(k8s::load_documents(c.text, "m.yaml"), Catch::StartsWith(c.where));
  }
  // Valid multi-byte text of every length passes.
  const auto ok = k8s::load_documents("a: \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\n", "m.yaml");
  CHECK(ok[0].value["a"] == "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

TEST_CASE("a 60,000-character plain scalar is typed without overflowing the stack", "[k8s][hostile]") {
  // libstdc++'s std::regex recursed per character on these (SIGSEGV on release builds).
  const std::string digits = "1." + std::string(60000, '5');
  const auto d = k8s::load_documents("a: " + digits + "\nb: -" + std::string(60000, '9') + "x\nc: ." +
                                         std::string(60000, '1') + "e5\n",
                                     "long.yaml");
  CHECK(d[0].value["a"].is_number_float());
  CHECK(d[0].value["b"].is_string());
  CHECK(d[0].value["c"].is_number_float());
}

TEST_CASE("a long stream read on every core gives the documents and errors of one pass", "[k8s]") {
  std::string text;
  for (int i = 0; i < 400; ++i)
    text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c" + std::to_string(i) + "}\ndata:\n  k: |\n    line\n    " +
            std::string(400, 'x') + "\n";
  text += "--- {last: 1}\n";
  k8s::LoadLimits one_pass, cut;
  one_pass.parallel_min_bytes = SIZE_MAX;
  cut.parallel_min_bytes = 0;
  const auto a = k8s::load_documents(text, "m.yaml", one_pass);
  const auto b = k8s::load_documents(text, "m.yaml", cut);
  REQUIRE(a.size() == 401);
  REQUIRE(b.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].line == b[i].line);
    CHECK(a[i].value == b[i].value);
  }
  CHECK(b[400].line == 3201);
  // A quoted scalar still open at a cut meets the "---" there, as in one pass.
  const std::string open = text.substr(0, text.size() / 2) + "x: 'open\n" + text.substr(text.size() / 2);
  std::string e1, e2;
  try {
    k8s::load_documents(open, "m.yaml", one_pass);
  } catch (const Error& e) {
    e1 = e.what();
  }
  try {
    k8s::load_documents(open, "m.yaml", cut);
  } catch (const Error& e) {
    e2 = e.what();
  }
  CHECK(e1.find("illegal document indicator") != std::string::npos);
  CHECK(e1 == e2);
}
