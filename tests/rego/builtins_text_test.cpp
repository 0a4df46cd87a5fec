// SPDX-License-Identifier: Apache-2.0
// glob, semver, units, hex, urlquery, yaml: values from OPA's conformance cases and Go's libraries.
#include <catch2/catch.hpp>

#include "rego/builtin_call.h"

using namespace coco::rego;
using namespace coco::rego::test;

namespace {
bool glob(const std::string& pattern, const Value& delims, const std::string& text) {
  return call("glob.match", {str(pattern), delims, str(text)})->as_bool();
}
}  // namespace

TEST_CASE("glob.match wildcards, classes, alternatives and delimiters", "[rego-builtins][glob]") {
  const Value dot = json(R"(["."])"), none = json("[]"), null = Value::null();
  CHECK(glob("*.github.com", dot, "api.github.com"));
  CHECK_FALSE(glob("*.github.com", dot, "api.not-github.com"));
  CHECK_FALSE(glob("*.github.com", dot, "a.b.github.com"));
  CHECK(glob("api.**.com", dot, "api.cdn.github.com"));
  CHECK(glob("*:github:com", json(R"([":"])"), "api:github:com"));
  CHECK(glob("[abc]at", none, "cat"));
  CHECK_FALSE(glob("[abc]at", none, "fat"));
  CHECK(glob("[!abc]at", none, "fat"));
  CHECK(glob("[a-c]at", none, "bat"));
  CHECK_FALSE(glob("[!a-c]at", none, "bat"));
  CHECK(glob("?at", none, "fat"));
  CHECK_FALSE(glob("?at", none, "at"));
  CHECK_FALSE(glob("?at", json(R"(["f"])"), "fat"));
  for (const char* s : {"cat", "bat", "fat", "rat"}) CHECK(glob("{cat,bat,[fr]at}", none, s));
  CHECK_FALSE(glob("{cat,bat,[fr]at}", none, "at"));
  CHECK_FALSE(glob("*", none, "foo.bar"));  // [] means the default "." delimiter
  CHECK(glob("*", null, "foo.bar"));        // null means none
  CHECK(glob("foo*", null, "foo.bar"));
  CHECK(glob("a\\*b", none, "a*b"));
  CHECK_FALSE(glob("a\\*b", none, "axb"));
  CHECK(glob("a.b(c)+", none, "a.b(c)+"));  // RE2 metacharacters are literal in a glob
  CHECK(glob("ü?", none, "üß"));             // one code point
  CHECK(error_of("glob.match", {str("[abc"), none, str("a")}).rfind("eval_builtin_error: glob.match:", 0) == 0);
  CHECK(error_of("glob.match", {str("{a,b"), none, str("a")}) != "");
  CHECK(error_of("glob.match", {str("*"), str("."), str("a")}) ==
        "eval_type_error: glob.match: operand 2 must be array but got string");
  CHECK(call_json("glob.quote_meta", {str("*.github.com")}) == R"("\\*.github.com")");
  CHECK(call_json("glob.quote_meta", {str("[a]{b}?\\")}) == R"("\\[a\\]\\{b\\}\\?\\\\")");
}

TEST_CASE("semver.compare and semver.is_valid", "[rego-builtins][semver]") {
  CHECK(call_json("semver.compare", {str("1.0.0"), str("2.0.0")}) == "-1");
  CHECK(call_json("semver.compare", {str("2.0.0"), str("1.0.0")}) == "1");
  CHECK(call_json("semver.compare", {str("1.0.0"), str("1.0.0+build.5")}) == "0");
  CHECK(call_json("semver.compare", {str("1.0.0-alpha"), str("1.0.0")}) == "-1");
  CHECK(call_json("semver.compare", {str("1.0.0-alpha.1"), str("1.0.0-alpha.beta")}) == "-1");
  CHECK(call_json("semver.compare", {str("1.0.0-beta.11"), str("1.0.0-beta.2")}) == "1");
  CHECK(call_json("semver.compare", {str("1.0.0-alpha"), str("1.0.0-alpha.1")}) == "-1");
  CHECK(call_json("semver.compare", {str("1.10.0"), str("1.9.0")}) == "1");
  CHECK(error_of("semver.compare", {str("1"), str("1.0.0")}) ==
        "eval_builtin_error: semver.compare: operand 1: string \"1\" is not a valid SemVer");
  CHECK(error_of("semver.compare", {str("1.0.0"), str("1")}) ==
        "eval_builtin_error: semver.compare: operand 2: string \"1\" is not a valid SemVer");
  CHECK(call_json("semver.is_valid", {str("1.0.0")}) == "true");
  CHECK(call_json("semver.is_valid", {str("1.0.0-rc.1+sha.5114f85")}) == "true");
  CHECK(call_json("semver.is_valid", {str("1")}) == "false");
  CHECK(call_json("semver.is_valid", {str("v1.0.0")}) == "false");
  CHECK(call_json("semver.is_valid", {str("1.0.0-")}) == "false");
  CHECK(call_json("semver.is_valid", {json("1")}) == "false");
}

