// SPDX-License-Identifier: Apache-2.0
// time, net.cidr*, uuid, rand and crypto builtins: values from OPA's conformance cases, Python's
// hashlib/hmac and the tzdata zones Debian ships.
#include <catch2/catch.hpp>

#include "rego/builtin_call.h"

using namespace coco::rego;
using namespace coco::rego::test;

TEST_CASE("time.parse_ns with Go layouts, at the int64 limits", "[rego-builtins][time]") {
  const char* rfc3339 = "2006-01-02T15:04:05Z07:00";
  auto parse = [](const char* layout, const char* value) { return call_json("time.parse_ns", {str(layout), str(value)}); };
  CHECK(parse(rfc3339, "2017-06-02T19:00:00-07:00") == "1496455200000000000");
  CHECK(parse(rfc3339, "1677-09-21T00:12:43.145224192-00:00") == "-9223372036854775808");
  CHECK(parse(rfc3339, "2262-04-11T23:47:16.854775807-00:00") == "9223372036854775807");
  CHECK(parse("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700") == "1496455200000000000");
  CHECK(parse("02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700") == "1496455200000000000");
  CHECK(parse("RFC822Z", "02 Jun 17 19:00 -0700") == "1496455200000000000");
  CHECK(parse("2006-01-02", "2020-02-29") == "1582934400000000000");
  CHECK(parse("Mon Jan _2 15:04:05 2006", "Sat Feb  1 00:00:00 2020") == "1580515200000000000");
  CHECK(parse("2006-01-02T15:04:05.000Z07:00", "1970-01-01T00:00:01.500Z") == "1500000000");
  CHECK(error_of("time.parse_ns", {str(rfc3339), str("1677-09-21T00:12:43.145224191-00:00")}) ==
        "eval_builtin_error: time.parse_ns: time outside of valid range");
  CHECK(error_of("time.parse_ns", {str(rfc3339), str("2262-04-11T23:47:16.854775808-00:00")}) ==
        "eval_builtin_error: time.parse_ns: time outside of valid range");
  CHECK(error_of("time.parse_ns", {str("2006-01-02"), str("2021-02-29")}) != "");
  CHECK(error_of("time.parse_ns", {str("2006-01-02"), str("2021-02-03x")}) != "");
  CHECK(error_of("time.parse_ns", {str("2006-01-02"), str("21-02-03")}) != "");
  CHECK(call_json("time.parse_rfc3339_ns", {str("1970-01-01T00:00:00-00:00")}) == "0");
  CHECK(call_json("time.parse_rfc3339_ns", {str("2017-06-02T19:00:00-07:00")}) == "1496455200000000000");
}

TEST_CASE("time.parse_duration_ns as Go's ParseDuration", "[rego-builtins][time]") {
  CHECK(call_json("time.parse_duration_ns", {str("100ms")}) == "100000000");
  CHECK(call_json("time.parse_duration_ns", {str("1h30m")}) == "5400000000000");
  CHECK(call_json("time.parse_duration_ns", {str("-1.5s")}) == "-1500000000");
  CHECK(call_json("time.parse_duration_ns", {str("1\xC2\xB5s")}) == "1000");
  CHECK(call_json("time.parse_duration_ns", {str("0")}) == "0");
  CHECK(error_of("time.parse_duration_ns", {str("1")}) ==
        "eval_builtin_error: time.parse_duration_ns: time: missing unit in duration \"1\"");
  CHECK(error_of("time.parse_duration_ns", {str("1x")}) ==
        "eval_builtin_error: time.parse_duration_ns: time: unknown unit \"x\" in duration \"1x\"");
  CHECK(error_of("time.parse_duration_ns", {str("")}) != "");
}

