// SPDX-License-Identifier: Apache-2.0
#include "util/error.h"

namespace coco {

Error::Error(Exit kind, const std::string& where, const std::string& message)
    : std::runtime_error(where.empty() ? message : where + ": " + message), kind_(kind) {}

Error::Error(Exit kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}

void fail(const std::string& where, const std::string& message) {
  throw Error(Exit::Failure, where, message);
}

void usage_error(const std::string& message) { throw Error(Exit::Usage, message); }

}  // namespace coco
