// SPDX-License-Identifier: Apache-2.0
// The AMD SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI spec 56860, Table 23 in rev 1.55; versions 2-5):
// 0x4A0 bytes, little-endian, signed by the VCEK or VLEK over bytes [0, 0x2A0).
//
//   0x000 u32 version          0x004 u32 guest_svn      0x008 u64 policy
//   0x010 family_id[16]        0x020 image_id[16]       0x030 u32 vmpl
//   0x034 u32 signature_algo   0x038 u64 current_tcb    0x040 u64 platform_info
//   0x048 u32 flags (bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 4:2 SIGNING_KEY)
//   0x050 report_data[64]      0x090 measurement[48]    0x0C0 host_data[32]
//   0x0E0 id_key_digest[48]    0x110 author_key_digest[48]
//   0x140 report_id[32]        0x160 report_id_ma[32]   0x180 u64 reported_tcb
//   0x188 cpuid fam/mod/step (v3+)                      0x1A0 chip_id[64]
//   0x1E0 u64 committed_tcb    0x1E8 current build/minor/major   0x1EC committed build/minor/major
//   0x1F0 u64 launch_tcb       0x1F8 u64 launch_mit_vector, 0x200 u64 current_mit_vector (v5)
//   0x2A0 signature: R[72], S[72] little-endian (ECDSA P-384), reserved to 0x4A0
#pragma once

#include <array>
#include <cstdint>

#include "evidence/field.h"
#include "util/bytes.h"

namespace coco::evidence {

inline constexpr std::size_t kSnpReportSize = 0x4A0;
inline constexpr std::size_t kSnpSignedSize = 0x2A0;
inline constexpr std::size_t kSnpSigComponent = 72;  // R and S fields, little-endian, zero-padded

enum class SnpSigningKey { Vcek = 0, Vlek = 1, None = 7 };

struct SnpReport {
  ByteVec raw;  // the 0x4A0 bytes
  std::uint32_t version = 0, guest_svn = 0, vmpl = 0, signature_algo = 0, flags = 0;
  std::uint64_t policy = 0, current_tcb = 0, platform_info = 0, reported_tcb = 0, committed_tcb = 0,
                launch_tcb = 0, launch_mit_vector = 0, current_mit_vector = 0;
  std::uint8_t cpuid_fam = 0, cpuid_mod = 0, cpuid_step = 0;
  std::array<std::uint8_t, 3> current_version{}, committed_version{};  // build, minor, major
  Bytes family_id() const { return Bytes(raw).subspan(0x10, 16); }
  Bytes image_id() const { return Bytes(raw).subspan(0x20, 16); }
  Bytes report_data() const { return Bytes(raw).subspan(0x50, 64); }
  Bytes measurement() const { return Bytes(raw).subspan(0x90, 48); }
  Bytes host_data() const { return Bytes(raw).subspan(0xC0, 32); }
  Bytes id_key_digest() const { return Bytes(raw).subspan(0xE0, 48); }
  Bytes author_key_digest() const { return Bytes(raw).subspan(0x110, 48); }
  Bytes report_id() const { return Bytes(raw).subspan(0x140, 32); }
  Bytes report_id_ma() const { return Bytes(raw).subspan(0x160, 32); }
  Bytes chip_id() const { return Bytes(raw).subspan(0x1A0, 64); }
  Bytes signed_part() const { return Bytes(raw).subspan(0, kSnpSignedSize); }
  Bytes sig_r() const { return Bytes(raw).subspan(0x2A0, kSnpSigComponent); }
  Bytes sig_s() const { return Bytes(raw).subspan(0x2E8, kSnpSigComponent); }
  SnpSigningKey signing_key() const { return static_cast<SnpSigningKey>((flags >> 2) & 7); }
  bool has_cpuid() const { return version >= 3; }
  bool is_turin() const { return has_cpuid() && cpuid_fam == 0x1A; }  // Zen 5: the Turin TCB layout
};

// A TCB_VERSION split into its SPLs. Milan/Genoa: byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode;
// Turin: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 7 microcode.
struct TcbParts {
  int fmc = -1, bootloader = 0, tee = 0, snp = 0, microcode = 0;  // fmc -1: no FMC field
};
TcbParts split_tcb(std::uint64_t tcb, bool turin);
std::string tcb_text(const TcbParts& t);  // "bootloader=3 tee=0 snp=8 microcode=115"

// Parses the first 0x4A0 bytes of `r` (more may follow). Throws coco::Error naming the input and the
// offset for a short input, a version outside 2-5, an unknown signature algorithm or a non-zero
// reserved signing-key value.
SnpReport parse_snp_report(const Reader& r);

// Every field with its spec name, in report order.
Fields snp_fields(const SnpReport& report);

std::string snp_product_guess(const SnpReport& report);  // "Milan", "Genoa", "Turin" or ""

}  // namespace coco::evidence
