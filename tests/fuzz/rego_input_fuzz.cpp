// SPDX-License-Identifier: Apache-2.0
// A JSON document as the Rego engine's `input` (lib/rego): parsed, converted to Rego values,
// walked and marshalled back by a fixed module, as an agent request reaches the policy.
#include "fuzz.h"
#include "rego/rego.h"
#include "util/output.h"

namespace {

constexpr const char* kModule = R"(package fuzz

paths := [p | walk(input, [p, _])]
text := json.marshal(input)
same := json.unmarshal(text) == input
kinds := {type_name(v) | walk(input, [_, v])}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    const Json input = parse_json(fuzz::text(data, size), "input.json");
    rego::Limits limits;
    limits.max_steps = 200'000;
    rego::Engine engine(limits);
    engine.add_module("fuzz.rego", kModule);
    engine.set_input(input);
    const auto same = engine.eval("data.fuzz.same");
    // A JSON document survives marshal and unmarshal unchanged.
    if (same && *same != Json(true)) __builtin_trap();
    (void)engine.eval("data.fuzz.kinds");
  });
  return 0;
}
