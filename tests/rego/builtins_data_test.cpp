// SPDX-License-Identifier: Apache-2.0
// regex (beyond match), numbers.range, bits shifts, json/object filter and remove, json.patch,
// graph, walk and object.subset: values from OPA's conformance cases and RFC 6902.
#include <catch2/catch.hpp>

#include "rego/builtin_call.h"

using namespace coco::rego;
using namespace coco::rego::test;

TEST_CASE("regex.find_n, replace and split follow Go on empty and anchored matches", "[rego-builtins][regex]") {
  CHECK(call_json("regex.find_n", {str("a."), str("paranormal"), json("-1")}) == R"(["ar","an","al"])");
  CHECK(call_json("regex.find_n", {str("a."), str("paranormal"), json("2")}) == R"(["ar","an"])");
  CHECK(call_json("regex.find_n", {str("a."), str("paranormal"), json("0")}) == "[]");
  CHECK(call_json("regex.find_n", {str("^a."), str("abacadaeaf"), json("-1")}) == R"(["ab"])");
  CHECK(call_json("regex.find_n", {str(".$"), str("abacadaeaf"), json("-1")}) == R"(["f"])");
  CHECK(call_json("regex.find_n", {str("a*"), str("baaab"), json("-1")}) == R"(["","aaa",""])");  // as Go
  CHECK(call_json("regex.replace", {str("-wy-wxxy-"), str("w(x*)y"), str("0")}) == R"("-0-0-")");
  CHECK(call_json("regex.replace", {str("foo"), str("(foo)"), str("$1$1")}) == R"("foofoo")");
  CHECK(call_json("regex.replace", {str("foo"), str("(?P<w>o)"), str("[${w}]")}) == R"("f[o][o]")");
  CHECK(call_json("regex.replace", {str("foo"), str("(o)"), str("$1x")}) == R"("f")");  // group "1x" is empty
  CHECK(call_json("regex.replace", {str("foo"), str("^[a-z]"), str("F")}) == R"("Foo")");
  CHECK(call_json("regex.replace", {str("foo"), str("[a-z]$"), str("F")}) == R"("foF")");
  CHECK(call_json("regex.replace", {str("foo barx"), str("[a-z]{2}"), str("_")}) == R"("_o __")");
  CHECK(call_json("regex.replace", {str("abc"), str("x*"), str("-")}) == R"("-a-b-c-")");
  CHECK(error_of("regex.replace", {str("foo"), str("["), str("$1")}).rfind("eval_builtin_error: regex.replace:", 0) == 0);
  CHECK(call_json("regex.split", {str("^[a-z]+\\[[0-9]+\\]$"), str("")}) == R"([""])");
  CHECK(call_json("regex.split", {str("^[a-z]+"), str("foobar baz")}) == R"([""," baz"])");
  CHECK(call_json("regex.split", {str("[a-z]+$"), str("foobar baz")}) == R"(["foobar ",""])");
  CHECK(call_json("regex.split", {str("^[a-z ]+$"), str("foobar baz")}) == R"(["",""])");
  CHECK(call_json("regex.split", {str("a"), str("banana")}) == R"(["b","n","n",""])");
  CHECK(call_json("regex.split", {str("z+"), str("pizza")}) == R"(["pi","a"])");
  CHECK(call_json("regex.is_valid", {str(".+")}) == "true");
  CHECK(call_json("regex.is_valid", {str("++")}) == "false");
  CHECK(call_json("regex.is_valid", {json("10")}) == "false");
  CHECK(call_json("regex.template_match", {str("urn:foo:{.*}"), str("urn:foo:bar:baz"), str("{"), str("}")}) == "true");
  CHECK(call_json("regex.template_match", {str("urn:foo:<.*>"), str("urn:foo:bar:baz"), str("<"), str(">")}) == "true");
  CHECK(call_json("regex.template_match", {str("urn:f.o:{[a-z]+}"), str("urn:foo:bar"), str("{"), str("}")}) == "false");
  CHECK(error_of("regex.template_match", {str("urn:{.*"), str("urn:x"), str("{"), str("}")}) != "");
}

