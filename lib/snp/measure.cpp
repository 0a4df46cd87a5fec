// SPDX-License-Identifier: Apache-2.0
#include "snp/measure.h"

#include <algorithm>
#include <cctype>

#include "snp/cpu_sig.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::snp {
namespace {

constexpr std::uint64_t kMaxVcpus = 65536;
constexpr const char* kDefaultVcpuType = "EPYC-v4";

// Python's int(text, 0), as the reference tool parses --vcpu-sig and --guest-features.
std::uint64_t parse_auto_base(const std::string& text, const std::string& flag, std::uint64_t max) {
  std::string t = text;
  int base = 10;
  std::size_t at = 0;
  if (t.size() > 2 && t[0] == '0' && std::isalpha(static_cast<unsigned char>(t[1]))) {
    const char b = static_cast<char>(std::tolower(static_cast<unsigned char>(t[1])));
    base = b == 'x' ? 16 : b == 'o' ? 8 : b == 'b' ? 2 : 0;
    at = 2;
  }
  std::uint64_t v = 0;
  bool ok = base != 0 && at < t.size();
  for (std::size_t i = at; ok && i < t.size(); ++i) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i])));
    const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 99;
    if (d >= base || v > (max - static_cast<std::uint64_t>(d)) / static_cast<std::uint64_t>(base)) ok = false;
    else v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  if (!ok) usage_error(flag + ": '" + text + "' is not a number up to " + hex_number(max) + " (decimal, 0x…, 0o… or 0b…)");
  return v;
}

std::uint64_t parse_decimal(const std::string& text, const std::string& flag, std::uint64_t max) {
  bool ok = !text.empty() && text.size() <= 20;
  std::uint64_t v = 0;
  for (char c : text) {
    if (!ok || !std::isdigit(static_cast<unsigned char>(c))) { ok = false; break; }
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > max) ok = false;
  }
  if (!ok) usage_error(flag + ": '" + text + "' is not a whole number from 0 to " + std::to_string(max));
  return v;
}

void only_in(bool allowed, const std::optional<std::string>& flag_value, const std::string& flag, const std::string& where) {
  if (!allowed && flag_value) usage_error(flag + " applies only to " + where);
}

void resolve_vcpu(const MeasureRequest& rq, Measurement& m) {
  const bool needs_sig = m.params.vmm == VmmType::Qemu && m.params.mode != Mode::Sev && m.params.mode != Mode::SnpOvmfHash;
  const bool any_fms = rq.vcpu_family || rq.vcpu_model || rq.vcpu_stepping;
  if (any_fms && !(rq.vcpu_family && rq.vcpu_model && rq.vcpu_stepping))
    usage_error("--vcpu-family, --vcpu-model and --vcpu-stepping go together; give all three");
  std::optional<CpuModel> type;
  std::string type_name = rq.vcpu_type.value_or(kDefaultVcpuType);
  if (!rq.vcpu_type && !any_fms && !rq.vcpu_sig && needs_sig) {
    m.defaults_applied.push_back(std::string("--vcpu-type ") + kDefaultVcpuType);
    type = find_cpu_model(kDefaultVcpuType);
  }
  if (rq.vcpu_type) {
    type = find_cpu_model(*rq.vcpu_type);
    if (!type) {
      std::string known;
      for (const auto& n : cpu_type_names()) known += (known.empty() ? "" : ", ") + n;
      usage_error("--vcpu-type: unknown vCPU type '" + *rq.vcpu_type + "'; known types: " + known);
    }
  }
  // Precedence as in the reference tool: family/model/stepping, then --vcpu-sig, then --vcpu-type.
  if (any_fms) {
    m.params.vcpu_sig = cpu_signature(static_cast<int>(parse_decimal(*rq.vcpu_family, "--vcpu-family", 0xFF + 0xF)),
                                      static_cast<int>(parse_decimal(*rq.vcpu_model, "--vcpu-model", 0xFF)),
                                      static_cast<int>(parse_decimal(*rq.vcpu_stepping, "--vcpu-stepping", 0xF)));
    m.vcpu_sig_source = "--vcpu-family/--vcpu-model/--vcpu-stepping";
  } else if (rq.vcpu_sig) {
    m.params.vcpu_sig = static_cast<std::uint32_t>(parse_auto_base(*rq.vcpu_sig, "--vcpu-sig", 0xFFFFFFFF));
    m.vcpu_sig_source = "--vcpu-sig";
  } else if (type) {
    m.params.vcpu_sig = cpu_signature(type->family, type->model, type->stepping);
    m.vcpu_type = type_name;
    m.vcpu_sig_source = rq.vcpu_type ? "--vcpu-type" : "default --vcpu-type";
  } else {
    m.vcpu_sig_source = "unused";
  }
  if (!needs_sig && m.vcpu_sig_source != "unused" && m.params.mode != Mode::Sev && m.params.mode != Mode::SnpOvmfHash)
    m.vcpu_sig_source += " (unused: " + to_string(m.params.vmm) + " puts a fixed value in RDX)";
}

