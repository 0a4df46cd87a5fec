// SPDX-License-Identifier: Apache-2.0
// What the parts of NodePod (node.cpp, node_container.cpp, node_env.cpp) share: the Kata
// runtime's fixed paths and containerd's defaults. Like node.h, these are
// written from the node's components, not taken from the settings the generator uses.
#pragma once

#include <string>
#include <vector>


namespace coco::policy::node_internal {

inline constexpr const char* kShared = "/run/kata-containers/shared/containers";
inline constexpr const char* kSandboxStorage = "/run/kata-containers/sandbox/storage";
inline constexpr const char* kShm = "/run/kata-containers/sandbox/shm";
// containerd's PATH for an image that sets none.
inline constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// containerd's default capability set for a container that asks for nothing else.
inline const std::vector<std::string> kDefaultCaps = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",  "CAP_FOWNER", "CAP_MKNOD",       "CAP_NET_RAW",    "CAP_SETGID",
    "CAP_SETUID",  "CAP_SETFCAP",      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
    "CAP_AUDIT_WRITE"};

}  // namespace coco::policy::node_internal
