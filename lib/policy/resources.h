// SPDX-License-Identifier: Apache-2.0
// resourceFieldRef values as kubelet computes them (k8s.io/kubernetes pkg/api/v1/resource
// ExtractContainerResourceValue): a limit or request the manifest gives is a number the policy
// binds literally, divided by the divisor and rounded up as kubelet rounds. Only a value the node
// decides (a limit left to node allocatable, a request left to the cluster's LimitRange) stays a
// pattern.
//
// Quantities follow k8s.io/apimachinery resource.Quantity: a decimal number, then a binary suffix
// (Ki Mi Gi Ti Pi Ei), a decimal one (n u m k M G T P E) or an exponent (e3, E-2).
#pragma once

#include <optional>
#include <string>

#include "util/output.h"

namespace coco::policy {

// A non-negative quantity as the exact fraction num / den.
struct Quantity {
  unsigned __int128 num = 0, den = 1;
};

// Parses a quantity (a YAML string, or a number); an error names `where`.
Quantity parse_quantity(const Json& value, const std::string& where);

// kubelet's Value() and MilliValue(): ceil(q) and ceil(q * 1000).
std::uint64_t quantity_value(const Quantity& q, const std::string& where);
std::uint64_t quantity_milli_value(const Quantity& q, const std::string& where);

// kubelet's resourceFieldRef arithmetic: `value` over `divisor`, rounded up, in milli-units for cpu
// and in units (each rounded up first) for everything else.
std::string divided_resource_value(const Quantity& value, const Quantity& divisor, bool cpu, const std::string& where);

// The value of env[].valueFrom.resourceFieldRef `ref` for `container` of the pod `pod_spec`, or
// nullopt when the node decides it (no limit, or no request and no limit). Unknown resources and
// divisors the API server would reject are errors naming `where`.
std::optional<std::string> resource_field_value(const Json& ref, const Json& container, const Json& pod_spec,
                                                const std::string& where);

}  // namespace coco::policy