TEST_CASE("numbers.range, range_step and bits shifts are exact", "[rego-builtins][ranges]") {
  CHECK(call_json("numbers.range", {json("-2"), json("3")}) == "[-2,-1,0,1,2,3]");
  CHECK(call_json("numbers.range", {json("2"), json("-3")}) == "[2,1,0,-1,-2,-3]");
  CHECK(call_json("numbers.range", {json("49649733057"), json("49649733058")}) == "[49649733057,49649733058]");
  CHECK(error_of("numbers.range", {json("3.14"), json("4")}) ==
        "eval_type_error: numbers.range: operand 1 must be integer number but got floating-point number");
  CHECK(error_of("numbers.range", {json("0"), json("100000000000")}).rfind("eval_builtin_error", 0) == 0);
  CHECK(call_json("numbers.range_step", {json("0"), json("-10"), json("2")}) == "[0,-2,-4,-6,-8,-10]");
  CHECK(call_json("numbers.range_step", {json("10"), json("3"), json("2")}) == "[10,8,6,4]");
  CHECK(call_json("numbers.range_step", {json("0"), json("10"), json("99999999999999999999")}) == "[0]");
  CHECK(error_of("numbers.range_step", {json("0"), json("10"), json("-2")}) ==
        "eval_builtin_error: numbers.range_step: step must be a positive integer");
  CHECK(call_json("bits.lsh", {json("1"), json("3")}) == "8");
  CHECK(call_json("bits.lsh", {json("9223372036854775807"), json("1")}) == "18446744073709551614");
  CHECK(error_of("bits.lsh", {json("7"), json("-1")}) ==
        "eval_type_error: bits.lsh: operand 2 must be an unsigned integer number but got a negative integer");
  CHECK(error_of("bits.rsh", {json("7.2"), json("42")}) ==
        "eval_type_error: bits.rsh: operand 1 must be integer number but got floating-point number");
  CHECK(call_json("bits.rsh", {json("8"), json("3")}) == "1");
  CHECK(call_json("bits.rsh", {json("-9"), json("1")}) == "-5");
  CHECK(call_json("bits.xor", {json("42"), json("3")}) == "41");
}

TEST_CASE("json.filter and json.remove by path tries", "[rego-builtins][json]") {
  const Value doc = json(R"({"a": {"b": {"c": 7, "d": 8}}, "e": 9})");
  CHECK(call_json("json.filter", {doc, set_of({str("a/b/c"), str("e")})}) == R"({"a":{"b":{"c":7}},"e":9})");
  CHECK(call_json("json.filter", {doc, json(R"([["a", "b", "c"], ["e"]])")}) == R"({"a":{"b":{"c":7}},"e":9})");
  CHECK(call_json("json.filter", {json(R"({"a": {"b": 7}})"), set_of({str("a"), str("a/b")})}) == R"({"a":{"b":7}})");
  CHECK(call_json("json.filter", {json(R"({"a": [{"b": 7, "c": 8}, {"d": 9}]})"), set_of({str("a/0/b"), str("a/1")})}) ==
        R"({"a":[{"b":7},{"d":9}]})");
  CHECK(call_json("json.filter", {json(R"({"a": [{"1": ["b", "c", "d"]}, {"x": "y"}]})"), set_of({str("a/0/1/2")})}) ==
        R"({"a":[{"1":["d"]}]})");
  CHECK(call_json("json.filter", {json(R"({"a": 7})"), set_of({})}) == "{}");
  CHECK(call_json("json.remove", {doc, set_of({str("a/b/c"), str("e")})}) == R"({"a":{"b":{"d":8}}})");
  CHECK(call_json("json.remove", {json(R"({"a": {"b": 7}, "c": 1})"), set_of({str("a/b"), str("c")})}) == R"({"a":{}})");
  CHECK(call_json("json.remove", {json(R"({"a": [{"b": 7, "c": 8}, {"d": 9}]})"), set_of({str("a/0/b"), str("a/1")})}) ==
        R"({"a":[{"c":8}]})");
  CHECK(error_of("json.remove", {str("x"), set_of({str("a")})}) ==
        "eval_type_error: json.remove: operand 1 must be object but got string");
  CHECK(error_of("json.remove", {doc, str("foo")}) ==
        "eval_type_error: json.remove: operand 2 must be one of {set, array} but got string");
  CHECK(error_of("json.remove", {doc, set_of({json("1")})}) ==
        "eval_type_error: json.remove: operand 2 must be one of {set, array} containing string paths or array of "
        "path segments but got number");
  CHECK(call_json("object.filter", {json(R"({"a": 1, "b": 2, "e": 9})"), json(R"({"a": "x", "e": ""})")}) == R"({"a":1,"e":9})");
  CHECK(call_json("object.remove", {json(R"({"a": 1, "b": 2, "d": 4})"), json(R"(["d", "b"])")}) == R"({"a":1})");
  CHECK(error_of("object.filter", {json("{}"), Value::null()}) ==
        "eval_type_error: object.filter: operand 2 must be one of {object, set, array} but got null");
  const Value odd = Value::object({{str("a"), json("1")}, {json("[[7]]"), json("2")}});
  CHECK(call("object.filter", {odd, set_of({json("[[7]]")})}) == Value::object({{json("[[7]]"), json("2")}}));
  CHECK(call("object.remove", {odd, set_of({json("[[7]]")})}) == json(R"({"a": 1})"));
}

