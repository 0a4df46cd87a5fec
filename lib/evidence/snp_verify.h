// SPDX-License-Identifier: Apache-2.0
// Offline verification of an SEV-SNP report (SEV-SNP ABI spec §3 "Attestation"; AMD "Versioned
// Chip Endorsement Key (VCEK) Certificate and KDS Interface Specification" 57230 for the
// certificate extensions):
//   report signature   ECDSA P-384 / SHA-384 over [0, 0x2A0) with the VCEK or VLEK key, R and S
//                      stored little-endian in 72-byte fields
//   VEK <- ASK/ASVK <- ARK, ARK self-signed (RSASSA-PSS, SHA-384), ARK pinned (roots.h)
//   validity of each certificate at the verification time
//   VCEK hwID (1.3.6.1.4.1.3704.1.4, raw 64 bytes or a DER OCTET STRING) == chip_id
//   blSPL/teeSPL/snpSPL/ucodeSPL (1.3.6.1.4.1.3704.1.3.{1,2,3,8}, fmcSPL .9 on Turin) == reported_tcb
//   Azure HCL: SHA-256 of the runtime claims == report_data[0:32]
#pragma once

#include <ctime>
#include <optional>
#include <vector>

#include "evidence/checks.h"
#include "evidence/evidence.h"

namespace coco::evidence {

struct SnpVerifyInputs {
  std::vector<Cert> vek;       // --vcek / --vlek file: the VEK first; more certificates are CA candidates
  bool vek_is_vlek = false;    // given as --vlek
  bool vek_given = false;
  std::vector<Cert> ca;        // --ask-ark: ASK or ASVK, then ARK
  std::time_t at = 0;          // verification time
};

// The SPLs a VCEK/VLEK certifies.
struct VekTcb {
  std::optional<std::uint64_t> fmc, bootloader, tee, snp, microcode;
  std::string product;  // productName, "Milan-B0"
};
VekTcb read_vek_tcb(const Cert& vek, const std::string& where);
// The hwID extension's 64 (Milan/Genoa) or 8 (Turin) bytes, DER-wrapped or raw; nullopt when absent.
std::optional<ByteVec> read_hwid(const Cert& vek);

CheckList verify_snp(const Evidence& e, const SnpVerifyInputs& in);

}  // namespace coco::evidence
