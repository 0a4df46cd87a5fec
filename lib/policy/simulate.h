// SPDX-License-Identifier: Apache-2.0
// The agent requests a node sends for a pod, in order (policy.md §1.5), and the near misses a
// compromised host would try instead. `coco policy test` evaluates them against the pod's policy;
// `coco policy generate` runs the same simulation on every policy it writes (its self-check).
//
// Order, as the Kata runtime drives the agent for a pod (captured in
// ../shared/vectors/rego/regorus/kata/*/inputs.txt): UpdateInterface, UpdateRoutes,
// CreateSandbox, GuestDetails, CopyFile (resolv.conf), CreateContainer + StartContainer +
// WaitProcess for the pause container, GetOOMEvent, then per container (init, sidecar, app):
// CopyFile for what the shim copies, CreateContainer, StartContainer, WaitProcess for init
// containers, an ExecProcess (+ WaitProcess) for each exec probe and lifecycle hook, and at the
// end SignalProcess and RemoveContainer for each container.
#pragma once

#include <string>
#include <vector>

#include "policy/node.h"

namespace coco::policy {

struct Request {
  std::string kind;           // "CreateContainerRequest"
  Json input;                 // the request body as the agent's policy sees it
  std::string container;      // the container it concerns ("" for pod-level requests)
  std::string what;           // for people: "exec [\"cat\",\"/tmp/ok\"] (livenessProbe)"
  bool must_allow = true;     // false: a near miss that must be denied
};

struct SimulateOptions {
  NodeOptions node;
  bool negative = false;  // add the near misses
};

// The requests for one pod template of a loaded manifest; `object` is the item t.item points at.
std::vector<Request> simulate_pod(const Json& object, const k8s::PodTemplate& t, const k8s::Objects& objects,
                                  const ImageResolver& resolve, const SimulateOptions& opts);

}  // namespace coco::policy