TEST_CASE("time.date, clock, weekday in UTC and tzdata zones", "[rego-builtins][time]") {
  const Value ns = json("1517814000000000000");
  CHECK(call_json("time.date", {ns}) == "[2018,2,5]");
  CHECK(call_json("time.date", {Value::array({ns, str("America/Los_Angeles")})}) == "[2018,2,4]");
  CHECK(call_json("time.date", {Value::array({json("1517832000000000000"), str("")})}) == "[2018,2,5]");
  CHECK(call_json("time.date", {json("1582977600000000000")}) == "[2020,2,29]");
  CHECK(call_json("time.clock", {json("1517832000000000000")}) == "[12,0,0]");
  CHECK(call_json("time.clock", {Value::array({json("1517832000000000000"), str("America/New_York")})}) == "[7,0,0]");
  CHECK(call_json("time.date", {json("-1")}) == "[1969,12,31]");
  const char* days[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  for (int i = 0; i < 7; ++i)
    CHECK(call("time.weekday", {json(std::to_string(1517832000000000000LL + i * 86400000000000LL))})->as_string() == days[i]);
  CHECK(error_of("time.date", {json("1582977600000000000000")}) == "eval_builtin_error: time.date: timestamp too big");
  CHECK(error_of("time.weekday", {json("1.582977600e+25")}) == "eval_builtin_error: time.weekday: timestamp too big");
  CHECK(error_of("time.date", {Value::array({ns, str("Mars/Olympus")})}) != "");
  CHECK(error_of("time.date", {Value::array({ns, str("../../etc/passwd")})}) != "");
}

TEST_CASE("time.add_date, diff and format", "[rego-builtins][time]") {
  CHECK(call_json("time.add_date", {json("1585852421593912000"), json("3"), json("9"), json("12")}) == "1705257221593912000");
  CHECK(call_json("time.add_date", {json("1585852421593912000"), json("-1"), json("-1"), json("-1")}) == "1551465221593912000");
  CHECK(error_of("time.add_date", {json("0"), json("2262"), json("1"), json("1")}) ==
        "eval_builtin_error: time.add_date: time outside of valid range");
  CHECK(error_of("time.add_date", {json("-9223372036854775808"), json("0"), json("0"), json("-1")}) ==
        "eval_builtin_error: time.add_date: time outside of valid range");
  auto day = [](const char* d) { return *call("time.parse_ns", {str("2006-01-02"), str(d)}); };
  CHECK(call_json("time.diff", {day("2020-02-02"), day("2020-03-01")}) == "[0,0,28,0,0,0]");
  CHECK(call_json("time.diff", {day("2021-02-02"), day("2021-03-01")}) == "[0,0,27,0,0,0]");
  CHECK(call_json("time.diff", {day("2004-02-29"), day("2005-03-01")}) == "[1,0,1,0,0,0]");
  CHECK(call_json("time.diff", {day("2005-03-01"), day("2004-02-29")}) == "[1,0,1,0,0,0]");
  const Value now = json("1700000000000000000"), later = json("1700000061000000000");
  CHECK(call_json("time.diff", {later, now}) == "[0,0,0,0,1,1]");
  CHECK(call_json("time.diff", {Value::array({json("1700000060000000000"), str("UTC")}),
                                Value::array({now, str("Asia/Shanghai")})}) == "[0,0,0,0,1,0]");
  const Value t = json("1670006453141828752");
  CHECK(call_json("time.format", {t}) == R"("2022-12-02T18:40:53.141828752Z")");
  CHECK(call_json("time.format", {Value::array({t, str("Asia/Kolkata")})}) == R"("2022-12-03T00:10:53.141828752+05:30")");
  CHECK(call_json("time.format", {Value::array({t, str("Asia/Kolkata"), str("Mon Jan 02 15:04:05 -0700 2006")})}) ==
        R"("Sat Dec 03 00:10:53 +0530 2022")");
  CHECK(call_json("time.format", {Value::array({t, str("Asia/Kolkata"), str("RFC1123Z")})}) ==
        R"("Sat, 03 Dec 2022 00:10:53 +0530")");
  CHECK(call_json("time.format", {Value::array({t, str("America/Los_Angeles"), str("RFC1123")})}) ==
        R"("Fri, 02 Dec 2022 10:40:53 PST")");
  CHECK(call_json("time.format", {Value::array({t, str("UTC"), str("3:04PM .000 Jan _2 __2")})}) ==
        R"("6:40PM .141 Dec  2 336")");
  CHECK(error_of("time.format", {json("1.582977600e+25")}) == "eval_builtin_error: time.format: timestamp too big");
  CHECK(call_json("time.now_ns", {}) == "0");  // the context's time, fixed per query
}

TEST_CASE("net.cidr_contains, cidr_expand, cidr_is_valid, cidr_intersects", "[rego-builtins][net]") {
  auto contains = [](const char* a, const char* b) { return call_json("net.cidr_contains", {str(a), str(b)}); };
  CHECK(contains("10.0.0.0/8", "10.1.0.0/24") == "true");
  CHECK(contains("172.17.0.0/24", "172.17.0.0/16") == "false");
  CHECK(contains("10.0.0.0/8", "192.168.1.0/24") == "false");
  CHECK(contains("10.0.0.0/8", "10.1.2.3") == "true");
  CHECK(contains("2001:4860:4860::8888/32", "2001:4860:4860:1234::8888/40") == "true");
  CHECK(contains("2001:4860::/96", "2001:4860::/32") == "false");
  CHECK(contains("2001:4860::/32", "fd1e:5bfe:8af3:9ddc::/64") == "false");
  CHECK(contains("10.0.0.0/8", "::ffff:10.0.0.1") == "false");
  CHECK(error_of("net.cidr_contains", {str("not-a-cidr"), str("192.168.1.67")}).rfind("eval_builtin_error", 0) == 0);
  CHECK(error_of("net.cidr_contains", {str("192.168.1.0/28"), str("not-a-cidr")}).rfind("eval_builtin_error", 0) == 0);
  CHECK(call_json("net.cidr_expand", {str("192.168.1.1/30")}) ==
        R"(["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"])");
  CHECK(call_json("net.cidr_expand", {str("172.16.100.255/30")}) ==
        R"(["172.16.100.252","172.16.100.253","172.16.100.254","172.16.100.255"])");
  CHECK(call_json("net.cidr_expand", {str("10.0.0.255/31")}) == R"(["10.0.0.254","10.0.0.255"])");
  CHECK(call_json("net.cidr_expand", {str("fd00::ff/127")}) == R"(["fd00::fe","fd00::ff"])");
  CHECK(error_of("net.cidr_expand", {str("192.168.1.1/33")}) ==
        "eval_builtin_error: net.cidr_expand: invalid CIDR address: 192.168.1.1/33");
  CHECK(error_of("net.cidr_expand", {str("fd00::/64")}).rfind("eval_builtin_error", 0) == 0);
  CHECK(call_json("net.cidr_is_valid", {str("192.168.1.0/24")}) == "true");
  CHECK(call_json("net.cidr_is_valid", {str("2002::1234:abcd:ffff:c0a8:101/64")}) == "true");
  CHECK(call_json("net.cidr_is_valid", {str("192.168.1.2")}) == "false");
  CHECK(call_json("net.cidr_is_valid", {str("")}) == "false");
  CHECK(call_json("net.cidr_is_valid", {str("10.0.0.0/08")}) == "false");
  CHECK(call_json("net.cidr_intersects", {str("192.168.0.0/16"), str("192.168.1.0/24")}) == "true");
  CHECK(call_json("net.cidr_intersects", {str("192.168.0.0/24"), str("192.168.1.0/24")}) == "false");
}

TEST_CASE("uuid.parse, uuid.rfc4122 and rand.intn", "[rego-builtins][uuid]") {
  CHECK(call_json("uuid.parse", {str("{00000000-0000-4000-8000-000000000000}")}) == R"({"variant":"RFC4122","version":4})");
  CHECK(call_json("uuid.parse", {str("6bea8ef2d3d33cd184e09bab06a52ece")}) == R"({"variant":"RFC4122","version":3})");
  const std::string v2 =
      R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
      R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2})";
  CHECK(call_json("uuid.parse", {str("000003e8-48b9-21ee-b200-325096b39f47")}) == v2);
  CHECK(call_json("uuid.parse", {str("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")}) == v2);
  CHECK(error_of("uuid.parse", {str("00000000-0000-4000-8000-00000000000g")}) != "");
  CHECK(error_of("uuid.parse", {json("123")}).rfind("eval_type_error", 0) == 0);
  auto a = call("uuid.rfc4122", {str("key")}, 42), b = call("uuid.rfc4122", {str("key")}, 42);
  auto other_query = call("uuid.rfc4122", {str("key")}, 43), other_key = call("uuid.rfc4122", {str("other")}, 42);
  CHECK(*a == *b);
  CHECK(*a != *other_query);
  CHECK(*a != *other_key);
  CHECK(call_json("uuid.parse", {*a}) == R"({"variant":"RFC4122","version":4})");
  auto r1 = call("rand.intn", {str("key"), json("100")}, 42);
  CHECK(*r1 == *call("rand.intn", {str("key"), json("100")}, 42));
  CHECK(r1->as_number().as_int64().value() >= 0);
  CHECK(r1->as_number().as_int64().value() < 100);
  CHECK(call_json("rand.intn", {str("key"), json("0")}) == "0");
}

