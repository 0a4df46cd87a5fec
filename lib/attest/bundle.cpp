#include "attest/bundle.h"

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

SignedDocument parse_signed_document(std::string_view text, const std::string& where) {
  const Json j = parse_json(text, where);
  if (!j.is_object()) fail(where, "expected a Sigstore bundle or a DSSE envelope (a JSON object)");
  SignedDocument doc;
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
  if (j.contains("messageSignature"))
    fail(where, "a messageSignature bundle; coco verifies DSSE bundles (coco sign --format bundle) and "
                "detached .sig files");
  if (!j.contains("dsseEnvelope")) fail(where, "missing \"dsseEnvelope\"");
  doc.envelope = parse_envelope(j["dsseEnvelope"], where);
  if (doc.envelope.signatures.size() != 1)
    fail(where, "dsseEnvelope.signatures: a Sigstore bundle carries exactly one signature, this one has " +
                    std::to_string(doc.envelope.signatures.size()));
  return doc;
}

}  // namespace coco::attest