TEST_CASE("json.patch applies RFC 6902 operations through objects, arrays and sets", "[rego-builtins][json]") {
  auto patch = [](const char* doc, const char* ops) { return call_json("json.patch", {json(doc), json(ops)}); };
  CHECK(patch(R"({"foo": ["bar", "baz"]})", R"([{"op": "add", "path": "/foo/1", "value": "qux"}])") ==
        R"({"foo":["bar","qux","baz"]})");
  CHECK(patch(R"({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}})",
              R"([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}])") ==
        R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
  CHECK(patch(R"({"foo": ["all", "grass", "cows", "eat"]})", R"([{"op": "move", "from": "/foo/1", "path": "/foo/3"}])") ==
        R"({"foo":["all","cows","eat","grass"]})");
  CHECK(patch(R"({"/": 9, "~1": 10})", R"([{"op": "test", "path": "/~01", "value": 10}])") == R"({"/":9,"~1":10})");
  CHECK(patch(R"([1, 2])", R"([{"op": "add", "path": "/-", "value": 3}])") == "[1,2,3]");
  CHECK(patch(R"({})", R"([{"op": "add", "path": "/", "value": 1}])") == R"({"":1})");
  CHECK(patch(R"({"foo": "bar"})", R"([{"op": "replace", "path": "", "value": {"baz": "qux"}}])") == R"({"baz":"qux"})");
  CHECK(patch(R"({"foo": null})", R"([{"op": "copy", "from": "/foo", "path": "/bar"}])") == R"({"bar":null,"foo":null})");
  CHECK(patch(R"({"foo": 1})", R"([{"op": "move", "from": "/foo", "path": "/foo"}])") == R"({"foo":1})");
  // Failures: every one makes the call fail.
  const char* failing[][2] = {
      {R"({"q": {"bar": 2}})", R"([{"op": "add", "path": "/a/b", "value": 1}])"},
      {R"({"baz": "qux"})", R"([{"op": "test", "path": "/baz", "value": "bar"}])"},
      {R"({"/": 9, "~1": 10})", R"([{"op": "test", "path": "/~01", "value": "10"}])"},
      {R"({"bar": [1, 2]})", R"([{"op": "add", "path": "/bar/8", "value": "5"}])"},
      {R"({"bar": [1, 2]})", R"([{"op": "add", "path": "/bar/-1", "value": "5"}])"},
      {R"(["foo", "bar"])", R"([{"op": "test", "path": "/1e0", "value": "bar"}])"},
      {R"(["foo", "bar"])", R"([{"op": "test", "path": "/01", "value": "bar"}])"},
      {R"(["foo", "sil"])", R"([{"op": "add", "path": "/bar", "value": 42}])"},
      {R"({})", R"([{"op": "add", "value": "bar"}])"},
      {R"({})", R"([{"op": "add", "path": null, "value": "bar"}])"},
      {R"([false])", R"([{"op": "test", "path": "/0"}])"},
      {R"({"foo": 1})", R"([{"op": "copy", "from": "/bar", "path": "/foo"}])"},
      {R"({"foo": 1})", R"([{"op": "move", "path": ""}])"},
      {R"({"foo": 1})", R"([{"op": "spam", "path": "/foo", "value": 1}])"},
      {R"(["foo", "bar"])", R"([{"op": "remove", "path": "/2"}])"},
      {R"({"foo": {"a": 1}})", R"([{"op": "move", "from": "/foo", "path": "/foo/b"}])"},
  };
  for (const auto& f : failing) {
    INFO(f[0] << " " << f[1]);
    CHECK(error_of("json.patch", {json(f[0]), json(f[1])}).rfind("eval_builtin_error: json.patch:", 0) == 0);
  }
  const Value doc = Value::object({{str("foo"), set_of({str("a"), str("b"), str("c")})}});
  CHECK(call_json("json.patch", {doc, json(R"([{"op": "remove", "path": "foo/b"}])")}) == R"({"foo":["a","c"]})");
  CHECK(call_json("json.patch", {doc, json(R"([{"op": "add", "path": "foo/d", "value": "d"}])")}) ==
        R"({"foo":["a","b","c","d"]})");
  CHECK(error_of("json.patch", {doc, json(R"([{"op": "add", "path": "foo/d", "value": "e"}])")}) != "");
  const Value nested = set_of({json("[1]")});
  CHECK(call("json.patch", {nested, json(R"([{"op": "add", "path": [[1], 1], "value": 2}])")}) == set_of({json("[1, 2]")}));
}

TEST_CASE("graph.reachable and graph.reachable_paths", "[rego-builtins][graph]") {
  const Value g = json(R"({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": [], "e": ["f"], "f": ["e"], "x": ["x"]})");
  CHECK(call_json("graph.reachable", {g, json(R"(["b", "e"])")}) == R"(["b","d","e","f"])");
  CHECK(call_json("graph.reachable", {json("{}"), json(R"(["a"])")}) == "[]");
  CHECK(call_json("graph.reachable", {json(R"({"a": null})"), json(R"(["a"])")}) == R"(["a"])");
  CHECK(error_of("graph.reachable", {json("1"), json("[1]")}).rfind("eval_type_error", 0) == 0);
  CHECK(error_of("graph.reachable", {json(R"({"a": []})"), str("a")}).rfind("eval_type_error", 0) == 0);
  CHECK(call_json("graph.reachable_paths", {g, json(R"(["b", "e"])")}) == R"([["b","d"],["e","f"]])");
  CHECK(call_json("graph.reachable_paths", {json(R"({"a": ["b", "c"], "b": ["c"], "c": []})"), json(R"(["a"])")}) ==
        R"([["a","b","c"],["a","c"]])");
  CHECK(call_json("graph.reachable_paths", {json(R"({"a": ["b"], "b": ["nonexistent"]})"), json(R"(["a", "b"])")}) ==
        R"([["a","b"],["b"]])");
  const Value g3 = json(R"({"one": ["two", "five"], "two": ["four"], "three": [""], "four": ["three"],
      "five": ["seven", "six"], "six": ["nine", "seven"], "seven": ["eight"], "eight": ["three"], "nine": [""]})");
  CHECK(call_json("graph.reachable_paths", {g3, json(R"(["one"])")}) ==
        R"([["one","five","seven","eight","three"],["one","five","six"],["one","five","six","nine"],)"
        R"(["one","two","four","three"]])");
}

