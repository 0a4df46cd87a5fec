// SPDX-License-Identifier: Apache-2.0
// Recorded requests (`policy test --requests`): agent log lines as in the regorus captures, Kata's
// testcases.json shape, one bare object with --kind; truncated and malformed files name file:line.
#include <catch2/catch.hpp>

#include "policy/pod_policy.h"
#include "policy/initdata.h"
#include "policy/recorded.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;
using Catch::Contains;

TEST_CASE("agent log lines of every regorus capture parse, one request per line", "[policy][recorded][vector]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  for (const std::string pod : {"k8s-policy-job", "k8s-policy-pod", "k8s-policy-rc", "pod-cm1", "pod-cm2", "pod-lifecycle",
                                "pod-many-layers", "pod-same-containers", "web"}) {
    INFO(pod);
    const ByteVec in = test::read_shared("vectors/rego/regorus/kata/" + pod + "/inputs.txt");
    const ByteVec out = test::read_shared("vectors/rego/regorus/kata/" + pod + "/outputs.json");
    const auto rs = policy::parse_requests(std::string(in.begin(), in.end()), pod + "/inputs.txt");
    const Json expected = parse_json(std::string(out.begin(), out.end()), "outputs.json");
    CHECK(rs.size() == expected.size());
    REQUIRE(!rs.empty());
    CHECK(rs.front().request.kind == "AllowRequestsFailingPolicy");
    for (const auto& r : rs) CHECK(r.request.input.is_object());
  }
}

TEST_CASE("agent log lines: prefixes, blank lines and the trailing comma", "[policy][recorded]") {
  const std::string text =
      "Dec 01 agent[12]: policy: [\"ep\":\"StartContainerRequest\",{\"container_id\":\"abc\"}],\n"
      "\n"
      "[\"ep\":\"WaitProcessRequest\",{\"container_id\":\"abc\",\"exec_id\":\"abc\"}]\r\n";
  const auto rs = policy::parse_requests(text, "log.txt");
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].request.kind == "StartContainerRequest");
  CHECK(rs[0].request.input["container_id"] == "abc");
  CHECK(rs[1].request.kind == "WaitProcessRequest");
  CHECK(rs[1].request.what == "line 3");
  CHECK(!rs[1].expected);
}

TEST_CASE("plain JSON requests: testcases.json, a named object, a bare object with --kind", "[policy][recorded]") {
  const auto cases = policy::parse_requests(
      R"([{"kind":"CopyFileRequest","description":"ok","allowed":true,"request":{"path":"/x","file_type":"Regular"}},
          {"kind":"CopyFileRequest","allowed":false,"request":{"path":"/etc/passwd"}}])",
      "cases.json");
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].request.what == "ok");
  CHECK(cases[0].expected == true);
  CHECK(cases[1].expected == false);
  const auto one = policy::parse_requests(R"({"kind":"ExecProcessRequest","request":{"container_id":"c"}})", "one.json");
  REQUIRE(one.size() == 1);
  CHECK(one[0].request.kind == "ExecProcessRequest");
  const auto bare = policy::parse_requests(R"({"container_id":"c"})", "bare.json", "StartContainerRequest");
  REQUIRE(bare.size() == 1);
  CHECK(bare[0].request.kind == "StartContainerRequest");
  CHECK(bare[0].request.input == Json{{"container_id", "c"}});
}

TEST_CASE("kata genpolicy testcases.json files parse", "[policy][recorded][vector]") {
  if (!test::shared_available("vectors/kata-genpolicy-tests/policy/testdata")) return;
  for (const std::string c : {"copyfile", "createsandbox", "updateinterface", "updateroutes", "addarpneighbors"}) {
    INFO(c);
    const ByteVec b = test::read_shared("vectors/kata-genpolicy-tests/policy/testdata/" + c + "/testcases.json");
    const auto rs = policy::parse_requests(std::string(b.begin(), b.end()), c);
    CHECK(rs.size() >= 4);
    for (const auto& r : rs) CHECK(r.expected.has_value());
  }
}

