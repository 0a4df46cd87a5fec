// SPDX-License-Identifier: Apache-2.0
// One entry of policy_data.containers (policy.md §1.4): the OCI process, root, mounts,
// annotations and Linux settings the Kata runtime will send for the container, with the storages
// the agent must set up, the exec commands its probes and hooks need, and coco's additions (the
// pinned image, anchored patterns for dynamic env values). Field names follow upstream
// genpolicy's policy_data so upstream rules.rego reads the same data.
#pragma once

#include <string>

#include "policy/env.h"
#include "policy/image.h"
#include "util/output.h"

namespace coco::policy {

struct PodInputs {
  const PodEnvContext& env;
  const Json& settings;
};

// A workload, init or sidecar container. `where` names it in messages.
Json container_policy(const Json& container, const ImageInfo& image, const PodInputs& pod, const std::string& where);

// The pause (sandbox) container, from the settings and the pod-level securityContext. With
// host-pulled tarfs layers (binds_tarfs_layers) the caller passes the pause image, whose layers are
// then bound too; nullptr otherwise.
Json pause_policy(const PodInputs& pod, const ImageInfo* pause_image);

}  // namespace coco::policy