TEST_CASE("walk lists every path and value, object.subset", "[rego-builtins][graph]") {
  CHECK(call_json("walk", {json("1")}) == "[[[],1]]");
  CHECK(call_json("walk", {json(R"({"v1": "hello", "a": [true]})")}) ==
        R"([[[],{"a":[true],"v1":"hello"}],[["a"],[true]],[["a",0],true],[["v1"],"hello"]])");
  CHECK(call_json("walk", {set_of({set_of({json("1")})})}) == "[[[],[[1]]],[[[1]],[1]],[[[1],1],1]]");
  CHECK(Registry::standard().find("walk")->relation);
  CHECK(call_json("object.subset", {json(R"({"a": 5, "b": 7, "n": {"x": [6, 7, 8], "y": 1}})"),
                                    json(R"({"a": 5, "n": {"x": [7, 8]}})")}) == "true");
  CHECK(call_json("object.subset", {json(R"({"a": 5})"), json(R"({"a": 5, "b": 1})")}) == "false");
  CHECK(call_json("object.subset", {json("[1, 2, 3, 4, 5, 6]"), json("[3, 4, 5]")}) == "true");
  CHECK(call_json("object.subset", {json("[1, 2, 3, 4, 5, 6]"), json("[4, 5, 6, 8]")}) == "false");
  CHECK(call_json("object.subset", {json("[1, 2, 3, 4, 5, 6]"), set_of({json("4"), json("2")})}) == "true");
  CHECK(call_json("object.subset", {set_of({json("1"), json("2"), set_of({str("a"), str("b")})}),
                                    set_of({json("2"), set_of({str("a")})})}) == "false");
  CHECK(error_of("object.subset", {set_of({json("1")}), json("[1]")}).rfind("eval_type_error: object.subset:", 0) == 0);
}

