// SPDX-License-Identifier: Apache-2.0
// Sigstore bundle v0.3 (sigstore/protobuf-specs protos/sigstore_bundle.proto; plumbing.md §4.2,
// §4.3) as coco writes it: a DSSE envelope with one signature, a public-key hint (lower-case hex
// SHA-256 of the DER SubjectPublicKeyInfo) and no transparency-log entries:
//   {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
//    "verificationMaterial": {"publicKey": {"hint": hex}, "tlogEntries": []},
//    "dsseEnvelope": {...}}
// Read besides: the messageSignature bundles of `cosign sign-blob --bundle` (cosign 3, or 2.x with
// --new-bundle-format) and `@sigstore/sign`:
//   "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": B64}, "signature": B64}
// where the signature is over the blob itself (ECDSA over its SHA-256), and cosign 2.x's older
// --bundle JSON {"base64Signature": B64, "cert": …, "rekorBundle": …}, the same signature.
// Transparency-log entries are not checked (the trust is the public key given). Keyless
// (certificate) bundles are recognised and refused with a reason, never half-verified.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "attest/dsse.h"

namespace coco::attest {

inline constexpr std::string_view kBundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

// Throws (Usage) unless the envelope has exactly one signature, as the bundle format requires.
Json bundle_json(const Envelope& envelope, const PublicKey& signer);

// A signature over a blob's bytes rather than over a DSSE envelope.
struct MessageSignature {
  ByteVec signature;
  std::optional<ByteVec> sha256;  // messageDigest, when the bundle carries a SHA2_256 one
};

struct SignedDocument {
  Envelope envelope;                      // empty when `message` is set
  std::optional<MessageSignature> message;
  bool is_bundle = false;             // else a bare DSSE envelope
  std::optional<std::string> hint;    // verificationMaterial.publicKey.hint
};

// A Sigstore bundle (v0.1–v0.3 media types) or a bare DSSE envelope, told apart by its keys.
SignedDocument parse_signed_document(std::string_view text, const std::string& where);

}  // namespace coco::attest
