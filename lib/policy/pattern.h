// SPDX-License-Identifier: Apache-2.0
// Regular expressions as the Kata agent's Rego engine (regorus) runs them: Go/RE2 syntax, matched
// with RE2, never std::regex. The generator matches names against settings patterns
// (svc_name_downward_env) and writes patterns into policy_data; a settings pattern that RE2
// cannot compile would make the agent deny (or regorus fail) at run time, so it is refused when
// the settings are loaded, naming the file, the key, the pattern and RE2's reason.
#pragma once

#include <string>
#include <string_view>

namespace coco::policy {

// Whether all of `text` matches `pattern` (RE2 syntax). A pattern that does not compile is an
// error naming `where` (default: the pattern itself).
bool full_match(std::string_view text, const std::string& pattern, const std::string& where = "");

// Throws coco::Error (Failure) "<where>: <key>: pattern '<pattern>' does not compile: <why>".
void check_pattern(const std::string& pattern, const std::string& where, const std::string& key);

}  // namespace coco::policy
