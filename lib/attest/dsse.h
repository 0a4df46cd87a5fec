// SPDX-License-Identifier: Apache-2.0
// DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1.0; plumbing.md §3.3):
// {"payload": base64, "payloadType": URI, "signatures": [{"keyid", "sig": base64}]}. Each
// signature covers the pre-authentication encoding PAE(type, body), never the raw JSON, so a
// signature cannot be replayed under another payload type. An envelope may carry several
// signatures (CI plus a release manager); a Sigstore bundle carries exactly one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/key.h"
#include "util/bytes.h"
#include "util/output.h"

namespace coco::attest {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";

struct EnvelopeSignature {
  std::string keyid;  // coco writes the signer's key hint; others may leave it empty
  ByteVec sig;
};

struct Envelope {
  std::string payload_type;
  ByteVec payload;
  std::vector<EnvelopeSignature> signatures;
};

// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal.
ByteVec pae(std::string_view payload_type, Bytes body);

void add_signature(Envelope& envelope, const PrivateKey& key);

Json to_json(const Envelope& envelope);
// Checks every field's presence and type; throws coco::Error naming `where` and the field.
Envelope parse_envelope(const Json& json, const std::string& where);

// The index of the first signature that `key` verifies over the PAE, if any.
std::optional<std::size_t> find_valid_signature(const Envelope& envelope, const PublicKey& key);

}  // namespace coco::attest