TEST_CASE("json.verify_schema and json.match_schema report as gojsonschema", "[rego-builtins][jsonschema]") {
  const Value schema = json(R"({"properties": {"id": {"type": "integer"}}, "required": ["id"]})");
  CHECK(call_json("json.match_schema", {json(R"({"id": 5})"), schema}) == "[true,[]]");
  CHECK(call_json("json.match_schema", {str(R"({"id": 5})"), str(schema.to_json_text())}) == "[true,[]]");
  CHECK(call_json("json.match_schema", {json(R"({"id": "foo"})"), schema}) ==
        R"([false,[{"desc":"Invalid type. Expected: integer, given: string",)"
        R"("error":"id: Invalid type. Expected: integer, given: string","field":"id","type":"invalid_type"}]])");
  CHECK(call_json("json.match_schema", {json("{}"), schema}) ==
        R"j([false,[{"desc":"id is required","error":"(root): id is required","field":"(root)","type":"required"}]])j");
  const std::string bad_type =
      "has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values are:[array boolean integer "
      "number null object string]";
  CHECK(error_of("json.match_schema", {json(R"({"id": "foo"})"), json(R"({"properties": {"id": {"type": "unknown"}}})")}) ==
        "eval_builtin_error: json.match_schema: " + bad_type);
  CHECK(call_json("json.verify_schema", {str(R"({"type": "boolean"})")}) == "[true,null]");
  CHECK(call("json.verify_schema", {json(R"({"type": "unknown"})")})->as_array()[1].as_string() == "jsonschema: " + bad_type);
  // More keywords: enum, bounds, pattern, items, additionalProperties, anyOf, $ref.
  const Value s2 = json(R"({"definitions": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}},
      "type": "object", "additionalProperties": false,
      "properties": {"ports": {"type": "array", "items": {"$ref": "#/definitions/port"}, "maxItems": 2},
                     "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
                     "mode": {"enum": ["a", "b"]}, "x": {"anyOf": [{"type": "string"}, {"type": "null"}]}}})");
  auto errors = [&](const char* doc) {
    std::string out;
    const Value result = *call("json.match_schema", {json(doc), s2});
    for (const auto& e : result.as_array()[1].as_array())
      out += e.get(str("error"))->as_string() + ";";
    return out;
  };
  CHECK(errors(R"({"ports": [80, 443], "name": "web", "mode": "a", "x": null})") == "");
  CHECK(errors(R"({"ports": [0, 70000, 1]})") ==
        "ports.0: Must be greater than or equal to 1;ports.1: Must be less than or equal to 65535;"
        "ports: Array must have at most 2 items;");
  CHECK(errors(R"({"name": "Web12", "mode": "c", "y": 1, "x": 2})") ==
        "mode: mode must be one of the following: \"a\", \"b\";name: Does not match pattern '^[a-z]+$';"
        "x: Must validate at least one schema (anyOf);(root): Additional property y is not allowed;");
}

TEST_CASE("hostile operands end in an error, not a hang or a crash", "[rego-builtins][hostile]") {
  // A self-referencing schema that doubles its work at every level.
  const Value bomb = json(R"({"allOf": [{"$ref": "#"}, {"$ref": "#"}]})");
  CHECK(error_of("json.match_schema", {json("{}"), bomb}).rfind("eval_builtin_error: json.match_schema:", 0) == 0);
  CHECK(error_of("numbers.range", {json("-170000000000000000000000000000000000000"),
                                   json("170000000000000000000000000000000000000")}) != "");
  CHECK(error_of("time.add_date", {json("0"), json("-9223372036854775808"), json("0"), json("0")}) ==
        "eval_builtin_error: time.add_date: time outside of valid range");
  CHECK(call("rand.intn", {str("k"), json("-9223372036854775808")}).has_value());
  CHECK(error_of("net.cidr_expand", {str("::/0")}) != "");
  Value deep = json("1");
  for (int i = 0; i < 2000; ++i) deep = Value::array({deep});
  CHECK(error_of("walk", {deep}) == "eval_builtin_error: walk: document nested deeper than 1024 levels");
  Array long_path(5000, str("a"));
  CHECK(error_of("json.patch", {json("{}"), Value::array({Value::object({{str("op"), str("add")},
      {str("path"), Value::array(long_path)}, {str("value"), json("1")}})})}) != "");
  CHECK(error_of("json.filter", {json(R"({"a": 1})"), Value::array({Value::array(long_path)})}) ==
        "eval_builtin_error: json.filter: path longer than 1024 segments");
  CHECK(error_of("glob.match", {str(std::string(100, '{')), json("[]"), str("a")}) != "");
  CHECK(error_of("regex.replace", {str("a"), str(std::string(100000, '(')), str("")}) != "");
}
