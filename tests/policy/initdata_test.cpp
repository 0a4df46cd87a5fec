// SPDX-License-Identifier: Apache-2.0
// Initdata (policy.md §4): the TOML is read back by an independent parser (Python's tomllib), the
// gzip stream by gunzip, and the gunzip side is hostile-tested by truncation and mutation.
#include <catch2/catch.hpp>
#include <random>
#include <thread>

#include "policy/env.h"
#include "policy/initdata.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

TEST_CASE("initdata TOML: tomllib reads back every string exactly", "[policy]") {
  const std::map<std::string, std::string> data = {
      {"policy.rego", "package agent_policy\n\ndefault X := false\n"},
      {"aa.toml", "has ''' three quotes\nand \"double\" and \\ backslash\n"},
      {"cdh.toml", "ends with a quote'\n"},
      {"odd key \"q\"", "tab\tcontrol\x01 bell\x7f unicode é\r\n"},
      {"one-line", "no newline"}};
  const std::string toml = policy::initdata_toml(Algo::Sha384, data);
  CHECK(toml.rfind("version = \"0.1.0\"\nalgorithm = \"sha384\"\n\n[data]\n", 0) == 0);
  CHECK(toml.find("\"policy.rego\" = '''\npackage agent_policy\n") != std::string::npos);  // readable
  test::TempDir dir;
  const auto r = test::run_program(
      {"python3", "-c",
       "import json,sys,tomllib\nprint(json.dumps(tomllib.load(open(sys.argv[1],'rb')), sort_keys=True))",
       dir.write("i.toml", toml)});
  REQUIRE(r.exit_code == 0);
  Json expect = {{"version", "0.1.0"}, {"algorithm", "sha384"}, {"data", Json::object()}};
  for (const auto& [k, v] : data) expect["data"][k] = v;
  CHECK(parse_json(r.out, "tomllib") == parse_json(nlohmann::json(expect).dump(), "x"));
  CHECK(policy::initdata_algorithm(toml, "i.toml") == Algo::Sha384);
}

TEST_CASE("gzip: deterministic header, gunzip reads it", "[policy]") {
  const std::string text = "version = \"0.1.0\"\n";
  const std::string gz = policy::gzip(text);
  CHECK(gz == policy::gzip(text));
  REQUIRE(gz.size() > 10);
  CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);
  CHECK(gz.substr(4, 4) == std::string(4, '\0'));  // MTIME 0
  CHECK(static_cast<unsigned char>(gz[9]) == 255);  // OS unknown
  const auto r = test::run_program({"gunzip", "-c"}, gz);
  CHECK(r.out == text);
}

// GzipPrefix continues a copy of a compressor primed with the shared prefix: the result must be
// gzip() of the whole text byte for byte, for prefixes shorter and longer than deflate's 32 KiB
// window, texts that share the prefix only in part, and from several threads at once.
TEST_CASE("gzip with a shared prefix gives gzip's bytes", "[policy]") {
  std::mt19937 rng(17);
  auto text_of = [&](std::size_t n) {  // JSON-like, repetitive as policy data is
    std::string s;
    const char* words[] = {"\"containers\": [", "\"OCI\": {", "\"Process\"", "true", "\"/run/kata\"", "\n    ", "sha256:"};
    while (s.size() < n) {
      s += words[rng() % 7];
      s += std::to_string(rng() % 1000);
    }
    return s.substr(0, n);
  };
  for (const std::size_t prefix_size : {1ul, 300ul, 27163ul, 70000ul, 200000ul}) {
    INFO("prefix " << prefix_size);
    const std::string prefix = text_of(prefix_size);
    const policy::GzipPrefix gz(prefix);
    CHECK(gz.prefix() == prefix);
    for (const std::size_t rest : {0ul, 1ul, 261ul, 262ul, 5000ul, 100000ul}) {
      INFO("rest " << rest);
      const std::string text = prefix + text_of(rest);
      CHECK(gz.compress(text) == policy::gzip(text));
    }
    // Not the prefix: compressed whole, still gzip's bytes.
    std::string other = prefix + "tail";
    other[other.size() / 2] ^= 1;
    CHECK(gz.compress(other) == policy::gzip(other));
    CHECK(gz.compress("") == policy::gzip(""));
  }
  const std::string prefix = text_of(27163);
  const policy::GzipPrefix gz(prefix);
  std::vector<std::string> texts;
  for (int i = 0; i < 8; ++i) texts.push_back(prefix + text_of(3000 + 977 * static_cast<std::size_t>(i)));
  std::vector<std::string> got(texts.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < texts.size(); ++i) threads.emplace_back([&, i] { got[i] = gz.compress(texts[i]); });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < texts.size(); ++i) CHECK(got[i] == policy::gzip(texts[i]));
  const auto r = test::run_program({"gunzip", "-c"}, got[3]);
  CHECK(r.out == texts[3]);
}

