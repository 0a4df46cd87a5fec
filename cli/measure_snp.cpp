// SPDX-License-Identifier: Apache-2.0
// coco measure snp: the SEV-SNP / SEV-ES / SEV launch digest, flag-compatible with
// sev-snp-measure (specs/snp.md §2.1). Flags → snp::measure() → one line, JSON or --explain.
#include <memory>

#include "commands.h"
#include "snp/cpu_sig.h"
#include "snp/measure.h"

namespace coco::cli {
namespace {

struct MeasureSnpFlags {
  snp::MeasureRequest request;
  std::string output_format = "hex";
  bool explain = false;
  bool verbose = false;
  bool dump_vmsa = false;
};

// What sev-snp-measure -v prints before the value.
std::string verbose_label(snp::Mode m) {
  switch (m) {
    case snp::Mode::Sev: return "SEV";
    case snp::Mode::SevEs: return "SEV_ES";
    case snp::Mode::SnpSvsm: return "SEV_SNP_SVSM";
    default: return "SEV_SNP";
  }
}

}  // namespace

void add_measure_snp(CLI::App& measure, Context& ctx) {
  auto f = std::make_shared<MeasureSnpFlags>();
  snp::MeasureRequest& rq = f->request;
  CLI::App* cmd = measure.add_subcommand("snp", "AMD SEV-SNP, SEV-ES and SEV launch digests (sev-snp-measure compatible)");
  add_choice(cmd, ctx, "--mode", rq.mode, {"snp", "snp:ovmf-hash", "snp:svsm", "seves", "sev"},
             "Guest mode (default: snp); snp:ovmf-hash prints the seed for --snp-ovmf-hash");
  cmd->add_option("--ovmf", rq.ovmf, "OVMF firmware image, as given to QEMU's -bios")->required()->type_name("FILE");
  cmd->add_option("--vcpus", rq.vcpus, "Number of vCPUs (default: 1; all modes but sev and snp:ovmf-hash)")->type_name("N");
  {
    // The 22 names would swamp --help: list the models and accept their version aliases.
    const std::vector<std::string> types = snp::cpu_type_names();
    CLI::Option* type = cmd->add_option("--vcpu-type", rq.vcpu_type,
                                        "QEMU vCPU model: EPYC, EPYC-Rome, EPYC-Milan, EPYC-Genoa, EPYC-Turin, or a -vN version of one (default: EPYC-v4)");
    type->check(CLI::IsMember(types).description(""))->type_name("TYPE");
    ctx.choices[type] = types;
  }
  cmd->add_option("--vcpu-sig", rq.vcpu_sig, "vCPU signature (CPUID 1 EAX), e.g. 0xa00f11")->type_name("NUM");
  cmd->add_option("--vcpu-family", rq.vcpu_family, "vCPU family (with --vcpu-model and --vcpu-stepping)")->type_name("NUM");
  cmd->add_option("--vcpu-model", rq.vcpu_model, "vCPU model")->type_name("NUM");
  cmd->add_option("--vcpu-stepping", rq.vcpu_stepping, "vCPU stepping")->type_name("NUM");
  {
    const std::vector<std::string> vmms = {"qemu", "ec2", "gce"};
    CLI::Option* vmm = cmd->add_option("--vmm-type", rq.vmm_type, "VMM that sets up the VMSAs (default: qemu)");
    vmm->transform([](std::string v) {  // sev-snp-measure spells it QEMU
          for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          return v;
        })
        ->check(CLI::IsMember(vmms))
        ->type_name("VALUE");
    ctx.choices[vmm] = vmms;
  }
  cmd->add_option("--kernel", rq.kernel, "Kernel for direct boot (QEMU kernel-hashes=on)")->type_name("FILE");
  cmd->add_option("--initrd", rq.initrd, "Initrd for direct boot")->type_name("FILE");
  cmd->add_option("--append", rq.append, "Kernel command line for direct boot")->type_name("CMDLINE");
  cmd->add_option("--guest-features", rq.guest_features, "SEV_FEATURES of SNP VMSAs (default: 0x1 = SNPActive)")->type_name("NUM");
  cmd->add_option("--snp-ovmf-hash", rq.snp_ovmf_hash, "Start from this snp:ovmf-hash value instead of hashing the OVMF pages")->type_name("HEX");
  cmd->add_option("--svsm", rq.svsm, "Coconut-SVSM image (snp:svsm)")->type_name("FILE");
  cmd->add_option("--vars-size", rq.vars_size, "OVMF_VARS size in bytes (snp:svsm)")->type_name("BYTES");
  cmd->add_option("--vars-file", rq.vars_file, "OVMF_VARS file whose size to use (snp:svsm)")->type_name("FILE");
  cmd->add_flag("--legacy-vmsa-fpu", rq.legacy_vmsa_fpu,
                "QEMU host without KVM_SEV_INIT2 (Linux < 6.10): MXCSR and x87 FCW 0 in the VMSAs (sev-snp-measure < 0.0.10)");
  cmd->add_option("--ec2-rdx", rq.ec2_rdx, "RDX of EC2 VMSAs (default: 0x600; 0 for guests before EC2's 2026 change)")->type_name("NUM");
  add_choice(cmd, ctx, "--output-format", f->output_format, {"hex", "base64"}, "How the text output prints the digest");
  cmd->add_flag("--explain", f->explain, "Print every input that shaped the digest (text form of --output json)");
  cmd->add_flag("--dump-vmsa", f->dump_vmsa, "Write each vCPU's VMSA page to vmsa<N>.bin in the current directory");
  cmd->add_flag("-v,--verbose", f->verbose, "Print 'Calculated <MODE> guest measurement: <value>' like sev-snp-measure -v");
  set_examples(cmd, {
      ctx.program + " measure snp --ovmf /usr/share/ovmf/OVMF.fd",
      ctx.program + " measure snp --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf /usr/share/ovmf/OVMF.fd",
      ctx.program + " measure snp --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.amdsev.fd --kernel vmlinuz",
      ctx.program + " measure snp --mode snp:ovmf-hash --ovmf /usr/share/ovmf/OVMF.fd",
      ctx.program + " measure snp --mode snp --vmm-type ec2 --vcpus 2 --ovmf ovmf_img.fd --output json",
      ctx.program + " measure snp --mode seves --vcpus 1 --vcpu-sig 0x800f12 --ovmf /usr/share/ovmf/OVMF.fd --explain",
  });
  set_quiet_output(cmd, "the launch digest (hex, or as --output-format says)");
  cmd->callback([f, &ctx] {
    const snp::Measurement m = snp::measure(f->request);
    for (const auto& w : m.result.warnings) ctx.warn(w);
    if (f->dump_vmsa) snp::dump_vmsas(m, ".");
    const std::string value = snp::format_digest(m, f->output_format);
    ctx.emit(snp::to_json(m), [&](std::ostream& os) {
      if (f->explain)
        os << snp::explain(m);
      else if (f->verbose && m.params.mode != snp::Mode::SnpOvmfHash)
        os << "Calculated " << verbose_label(m.params.mode) << " guest measurement: " << value << '\n';
      else
        os << value << '\n';
    }, {value});
  });
}

}  // namespace coco::cli
