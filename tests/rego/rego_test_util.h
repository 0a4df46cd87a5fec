// SPDX-License-Identifier: Apache-2.0
// Shorthands the Rego engine tests share.
#pragma once

#include <string>

#include "rego/rego.h"
#include "util/error.h"

namespace coco::test {

// The message of the error evaluating `ref` raises, "" when it evaluates.
inline std::string eval_error(rego::Engine& e, const std::string& ref) {
  try {
    e.eval(ref);
  } catch (const coco::Error& err) {
    return err.what();
  }
  return "";
}

}  // namespace coco::test
