// SPDX-License-Identifier: Apache-2.0
// Signing and verifying files (plumbing.md §4.3): the primary form is an in-toto Statement in a
// DSSE envelope, written as a Sigstore bundle v0.3 or as the bare envelope; the secondary form is
// a cosign sign-blob style detached signature, base64 of the DER signature over the file bytes.
//
// This is also the seam other commands sign through (policy generate --sign-key, refvals
// --sign-key): build a Statement, load the key, call sign_statement, write the text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attest/key.h"
#include "attest/statement.h"
#include "util/output.h"

namespace coco::attest {

enum class SignFormat { Bundle, Dsse, Detached };
std::string to_string(SignFormat f);
SignFormat parse_sign_format(std::string_view name);  // throws coco::Error (Usage)

// The Statement in a DSSE envelope signed by every key, rendered as JSON text (with a trailing
// newline). A bundle takes exactly one key; Detached is not a statement format (Usage error).
std::string sign_statement(const Statement& statement, const std::vector<PrivateKey>& keys, SignFormat format);

// A signing key named on a command line: loads it with its passphrase (file, else
// COCO_KEY_PASSWORD) and reports a group/other-readable file in `warning`.
PrivateKey load_signing_key(const std::string& key_path, const std::string& pass_file, std::string* warning);

// Adds one more signature to an existing bare DSSE envelope (after checking it parses).
std::string add_envelope_signature(std::string_view envelope_text, const std::string& where, const PrivateKey& key);

// Base64 of the signature over the file's bytes, newline-terminated (cosign sign-blob output);
// the file's subject (read in the same pass) goes to *subject.
std::string detached_signature(const std::string& path, const PrivateKey& key, Subject* subject = nullptr);

struct NamedKey {
  std::string name;  // the file it came from, for messages
  PublicKey key;
};

struct SubjectCheck {
  std::string file;      // as given
  std::string subject;   // the subject name it was matched to ("" when none)
  std::string expected;  // "sha256:…" in the statement ("" when no subject matched)
  std::string actual;    // the file's digest now, same algorithm
  bool ok = false;
};

struct Verification {
  bool verified = false;
  std::string reason;  // the first failure, when not verified
  std::string format;  // "bundle", "message-bundle" (cosign sign-blob --bundle), "dsse" or "detached"
  std::string predicate_type;
  std::vector<std::string> signers;  // hints of the keys that verified
  std::vector<SubjectCheck> files;
  std::vector<std::string> unchecked_subjects;  // subjects no given file was matched to
};

// Verifies `document` (a Sigstore bundle or a DSSE envelope) for `files`: every key must have
// a valid signature over the PAE, the payload type must be in-toto, the predicate type must be
// `want_predicate_type` when given, and every file must match the subject of its name.
// A messageSignature bundle (bundle.h) instead takes one file: every key must verify the signature
// over its bytes, and its SHA-256 must equal the bundle's messageDigest.
// Malformed documents throw coco::Error (exit 1); a mismatch is a result (verified == false).
Verification verify_signed_files(const std::vector<std::string>& files, std::string_view document,
                                 const std::string& where, const std::vector<NamedKey>& keys,
                                 const std::optional<std::string>& want_predicate_type);

// Verifies a detached base64 signature over `file` with `key`.
Verification verify_detached(const std::string& file, std::string_view signature_text, const std::string& where,
                             const NamedKey& key);

Json to_json(const Verification& v);

}  // namespace coco::attest
