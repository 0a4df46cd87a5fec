// SPDX-License-Identifier: Apache-2.0
// The policy a pod carries (policy.md §4): the Rego text in the initdata annotation's TOML
// (data."policy.rego") or in the legacy agent-policy annotation, as the agent will receive it.
// Reads what coco, genpolicy and az confcom write, so `policy test` can check any of them.
#pragma once

#include <string>
#include <string_view>

#include "util/output.h"

namespace coco::policy {

// The Rego text of a pod's policy, from the initdata annotation (policy.rego in its TOML) or the
// agent-policy annotation of the pod template's metadata. `where` names the pod.
std::string pod_policy_text(const Json& metadata, const std::string& where);

// The string value of `key` in the [data] table of an initdata TOML document (basic, literal
// and multi-line strings), as coco, genpolicy and az confcom write it.
std::string initdata_entry(std::string_view toml, const std::string& key, const std::string& where);

}  // namespace coco::policy
