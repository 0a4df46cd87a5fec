// SPDX-License-Identifier: Apache-2.0
#include "attest/signing.h"

#include <cctype>
#include <filesystem>

#include "attest/bundle.h"
#include "attest/dsse.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::attest {

std::string to_string(SignFormat f) {
  switch (f) {
    case SignFormat::Bundle: return "bundle";
    case SignFormat::Dsse: return "dsse";
    case SignFormat::Detached: return "detached";
  }
  return "?";
}

SignFormat parse_sign_format(std::string_view name) {
  if (name == "bundle") return SignFormat::Bundle;
  if (name == "dsse") return SignFormat::Dsse;
  if (name == "detached") return SignFormat::Detached;
  throw Error(Exit::Usage, "unknown signature format '" + std::string(name) + "' (bundle, dsse, detached)");
}

std::string sign_statement(const Statement& statement, const std::vector<PrivateKey>& keys, SignFormat format) {
  if (keys.empty()) throw Error(Exit::Usage, "signing needs a key");
  if (format == SignFormat::Detached) throw Error(Exit::Usage, "a detached signature carries no statement");
  if (format == SignFormat::Bundle && keys.size() != 1)
    throw Error(Exit::Usage, "a Sigstore bundle carries exactly one signature; use --format dsse to sign with " +
                                 std::to_string(keys.size()) + " keys");
  Envelope envelope{std::string(kInTotoPayloadType), {}, {}};
  const std::string payload = statement_json(statement);
  envelope.payload.assign(payload.begin(), payload.end());
  for (const PrivateKey& key : keys) add_signature(envelope, key);
  const Json doc = format == SignFormat::Bundle ? bundle_json(envelope, keys.front().public_key()) : to_json(envelope);
  return render_json(doc);
}

PrivateKey load_signing_key(const std::string& key_path, const std::string& pass_file, std::string* warning) {
  return load_private_key(key_path, key_passphrase(pass_file), warning);
}

std::string add_envelope_signature(std::string_view envelope_text, const std::string& where, const PrivateKey& key) {
  SignedDocument doc = parse_signed_document(envelope_text, where);
  if (doc.is_bundle)
    fail(where, "is a Sigstore bundle, which carries exactly one signature; add signatures to a DSSE envelope "
                "(--format dsse)");
  parse_statement(doc.envelope.payload, where);  // only sign what verify will accept
  add_signature(doc.envelope, key);
  return render_json(to_json(doc.envelope));
}

std::string detached_signature(const std::string& path, const PrivateKey& key, Subject* subject) {
  ByteVec sha256;
  const ByteVec sig = key.sign_file(path, &sha256);
  if (subject) *subject = {std::filesystem::path(path).filename().string(), Algo::Sha256, to_hex(sha256)};
  return to_base64(sig) + "\n";
}

namespace {

Verification failed(Verification v, std::string reason) {
  v.verified = false;
  v.reason = std::move(reason);
  return v;
}

// A messageSignature bundle: one signature over one blob's bytes, as cosign sign-blob makes it.
Verification verify_message_bundle(const std::vector<std::string>& files, const SignedDocument& doc,
                                   const std::string& where, const std::vector<NamedKey>& keys,
                                   const std::optional<std::string>& want_predicate_type) {
  if (files.size() != 1)
    throw Error(Exit::Usage, where + ": a messageSignature bundle signs one blob; name exactly one file");
  if (want_predicate_type)
    throw Error(Exit::Usage, where + ": a messageSignature bundle carries no statement, so no predicate type");
  const MessageSignature& m = *doc.message;
  Verification v;
  v.format = "message-bundle";
  SubjectCheck c;
  c.file = files.front();
  for (const NamedKey& k : keys) {
    ByteVec sha256;
    const bool ok = k.key.verify_file(c.file, m.signature, &sha256);
    c.actual = "sha256:" + to_hex(sha256);
    if (m.sha256) c.expected = "sha256:" + to_hex(*m.sha256);
    if (m.sha256 && *m.sha256 != sha256) {
      v.files.push_back(c);
      return failed(v, c.file + ": digest " + c.actual + " does not match the bundle's messageDigest " + c.expected +
                           " (the file changed after signing)");
    }
    if (!ok) {
      v.files.push_back(c);
      std::string reason = where + ": the signature over " + c.file + " does not verify with " + k.name + " (key " +
                           k.key.hint() + ")";
      if (doc.hint && *doc.hint != k.key.hint()) reason += "; the bundle names key " + *doc.hint;
      return failed(v, reason);
    }
    v.signers.push_back(k.key.hint());
  }
  c.ok = true;
  v.files.push_back(c);
  v.verified = true;
  return v;
}

}  // namespace

