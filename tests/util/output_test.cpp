// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "util/error.h"
#include "util/output.h"
#include "util/term.h"

using namespace coco;

TEST_CASE("JSON keeps insertion order and ends with a newline", "[util]") {
  const Json v = {{"zeta", 1}, {"alpha", Json::array({"x"})}};
  CHECK(render_json(v) == "{\n  \"zeta\": 1,\n  \"alpha\": [\n    \"x\"\n  ]\n}\n");
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
