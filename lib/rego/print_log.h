// SPDX-License-Identifier: Apache-2.0
// The lines `print` writes, kept as values and turned into text only when someone reads them:
// policies print whole requests dozens of times per query, and most callers (policy test, the
// self-check of policy generate) throw the lines away. Values are immutable, so text made later
// is the text the print would have made at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rego/ast.h"

namespace coco::rego {

class PrintLog {
 public:
  // One print call: where it is, then its arguments (nullopt: undefined, printed <undefined>).
  void begin(const Loc& where);
  void arg(const std::optional<Value>& v);

  // Formats what is pending, as regorus does: "<file>:<line>: <args joined by spaces>", strings
  // bare, other values as Rego text. Call before the modules the locations name are dropped.
  void settle();
  std::vector<std::string> take();
  void clear();

 private:
  struct Line {
    const std::string* file;
    std::uint32_t line;
    std::uint32_t first;  // into args_
    std::uint32_t count;
  };
  std::vector<Line> pending_;
  std::vector<std::optional<Value>> args_;
  std::vector<std::string> lines_;
};

}  // namespace coco::rego
