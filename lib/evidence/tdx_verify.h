// SPDX-License-Identifier: Apache-2.0
// Offline verification of a TDX quote (Intel TDX DCAP Quoting Library API, appendix A; Intel
// "SGX PCK Certificate and CRL Profile"; PCS API v4 for the collateral):
//   quote signature    ECDSA P-256 / SHA-256 over header‖body with the attestation key x‖y
//   QE report sig      the PCK leaf's key over the 384-byte QE report
//   QE binding         QE report_data = SHA-256(attestation key ‖ QE auth data) ‖ 32 zero bytes
//   chain              PCK <- PCK CA <- Intel SGX Root CA, root self-signed and pinned (roots.h),
//                      each certificate valid at the verification time
// and with collateral: the TCB Signing chain, the TCB info and QE identity signatures and
// freshness, the TCB status of the platform (SGX components and PCESVN from the PCK certificate,
// TDX components from tee_tcb_svn) and of the TDX module and QE, and CRL revocation of the PCK
// leaf and its CA.
#pragma once

#include <ctime>

#include "evidence/checks.h"
#include "evidence/collateral.h"
#include "evidence/evidence.h"

namespace coco::evidence {

struct TdxVerifyInputs {
  Collateral collateral;
  std::time_t at = 0;
};

CheckList verify_tdx(const Evidence& e, const TdxVerifyInputs& in);

// One revocation line: is `cert` on a CRL from `issuer` among `crls` (signed by it, not stale at `at`)?
void check_revocation(CheckList& out, const std::string& role, const Cert& cert, const Cert& issuer,
                      const std::vector<Crl>& crls, std::time_t at);

}  // namespace coco::evidence
