// SPDX-License-Identifier: Apache-2.0
// `coco policy explain`: why a policy denied a request, from the engine's trace (rego.h Tracer).
//
// A denial is the absence of any successful body; the evaluation that came closest is the one
// that failed deepest. From the Fail events this takes the deepest (rule/function call depth,
// then the latest at that depth), and reports its expression, the values bound to its variables,
// and for each value found in the request the field it came from (OCI.Process.Env[4]), so the
// user sees `OCI.Process.Env[4]: "REDIS_SERVICE_HOST=10.0.0.9" does not match policy pattern
// ^REDIS_SERVICE_HOST=10\.96\.40\.10$`. The enclosing calls (Enter events still open at that
// point) give the rule path, and an index bound there (i, idx) names the policy container.
#pragma once

#include <string>
#include <vector>

#include "policy/evaluate.h"

namespace coco::policy {

Explanation explain_denial(const std::vector<rego::TraceEvent>& events, const Json& input, const std::string& kind);

// Where `value` (a string or number) occurs in `input`, as a field path ("OCI.Process.Env[4]");
// empty when it does not. Depth-bounded.
std::string find_in_request(const Json& input, const Json& value);

}  // namespace coco::policy
