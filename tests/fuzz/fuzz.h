// SPDX-License-Identifier: Apache-2.0
// What every libFuzzer harness under tests/fuzz shares. A harness feeds one input to one parser;
// a coco::Error is the expected answer to a malformed input, anything else escaping (another
// exception, a sanitizer report, a crash) is a finding. The same sources are built twice: with
// clang and -fsanitize=fuzzer for real fuzzing (COCO_FUZZ=ON), and with the normal compiler into
// coco_fuzz_replay, which runs every seed and regression input under testdata/fuzz/ in ctest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/error.h"

namespace coco::fuzz {

inline Bytes bytes(const std::uint8_t* data, std::size_t size) { return {data, size}; }
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// COCO_FUZZ_VERBOSE=1 prints each refusal: how to see whether a seed gets past the first check.
inline bool verbose() {
  static const bool on = std::getenv("COCO_FUZZ_VERBOSE") != nullptr;
  return on;
}

// Runs `f`, accepting a coco::Error (a named refusal) as a correct answer. Its message must name
// something: an empty what() would be a refusal the user cannot act on.
template <class F>
void refusals_allowed(F&& f) {
  try {
    f();
    if (verbose()) std::fprintf(stderr, "  accepted\n");
  } catch (const Error& e) {
    if (std::string_view(e.what()).empty()) __builtin_trap();
    if (verbose()) std::fprintf(stderr, "  refused: %s\n", e.what());
  }
}

// The first byte picks a variant (profile, syntax, algorithm); the rest is the document.
struct Split {
  std::uint8_t selector = 0;
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
};
inline Split split_selector(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return {0, data, 0};
  return {data[0], data + 1, size - 1};
}

}  // namespace coco::fuzz
