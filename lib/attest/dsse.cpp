// SPDX-License-Identifier: Apache-2.0
#include "attest/dsse.h"

#include "util/encoding.h"
#include "util/error.h"

namespace coco::attest {
namespace {

const Json& field(const Json& object, const char* name, const std::string& where, const std::string& path) {
  if (!object.is_object()) fail(where, path + ": expected an object");
  const auto it = object.find(name);
  if (it == object.end()) fail(where, path + ": missing \"" + name + "\"");
  return *it;
}

std::string string_field(const Json& object, const char* name, const std::string& where, const std::string& path) {
  const Json& v = field(object, name, where, path);
  if (!v.is_string()) fail(where, path + "." + name + ": expected a string");
  return v.get<std::string>();
}

}  // namespace

ByteVec pae(std::string_view payload_type, Bytes body) {
  const std::string head = "DSSEv1 " + std::to_string(payload_type.size()) + " " + std::string(payload_type) +
                           " " + std::to_string(body.size()) + " ";
  ByteVec out(head.begin(), head.end());
  append(out, body);
  return out;
}

void add_signature(Envelope& envelope, const PrivateKey& key) {
  const ByteVec message = pae(envelope.payload_type, envelope.payload);
  envelope.signatures.push_back({key.public_key().hint(), key.sign(message)});
}

Json to_json(const Envelope& envelope) {
  Json sigs = Json::array();
  for (const auto& s : envelope.signatures) {
    Json j = Json::object();
    if (!s.keyid.empty()) j["keyid"] = s.keyid;
    j["sig"] = to_base64(s.sig);
    sigs.push_back(std::move(j));
  }
  return {{"payload", to_base64(envelope.payload)},
          {"payloadType", envelope.payload_type},
          {"signatures", std::move(sigs)}};
}

Envelope parse_envelope(const Json& json, const std::string& where) {
  Envelope e;
  e.payload_type = string_field(json, "payloadType", where, "dsseEnvelope");
  e.payload = from_base64(string_field(json, "payload", where, "dsseEnvelope"), where + ": dsseEnvelope.payload");
  const Json& sigs = field(json, "signatures", where, "dsseEnvelope");
  if (!sigs.is_array() || sigs.empty()) fail(where, "dsseEnvelope.signatures: expected a non-empty array");
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    const std::string path = "dsseEnvelope.signatures[" + std::to_string(i) + "]";
    EnvelopeSignature s;
    s.sig = from_base64(string_field(sigs[i], "sig", where, path), where + ": " + path + ".sig");
    if (s.sig.empty()) fail(where, path + ".sig: empty signature");
    if (sigs[i].contains("keyid")) {
      if (!sigs[i]["keyid"].is_string()) fail(where, path + ".keyid: expected a string");
      s.keyid = sigs[i]["keyid"].get<std::string>();
    }
    e.signatures.push_back(std::move(s));
  }
  return e;
}

std::optional<std::size_t> find_valid_signature(const Envelope& envelope, const PublicKey& key) {
  const ByteVec message = pae(envelope.payload_type, envelope.payload);
  for (std::size_t i = 0; i < envelope.signatures.size(); ++i)
    if (key.verify(message, envelope.signatures[i].sig)) return i;
  return std::nullopt;
}

}  // namespace coco::attest
