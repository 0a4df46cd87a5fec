// SPDX-License-Identifier: Apache-2.0
// The JSON and --explain renderings of a Measurement (declared in measure.h): the digest and
// every input that shaped it, since most "my digest does not match" reports come from a default
// nobody saw.
#include <sstream>

#include "snp/measure.h"
#include "util/encoding.h"

namespace coco::snp {
namespace {

using firmware::SevSectionType;

std::string hex_of(const Digest48& d) { return to_hex(d); }

std::string digest_algorithm(Mode m) { return (m == Mode::Sev || m == Mode::SevEs) ? "sha256" : "sha384"; }

std::uint64_t effective_features(const Measurement& m) {
  switch (m.params.mode) {
    case Mode::Snp: return m.params.guest_features;
    case Mode::SnpSvsm: return 0x1;
    default: return 0;
  }
}

// How the SNP chain took a section (§1.4 step 3), for a reader comparing with another tool.
std::string measured_as(const firmware::SevSection& s, const Measurement& m, bool svsm) {
  const VmmType vmm = svsm ? VmmType::Qemu : m.params.vmm;
  const std::string pages = std::to_string(s.size / kPageSize);
  switch (s.type) {
    case SevSectionType::SnpSecMem: return (vmm == VmmType::Gce ? "UNMEASURED x" : "ZERO x") + pages;
    case SevSectionType::SnpSecrets: return "SECRETS x1";
    case SevSectionType::Cpuid: return vmm == VmmType::Ec2 ? "CPUID x1, after all sections (ec2)" : "CPUID x1";
    case SevSectionType::SvsmCaa: return "ZERO x" + pages;
    case SevSectionType::SnpKernelHashes:
      return (m.direct_boot && !svsm) ? "NORMAL x1 (the kernel-hashes page)" : "ZERO x" + pages;
  }
  return "?";
}

Json file_json(const InputFile& f) {
  return {{"path", f.path}, {"size", f.size}, {"sha256", f.sha256.empty() ? Json(nullptr) : Json(to_hex(f.sha256))}};
}

Json firmware_json(const FirmwareFacts& f, const Measurement& m, bool svsm) {
  Json j;
  j["footer_table"] = f.has_footer_table;
  j["reset_eip"] = f.reset_eip ? Json(hex_number(*f.reset_eip)) : Json(nullptr);
  if (f.metadata) {
    Json sections = Json::array();
    for (const auto& s : f.metadata->sections)
      sections.push_back({{"gpa", hex_number(s.gpa)}, {"size", hex_number(s.size)}, {"type", to_string(s.type)},
                          {"measured_as", measured_as(s, m, svsm)}});
    j["sev_metadata"] = {{"offset", hex_number(f.metadata->offset)}, {"sections", sections}};
  } else {
    j["sev_metadata"] = nullptr;
  }
  j["hash_table_block"] = f.hash_table ? Json{{"gpa", hex_number(f.hash_table->base)}, {"size", hex_number(f.hash_table->size)}}
                                       : Json(nullptr);
  return j;
}

}  // namespace

Json to_json(const Measurement& m) {
  const LaunchResult& r = m.result;
  const Mode mode = m.params.mode;
  const bool snp_family = mode == Mode::Snp || mode == Mode::SnpSvsm || mode == Mode::SnpOvmfHash;
  const bool has_vmsas = mode != Mode::Sev && mode != Mode::SnpOvmfHash;
  Json j;
  j["mode"] = to_string(mode);
  j["launch_digest"] = to_hex(r.digest);
  j["launch_digest_base64"] = to_base64(r.digest);
  j["digest_algorithm"] = digest_algorithm(mode);
  j["vcpus"] = has_vmsas ? Json(m.params.vcpus) : Json(nullptr);
  j["vmm_type"] = to_string(mode == Mode::SnpSvsm ? VmmType::Qemu : m.params.vmm);
  j["vcpu"] = {{"type", m.vcpu_type ? Json(*m.vcpu_type) : Json(nullptr)},
               {"signature", m.vcpu_sig_source == "unused" ? Json(nullptr) : Json(hex_number(m.params.vcpu_sig))},
               {"source", m.vcpu_sig_source},
               {"rdx", r.bsp_vmsa ? Json(hex_number(Reader(*r.bsp_vmsa, "vmsa").le<std::uint64_t>(vmsa::kRdx))) : Json(nullptr)}};
  j["guest_features"] = has_vmsas ? Json(hex_number(effective_features(m))) : Json(nullptr);
  Json ovmf = file_json(m.ovmf);
  ovmf["gpa"] = hex_number(r.ovmf_gpa);
  ovmf.update(firmware_json(r.ovmf, m, false));
  ovmf["seed"] = m.params.ovmf_seed && mode == Mode::Snp ? Json(hex_of(*m.params.ovmf_seed)) : Json(nullptr);
  j["ovmf"] = ovmf;
  if (r.svsm && m.svsm) {
    Json s = file_json(*m.svsm);
    s["gpa"] = hex_number(r.svsm_gpa);
    s["entry_rip"] = r.svsm_rip ? Json(hex_number(*r.svsm_rip)) : Json(nullptr);
    s["vars_size"] = m.params.vars_size;
    s["vars_file"] = m.vars_file ? Json(m.vars_file->path) : Json(nullptr);
    s.update(firmware_json(*r.svsm, m, true));
    j["svsm"] = s;
  } else {
    j["svsm"] = nullptr;
  }
  if (m.direct_boot) {
    const DirectBoot& d = *m.direct_boot;
    j["kernel_hashes"] = {
        {"kernel", {{"path", d.kernel_path}, {"sha256", to_hex(d.hashes.kernel)}}},
        {"initrd", {{"path", d.initrd_path ? Json(*d.initrd_path) : Json(nullptr)}, {"sha256", to_hex(d.hashes.initrd)}}},
        {"cmdline", {{"text", d.cmdline}, {"sha256", to_hex(d.hashes.cmdline)}}},
        {"table", to_hex(hash_table(d.hashes))},
        {"table_gpa", r.hash_table_gpa ? Json(hex_number(*r.hash_table_gpa)) : Json(nullptr)},
        {"page_gpa", r.kernel_hashes_page_gpa ? Json(hex_number(*r.kernel_hashes_page_gpa)) : Json(nullptr)}};
  } else {
    j["kernel_hashes"] = nullptr;
  }
  if (has_vmsas && r.bsp_vmsa_sha384 && r.bsp_vmsa) {
    const Reader bsp(*r.bsp_vmsa, "vmsa");
    j["vmsa"] = {{"bsp_eip", mode == Mode::SnpSvsm ? Json(nullptr) : Json(hex_number(kBspEip))},
                 {"ap_eip", mode == Mode::SnpSvsm || !r.ovmf.reset_eip ? Json(nullptr) : Json(hex_number(*r.ovmf.reset_eip))},
                 {"bsp_sha384", hex_of(*r.bsp_vmsa_sha384)},
                 {"ap_sha384", hex_of(*r.ap_vmsa_sha384)},
                 // The x87/SSE reset values: set by KVM_SEV_INIT2 hosts, 0 on older ones, EC2 and GCE.
                 {"mxcsr", hex_number(bsp.le<std::uint32_t>(vmsa::kMxcsr))},
                 {"x87_fcw", hex_number(bsp.le<std::uint16_t>(vmsa::kX87Fcw))}};
  } else {
    j["vmsa"] = nullptr;
  }
  if (snp_family) {
    j["stages"] = {{"after_ovmf_pages", r.after_ovmf_pages ? Json(hex_of(*r.after_ovmf_pages)) : Json(nullptr)},
                   {"after_metadata", r.after_metadata ? Json(hex_of(*r.after_metadata)) : Json(nullptr)},
                   {"page_info_records", r.pages}};
  } else {
    j["stages"] = nullptr;
  }
  j["defaults_applied"] = m.defaults_applied;
  j["warnings"] = r.warnings;
  return j;
}

std::string explain(const Measurement& m) {
  const Json j = to_json(m);
  std::ostringstream os;
  auto line = [&](const std::string& k, const std::string& v) { os << "  " << k << std::string(k.size() < 18 ? 18 - k.size() : 1, ' ') << v << '\n'; };
  auto str = [](const Json& v) { return v.is_null() ? std::string("-") : v.is_string() ? v.get<std::string>() : v.dump(); };
  os << "launch digest (" << str(j["digest_algorithm"]) << ", mode " << str(j["mode"]) << ")\n  " << str(j["launch_digest"]) << "\n\ninputs\n";
  line("vmm type", str(j["vmm_type"]));
  line("vcpus", str(j["vcpus"]));
  line("vcpu signature", str(j["vcpu"]["signature"]) + " (from " + str(j["vcpu"]["source"]) +
                             (j["vcpu"]["type"].is_null() ? "" : ", " + str(j["vcpu"]["type"])) + ")");
  line("vmsa rdx", str(j["vcpu"]["rdx"]));
  line("guest features", str(j["guest_features"]) + " (in each VMSA's SEV_FEATURES)");
  auto firmware = [&](const char* title, const Json& f) {
    os << "\n" << title << "  " << str(f["path"]) << "\n";
    line("size", str(f["size"]) + " bytes, sha256 " + str(f["sha256"]));
    line("loaded at GPA", str(f["gpa"]));
    if (f.contains("entry_rip")) line("entry rip", str(f["entry_rip"]));
    if (f.contains("vars_size")) line("vars size", str(f["vars_size"]));
    line("footer table", f["footer_table"].get<bool>() ? "yes" : "no");
    line("reset eip (APs)", str(f["reset_eip"]));
    const Json& ht = f["hash_table_block"];
    line("hash-table block", ht.is_null() || ht["gpa"] == "0x0" ? "none (no kernel/initrd/cmdline measurement)"
                                                                 : str(ht["gpa"]) + ", " + str(ht["size"]) + " bytes");
    if (f["sev_metadata"].is_null()) {
      line("sev metadata", "none");
    } else {
      line("sev metadata", "at offset " + str(f["sev_metadata"]["offset"]) + ", in measurement order:");
      for (const auto& s : f["sev_metadata"]["sections"])
        os << "    " << str(s["type"]) << " at " << str(s["gpa"]) << ", " << str(s["size"]) << " bytes: " << str(s["measured_as"]) << '\n';
    }
    if (f.contains("seed") && !f["seed"].is_null()) line("ovmf seed", str(f["seed"]) + " (pages not hashed)");
  };
  firmware("firmware", j["ovmf"]);
  if (!j["svsm"].is_null()) firmware("svsm", j["svsm"]);
  if (!j["kernel_hashes"].is_null()) {
    const Json& k = j["kernel_hashes"];
    os << "\ndirect boot (kernel-hashes table at GPA " << str(k["table_gpa"]) << ", page " << str(k["page_gpa"]) << ")\n";
    line("kernel", str(k["kernel"]["path"]) + " sha256 " + str(k["kernel"]["sha256"]));
    line("initrd", str(k["initrd"]["path"]) + " sha256 " + str(k["initrd"]["sha256"]));
    line("cmdline", "\"" + str(k["cmdline"]["text"]) + "\" + NUL, sha256 " + str(k["cmdline"]["sha256"]));
  }
  if (!j["vmsa"].is_null()) {
    os << "\nvmsa pages\n";
    line("mxcsr, x87 fcw", str(j["vmsa"]["mxcsr"]) + ", " + str(j["vmsa"]["x87_fcw"]) + " (0, 0: --legacy-vmsa-fpu, EC2, GCE)");
    line("bsp sha384", str(j["vmsa"]["bsp_sha384"]));
    line("ap sha384", str(j["vmsa"]["ap_sha384"]));
  }
  if (!j["stages"].is_null()) {
    os << "\nintermediate digests\n";
    line("after ovmf pages", str(j["stages"]["after_ovmf_pages"]));
    line("after metadata", str(j["stages"]["after_metadata"]));
    line("page-info records", str(j["stages"]["page_info_records"]));
  }
  return os.str();
}

}  // namespace coco::snp