InputFile describe_file(const std::string& path, Bytes data) {
  return {path, data.size(), digest(Algo::Sha256, data)};
}

}  // namespace

Measurement measure(const MeasureRequest& rq) {
  Measurement m;
  LaunchParams& p = m.params;
  const auto mode = parse_mode(rq.mode);
  if (!mode) usage_error("--mode: unknown mode '" + rq.mode + "' (snp, snp:ovmf-hash, snp:svsm, seves, sev)");
  p.mode = *mode;
  const std::string vmm = ascii_lower(rq.vmm_type);
  if (vmm == "qemu") p.vmm = VmmType::Qemu;
  else if (vmm == "ec2") p.vmm = VmmType::Ec2;
  else if (vmm == "gce") p.vmm = VmmType::Gce;
  else usage_error("--vmm-type: unknown VMM type '" + rq.vmm_type + "' (qemu, ec2, gce)");

  const bool svsm_mode = p.mode == Mode::SnpSvsm;
  const bool takes_vcpus = p.mode != Mode::Sev && p.mode != Mode::SnpOvmfHash;
  if (takes_vcpus) {
    if (!rq.vcpus) m.defaults_applied.push_back("--vcpus 1");
    p.vcpus = static_cast<std::uint32_t>(parse_decimal(rq.vcpus.value_or("1"), "--vcpus", kMaxVcpus));
    if (p.vcpus == 0)
      usage_error("--vcpus 0: a guest needs at least one vCPU (the digest before the VMSAs is stages.after_metadata "
                  "in --output json)");
  }
  resolve_vcpu(rq, m);
  if (rq.guest_features) m.guest_features_requested = parse_auto_base(*rq.guest_features, "--guest-features", ~0ull);
  p.guest_features = m.guest_features_requested;

  if (rq.legacy_vmsa_fpu && (p.vmm != VmmType::Qemu || svsm_mode || !takes_vcpus))
    usage_error("--legacy-vmsa-fpu applies only to QEMU guests in modes snp and seves (EC2 and GCE always leave the FPU 0)");
  p.legacy_fpu = rq.legacy_vmsa_fpu;
  only_in(p.vmm == VmmType::Ec2 && takes_vcpus, rq.ec2_rdx, "--ec2-rdx", "--vmm-type ec2 in modes snp and seves");
  if (rq.ec2_rdx) p.ec2_rdx = parse_auto_base(*rq.ec2_rdx, "--ec2-rdx", ~0ull);
  only_in(!svsm_mode && p.mode != Mode::SnpOvmfHash, rq.kernel, "--kernel", "modes snp, seves and sev");
  // An empty --append is no --append, as in sev-snp-measure (a Python "" is false).
  if (!rq.kernel && (rq.initrd || (rq.append && !rq.append->empty())))
    usage_error(std::string(rq.initrd ? "--initrd" : "--append") + " needs --kernel");
  only_in(p.mode == Mode::Snp, rq.snp_ovmf_hash, "--snp-ovmf-hash", "--mode snp");
  only_in(svsm_mode, rq.svsm, "--svsm", "--mode snp:svsm");
  only_in(svsm_mode, rq.vars_size, "--vars-size", "--mode snp:svsm");
  only_in(svsm_mode, rq.vars_file, "--vars-file", "--mode snp:svsm");
  if (rq.snp_ovmf_hash) {
    const std::string& h = *rq.snp_ovmf_hash;
    const bool hex = h.size() == 2 * kDigestSize && std::all_of(h.begin(), h.end(), [](unsigned char c) { return std::isxdigit(c); });
    if (!hex) usage_error("--snp-ovmf-hash: expected 96 hex digits (the output of --mode snp:ovmf-hash), got '" + h + "'");
    p.ovmf_seed = to_digest48(from_hex(h, "--snp-ovmf-hash"));
  }
  std::optional<MappedFile> svsm_file;
  if (svsm_mode) {
    if (p.vmm != VmmType::Qemu) usage_error("--mode snp:svsm is measured for QEMU only; drop --vmm-type " + rq.vmm_type);
    if (!rq.svsm) usage_error("--mode snp:svsm needs --svsm");
    if (rq.vars_size && rq.vars_file) usage_error("--vars-size and --vars-file are alternatives; give one");
    if (rq.vars_size) p.vars_size = parse_auto_base(*rq.vars_size, "--vars-size", 0xFFFFFFFF);
    if (rq.vars_file) {
      p.vars_size = file_size(*rq.vars_file);
      m.vars_file = InputFile{*rq.vars_file, p.vars_size, {}};
    }
    if (p.vars_size == 0) usage_error("--mode snp:svsm needs the OVMF_VARS size: --vars-size N or --vars-file FILE (non-empty)");
    svsm_file.emplace(*rq.svsm);
  }

  const MappedFile ovmf_file(rq.ovmf);
  const Reader ovmf = ovmf_file.reader(rq.ovmf);
  m.ovmf = describe_file(rq.ovmf, ovmf.data());
  std::optional<Reader> svsm;
  if (svsm_file) {
    svsm = svsm_file->reader(*rq.svsm);
    m.svsm = describe_file(*rq.svsm, svsm->data());
  }
  if (rq.kernel) {
    // Before streaming a large kernel: can this firmware measure one at all?
    check_direct_boot_support(p.mode, parse_firmware(ovmf), ovmf);
    m.direct_boot = hash_direct_boot(*rq.kernel, rq.initrd, rq.append.value_or(""));
    p.direct_boot = m.direct_boot->hashes;
  }
  m.result = compute_launch_digest(p, ovmf, svsm ? &*svsm : nullptr);
  if (!m.defaults_applied.empty()) {
    std::string d;
    for (const auto& a : m.defaults_applied) d += (d.empty() ? "" : " ") + a;
    m.result.warnings.push_back("measured with defaults " + d + "; give the guest's real values, they are part of the digest");
  }
  if (p.mode == Mode::SevEs && m.guest_features_requested != 0x1 && rq.guest_features)
    m.result.warnings.push_back("--guest-features is ignored in mode seves: SEV-ES VMSAs have SEV_FEATURES 0");
  if (svsm_mode && m.guest_features_requested != 0x1)
    m.result.warnings.push_back("--guest-features is ignored in mode snp:svsm: the SVSM VMSAs have SEV_FEATURES 0x1");
  return m;
}

void dump_vmsas(const Measurement& m, const std::string& dir) {
  const LaunchResult& r = m.result;
  if (!r.bsp_vmsa || !r.ap_vmsa) usage_error("--dump-vmsa: mode " + to_string(m.params.mode) + " has no VMSA pages");
  std::vector<OutputFile> files;
  for (std::uint32_t i = 0; i < m.params.vcpus; ++i) {
    const VmsaPage& page = i == 0 ? *r.bsp_vmsa : *r.ap_vmsa;
    files.push_back({dir + "/vmsa" + std::to_string(i) + ".bin", std::string(as_chars(page)), 0644});
  }
  write_files_atomic(files);  // all vCPUs or none
}

std::string format_digest(const Measurement& m, const std::string& output_format) {
  // Like the reference tool, snp:ovmf-hash is always hex: it is fed back to --snp-ovmf-hash.
  if (output_format == "base64" && m.params.mode != Mode::SnpOvmfHash) return to_base64(m.result.digest);
  return to_hex(m.result.digest);
}

}  // namespace coco::snp
