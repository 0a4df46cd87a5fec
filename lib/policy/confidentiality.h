// SPDX-License-Identifier: Apache-2.0
// What a pod shares with the untrusted host (issue 15 item 13). A confidential pod's policy pins
// what the node may ask of the agent, but some pod settings hand data to the host by design: its
// network or process or IPC namespace, a privileged container (every device, no masked paths), a
// hostPath volume (files that come from and go to the host's disk), an emptyDir that the runtime
// keeps on the host's disk (shared-fs) rather than in guest memory or an encrypted guest disk.
// These are warnings, not errors: the pod is valid, and some users mean it.
#pragma once

#include <string>
#include <vector>

#include "util/output.h"

namespace coco::policy {

// One line per finding, naming the field: "spec.hostNetwork: …", "spec.volumes[1] (cache): …".
// `settings` gives the emptyDir placement (cluster_config.emptydir_type).
std::vector<std::string> confidentiality_warnings(const Json& pod_spec, const Json& settings);

}  // namespace coco::policy
