// SPDX-License-Identifier: Apache-2.0
#include "attest/bundle.h"

#include "util/encoding.h"
#include "util/error.h"

namespace coco::attest {

Json bundle_json(const Envelope& envelope, const PublicKey& signer) {
  if (envelope.signatures.size() != 1)
    throw Error(Exit::Usage, "a Sigstore bundle carries exactly one signature (this envelope has " +
                                 std::to_string(envelope.signatures.size()) + "); use --format dsse for several");
  return {{"mediaType", kBundleMediaType},
          {"verificationMaterial", {{"publicKey", {{"hint", signer.hint()}}}, {"tlogEntries", Json::array()}}},
          {"dsseEnvelope", to_json(envelope)}};
}

namespace {

ByteVec base64_field(const Json& object, const char* key, const std::string& where, const std::string& path) {
  if (!object.contains(key) || !object[key].is_string()) fail(where, path + ": expected a base64 string");
  ByteVec out = from_base64(object[key].get<std::string>(), where + ": " + path);
  if (out.empty()) fail(where, path + ": empty");
  return out;
}

MessageSignature parse_message_signature(const Json& ms, const std::string& where) {
  if (!ms.is_object()) fail(where, "messageSignature: expected an object");
  MessageSignature m;
  m.signature = base64_field(ms, "signature", where, "messageSignature.signature");
  if (ms.contains("messageDigest")) {
    const Json& md = ms["messageDigest"];
    if (!md.is_object() || !md.contains("algorithm") || !md["algorithm"].is_string())
      fail(where, "messageSignature.messageDigest.algorithm: expected a string");
    const std::string algorithm = md["algorithm"].get<std::string>();
    if (algorithm != "SHA2_256")
      fail(where, "messageSignature.messageDigest.algorithm: \"" + algorithm + "\" (coco checks SHA2_256)");
    m.sha256 = base64_field(md, "digest", where, "messageSignature.messageDigest.digest");
    if (m.sha256->size() != 32) fail(where, "messageSignature.messageDigest.digest: not 32 bytes");
  }
  return m;
}

}  // namespace

SignedDocument parse_signed_document(std::string_view text, const std::string& where) {
  const Json j = parse_json(text, where);
  if (!j.is_object()) fail(where, "expected a Sigstore bundle or a DSSE envelope (a JSON object)");
  SignedDocument doc;
  if (!j.contains("mediaType") && j.contains("base64Signature")) {  // cosign 2.x sign-blob --bundle
    doc.is_bundle = true;
    doc.message = MessageSignature{base64_field(j, "base64Signature", where, "base64Signature"), std::nullopt};
    return doc;
  }
  if (!j.contains("mediaType")) {
    if (!j.contains("payloadType")) fail(where, "neither a Sigstore bundle (mediaType) nor a DSSE envelope (payloadType)");
    doc.envelope = parse_envelope(j, where);
    return doc;
  }
  doc.is_bundle = true;
  const Json& media = j["mediaType"];
  if (!media.is_string()) fail(where, "mediaType: expected a string");
  const std::string m = media.get<std::string>();
  if (m != kBundleMediaType && m != "application/vnd.dev.sigstore.bundle+json;version=0.2" &&
      m != "application/vnd.dev.sigstore.bundle+json;version=0.1")
    fail(where, "mediaType: unsupported Sigstore bundle type \"" + m + "\"");
  if (!j.contains("verificationMaterial") || !j["verificationMaterial"].is_object())
    fail(where, "verificationMaterial: expected an object");
  const Json& vm = j["verificationMaterial"];
  if (vm.contains("certificate") || vm.contains("x509CertificateChain"))
    fail(where, "verificationMaterial: a certificate (keyless) bundle; coco verifies bundles made with a "
                "public key only");
  if (vm.contains("publicKey")) {
    const Json& pk = vm["publicKey"];
    if (!pk.is_object() || (pk.contains("hint") && !pk["hint"].is_string()))
      fail(where, "verificationMaterial.publicKey.hint: expected a string");
    if (pk.contains("hint")) doc.hint = pk["hint"].get<std::string>();
  }
  if (j.contains("messageSignature") && j.contains("dsseEnvelope"))
    fail(where, "has both messageSignature and dsseEnvelope; a bundle carries one");
  if (j.contains("messageSignature")) {
    doc.message = parse_message_signature(j["messageSignature"], where);
    return doc;
  }
  if (!j.contains("dsseEnvelope")) fail(where, "missing \"dsseEnvelope\" (or \"messageSignature\")");
  doc.envelope = parse_envelope(j["dsseEnvelope"], where);
  if (doc.envelope.signatures.size() != 1)
    fail(where, "dsseEnvelope.signatures: a Sigstore bundle carries exactly one signature, this one has " +
                    std::to_string(doc.envelope.signatures.size()));
  return doc;
}

}  // namespace coco::attest
