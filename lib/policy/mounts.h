// SPDX-License-Identifier: Apache-2.0
// Volumes → OCI mounts and agent storages (policy.md §1.4 "Volume → mount/storage mapping").
// Sources the node chooses (bundle ids, random share names) are regexes built from the settings'
// `$(sfprefix)`-style placeholders, which the rules expand; everything else is literal.
#pragma once

#include <string>

#include "util/output.h"

namespace coco::policy {

struct MountsAndStorages {
  Json mounts = Json::array();
  Json storages = Json::array();
};

// Mounts of one container's volumeMounts (and the pod's volumes), with the settings' defaults.
// With a read-only root filesystem containerd mounts /etc/hostname and /etc/resolv.conf
// read-only. `where` names the container in messages.
MountsAndStorages container_mounts(const Json& container, const Json& pod_spec, const Json& settings,
                                   bool privileged, bool read_only_root, const std::string& where);

}  // namespace coco::policy