TEST_CASE("bad request files give clear errors naming file and line", "[policy][recorded][hostile]") {
  struct Bad {
    std::string text, kind, error;
  };
  const Bad bad[] = {
      {"", "", "empty.txt: no requests"},
      {"[\"ep\":\"CreateContainerRequest\",{\"container_id\":\"a\"", "", "bad.txt:1: CreateContainerRequest: the line is cut short"},
      {"[\"ep\":\"StartContainerRequest\",{}],\nnot a request\n", "", "bad.txt:2: expected an agent log line"},
      {"[\"ep\":\"FrobnicateRequest\",{}],", "", "bad.txt:1: unknown request name 'FrobnicateRequest'"},
      {"[\"ep\":\"StartContainerRequest\",{\"a\":}],", "", "bad.txt:1 (StartContainerRequest)"},
      {"[\"ep\":\"StartContainerRequest\",[1,2]],", "", "the request must be a JSON object"},
      {"[\"ep\":\"StartContainerRequest\"", "", "bad.txt:1: expected \"ep\""},
      {R"({"container_id":"c"})", "", "needs its name (--kind NAME)"},
      {R"({"container_id":"c"})", "Nope", "unknown request name 'Nope'"},
      {R"([{"kind":"CopyFileRequest"}])", "", "bad.txt: [0]: expected an object with \"kind\" and \"request\""},
      {R"([{"kind":"CopyFileRequest","request":{},"allowed":"yes"}])", "", "\"allowed\" must be true or false"},
      {R"({"kind": "CopyFileRequest", "request": {)", "", "bad.txt"},
  };
  for (const auto& b : bad) {
    INFO(b.text);
    const std::string name = b.text.empty() ? "empty.txt" : "bad.txt";
    CHECK_THROWS_WITH(policy::parse_requests(b.text, name, b.kind), Contains(b.error));
  }
  // Every cut of a real line either parses or fails with the file's name, never crashes.
  const std::string line = "[\"ep\":\"WaitProcessRequest\",{\"container_id\":\"abc\",\"exec_id\":\"abc\"}],";
  for (std::size_t n = 1; n < line.size(); ++n) {
    try {
      policy::parse_requests(line.substr(0, n), "cut.txt");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("cut.txt", 0) == 0);
    }
  }
}

TEST_CASE("policy syntax: rego.v1 and `if` bodies are v1, others v0", "[policy][recorded]") {
  CHECK(policy::detect_syntax("package p\nimport rego.v1\nallow if { true }") == rego::Syntax::V1);
  CHECK(policy::detect_syntax("package p\nimport future.keywords.if\nallow if { true }") == rego::Syntax::V1);
  CHECK(policy::detect_syntax("package p\nimport future.keywords.in\nallow { 1 in [1] }") == rego::Syntax::V0);
  CHECK(policy::detect_syntax("package p\nallow if {\n true }") == rego::Syntax::V1);
  CHECK(policy::detect_syntax("package p\nallow { true }") == rego::Syntax::V0);
}

TEST_CASE("initdata TOML strings: literal, multi-line and basic with escapes", "[policy][recorded]") {
  const std::string toml = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n\"aa.toml\" = \"x = \\\"1\\\"\\n\\u00e9\"\n"
                           "\"policy.rego\" = '''\npackage agent_policy\ndefault X := true\n'''\n'single' = 'a\\b'\n";
  CHECK(policy::initdata_entry(toml, "policy.rego", "t") == "package agent_policy\ndefault X := true\n");
  CHECK(policy::initdata_entry(toml, "aa.toml", "t") == "x = \"1\"\n\xc3\xa9");
  CHECK(policy::initdata_entry(toml, "single", "t") == "a\\b");
  CHECK(policy::initdata_entry("[data]\n\"p\" = \"\"\"\nline \\\n   joined\"\"\"\n", "p", "t") == "line joined");
  CHECK_THROWS_WITH(policy::initdata_entry(toml, "absent", "t"), Contains("t: initdata: no \"absent\""));
  CHECK_THROWS_WITH(policy::initdata_entry("[data]\n\"p\" = '''\nno end", "p", "t"), Contains("unterminated"));
  CHECK_THROWS_WITH(policy::initdata_entry("[data]\n\"p\" = \"\\q\"", "p", "t"), Contains("unknown escape"));
  // The annotation round trip: coco's own initdata writer.
  const std::string rego = "package agent_policy\n\npolicy_data := {\"a\": \"it's\"}\n";
  const std::string written = policy::initdata_toml(Algo::Sha256, {{"policy.rego", rego}});
  CHECK(policy::initdata_entry(written, "policy.rego", "w") == rego);
  const Json meta = {{"annotations", {{policy::kInitdataAnnotation, to_base64(as_bytes(policy::gzip(written)))}}}};
  CHECK(policy::pod_policy_text(meta, "pod") == rego);
  CHECK_THROWS_WITH(policy::pod_policy_text(Json::object(), "pod x"), Contains("pod x: no io.katacontainers"));
}
