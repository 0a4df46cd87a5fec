// SPDX-License-Identifier: Apache-2.0
#include "util/bytes.h"

#include <cstdio>

#include "util/error.h"

namespace coco {

std::string hex_number(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

Reader::Reader(Bytes data, std::string name, std::uint64_t base)
    : data_(data), name_(std::move(name)), base_(base) {}

void Reader::fail(std::uint64_t off, const std::string& what) const {
  coco::fail(name_, "offset " + hex_number(base_ + off) + ": " + what);
}

}  // namespace coco
