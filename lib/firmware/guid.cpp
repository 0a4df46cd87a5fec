// SPDX-License-Identifier: Apache-2.0
#include "firmware/guid.h"

#include <cstdio>

namespace coco::firmware {

std::string to_string(const Guid& g) {
  char buf[37];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2],
                g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
  return buf;
}

}  // namespace coco::firmware
