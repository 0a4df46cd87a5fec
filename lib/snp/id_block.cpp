// SPDX-License-Identifier: Apache-2.0
#include "snp/id_block.h"

#include <algorithm>

#include "attest/signing.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::snp {
namespace {

constexpr std::uint32_t kAlgoEcdsaP384Sha384 = 1;
constexpr std::uint32_t kCurveP384 = 2;
constexpr std::size_t kCoordinateSize = 72;  // the ABI's field for any curve's coordinate

// Big-endian OpenSSL output into the ABI's little-endian 72-byte field.
void put_little_endian(ByteVec& out, std::size_t at, const ByteVec& big_endian) {
  std::reverse_copy(big_endian.begin(), big_endian.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace

ByteVec id_block_bytes(const IdBlock& b) {
  ByteVec out;
  append(out, b.launch_digest);
  append(out, b.family_id);
  append(out, b.image_id);
  put_le<std::uint32_t>(out, 1);  // VERSION: the only one the ABI defines
  put_le<std::uint32_t>(out, b.guest_svn);
  put_le<std::uint64_t>(out, b.policy);
  return out;
}

ByteVec public_key_record(const NamedKey& key) {
  if (key.key.algorithm() != attest::KeyAlgorithm::P384)
    fail(key.name, std::string(key.key.algorithm() == attest::KeyAlgorithm::P256 ? "is an ECDSA P-256 key" : "is an Ed25519 key") +
                       "; SNP ID and author keys must be ECDSA P-384 (secp384r1)");
  const attest::PublicKey pub = key.key.public_key();
  ByteVec out(kPublicKeySize, 0);
  store_le<std::uint32_t>(out, 0, kCurveP384);
  put_little_endian(out, 4, pub.ec_x());
  put_little_endian(out, 4 + kCoordinateSize, pub.ec_y());
  return out;
}

ByteVec signature_record(const attest::RawEcdsaSignature& sig) {
  ByteVec out(kSignatureSize, 0);
  put_little_endian(out, 0, sig.r);
  put_little_endian(out, kCoordinateSize, sig.s);
  return out;
}

IdAuth sign_id_block(const IdBlock& b, const NamedKey& id_key, const NamedKey* author_key) {
  IdAuth a;
  a.id_block = id_block_bytes(b);
  const ByteVec id_pub = public_key_record(id_key);
  a.id_key_digest = sha384_page(id_pub);
  a.id_auth.assign(kIdAuthSize, 0);
  store_le<std::uint32_t>(a.id_auth, 0x000, kAlgoEcdsaP384Sha384);
  std::copy_n(signature_record(id_key.key.sign_raw(Algo::Sha384, a.id_block)).begin(), kSignatureSize, a.id_auth.begin() + 0x040);
  std::copy(id_pub.begin(), id_pub.end(), a.id_auth.begin() + 0x240);
  if (author_key != nullptr) {
    const ByteVec author_pub = public_key_record(*author_key);
    a.author_key_digest = sha384_page(author_pub);
    store_le<std::uint32_t>(a.id_auth, 0x004, kAlgoEcdsaP384Sha384);
    std::copy_n(signature_record(author_key->key.sign_raw(Algo::Sha384, id_pub)).begin(), kSignatureSize, a.id_auth.begin() + 0x680);
    std::copy(author_pub.begin(), author_pub.end(), a.id_auth.begin() + 0x880);
  }
  return a;
}

namespace {

std::uint64_t parse_number(const std::string& text, const std::string& flag, std::uint64_t max) {
  std::size_t used = 0;
  std::uint64_t v = 0;
  const bool hex = text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0;
  try {
    if (text.empty() || text[0] == '-' || text[0] == '+' || text[0] == ' ') throw std::invalid_argument(text);
    v = std::stoull(hex ? text.substr(2) : text, &used, hex ? 16 : 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() - (hex ? 2 : 0) || v > max)
    usage_error(flag + ": '" + text + "' is not a number up to " + hex_number(max));
  return v;
}

std::array<std::uint8_t, 16> parse_id(const std::string& text, const std::string& flag) {
  std::array<std::uint8_t, 16> id{};
  if (text.empty()) return id;
  const bool ok = text.size() == 32 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
  if (!ok) usage_error(flag + ": expected 32 hex digits (16 bytes), got '" + text + "'");
  const ByteVec b = from_hex(text, flag);
  std::copy(b.begin(), b.end(), id.begin());
  return id;
}

Digest48 parse_launch_digest(const std::string& text) {
  const bool hex = text.size() == 96 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
  if (hex) return to_digest48(from_hex(text, "--measurement"));
  ByteVec b;
  try {
    b = from_base64(text, "--measurement");
  } catch (const Error&) {
  }
  if (b.size() != kDigestSize)
    usage_error("--measurement: expected the 48-byte SNP launch digest as 96 hex digits or 64 base64 characters, got '" +
                text + "'");
  return to_digest48(b);
}

}  // namespace

IdBlockOutput make_id_block(const IdBlockRequest& rq) {
  IdBlockOutput o;
  o.block.launch_digest = parse_launch_digest(rq.measurement);
  o.block.family_id = parse_id(rq.family_id, "--family-id");
  o.block.image_id = parse_id(rq.image_id, "--image-id");
  o.block.guest_svn = static_cast<std::uint32_t>(parse_number(rq.svn, "--svn", 0xFFFFFFFF));
  o.block.policy = parse_number(rq.policy, "--policy", ~0ull);
  // The ABI reserves bit 17 as must-be-one; a policy without it never launches.
  if ((o.block.policy & (1ull << 17)) == 0)
    usage_error("--policy " + rq.policy + ": bit 17 is reserved and must be 1 (e.g. 0x30000)");
  const NamedKey id_key{attest::load_signing_key(rq.id_key, rq.key_pass_file, nullptr), rq.id_key};
  std::optional<NamedKey> author;
  if (!rq.author_key.empty())
    author.emplace(NamedKey{attest::load_signing_key(rq.author_key, rq.key_pass_file, nullptr), rq.author_key});
  o.author_key = author.has_value();
  o.auth = sign_id_block(o.block, id_key, author ? &*author : nullptr);
  return o;
}

Json to_json(const IdBlockOutput& o) {
  const std::string qemu = "id-block=" + to_base64(o.auth.id_block) + ",id-auth=" + to_base64(o.auth.id_auth) +
                           ",author-key-enabled=" + (o.author_key ? "on" : "off");
  return {{"launch_digest", to_hex(o.block.launch_digest)},
          {"family_id", to_hex(o.block.family_id)},
          {"image_id", to_hex(o.block.image_id)},
          {"guest_svn", o.block.guest_svn},
          {"policy", hex_number(o.block.policy)},
          {"id_block", to_base64(o.auth.id_block)},
          {"id_auth", to_base64(o.auth.id_auth)},
          {"id_key_digest", to_hex(o.auth.id_key_digest)},
          {"author_key_digest", o.auth.author_key_digest ? Json(to_hex(*o.auth.author_key_digest)) : Json(nullptr)},
          {"qemu_object_properties", qemu}};
}

std::string to_text(const IdBlockOutput& o) {
  std::string s = "id-block=" + to_base64(o.auth.id_block) + ",id-auth=" + to_base64(o.auth.id_auth) + "\n";
  s += "id_key_hash: " + to_base64(o.auth.id_key_digest) + "\n";
  if (o.auth.author_key_digest) s += "author_key: " + to_base64(*o.auth.author_key_digest) + "\n";
  return s;
}

}  // namespace coco::snp
