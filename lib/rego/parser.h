// SPDX-License-Identifier: Apache-2.0
// Rego parser (OPA's grammar, v0 and v1): module = package, imports, rules; rule heads (complete,
// partial set/object, functions, ref heads, default, else); bodies of expressions separated by
// newlines or ';'; terms with OPA's operator precedence (in < relations < | < & < + - < * / %).
// Nesting of brackets, parentheses and bodies is bounded by Limits::max_nesting.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "rego/ast.h"
#include "rego/rego.h"

namespace coco::rego {

std::shared_ptr<Module> parse_module(const std::string& name, std::string_view source, Syntax syntax,
                                     const Limits& limits);

// A query body ("x := data.p; y = x[_]"); `file` names it in errors.
std::shared_ptr<Body> parse_query(const std::string* file, std::string_view source, const Limits& limits);

// One term (input_term in the OPA suite); it must be ground to be used as a value.
TermPtr parse_term(const std::string* file, std::string_view source, const Limits& limits);

}  // namespace coco::rego