TEST_CASE("crypto digests and HMACs as hex", "[rego-builtins][crypto]") {
  CHECK(call_json("crypto.md5", {str("lorem ipsum")}) == R"("80a751fde577028640c419000e33eba6")");
  CHECK(call_json("crypto.sha1", {str("lorem ipsum")}) == R"("bfb7759a67daeb65410490b4d98bb9da7d1ea2ce")");
  CHECK(call_json("crypto.sha256", {str("lorem ipsum")}) ==
        R"("5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269")");
  CHECK(call_json("crypto.hmac.md5", {str("foo"), str("bar")}) == R"("31b6db9e5eb4addb42f1a6ca07367adc")");
  CHECK(call("crypto.hmac.sha512", {str("message"), str("key")})->as_string().rfind("e477384d7ca229dd1426e64b63ebf2d3", 0) == 0);
  CHECK(call("crypto.hmac.sha256", {str("x"), str("")})->as_string().size() == 64);
  CHECK(call_json("crypto.hmac.equal", {str("31b6db9e"), str("31b6db9e")}) == "true");
  CHECK(call_json("crypto.hmac.equal", {str("31b6db9e5eb4addb42f1a6ca07367adc"), str("31b6db9e5eb4addb")}) == "false");
  CHECK(error_of("crypto.sha256", {json("1")}) == "eval_type_error: crypto.sha256: operand 1 must be string but got number");
}

