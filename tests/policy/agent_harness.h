// SPDX-License-Identifier: Apache-2.0
// Replaying agent requests against a generated policy with the embedded engine, as the Kata
// agent does (policy.rs): evaluate data.agent_policy.<Request>; an {"allowed": true, "ops": [...]}
// answer applies its JSON-patch "add" ops to data.pstate. Also: reading regorus's captured
// requests (../shared/vectors/rego/regorus/kata/<pod>/inputs.txt) and moving a captured create
// from host-pulled layers to guest pull.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "rego/rego.h"
#include "support/support.h"
#include "util/file.h"
#include "util/output.h"

namespace coco::test {

// The captured requests of one pod: endpoint and body, in order.
inline std::vector<std::pair<std::string, Json>> captured(const std::string& pod) {
  // One request a line: `["ep":"<Endpoint>",{…}],`.
  const std::string text = read_text_file(test::shared_path("vectors/rego/regorus/kata/" + pod + "/inputs.txt"));
  std::vector<std::pair<std::string, Json>> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (const auto at = line.find("\"ep\":"); at != std::string::npos) line.erase(at, 5);
    while (!line.empty() && (line.back() == ',' || line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const Json req = Json::parse(line);
    out.emplace_back(req[0].get<std::string>(), req[1]);
  }
  return out;
}

inline Json first(const std::vector<std::pair<std::string, Json>>& reqs, const std::string& ep, const std::string& type = "") {
  for (const auto& [e, body] : reqs)
    if (e == ep && (type.empty() || body["OCI"]["Annotations"]["io.kubernetes.cri.container-type"] == type)) return body;
  FAIL("no " << ep);
  return {};
}

// The Kata agent's loop: evaluate, and on {"allowed": true, "ops": [...]} apply the state ops.
struct Agent {
  rego::Engine engine;
  Json data = {{"pstate", Json::object()}};
  explicit Agent(const std::string& policy) {
    engine.add_module("policy.rego", policy, rego::Syntax::V1);
    engine.set_data(data);
  }
  bool ask(const std::string& ep, const Json& input) {
    engine.set_input(input);
    const auto v = engine.eval("data.agent_policy." + ep);
    if (!v) return false;
    if (v->is_boolean()) return v->get<bool>();
    if (!v->is_object() || !v->contains("allowed") || (*v)["allowed"] != true) return false;
    for (const auto& op : v->value("ops", Json::array())) {
      const std::string path = op["path"];
      REQUIRE(op["op"] == "add");
      REQUIRE(path.rfind("/pstate/", 0) == 0);
      data["pstate"][path.substr(8)] = op["value"];
    }
    engine.set_data(data);
    return true;
  }
};

// Captured requests moved to guest pull: the rootfs in the guest, the pinned image pulled there.
// `id` and `sandbox_id` may replace the captured ones; the shared files named after them follow.
inline Json guest_pull(Json req, const std::string& id, const std::string& sandbox_id, const std::string& source) {
  const std::string old_id = req["container_id"], old_sandbox = req["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-id"];
  req["container_id"] = id;
  req["exec_id"] = id;
  req["OCI"]["Root"]["Path"] = "/run/kata-containers/" + id + "/rootfs";
  req["storages"] = Json::array({{{"driver", "image_guest_pull"}, {"driver_options", Json::array()}, {"source", source},
                                  {"fstype", "overlay"}, {"options", Json::array()},
                                  {"mount_point", "/run/kata-containers/" + id + "/rootfs"}, {"fs_group", nullptr}}});
  if (source == "pause") req["storages"] = Json::array();
  Json& a = req["OCI"]["Annotations"];
  a["io.kubernetes.cri.sandbox-id"] = sandbox_id;
  a["io.katacontainers.pkg.oci.bundle_path"] = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + id;
  const std::string shared = "/run/kata-containers/shared/containers/";
  for (auto& m : req["OCI"]["Mounts"]) {
    const std::string s = m["source"];
    if (s.rfind(shared + old_id, 0) == 0) m["source"] = shared + id + s.substr(shared.size() + old_id.size());
    else if (s.rfind(shared + old_sandbox, 0) == 0) m["source"] = shared + sandbox_id + s.substr(shared.size() + old_sandbox.size());
  }
  for (auto& st : req["storages"]) {
    const std::string s = st["mount_point"];
    if (s.rfind(shared + old_sandbox, 0) == 0) st["mount_point"] = shared + sandbox_id + s.substr(shared.size() + old_sandbox.size());
  }
  return req;
}


}  // namespace coco::test
