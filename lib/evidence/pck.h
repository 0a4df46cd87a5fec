// SPDX-License-Identifier: Apache-2.0
// The Intel SGX PCK certificate extension (OID 1.2.840.113741.1.13.1, Intel "SGX PCK Certificate
// and CRL Profile" §1.3.5): a SEQUENCE of {OID, value} pairs, among them the TCB (.2: sixteen
// component SVNs .2.1-.2.16, PCESVN .2.17, CPUSVN .2.18), PCE-ID (.3) and FMSPC (.4). The TCB
// status lookup in the TCB info and the collateral URLs are keyed by these.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "evidence/x509.h"

namespace coco::evidence {

inline constexpr const char* kSgxExtensionOid = "1.2.840.113741.1.13.1";

struct PckInfo {
  std::string fmspc;  // hex, 6 bytes
  std::string pceid;  // hex, 2 bytes
  std::array<std::uint64_t, 16> sgx_tcb{};
  std::uint64_t pcesvn = 0;
  std::string cpusvn;  // hex
};

// Throws coco::Error naming `where` when the certificate has no SGX extension or it is malformed.
PckInfo parse_pck_extension(const Cert& leaf, const std::string& where);

}  // namespace coco::evidence