// SharedInitdata writes a pod's document as prefix ‖ data ‖ tail: the same bytes as the whole
// document through initdata_toml, bind and gzip, or nullopt where the whole one is written differently.
TEST_CASE("shared initdata gives the whole document's digest and annotation, or declines", "[policy]") {
  const std::string head = "package agent_policy\n\ndefault X := false\n\npolicy_data := ";
  const auto whole = [&](Algo algo, std::map<std::string, std::string> entries, const std::string& data) {
    entries["policy.rego"] = head + data + "\n";
    const std::string toml = policy::initdata_toml(algo, entries);
    return std::pair{policy::bind(algo, toml), to_base64(as_bytes(policy::gzip(toml)))};
  };
  const std::vector<std::map<std::string, std::string>> entry_sets = {
      {},
      {{"aa.toml", "before\n"}, {"zz.toml", "after '''quoted'''\n"}},  // one before policy.rego, one after
      {{"cdh.toml", "x"}, {"policy.regp", "just before"}, {"policy.regz", "just after"}}};
  for (const Algo algo : {Algo::Sha256, Algo::Sha384}) {
    for (const auto& entries : entry_sets) {
      const policy::SharedInitdata shared(algo, entries, head);
      for (const std::string& data : {std::string("{}"), std::string("{\n  \"a\": \"b\\nc\",\n  \"t\": \"tab\there\"\n}"),
                                     std::string(70000, 'x'), std::string("{\"q\": \"it's ''\"}"), std::string("''x"),
                                     std::string("x''")}) {
        INFO(algo_name(algo) << ", " << entries.size() << " entries, data " << data.substr(0, 40));
        const auto doc = shared.write_around(data);
        REQUIRE(doc);
        const auto [binding, annotation] = whole(algo, entries, data);
        CHECK(to_hex(doc->binding.digest) == to_hex(binding.digest));
        CHECK(to_hex(doc->binding.hostdata) == to_hex(binding.hostdata));
        CHECK(to_hex(doc->binding.mrconfigid) == to_hex(binding.mrconfigid));
        CHECK(doc->annotation == annotation);
      }
      // Data that a literal string cannot hold is written as a basic string: not around the data.
      for (const std::string& data : {std::string("{\"q\": \"'''\"}"), std::string("\x01"), std::string("del\x7f"),
                                     std::string("\r\n")}) {
        INFO("declined: " << to_hex(as_bytes(data)));
        CHECK(!shared.write_around(data));
      }
      // write() gives the whole document's bytes whatever the data and the pod's own entries.
      auto own = entries;
      own["pod.toml"] = "the pod's own";
      for (const auto& pod_entries : {entries, own})
        for (const std::string& data : {std::string("{}"), std::string("{\"q\": \"'''\"}"), std::string("\x01")}) {
          INFO(pod_entries.size() << " pod entries, data " << to_hex(as_bytes(data)));
          const auto doc = shared.write(pod_entries, data);
          const auto [binding, annotation] = whole(algo, pod_entries, data);
          CHECK(to_hex(doc.binding.digest) == to_hex(binding.digest));
          CHECK(doc.annotation == annotation);
        }
    }
  }
  // A policy head that is no literal string already, or whose quotes would join the data's, declines.
  CHECK(!policy::SharedInitdata(Algo::Sha256, {}, "rules with ''' in them\npolicy_data := ").write_around("{}"));
  CHECK(!policy::SharedInitdata(Algo::Sha256, {}, "ends in quotes''").write_around("'x"));
  CHECK(policy::SharedInitdata(Algo::Sha256, {}, "ends in quotes''").write_around("x"));
}

TEST_CASE("bind: HOSTDATA 32 bytes, MRCONFIGID 48 bytes", "[policy]") {
  const auto b256 = policy::bind(Algo::Sha256, "abc");
  CHECK(to_hex(b256.hostdata) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(b256.mrconfigid) == to_hex(b256.digest) + std::string(32, '0'));
  const auto b512 = policy::bind(Algo::Sha512, "abc");
  CHECK(to_hex(b512.hostdata) == to_hex(b512.digest).substr(0, 64));
  CHECK(to_hex(b512.mrconfigid) == to_hex(b512.digest).substr(0, 96));
}

TEST_CASE("gunzip: truncations and mutations fail with the name, bombs are bounded", "[policy][hostile]") {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + " of the policy\n";
  const std::string gz = policy::gzip(text);
  const ByteVec bytes(gz.begin(), gz.end());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO("cut at " << n);
    CHECK_THROWS_WITH(policy::gunzip(Bytes(bytes).first(n), "cut.gz"), Catch::StartsWith("cut.gz: gzip: "));
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    ByteVec m = bytes;
    m[rng() % m.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    try {
      (void)policy::gunzip(m, "m.gz");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("m.gz: gzip: ", 0) == 0);
    }
  }
  const std::string bomb = policy::gzip(std::string(1 << 20, 'a'));
  CHECK_THROWS_WITH(policy::gunzip(as_bytes(bomb), "bomb.gz", 1000), Catch::Contains("more than 1000 bytes"));
  CHECK_THROWS_WITH(policy::initdata_algorithm("version = \"0.1.0\"\nalgorithm = \"md5\"\n", "x"), Catch::Contains("md5"));
  CHECK_THROWS_WITH(policy::initdata_algorithm("algorithm = \"sha256\"\n", "x"), Catch::Contains("version"));
}

TEST_CASE("$(VAR) expansion follows kubelet's expansion package", "[policy]") {
  const std::map<std::string, policy::Value> vars = {{"A", {false, "a", ""}}, {"EMPTY", {false, "", ""}},
                                                     {"IP", {true, "[0-9.]+", "$(pod-ip)"}}};
  struct Case { const char* in; const char* out; };
  for (const Case& c : {Case{"$(A)", "a"}, Case{"x$(A)y", "xay"}, Case{"$$(A)", "$(A)"}, Case{"$(B)", "$(B)"},
                        Case{"$(A", "$(A"}, Case{"$", "$"}, Case{"$$", "$"}, Case{"$$$(A)", "$a"}, Case{"$(EMPTY)!", "!"},
                        Case{"a$b", "a$b"}, Case{"$()", "$()"}}) {
    INFO(c.in);
    const auto v = policy::expand(c.in, vars);
    CHECK_FALSE(v.dynamic);
    CHECK(v.text == c.out);
  }
  const auto d = policy::expand("http://$(IP):80/$(A).x", vars);
  CHECK(d.dynamic);
  CHECK(d.text == "http://([0-9.]+):80/a\\.x");
}
