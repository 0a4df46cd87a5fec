// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cstdint>

#include "util/error.h"
#include "util/output.h"
#include "util/term.h"

using namespace coco;

TEST_CASE("JSON keeps insertion order and ends with a newline", "[util]") {
  const Json v = {{"zeta", 1}, {"alpha", Json::array({"x"})}};
  CHECK(render_json(v) == "{\n  \"zeta\": 1,\n  \"alpha\": [\n    \"x\"\n  ]\n}\n");
}

TEST_CASE("pretty_json writes what nlohmann's dump(2) writes", "[util][json]") {
  std::string every_ascii;
  for (int c = 0; c < 0x80; ++c) every_ascii += static_cast<char>(c);
  const Json values[] = {
      Json(), Json(true), Json(false), Json(0), Json(-1), Json(INT64_MIN), Json(INT64_MAX), Json(UINT64_MAX),
      Json(1.5), Json(-0.0), Json(1e300), Json(0.1), Json(""), Json(every_ascii), Json("\x7f tab\t \"q\" \\"),
      Json("caf\xc3\xa9 \xf0\x9f\x94\x92 \x01"), Json::object(), Json::array(),
      Json::parse(R"({"a": {}, "b": [], "c": [{}, [], [[]], {"d": null}], "k\u0001\"": "v", "": 3,
                      "n": [1, -2, 3.25, true, "x"], "o": {"p": {"q": {"r": "deep"}}}})"),
      Json::binary({1, 2, 3}, 7), Json{{"bin", Json::binary({0xff})}, {"x", 1}},
  };
  for (const Json& v : values) {
    INFO(v.dump(-1, ' ', true, Json::error_handler_t::replace));
    CHECK(pretty_json(v) == v.dump(2));
  }
  Json deep = "leaf";
  for (int i = 0; i < 400; ++i) deep = Json::array({deep, Json::object({{"i", i}})});
  CHECK(pretty_json(deep) == deep.dump(2));
  // Invalid UTF-8 is nlohmann's error either way, not a silently different text.
  const Json bad = std::string("ok \xc3(");
  CHECK_THROWS_AS(bad.dump(2), Json::type_error);
  CHECK_THROWS_AS(pretty_json(Json{{"k", bad}}), Json::type_error);
  CHECK_THROWS_AS(pretty_json(Json{{std::string("\xff"), 1}}), Json::type_error);
}

TEST_CASE("YAML quotes strings that would read as other types", "[util]") {
  const Json v = {{"a", "true"}, {"b", "1.5"}, {"c", "0x1f"}, {"d", "plain text"}, {"e", ""},
                  {"f", "no"}, {"g", 7}, {"h", false}, {"i", "a: b"}, {"j", nullptr}};
  CHECK(render_yaml(v) ==
        "a: \"true\"\nb: \"1.5\"\nc: \"0x1f\"\nd: plain text\ne: \"\"\nf: \"no\"\ng: 7\nh: false\ni: \"a: b\"\nj: ~\n");
}

TEST_CASE("parse_json names the input and the byte", "[util][hostile]") {
  CHECK(parse_json("{\"a\": [1, 2]}", "x.json")["a"][1] == 2);
  CHECK_THROWS_WITH(parse_json("{\"a\": }", "snp.json"), Catch::StartsWith("snp.json: byte 7: invalid JSON"));
  CHECK_THROWS_WITH(parse_json("", "empty.json"), Catch::StartsWith("empty.json: byte 1"));
  // A number too large for a double is not a syntax error but must still be a named coco::Error.
  CHECK_THROWS_WITH(parse_json("[91e790587]", "big.json"),
                    Catch::StartsWith("big.json: invalid JSON: number overflow parsing '91e790587'"));
}

TEST_CASE("colour follows --color, NO_COLOR and TERM", "[util]") {
  CHECK(use_color(ColorMode::Always, false));
  CHECK_FALSE(use_color(ColorMode::Never, true));
  ::setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(use_color(ColorMode::Auto, true));
  ::unsetenv("NO_COLOR");
  ::setenv("TERM", "dumb", 1);
  CHECK_FALSE(use_color(ColorMode::Auto, true));
  ::setenv("TERM", "xterm", 1);
  CHECK(use_color(ColorMode::Auto, true));
  CHECK_FALSE(use_color(ColorMode::Auto, false));
  CHECK(Style{false}.red("x") == "x");
  CHECK(Style{true}.red("x") == "\x1b[31mx\x1b[0m");
  CHECK(human_bytes(1536) == "1.5 KiB");
}

TEST_CASE("YAML output quotes a 60,000-digit string without overflowing the stack", "[util][hostile]") {
  // libstdc++'s std::regex recursed once per character here (SIGSEGV on release builds).
  const std::string digits(60000, '7');
  const std::string text = render_yaml(Json{{"v", digits}});
  CHECK(text == "v: \"" + digits + "\"\n");
  const std::string word = std::string(60000, '7') + "x";  // not a number: stays plain
  CHECK(render_yaml(Json{{"v", word}}) == "v: " + word + "\n");
  CHECK(render_yaml(Json{{"v", "1:" + std::string(60000, '5')}}).find("\"1:") == std::string::npos);
}

TEST_CASE("parse_json refuses nesting deeper than 512 levels with a named error", "[util][hostile]") {
  const std::string ok = std::string(512, '[') + std::string(512, ']');
  CHECK(parse_json(ok, "ok.json").is_array());
  for (const char open : {'[', '{'}) {
    std::string deep;
    for (int i = 0; i < 200000; ++i) deep += open == '[' ? "[" : "{\"a\":";
    const std::string at = open == '[' ? "513" : std::to_string(512 * 5 + 1);
    CHECK_THROWS_WITH(parse_json(deep, "deep.json"),
                      Catch::StartsWith("deep.json: byte " + at + ": JSON nested deeper than 512 levels"));
  }
  // Brackets inside strings do not count.
  const std::string quoted = "[\"" + std::string(100000, '[') + "\\\"\"]";
  CHECK(parse_json(quoted, "q.json")[0].get<std::string>().size() == 100001);
}
