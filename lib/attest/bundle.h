// Sigstore bundle v0.3 (sigstore/protobuf-specs protos/sigstore_bundle.proto; plumbing.md §4.2,
// §4.3) as coco writes it: a DSSE envelope with one signature, a public-key hint (lower-case hex
// SHA-256 of the DER SubjectPublicKeyInfo) and no transparency-log entries:
//   {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
//    "verificationMaterial": {"publicKey": {"hint": hex}, "tlogEntries": []},
//    "dsseEnvelope": {...}}
// Keyless (certificate) bundles and messageSignature bundles are recognised and refused with a
// reason, never half-verified.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "attest/dsse.h"

namespace coco::attest {

inline constexpr std::string_view kBundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

// Throws (Usage) unless the envelope has exactly one signature, as the bundle format requires.
Json bundle_json(const Envelope& envelope, const PublicKey& signer);

struct SignedDocument {
  Envelope envelope;
  bool is_bundle = false;             // else a bare DSSE envelope
  std::optional<std::string> hint;    // verificationMaterial.publicKey.hint
};

// A Sigstore bundle (v0.1–v0.3 media types) or a bare DSSE envelope, told apart by its keys.
SignedDocument parse_signed_document(std::string_view text, const std::string& where);

}  // namespace coco::attest
