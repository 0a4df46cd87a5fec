// SPDX-License-Identifier: Apache-2.0
// The scalar writers of byte-preserving edits: the double-quoted form is JSON's string (the
// printable-ASCII fast path writes the same bytes as nlohmann's dump), and a string is written
// plain only when it reads back as that same string.
#include <catch2/catch.hpp>

#include "k8s/yaml_text.h"
#include "util/output.h"

using namespace coco;

TEST_CASE("yaml scalar writers: the fast paths write what the general ones do", "[k8s][edit]") {
  const std::string b64(20000, 'A');
  for (const std::string& s : {std::string(), std::string("plain"), std::string("with \"quote\""), std::string("back\\slash"),
                              std::string("tab\there"), std::string("nl\nx"), std::string("del\x7f"), std::string("ünï"),
                              std::string("ctl\x01"), b64 + "+/=", std::string("'single'")}) {
    INFO(s.substr(0, 40));
    CHECK(k8s::yaml_double_quoted(s) == Json(s).dump());
  }
  CHECK(k8s::yaml_single_quoted("it's") == "'it''s'");
  CHECK(k8s::yaml_single_quoted("a\nb") == "\"a\\nb\"");
  CHECK(k8s::yaml_plain_or_quoted(b64, false) == b64);
  CHECK(k8s::yaml_plain_or_quoted(b64, true) == "\"" + b64 + "\"");
  CHECK(k8s::yaml_plain_or_quoted("+" + b64, false) == "\"+" + b64 + "\"");  // not a letter first
  CHECK(k8s::yaml_plain_or_quoted("a b", false) == "\"a b\"");
  CHECK(k8s::yaml_plain_or_quoted("a:", false) == "\"a:\"");
  for (const char* word : {"y", "No", "TRUE", "false", "on", "Off", "null"}) CHECK(k8s::yaml_plain_or_quoted(word, false) == "\"" + std::string(word) + "\"");
  CHECK(k8s::yaml_plain_or_quoted("nulls", false) == "nulls");
  CHECK(k8s::yaml_plain_or_quoted("registry.example/app@sha256:ab", false) == "registry.example/app@sha256:ab");
}
