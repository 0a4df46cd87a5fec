// SPDX-License-Identifier: Apache-2.0
// Generator settings (policy.md §1.6): what the cluster and the Kata runtime add to every pod
// (pause container, default mounts and env, OCI version, paths, capability sets, request
// defaults). Two built-in profiles: "upstream" (CoCo with guest pull, initdata) and "aks"
// (host-pulled tarfs layers with dm-verity roots, the agent-policy annotation). A settings file
// is a JSON merge patch (RFC 7386) over the profile, checked key by key against the profile's
// shape, so a typo or a wrong type names its key instead of silently widening the policy.
#pragma once

#include <string>
#include <string_view>

#include "util/output.h"

namespace coco::policy {

enum class Profile { Upstream, Aks };
Profile parse_profile(std::string_view name);  // throws Usage
std::string profile_name(Profile p);

Json default_settings(Profile p);

// Whether images are pulled on the host and bound by their tarfs dm-verity layer roots (the aks
// profile) rather than pulled in the guest.
bool binds_tarfs_layers(const Json& settings);

// Applies the file's JSON (`text`, named `where` in messages) over the profile's defaults.
Json load_settings(Profile p, std::string_view text, const std::string& where);

}  // namespace coco::policy
