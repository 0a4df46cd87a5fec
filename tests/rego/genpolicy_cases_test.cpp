// SPDX-License-Identifier: Apache-2.0
// Upstream genpolicy's request cases that need only the settings file
// (../shared/vectors/kata-genpolicy-tests/policy/testdata: CopyFile, CreateSandbox, UpdateRoutes,
// UpdateInterface, AddARPNeighbors), decided by upstream rules.rego on the embedded engine.
//
// As the README of that folder describes the upstream harness: the policy is rules.rego +
// "\npolicy_data := " + the settings-derived parts of the policy data; each request is first
// completed the way the agent's protobuf round trip completes it (every omitted field present,
// scalars zero, lists empty, messages null); CopyFile becomes the agent's 9-field policy shape.
// Base data is {"pstate": {}}, and every case of one file runs on the same engine, in order.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "support/support.h"
#include "util/error.h"

namespace fs = std::filesystem;
using coco::rego::Engine;
using coco::rego::Json;

namespace {

using coco::test::slurp;

// Adds each field of `defaults` that `msg` lacks (the proto round trip's zero values).
Json with_defaults(Json msg, const Json& defaults) {
  if (!msg.is_object()) msg = Json::object();
  for (const auto& [k, v] : defaults.items())
    if (!msg.contains(k)) msg[k] = v;
  return msg;
}

// agent.proto / types.proto zero values of the messages these requests carry.
const Json kIpAddress = {{"family", 0}, {"address", ""}, {"mask", ""}};
const Json kInterface = {{"device", ""},  {"name", ""},    {"IPAddresses", Json::array()}, {"mtu", 0},
                         {"hwAddr", ""},  {"pciPath", ""}, {"type_", ""},                   {"raw_flags", 0}};
const Json kRoute = {{"dest", ""}, {"gateway", ""}, {"device", ""}, {"source", ""}, {"scope", 0}, {"family", 0}};
const Json kNeighbor = {{"toIPAddress", nullptr}, {"device", ""}, {"lladdr", ""}, {"state", 0}, {"flags", 0}};
const Json kStorage = {{"driver", ""},  {"driver_options", Json::array()}, {"source", ""}, {"fstype", ""},
                       {"options", Json::array()}, {"mount_point", ""}, {"fs_group", nullptr}};
const Json kCreateSandbox = {{"hostname", ""},     {"dns", Json::array()},         {"storages", Json::array()},
                             {"sandbox_pidns", false}, {"sandbox_id", ""}, {"guest_hook_path", ""},
                             {"kernel_modules", Json::array()}};
const Json kCopyFile = {{"path", ""},     {"file_type", "Unknown"}, {"symlink_target", nullptr},
                        {"file_size", 0}, {"file_mode", 0},         {"dir_mode", 0},
                        {"uid", 0},       {"gid", 0},               {"offset", 0}};

Json complete(const std::string& kind, const Json& request) {
  if (kind == "CopyFileRequest") {
    Json out = Json::object();  // exactly the agent's PolicyCopyFileRequest fields, no data
    for (const auto& [k, v] : kCopyFile.items()) out[k] = request.contains(k) ? request[k] : v;
    return out;
  }
  if (kind == "CreateSandboxRequest") {
    Json r = with_defaults(request, kCreateSandbox);
    for (auto& s : r["storages"]) s = with_defaults(s, kStorage);
    return r;
  }
  if (kind == "UpdateInterfaceRequest") {
    Json r = with_defaults(request, {{"interface", nullptr}});
    if (!r["interface"].is_null()) {
      r["interface"] = with_defaults(r["interface"], kInterface);
      for (auto& a : r["interface"]["IPAddresses"]) a = with_defaults(a, kIpAddress);
    }
    return r;
  }
  if (kind == "UpdateRoutesRequest") {
    Json r = with_defaults(request, {{"routes", nullptr}});
    if (!r["routes"].is_null()) {
      r["routes"] = with_defaults(r["routes"], {{"Routes", Json::array()}});
      for (auto& route : r["routes"]["Routes"]) route = with_defaults(route, kRoute);
    }
    return r;
  }
  if (kind == "AddARPNeighborsRequest") {
    Json r = with_defaults(request, {{"neighbors", nullptr}});
    if (!r["neighbors"].is_null()) {
      r["neighbors"] = with_defaults(r["neighbors"], {{"ARPNeighbors", Json::array()}});
      for (auto& n : r["neighbors"]["ARPNeighbors"]) {
        n = with_defaults(n, kNeighbor);
        if (!n["toIPAddress"].is_null()) n["toIPAddress"] = with_defaults(n["toIPAddress"], kIpAddress);
      }
    }
    return r;
  }
  FAIL("no defaults for " << kind);
  return request;
}

// The allow decision: a bool, or {"allowed": b, "ops": […]}. Undefined is an error upstream.
bool decision(const std::optional<Json>& v, const std::string& what) {
  INFO(what);
  REQUIRE(v.has_value());
  if (v->is_boolean()) return v->get<bool>();
  REQUIRE(v->is_object());
  REQUIRE(v->contains("allowed"));
  return (*v)["allowed"].get<bool>();
}

}  // namespace

TEST_CASE("upstream genpolicy request cases decided by upstream rules.rego", "[rego][genpolicy][vector]") {
  if (!coco::test::shared_available("vectors/kata-genpolicy-tests")) return;
  const fs::path root = coco::test::shared_path("vectors/kata-genpolicy-tests");
  const Json settings = Json::parse(slurp(root / "genpolicy-settings.json"));
  Json policy_data = {{"containers", Json::array()}};
  for (const char* part : {"common", "sandbox", "request_defaults", "devices", "cluster_config"})
    if (settings.contains(part)) policy_data[part] = settings[part];
  const std::string policy = slurp(root / "rules.rego") + "\npolicy_data := " + policy_data.dump(2) + "\n";

  std::size_t cases = 0, as_expected = 0, allowed = 0;
  for (const char* folder : {"addarpneighbors", "copyfile", "createsandbox", "updateinterface", "updateroutes"}) {
    Engine e;
    e.add_module("rules.rego", policy, coco::rego::Syntax::V1);
    e.set_data(Json{{"pstate", Json::object()}});
    e.set_input(Json::object());
    CHECK(e.eval("data.agent_policy.AllowRequestsFailingPolicy") == std::optional<Json>(false));
    const Json file = Json::parse(slurp(root / "policy/testdata" / folder / "testcases.json"));
    for (const auto& c : file) {
      const std::string kind = c["kind"].get<std::string>();
      const std::string what = std::string(folder) + ": " + c["description"].get<std::string>();
      e.set_input(complete(kind, c["request"]));
      const bool got = decision(e.eval("data.agent_policy." + kind), what);
      ++cases;
      allowed += got;
      INFO(what);
      CHECK(got == c["allowed"].get<bool>());
      as_expected += got == c["allowed"].get<bool>();
    }
  }
  WARN("genpolicy request cases: " << cases << " run, " << as_expected << " as expected (" << allowed
                                   << " allowed)");
  CHECK(cases == 41);  // AddARPNeighbors 8, CopyFile 18, CreateSandbox 4, UpdateInterface 5, UpdateRoutes 6
  CHECK(as_expected == cases);
}
