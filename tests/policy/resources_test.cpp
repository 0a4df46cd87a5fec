// SPDX-License-Identifier: Apache-2.0
// resourceFieldRef values (issue 11 item 7): quantities parsed as resource.Quantity does, divided
// and rounded up as kubelet does; expected numbers worked by hand from the Kubernetes docs'
// examples (dapi-envars-resourcefieldref) and the quantity grammar.
#include <catch2/catch.hpp>

#include "policy/resources.h"
#include "util/error.h"

using namespace coco;

namespace {

Json container_with(const Json& resources) { return {{"name", "c"}, {"resources", resources}}; }

std::optional<std::string> value(const Json& container, const std::string& resource, const std::string& divisor = "") {
  Json ref = {{"resource", resource}};
  if (!divisor.empty()) ref["divisor"] = divisor;
  return policy::resource_field_value(ref, container, Json::object(), "env[0]");
}

}  // namespace

TEST_CASE("quantities: suffixes, fractions and exponents", "[policy][resources]") {
  struct Case {
    const char* text;
    std::uint64_t value, milli;
  };
  for (const Case& c : {Case{"1", 1, 1000}, Case{"500m", 1, 500}, Case{"0.5", 1, 500}, Case{"2.5", 3, 2500},
                        Case{"128Mi", 134217728, 134217728000}, Case{"1G", 1000000000, 1000000000000},
                        Case{"1.5Gi", 1610612736, 1610612736000}, Case{"1e3", 1000, 1000000},
                        Case{"12345n", 1, 1}, Case{"100u", 1, 1}, Case{"+4k", 4000, 4000000}, Case{"5E-1", 1, 500}}) {
    INFO(c.text);
    const auto q = policy::parse_quantity(c.text, "q");
    CHECK(policy::quantity_value(q, "q") == c.value);
    CHECK(policy::quantity_milli_value(q, "q") == c.milli);
  }
  CHECK(policy::quantity_value(policy::parse_quantity(Json(3), "q"), "q") == 3);  // YAML `cpu: 3`
  for (const char* bad : {"", "-1", "1Q", "Mi", "1e", "1.2.3", "1e123"}) {
    INFO(bad);
    CHECK_THROWS_AS(policy::parse_quantity(bad, "q"), Error);
  }
}

TEST_CASE("resourceFieldRef: a given limit or request is a literal, divided and rounded up", "[policy][resources]") {
  const Json c = container_with({{"limits", {{"cpu", "500m"}, {"memory", "128Mi"}}},
                                 {"requests", {{"cpu", "250m"}, {"memory", "64Mi"}}}});
  CHECK(value(c, "limits.cpu") == "1");        // ceil(0.5 core)
  CHECK(value(c, "limits.cpu", "1m") == "500");
  CHECK(value(c, "requests.cpu", "1m") == "250");
  CHECK(value(c, "limits.memory") == "134217728");
  CHECK(value(c, "limits.memory", "1Mi") == "128");
  CHECK(value(c, "requests.memory", "1Mi") == "64");
  CHECK(value(c, "limits.memory", "1M") == "135");  // 134.217728 rounded up
  const Json g = container_with({{"limits", {{"memory", "1G"}}}});
  CHECK(value(g, "limits.memory", "1Mi") == "954");  // 953.67…
  // A request left unset defaults to the limit; a limit left unset is the node's allocatable.
  CHECK(value(g, "requests.memory", "1Mi") == "954");
  CHECK(value(g, "limits.cpu") == std::nullopt);
  CHECK(value(g, "requests.cpu") == std::nullopt);
  CHECK(value(container_with(Json::object()), "limits.ephemeral-storage") == std::nullopt);
}

TEST_CASE("resourceFieldRef: another container, and what the API server rejects", "[policy][resources]") {
  const Json spec = {{"containers", Json::array({{{"name", "a"}}, {{"name", "b"}, {"resources", {{"limits", {{"cpu", "2"}}}}}}})}};
  const Json ref = {{"resource", "limits.cpu"}, {"containerName", "b"}};
  CHECK(policy::resource_field_value(ref, spec["containers"][0], spec, "e") == "2");
  CHECK_THROWS_WITH(policy::resource_field_value({{"resource", "limits.cpu"}, {"containerName", "zz"}}, spec["containers"][0], spec, "e"),
                    Catch::Contains("containerName 'zz'"));
  const Json c = container_with({{"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}});
  CHECK_THROWS_WITH(value(c, "limits.cpu", "2"), Catch::Contains("divisor '2' is not allowed for limits.cpu"));
  CHECK_THROWS_WITH(value(c, "limits.memory", "1m"), Catch::Contains("divisor"));
  CHECK_THROWS_WITH(value(c, "limits.gpu"), Catch::Contains("not one kubelet provides"));
  CHECK(value(c, "limits.memory", "1Ki") == "1048576");
}
