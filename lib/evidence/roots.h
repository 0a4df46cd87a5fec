// SPDX-License-Identifier: Apache-2.0
// The trust anchors, pinned as SHA-256 fingerprints of their DER SubjectPublicKeyInfo. The
// certificates themselves come from the user's files or the quote; only these keys are trusted.
//
//   AMD ARK-Milan, ARK-Genoa, ARK-Turin: the self-signed roots AMD's Key Distribution Service
//     publishes at https://kdsintf.amd.com/vcek/v1/{Milan,Genoa,Turin}/cert_chain (the same keys
//     sign the VLEK chains at /vlek/v1/…/cert_chain).
//   Intel SGX Root CA: published by Intel at
//     https://certificates.trustedservices.intel.com/Intel_SGX_Provisioning_Certification_RootCA.pem
//     (it roots every PCK chain and the TCB Signing chain of PCS collateral).
#pragma once

#include <string>

#include "util/bytes.h"

namespace coco::evidence {

// The AMD product whose ARK has this fingerprint ("Milan", "Genoa", "Turin"), or "".
std::string amd_root_product(Bytes spki_sha256);
bool is_intel_sgx_root(Bytes spki_sha256);

}  // namespace coco::evidence