TEST_CASE("net.cidr_merge and net.cidr_contains_matches", "[rego-builtins][net]") {
  auto merge = [](const char* cidrs) { return call_json("net.cidr_merge", {json(cidrs)}); };
  CHECK(merge(R"(["192.0.128.0/24", "192.0.129.0/24"])") == R"(["192.0.128.0/23"])");
  CHECK(merge(R"(["192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31"])") == R"(["192.0.2.112/29"])");
  CHECK(merge(R"(["192.0.2.112/30", "192.0.2.116/32", "192.0.2.118/31"])") ==
        R"(["192.0.2.112/30","192.0.2.116/32","192.0.2.118/31"])");
  CHECK(merge(R"(["192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31"])") == R"(["192.0.2.112/31","192.0.2.116/30"])");
  CHECK(merge(R"(["192.0.128.0/24", "0.0.0.0/0"])") == R"(["0.0.0.0/0"])");
  CHECK(merge(R"(["::/0", "::192.0.2.0/124", "ff00::101/128"])") == R"(["::/0"])");
  CHECK(merge(R"(["fe80::/120", "192.0.2.0/24", "192.0.3.0/24", "192.0.4.0/25", "192.0.4.128/25"])") ==
        R"(["192.0.2.0/23","192.0.4.0/24","fe80::/120"])");
  CHECK(merge(R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64", "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"])") ==
        R"(["2601:600:8a80:207e::/64"])");
  CHECK(merge(R"(["192.0.2.112", "192.0.2.116/31"])") == R"(["192.0.2.0/24"])");  // classful mask
  CHECK(merge("[]") == "[]");
  CHECK(error_of("net.cidr_merge", {json(R"(["2601:600::1"])")}) ==
        "eval_builtin_error: net.cidr_merge: IPv6 invalid: needs prefix length");
  CHECK(error_of("net.cidr_merge", {json(R"(["foo"])")}).rfind("eval_builtin_error", 0) == 0);
  auto matches = [](const char* a, const char* b) { return call_json("net.cidr_contains_matches", {json(a), json(b)}); };
  CHECK(matches(R"("1.1.1.0/24")", R"("1.1.1.1")") == R"([["1.1.1.0/24","1.1.1.1"]])");
  CHECK(matches(R"([["1.1.2.0/24", 1], "1.1.1.0/24"])", R"(["1.1.1.1", "1.1.2.1"])") == "[[0,1],[1,0]]");
  CHECK(matches(R"({"k1": "1.1.1.1/24", "k2": ["1.1.1.2/24", 1]})", R"("1.1.1.128")") ==
        R"([["k1","1.1.1.128"],["k2","1.1.1.128"]])");
  CHECK(error_of("net.cidr_contains_matches", {json(R"(["1.1.2.0/24"])"), json(R"(["1.1.1.1", 1])")}) ==
        "eval_builtin_error: net.cidr_contains_matches: operand 2: element must be string or non-empty array");
  CHECK(call_json("net.cidr_contains_matches",
                  {set_of({json(R"(["1.1.1.0/24", "bar"])")}), set_of({json(R"(["1.1.1.1", "baz"])")})}) ==
        R"([[["1.1.1.0/24","bar"],["1.1.1.1","baz"]]])");
}
