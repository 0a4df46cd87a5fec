// SPDX-License-Identifier: Apache-2.0
// The SNP ID block and ID authentication information structure, passed to SNP_LAUNCH_FINISH
// (QEMU sev-snp-guest id-block= / id-auth=) so that the PSP checks the launch digest and puts the
// key digests in the attestation report (specs/snp.md §2.2; AMD SEV-SNP ABI spec, tables
// "ID_BLOCK" and "ID_AUTH_INFO"). Little-endian throughout.
//
// ID_BLOCK (96): 0x00 LD (48)  0x30 FAMILY_ID (16)  0x40 IMAGE_ID (16)  0x50 u32 VERSION = 1
//                0x54 u32 GUEST_SVN  0x58 u64 POLICY
// ID_AUTH_INFO (4096): 0x000 u32 ID_KEY_ALGO  0x004 u32 AUTH_KEY_ALGO (1 = ECDSA P-384 SHA-384)
//                0x040 ID_BLOCK_SIG (512)  0x240 ID_KEY (1028)  0x680 ID_KEY_SIG (512)
//                0x880 AUTHOR_KEY (1028); everything else reserved, zero
// Public key (1028): u32 CURVE = 2 (P-384), QX (72, little-endian), QY (72), zero.
// Signature (512): R (72, little-endian), S (72), zero.
#pragma once

#include <array>
#include <optional>

#include "snp/page_info.h"
#include "attest/key.h"
#include "util/output.h"

namespace coco::snp {

inline constexpr std::size_t kIdBlockSize = 96;
inline constexpr std::size_t kIdAuthSize = 4096;
inline constexpr std::size_t kPublicKeySize = 1028;
inline constexpr std::size_t kSignatureSize = 512;
inline constexpr std::uint64_t kDefaultPolicy = 0x30000;  // QEMU's default SNP policy: SMT allowed, bit 17 set

struct IdBlock {
  Digest48 launch_digest{};
  std::array<std::uint8_t, 16> family_id{}, image_id{};
  std::uint32_t guest_svn = 0;
  std::uint64_t policy = kDefaultPolicy;  // must equal the launch policy, or LAUNCH_FINISH fails
};

ByteVec id_block_bytes(const IdBlock& b);

// An ID or author key as read from its file (`name`, for messages).
struct NamedKey {
  attest::PrivateKey key;
  std::string name;
};

// The ABI's public key record for a P-384 key; throws naming the key for any other kind.
ByteVec public_key_record(const NamedKey& key);
ByteVec signature_record(const attest::RawEcdsaSignature& sig);

struct IdAuth {
  ByteVec id_block;  // 96
  ByteVec id_auth;   // 4096
  Digest48 id_key_digest{};                   // SHA-384 of the ID key record: the report's ID_KEY_DIGEST
  std::optional<Digest48> author_key_digest;  // AUTHOR_KEY_DIGEST, when an author key signs the ID key
};

// Signs the ID block with id_key and, when given, the ID key record with author_key (ECDSA
// P-384 over SHA-384; the signatures are randomised, so id_auth differs between runs).
IdAuth sign_id_block(const IdBlock& b, const NamedKey& id_key, const NamedKey* author_key);

// `coco snp id-block` flags as given: the launch digest in hex (96 digits) or base64 (as
// snp-create-id-block takes it), key files, IDs in hex, policy and SVN as numbers (0x… or decimal).
struct IdBlockRequest {
  std::string measurement;
  std::string id_key, author_key;  // PEM paths; author_key may be empty
  std::string key_pass_file;       // passphrase of encrypted keys (else COCO_KEY_PASSWORD)
  std::string family_id, image_id;  // 32 hex digits, or empty for zeros
  std::string policy = "0x30000";
  std::string svn = "0";
};
struct IdBlockOutput {
  IdBlock block;
  IdAuth auth;
  bool author_key = false;
};
IdBlockOutput make_id_block(const IdBlockRequest& rq);  // usage errors name the flag
Json to_json(const IdBlockOutput& o);
// The three lines snp-create-id-block prints: "id-block=…,id-auth=…", "id_key_hash: …", "author_key: …".
std::string to_text(const IdBlockOutput& o);

}  // namespace coco::snp
