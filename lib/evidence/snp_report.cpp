// SPDX-License-Identifier: Apache-2.0
#include "evidence/snp_report.h"

#include "util/encoding.h"

namespace coco::evidence {
namespace {

// Guest policy bits (SEV-SNP ABI Table 9).
const std::vector<std::pair<int, const char*>> kPolicyBits = {
    {16, "SMT"}, {17, "RESERVED_MBO"}, {18, "MIGRATE_MA"}, {19, "DEBUG"}, {20, "SINGLE_SOCKET"},
    {21, "CXL_ALLOW"}, {22, "MEM_AES_256_XTS"}, {23, "RAPL_DIS"}, {24, "CIPHERTEXT_HIDING"},
    {25, "PAGE_SWAP_DISABLE"}};
// PLATFORM_INFO bits (Table 23).
const std::vector<std::pair<int, const char*>> kPlatformBits = {
    {0, "SMT_EN"}, {1, "TSME_EN"}, {2, "ECC_EN"}, {3, "RAPL_DIS"}, {4, "CIPHERTEXT_HIDING_EN"},
    {5, "ALIAS_CHECK_COMPLETE"}, {7, "TIO_EN"}};
const std::vector<std::pair<int, const char*>> kFlagBits = {{0, "AUTHOR_KEY_EN"}, {1, "MASK_CHIP_KEY"}};

std::string hex64(std::uint64_t v) { return hex_number(v); }

std::string version_text(const std::array<std::uint8_t, 3>& v) {
  return std::to_string(v[2]) + "." + std::to_string(v[1]) + " build " + std::to_string(v[0]);
}

std::string hex2(std::uint8_t v) {
  static const char* kDigits = "0123456789abcdef";
  return std::string("0x") + kDigits[v >> 4] + kDigits[v & 15];
}

}  // namespace

TcbParts split_tcb(std::uint64_t tcb, bool turin) {
  auto byte = [tcb](int i) { return static_cast<int>((tcb >> (8 * i)) & 0xff); };
  TcbParts t;
  if (turin) {
    t.fmc = byte(0), t.bootloader = byte(1), t.tee = byte(2), t.snp = byte(3), t.microcode = byte(7);
  } else {
    t.bootloader = byte(0), t.tee = byte(1), t.snp = byte(6), t.microcode = byte(7);
  }
  return t;
}

std::string tcb_text(const TcbParts& t) {
  std::string s = t.fmc >= 0 ? "fmc=" + std::to_string(t.fmc) + " " : "";
  return s + "bootloader=" + std::to_string(t.bootloader) + " tee=" + std::to_string(t.tee) +
         " snp=" + std::to_string(t.snp) + " microcode=" + std::to_string(t.microcode);
}

SnpReport parse_snp_report(const Reader& r) {
  if (r.size() < kSnpReportSize)
    r.fail(r.size(), "an SEV-SNP attestation report is " + std::to_string(kSnpReportSize) + " bytes, the input has " +
                         std::to_string(r.size()));
  SnpReport rep;
  const Bytes b = r.bytes(0, kSnpReportSize);
  rep.raw.assign(b.begin(), b.end());
  rep.version = r.le<std::uint32_t>(0x00);
  if (rep.version < 2 || rep.version > 5)
    r.fail(0, "SEV-SNP report version " + std::to_string(rep.version) + " is not supported (versions 2 to 5 are)");
  rep.guest_svn = r.le<std::uint32_t>(0x04);
  rep.policy = r.le<std::uint64_t>(0x08);
  rep.vmpl = r.le<std::uint32_t>(0x30);
  rep.signature_algo = r.le<std::uint32_t>(0x34);
  if (rep.signature_algo != 1)
    r.fail(0x34, "signature algorithm " + std::to_string(rep.signature_algo) +
                     " is not ECDSA P-384 with SHA-384 (1), the only one the ABI defines");
  rep.current_tcb = r.le<std::uint64_t>(0x38);
  rep.platform_info = r.le<std::uint64_t>(0x40);
  rep.flags = r.le<std::uint32_t>(0x48);
  const unsigned key = (rep.flags >> 2) & 7;
  if (key != 0 && key != 1 && key != 7)
    r.fail(0x48, "SIGNING_KEY " + std::to_string(key) + " is reserved (0 VCEK, 1 VLEK, 7 none)");
  rep.reported_tcb = r.le<std::uint64_t>(0x180);
  if (rep.version >= 3) {
    rep.cpuid_fam = r.le<std::uint8_t>(0x188);
    rep.cpuid_mod = r.le<std::uint8_t>(0x189);
    rep.cpuid_step = r.le<std::uint8_t>(0x18A);
  }
  rep.committed_tcb = r.le<std::uint64_t>(0x1E0);
  for (int i = 0; i < 3; ++i) {
    rep.current_version[i] = r.le<std::uint8_t>(0x1E8 + i);
    rep.committed_version[i] = r.le<std::uint8_t>(0x1EC + i);
  }
  rep.launch_tcb = r.le<std::uint64_t>(0x1F0);
  if (rep.version >= 5) {
    rep.launch_mit_vector = r.le<std::uint64_t>(0x1F8);
    rep.current_mit_vector = r.le<std::uint64_t>(0x200);
  }
  return rep;
}

std::string snp_product_guess(const SnpReport& rep) {
  if (!rep.has_cpuid()) return "";
  if (rep.cpuid_fam == 0x1A) return "Turin";
  if (rep.cpuid_fam == 0x19) return rep.cpuid_mod < 0x10 ? "Milan" : "Genoa";
  return "";
}

Fields snp_fields(const SnpReport& rep) {
  const bool turin = rep.is_turin();
  auto tcb = [&](const char* name, std::uint64_t v) {
    return Field{name, hex64(v), {}, tcb_text(split_tcb(v, turin))};
  };
  const char* key_names[] = {"VCEK", "VLEK"};
  const unsigned key = (rep.flags >> 2) & 7;
  Fields f = {
      {"version", hex64(rep.version), {}, ""},
      {"guest_svn", hex64(rep.guest_svn), {}, ""},
      {"policy", hex64(rep.policy), bit_names(rep.policy & ~std::uint64_t{0xffff}, kPolicyBits),
       "abi_major=" + std::to_string((rep.policy >> 8) & 0xff) + " abi_minor=" + std::to_string(rep.policy & 0xff)},
      {"family_id", to_hex(rep.family_id()), {}, ""},
      {"image_id", to_hex(rep.image_id()), {}, ""},
      {"vmpl", hex64(rep.vmpl), {}, ""},
      {"signature_algo", hex64(rep.signature_algo), {}, "ECDSA P-384 with SHA-384"},
      tcb("current_tcb", rep.current_tcb),
      {"platform_info", hex64(rep.platform_info), bit_names(rep.platform_info, kPlatformBits), ""},
      {"flags", hex64(rep.flags), bit_names(rep.flags & 3, kFlagBits), ""},
      {"author_key_en", std::to_string(rep.flags & 1), {}, ""},
      {"mask_chip_key", std::to_string((rep.flags >> 1) & 1), {}, ""},
      {"signing_key", std::to_string(key) + " (" + (key < 2 ? key_names[key] : "none") + ")", {}, ""},
      {"report_data", to_hex(rep.report_data()), {}, ""},
      {"measurement", to_hex(rep.measurement()), {}, ""},
      {"host_data", to_hex(rep.host_data()), {}, ""},
      {"id_key_digest", to_hex(rep.id_key_digest()), {}, ""},
      {"author_key_digest", to_hex(rep.author_key_digest()), {}, ""},
      {"report_id", to_hex(rep.report_id()), {}, ""},
      {"report_id_ma", to_hex(rep.report_id_ma()), {}, ""},
      tcb("reported_tcb", rep.reported_tcb),
  };
  if (rep.has_cpuid()) {
    const std::string product = snp_product_guess(rep);
    f.push_back({"cpuid_fam/mod/step", hex2(rep.cpuid_fam) + "/" + hex2(rep.cpuid_mod) + "/" + hex2(rep.cpuid_step), {},
                 product});
  }
  f.push_back({"chip_id", to_hex(rep.chip_id()), {}, ""});
  f.push_back(tcb("committed_tcb", rep.committed_tcb));
  f.push_back({"current_version", version_text(rep.current_version), {}, ""});
  f.push_back({"committed_version", version_text(rep.committed_version), {}, ""});
  f.push_back(tcb("launch_tcb", rep.launch_tcb));
  if (rep.version >= 5) {
    f.push_back({"launch_mit_vector", hex64(rep.launch_mit_vector), {}, ""});
    f.push_back({"current_mit_vector", hex64(rep.current_mit_vector), {}, ""});
  }
  f.push_back({"signature_r", to_hex(rep.sig_r()), {}, "little-endian"});
  f.push_back({"signature_s", to_hex(rep.sig_s()), {}, "little-endian"});
  return f;
}

}  // namespace coco::evidence