TEST_CASE("units.parse exact decimal and binary suffixes", "[rego-builtins][units]") {
  auto parse = [](const char* s) { return call_json("units.parse", {str(s)}); };
  CHECK(parse("500m") == "0.5");
  CHECK(parse("0.0005K") == "0.5");
  CHECK(parse("0.0000005M") == "0.5");
  CHECK(parse("1.1Ki") == "1126.4");
  CHECK(parse("1.1K") == "1100");
  CHECK(parse("10Ki") == "10240");
  CHECK(parse("10KI") == "10240");
  CHECK(parse("128Gi") == "137438953472");
  CHECK(parse("10E") == "10000000000000000000");
  CHECK(parse("10ei") == "11529215046068469760");
  CHECK(parse("\"100TI\"") == "109951162777600");
  CHECK(parse(".0") == "0");
  CHECK(parse("1e10") == "10000000000");
  CHECK(parse("2.5e3K") == "2500000");
  CHECK(parse("7.8E-1") == "0.78");
  CHECK(parse("-3.5E2m") == "-0.35");
  CHECK(parse("5E") == "5000000000000000000");  // E is exa, not an exponent
  CHECK(parse("1G") == "1000000000");
  CHECK(error_of("units.parse", {str("")}) == "eval_builtin_error: units.parse: no amount provided");
  CHECK(error_of("units.parse", {str("foo")}) == "eval_builtin_error: units.parse: no amount provided");
  CHECK(error_of("units.parse", {str("0.0.0")}) ==
        "eval_builtin_error: units.parse: could not parse amount to a number");
  CHECK(error_of("units.parse", {str(" 327Mi ")}) ==
        "eval_builtin_error: units.parse: spaces not allowed in resource strings");
  CHECK(error_of("units.parse", {str("12Q")}) != "");
}

TEST_CASE("units.parse_bytes is case-insensitive and whole bytes", "[rego-builtins][units]") {
  auto bytes = [](const char* s) { return call_json("units.parse_bytes", {str(s)}); };
  CHECK(bytes("1024") == bytes("1KiB"));
  CHECK(bytes("10KB") == "10000");
  CHECK(bytes("10Kib") == "10240");
  CHECK(bytes("100m") == "100000000");  // m is mega here
  CHECK(bytes("1.1KiB") == "1126");
  CHECK(bytes(".5KB") == "500");
  CHECK(bytes("1e-2KB") == "10");
  CHECK(bytes("3.2E2MiB") == "335544320");
  CHECK(bytes("10eib") == "11529215046068469760");
  CHECK(error_of("units.parse_bytes", {str("GB")}) ==
        "eval_builtin_error: units.parse_bytes: no byte amount provided");
  CHECK(error_of("units.parse_bytes", {str(".5.2")}) ==
        "eval_builtin_error: units.parse_bytes: could not parse byte amount to a number");
  CHECK(error_of("units.parse_bytes", {str("100 kb")}) ==
        "eval_builtin_error: units.parse_bytes: spaces not allowed in resource strings");
}

TEST_CASE("hex and urlquery as Go encodes them", "[rego-builtins][codecs]") {
  CHECK(call_json("hex.encode", {str("lorem ipsum")}) == R"("6c6f72656d20697073756d")");
  CHECK(call_json("hex.decode", {str("6c6f72656d20697073756d")}) == R"("lorem ipsum")");
  CHECK(error_of("hex.decode", {str("fghijkl")}) ==
        "eval_builtin_error: hex.decode: encoding/hex: invalid byte: U+0067 'g'");
  CHECK(error_of("hex.decode", {str("abc")}) == "eval_builtin_error: hex.decode: encoding/hex: odd length hex string");
  CHECK(call_json("urlquery.encode", {str("a=b+1 c~")}) == R"("a%3Db%2B1+c~")");
  CHECK(call_json("urlquery.decode", {str("a%3Db%2B1+c")}) == R"("a=b+1 c")");
  CHECK(error_of("urlquery.decode", {str("%zz")}) != "");
  CHECK(call("urlquery.encode_object", {json(R"({"c": "d", "a": "b"})")})->as_string() == "a=b&c=d");
  CHECK(call("urlquery.encode_object", {json(R"({"a": ["b+1", "c+2"]})")})->as_string() == "a=b%2B1&a=c%2B2");
  CHECK(call_json("urlquery.encode_object", {Value::object({{str("a"), set_of({str("b+1")})}})}) ==
        R"("a=b%2B1")");
  CHECK(call_json("urlquery.encode_object", {json("{}")}) == R"("")");
  CHECK(error_of("urlquery.encode_object", {json(R"({"a": 1})")}).rfind("eval_type_error", 0) == 0);
  CHECK(call_json("urlquery.decode_object", {str("a=value_a1&b=value_b&a=value_a2")}) ==
        R"({"a":["value_a1","value_a2"],"b":["value_b"]})");
  CHECK(call_json("urlquery.decode_object", {str("a=value_a1&b")}) == R"({"a":["value_a1"],"b":[""]})");
  CHECK(call_json("urlquery.decode_object", {str("")}) == "{}");
}

TEST_CASE("yaml.marshal, yaml.unmarshal and yaml.is_valid", "[rego-builtins][codecs]") {
  CHECK(call_json("yaml.unmarshal", {str("a: 1\nb: [x, true, null]\nc: \"80\"\n")}) ==
        R"({"a":1,"b":["x",true,null],"c":"80"})");
  auto text = call("yaml.marshal", {json(R"({"b": [1, "two"], "a": {"c": null}})")});
  REQUIRE(text);
  CHECK(call("yaml.unmarshal", {*text})->to_json_text() == R"({"a":{"c":null},"b":[1,"two"]})");
  CHECK(call_json("yaml.is_valid", {str("a: [1, 2")}) == "false");
  CHECK(call_json("yaml.is_valid", {str("a: 1")}) == "true");
  CHECK(call_json("yaml.is_valid", {json("1")}) == "false");
  CHECK(error_of("yaml.unmarshal", {str("a: [1, 2")}).rfind("eval_builtin_error: yaml.unmarshal:", 0) == 0);
}
