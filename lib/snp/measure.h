// SPDX-License-Identifier: Apache-2.0
// `coco measure snp` as a library call: the reference tool's flags (specs/snp.md §2.1) in, a
// launch digest plus every input that shaped it out. Validates flag combinations (usage errors
// name the flag), maps the firmware, streams the kernel and initrd, then runs
// compute_launch_digest(). The JSON and --explain renderings live here too, so that other
// commands (refvals) print the same thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "snp/launch.h"
#include "util/output.h"

namespace coco::snp {

// Flag values as given; numbers stay text so that they parse like the reference tool's (0x…, 0o…,
// decimal) with the flag named on error.
// Unlike sev-snp-measure, --mode, --vcpus and the vCPU type have defaults (snp, 1, EPYC-v4) so
// that `coco measure snp --ovmf FILE` works; each default taken is reported (defaults_applied in
// JSON, a warning on stderr), since an unseen default is the usual reason a digest does not match.
struct MeasureRequest {
  std::string mode = "snp";
  std::optional<std::string> vcpus;
  std::optional<std::string> vcpu_type, vcpu_sig, vcpu_family, vcpu_model, vcpu_stepping;
  std::string vmm_type = "qemu";
  std::string ovmf;  // required
  std::optional<std::string> kernel, initrd, append;
  std::optional<std::string> guest_features;
  std::optional<std::string> snp_ovmf_hash;
  std::optional<std::string> svsm, vars_size, vars_file;
  bool legacy_vmsa_fpu = false;      // QEMU on a host without KVM_SEV_INIT2
  std::optional<std::string> ec2_rdx;  // EC2 guests launched before its RDX change: 0
};

struct InputFile {
  std::string path;
  std::uint64_t size = 0;
  ByteVec sha256;
};

struct Measurement {
  LaunchParams params;
  LaunchResult result;
  InputFile ovmf;
  std::optional<InputFile> svsm;
  std::optional<InputFile> vars_file;
  std::optional<std::string> vcpu_type;  // the model the signature came from, if a --vcpu-type
  std::string vcpu_sig_source;           // which flag set the signature ("default" when unused)
  std::optional<DirectBoot> direct_boot;
  std::uint64_t guest_features_requested = 0x1;
  std::vector<std::string> defaults_applied;  // "--vcpus 1", … for flags the caller did not give
};

Measurement measure(const MeasureRequest& request);

// The digest as sev-snp-measure prints it: lower-case hex, or standard padded base64.
std::string format_digest(const Measurement& m, const std::string& output_format);

// --dump-vmsa: writes vmsa0.bin … vmsa<N-1>.bin (4096 bytes each) into `dir`, as sev-snp-measure
// does into the working directory. Usage error in modes without VMSAs (sev, snp:ovmf-hash).
void dump_vmsas(const Measurement& m, const std::string& dir);

Json to_json(const Measurement& m);
std::string explain(const Measurement& m);  // the same facts, for people

}  // namespace coco::snp
