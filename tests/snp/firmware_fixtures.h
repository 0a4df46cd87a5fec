// SPDX-License-Identifier: Apache-2.0
// The OVMF builds the SNP tests measure, relative to ../shared (test::read_shared, shared_path).
#pragma once

namespace coco::test {
inline constexpr const char* kAmdSevOvmf = "fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin";
inline constexpr const char* kOvmfX64 = "fixtures/sev-snp-measure/ovmf_OvmfX64_suffix.bin";
}  // namespace coco::test
