// SPDX-License-Identifier: Apache-2.0
// Rego module source (lib/rego): lexed, parsed (v0 or v1 by the first byte), compiled, and the
// whole `data` tree evaluated under a small step limit, so a slow input is a named refusal.
#include "fuzz.h"
#include "rego/rego.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    rego::Limits limits;
    limits.max_steps = 20'000;
    limits.max_call_depth = 64;
    rego::Engine engine(limits);
    engine.add_module("fuzz.rego", fuzz::text(in.data, in.size), (in.selector & 1) != 0 ? rego::Syntax::V0 : rego::Syntax::V1);
    if (in.selector & 2) (void)engine.eval("data");
  });
  return 0;
}