Verification verify_signed_files(const std::vector<std::string>& files, std::string_view document,
                                 const std::string& where, const std::vector<NamedKey>& keys,
                                 const std::optional<std::string>& want_predicate_type) {
  if (keys.empty()) throw Error(Exit::Usage, "verification needs a public key (--key)");
  const SignedDocument doc = parse_signed_document(document, where);
  if (doc.message) return verify_message_bundle(files, doc, where, keys, want_predicate_type);
  Verification v;
  v.format = doc.is_bundle ? "bundle" : "dsse";
  for (const NamedKey& k : keys) {
    if (!find_valid_signature(doc.envelope, k.key)) {
      std::string reason = where + ": no signature verifies with " + k.name + " (key " + k.key.hint() + ")";
      if (doc.hint && *doc.hint != k.key.hint()) reason += "; the bundle names key " + *doc.hint;
      return failed(v, reason);
    }
    v.signers.push_back(k.key.hint());
  }
  // Checked after the signature: the type is signed (PAE), so a wrong one is the signer's intent.
  if (doc.envelope.payload_type != kInTotoPayloadType)
    return failed(v, where + ": payloadType is \"" + doc.envelope.payload_type + "\", expected \"" +
                         std::string(kInTotoPayloadType) + "\"");
  const Statement st = parse_statement(doc.envelope.payload, where);
  v.predicate_type = st.predicate_type;
  if (want_predicate_type && st.predicate_type != *want_predicate_type)
    return failed(v, where + ": predicateType is \"" + st.predicate_type + "\", expected \"" + *want_predicate_type + "\"");
  std::vector<bool> matched(st.subjects.size(), false);
  std::string first_failure;
  for (const std::string& file : files) {
    SubjectCheck c;
    c.file = file;
    const std::string name = std::filesystem::path(file).filename().string();
    c.actual = file_subject(file).text();
    for (std::size_t i = 0; i < st.subjects.size(); ++i) {
      // A subject named "ns/Pod/web.initdata.toml" is matched by a file named web.initdata.toml.
      if (std::filesystem::path(st.subjects[i].name).filename() != name) continue;
      c.subject = name;
      c.expected = st.subjects[i].text();
      if (st.subjects[i].algo != Algo::Sha256)
        c.actual = algo_name(st.subjects[i].algo) + ":" + to_hex(digest_file(st.subjects[i].algo, file));
      c.ok = c.expected == c.actual;
      matched[i] = true;
      break;
    }
    if (first_failure.empty() && !c.ok)
      first_failure = c.subject.empty()
                          ? file + ": the statement has no subject named \"" + name + "\""
                          : file + ": digest " + c.actual + " does not match the signed subject's " + c.expected +
                                " (the file changed after signing)";
    v.files.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < st.subjects.size(); ++i)
    if (!matched[i]) v.unchecked_subjects.push_back(st.subjects[i].name);
  if (!first_failure.empty()) return failed(v, first_failure);
  v.verified = true;
  return v;
}

Verification verify_detached(const std::string& file, std::string_view signature_text, const std::string& where,
                             const NamedKey& key) {
  std::string text(signature_text);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  const ByteVec sig = from_base64(text, where);
  if (sig.empty()) fail(where, "empty signature");
  Verification v;
  v.format = "detached";
  SubjectCheck c;
  c.file = file;
  ByteVec sha256;
  c.ok = key.key.verify_file(file, sig, &sha256);
  c.actual = "sha256:" + to_hex(sha256);
  v.files.push_back(c);
  if (!c.ok)
    return failed(v, where + ": the signature over " + file + " does not verify with " + key.name + " (key " +
                         key.key.hint() + ")");
  v.signers.push_back(key.key.hint());
  v.verified = true;
  return v;
}

Json to_json(const Verification& v) {
  Json files = Json::array();
  for (const auto& c : v.files) {
    Json f = {{"file", c.file}, {"digest", c.actual}, {"ok", c.ok}};
    if (v.format == "message-bundle") {
      f["expected_digest"] = c.expected.empty() ? Json(nullptr) : Json(c.expected);
    } else if (v.format != "detached") {
      f["subject"] = c.subject.empty() ? Json(nullptr) : Json(c.subject);
      f["expected_digest"] = c.expected.empty() ? Json(nullptr) : Json(c.expected);
    }
    files.push_back(std::move(f));
  }
  Json j = {{"verified", v.verified}, {"format", v.format}};
  j["reason"] = v.verified ? Json(nullptr) : Json(v.reason);
  j["predicate_type"] = v.predicate_type.empty() ? Json(nullptr) : Json(v.predicate_type);
  j["signers"] = v.signers;
  j["files"] = std::move(files);
  j["unchecked_subjects"] = v.unchecked_subjects;
  return j;
}

}  // namespace coco::attest
