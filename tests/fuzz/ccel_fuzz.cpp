// SPDX-License-Identifier: Apache-2.0
// The TDX CC event log (CCEL): parsed, replayed into RTMRs, every event described.
#include "fuzz.h"
#include "tdx/ccel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    const Reader log(fuzz::bytes(data, size), "ccel.bin");
    const tdx::EventLog l = tdx::parse_ccel(log);
    (void)tdx::replay(l);
    (void)tdx::describe_event(l.events.empty() ? 0u : l.events.front().type, fuzz::bytes(data, size));
  });
  return 0;
}
