// SPDX-License-Identifier: Apache-2.0
// `coco measure tdx`: MRTD and RTMR0-3 of a QEMU/KVM TD booted with OVMF (TDVF), for direct
// (-kernel) boot, as the event lists of specs/tdx.md §2.2 (RTMR0), §2.5 (RTMR1), §2.6 (RTMR2)
// and §2.7 (RTMR3, zero at launch) describe them for each OVMF layout generation.
//
// RTMR0 contains three fw_cfg blobs that depend on QEMU's device model (etc/table-loader,
// etc/acpi/rsdp, etc/acpi/tables). They are read from files the user supplies; without them
// RTMR0 is reported as not computable (null) and the note says which are missing — never guessed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tdx/events.h"
#include "tdx/mrtd.h"
#include "tdx/profile.h"
#include "util/output.h"

namespace coco::tdx {

struct MeasureInputs {
  std::string firmware;                 // path
  std::string kernel;                   // path, "" for none
  std::string initrd;                   // path, "" for none
  std::string append;                   // kernel command line
  std::uint64_t memory = 2ull << 30;    // guest RAM in bytes
  unsigned vcpus = 1;                   // recorded; only the ACPI tables depend on it
  std::string acpi_dir;                 // "" when not given
  Profile profile;
};

struct Measurement {
  ByteVec mrtd;
  MrtdStats mrtd_stats;
  std::array<std::optional<ByteVec>, kRtmrCount> rtmr;
  std::vector<Event> events;
  std::vector<std::string> notes;  // why a register is null, assumptions taken
  std::string firmware_sha256;
};

// The file names accepted in --acpi-tables DIR for each fw_cfg blob: coco's own name first,
// then the names tdx-measure / dstack tooling writes.
struct AcpiBlobName {
  const char* fw_cfg;                   // "etc/table-loader"
  std::vector<const char*> files;       // "table-loader", "table_loader.bin"
};
const std::vector<AcpiBlobName>& acpi_blob_names();

Measurement measure_tdx(const MeasureInputs& in);

// The JSON of `coco measure tdx` (schemas/measure-tdx.schema.json).
Json to_json(const Measurement& m, const MeasureInputs& in);
Json to_json(const Profile& p);

}  // namespace coco::tdx
