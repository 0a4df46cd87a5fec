// SPDX-License-Identifier: Apache-2.0
#include "policy/pattern.h"

#include <re2/re2.h>

#include "util/error.h"

namespace coco::policy {
namespace {

RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);  // the error goes into coco's message instead of stderr
  return o;
}

}  // namespace

void check_pattern(const std::string& pattern, const std::string& where, const std::string& key) {
  const RE2 re(pattern, options());
  if (!re.ok()) fail(where, key + ": pattern '" + pattern + "' does not compile: " + re.error());
}

bool full_match(std::string_view text, const std::string& pattern, const std::string& where) {
  const RE2 re(pattern, options());
  if (!re.ok()) fail(where.empty() ? "pattern" : where, "'" + pattern + "' does not compile: " + re.error());
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), re);
}

}  // namespace coco::policy
