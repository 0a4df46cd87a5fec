// SPDX-License-Identifier: Apache-2.0
// The compile step's recursion check (OPA's rego_recursion_error, raised before any evaluation):
// a rule or function whose value depends on itself through references and calls. The graph has
// one edge per reference to a rule document (data.a.b or a package rule's name) or call to a
// function; a reference that stops above the rules (data.a, data.a[x]) depends on every rule
// below it, as in OPA. The values of `with` may name functions without calling them: no edge.
#pragma once

#include "rego/compiler.h"

namespace coco::rego {

// Throws coco::Error "rego_recursion_error: …" at the rule that closes the cycle, naming the cycle.
void check_recursion(const Node& root);

}  // namespace coco::rego
