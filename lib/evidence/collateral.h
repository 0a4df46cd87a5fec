// SPDX-License-Identifier: Apache-2.0
// Intel PCS collateral as `evidence verify --collateral` reads it (Intel "PCS API v4"): TCB info
// ({"tcbInfo": {...}, "signature": hex r‖s} for one FMSPC), the TD_QE identity
// ({"enclaveIdentity": {...}, "signature"}), CRLs (PEM or DER) and issuer chains (PEM: the TCB
// Signing certificate, the PCK Platform/Processor CA). The signatures are ECDSA P-256 over the
// exact bytes of the tcbInfo / enclaveIdentity value as it stands in the file, so the value is
// cut out of the text, not re-serialised.
#pragma once

#include <string>
#include <vector>

#include "evidence/x509.h"
#include "util/output.h"

namespace coco::evidence {

struct SignedJson {
  std::string file;
  std::string raw;      // the exact text of the signed member
  Json body;            // the same, parsed
  ByteVec signature;    // r‖s, 64 bytes
};

struct Collateral {
  std::vector<SignedJson> tcb_infos, qe_identities;
  std::vector<Crl> crls;
  std::vector<std::string> crl_files;
  std::vector<Cert> certs;
  bool empty() const { return tcb_infos.empty() && qe_identities.empty() && crls.empty() && certs.empty(); }
};

// Reads each path (a file, or every regular file of a directory, not recursing); files that are
// none of the above are ignored. Throws coco::Error naming a file that claims to be TCB info or
// QE identity but is malformed.
Collateral load_collateral(const std::vector<std::string>& paths);

// Adds what `data` is (TCB info, QE identity, a CRL, certificates) to `c`; `name` is the file or
// URL for messages. Bytes that are none of these are ignored; malformed TCB info throws.
void add_collateral(Collateral& c, Bytes data, const std::string& name);

// The exact text of member `key` of the top-level object in `text`; throws naming `where`.
std::string raw_member(std::string_view text, const std::string& key, const std::string& where);

// Seconds since the epoch of an RFC 3339 UTC time "2023-06-18T08:42:58Z"; throws naming `where`.
std::time_t parse_utc(const std::string& text, const std::string& where);

}  // namespace coco::evidence
