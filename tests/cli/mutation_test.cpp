// SPDX-License-Identifier: Apache-2.0
// Mutated inputs through every command that reads a file (issue 12.5): whatever the bytes, the
// answer is a result or a named error (exit 0, 1 or 2), never "internal error", a crash or a hang.
#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "oci/fixture.h"
#include "support/support.h"
#include "util/file.h"

using coco::test::run_coco;

namespace {

// One mutation of `text`, chosen by `rng`: a byte set to any value (invalid UTF-8 included), a
// cut, a duplicated slice, or a YAML/JSON value turned into a list or a deep nest.
std::string mutate(const std::string& text, std::mt19937& rng) {
  std::string s = text;
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n == 0 ? 0 : n - 1)(rng); };
  // A key chosen at random among those present; npos when none is.
  auto find_key = [&](const std::vector<std::string>& keys) {
    std::vector<std::size_t> at;
    for (const auto& k : keys)
      for (auto p = s.find(k); p != std::string::npos; p = s.find(k, p + 1)) at.push_back(p);
    return at.empty() ? std::string::npos : at[pick(at.size())];
  };
  switch (pick(8)) {
    case 0: s[pick(s.size())] = static_cast<char>(pick(256)); break;
    case 1: s.resize(pick(s.size())); break;
    case 2: {
      const std::size_t a = pick(s.size()), len = pick(64);
      s.insert(a, s.substr(a, len));
      break;
    }
    case 3: {  // YAML: "key:" becomes a list, its old value moves to "x_key:" at the same indent
      const auto p = find_key({"metadata:", "spec:", "template:", "containers:", "name:", "labels:", "env:",
                               "annotations:", "data:", "binaryData:"});
      if (p == std::string::npos) break;
      const auto colon = s.find(':', p);
      const auto line_start = s.rfind('\n', p) == std::string::npos ? 0 : s.rfind('\n', p) + 1;
      const std::string indent = s.substr(line_start, p - line_start);
      if (indent.find_first_not_of(" -") != std::string::npos) break;
      const std::string key = s.substr(p, colon - p);
      s.insert(colon + 1, " [1]\n" + std::string(indent.size(), ' ') + "x_" + key + ":");
      break;
    }
    case 4: {  // JSON: "key": v becomes "key": <other type>, "x_key": v
      const auto p = find_key({"\":"});
      if (p == std::string::npos) break;
      const auto q = s.rfind('"', p == 0 ? 0 : p - 1);
      if (q == std::string::npos || q >= p) break;
      const std::string key = s.substr(q + 1, p - q - 1);
      const char* values[] = {" [],", " 7,", " {},", " null,", " \"\\u0000\xff\","};
      s.insert(p + 2, values[pick(5)] + std::string(" \"x_") + key + "\":");
      break;
    }
    case 5: {  // invalid UTF-8 at the start of a value
      for (const std::string key : {"name: ", "value: ", "\": \"", "key: "})
        if (const auto p = s.find(key); p != std::string::npos && pick(2) == 0) {
          s.insert(p + key.size(), "\xff\xfe\xc3(");
          return s;
        }
      s.insert(pick(s.size()), "\xff\xfe\xc3(");
      break;
    }
    case 6: s.insert(pick(s.size()), std::string(5000, '[')); break;
    default: s.insert(pick(s.size()), "\"" + std::string(60000, '9') + "\""); break;
  }
  return s;
}

struct Subject {
  std::string name;
  std::string original;  // the valid input
  std::function<std::vector<std::string>(const std::string& file)> args;
};

}  // namespace

TEST_CASE("mutated inputs never give an internal error", "[cli][hostile][mutation]") {
  coco::test::TempDir dir;
  const auto src = [](const std::string& p) { return coco::read_text_file(coco::test::source_path(p)); };
  const std::string key = coco::test::source_path("testdata/attest/ed25519.key");
  const std::string pub = coco::test::source_path("testdata/attest/ed25519.pub");
  const std::string hello = coco::test::source_path("testdata/attest/hello.txt");
  const std::string bundle = dir.file("hello.sigstore.json");
  REQUIRE(run_coco({"sign", hello, "--key", key, "-o", bundle}).exit_code == 0);

  std::vector<Subject> subjects = {
      {"policy digest", src("testdata/manifests/03-deployment.yaml"),
       [](const std::string& f) { return std::vector<std::string>{"policy", "digest", f}; }},
      {"policy digest (generated)", src("testdata/policy/03-deployment.expected.yaml"),
       [](const std::string& f) { return std::vector<std::string>{"policy", "digest", f}; }},
      {"refvals --snp", src("testdata/refvals/snp-a.json"),
       [](const std::string& f) { return std::vector<std::string>{"refvals", "--snp", f}; }},
      {"refvals --tdx", src("testdata/refvals/tdx-a.json"),
       [](const std::string& f) { return std::vector<std::string>{"refvals", "--tdx", f}; }},
      {"refvals --policy", src("testdata/refvals/policy.json"),
       [](const std::string& f) { return std::vector<std::string>{"refvals", "--policy", f}; }},
      {"refvals --image-hashes", src("testdata/refvals/image-hashes.json"),
       [](const std::string& f) { return std::vector<std::string>{"refvals", "--image-hashes", f}; }},
      {"verify --bundle", coco::read_text_file(bundle),
       [&](const std::string& f) { return std::vector<std::string>{"verify", hello, "--bundle", f, "--key", pub}; }},
      {"policy settings", run_coco({"policy", "settings"}).out,
       [](const std::string& f) { return std::vector<std::string>{"policy", "settings", "--settings", f}; }},
  };
  if (coco::test::have_program("skopeo") && coco::test::have_program("umoci")) {
    const std::string source = "registry.example/app:1=oci:" + coco::test::oci_images() + "/layout:v1";
    subjects.push_back({"policy generate", src("testdata/manifests/01-pod-basic.yaml"), [=](const std::string& f) {
                          return std::vector<std::string>{"policy", "generate", "-f", f, "--image-source", source,
                                                          "--no-cache", "-o", f + ".out"};
                        }});
  }
  std::mt19937 rng(12);
  for (const auto& s : subjects) {
    REQUIRE_FALSE(s.original.empty());
    for (int i = 0; i < 60; ++i) {
      std::string text = mutate(s.original, rng);
      // The generator must not go to the network: keep the mapped image line intact.
      if (s.name == "policy generate" && text.find("image: registry.example/app:1\n") == std::string::npos) continue;
      const std::string file = dir.write("input-" + std::to_string(i), text);
      const auto r = run_coco(s.args(file));
      INFO(s.name << " mutation " << i << ": " << r.err);
      CHECK(r.exit_code >= 0);
      CHECK(r.exit_code <= 2);
      CHECK_THAT(r.err, !Catch::Contains("internal error"));
    }
  }
}
