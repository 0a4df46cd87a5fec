// SPDX-License-Identifier: Apache-2.0
// coco measure tdx: MRTD and RTMR0-3 of a QEMU/OVMF TD in direct boot, under a named profile.
#include <iomanip>

#include "commands.h"
#include "io.h"
#include "tdx/measure.h"
#include "tdx/td_hob.h"
#include "util/encoding.h"

namespace coco::cli {
namespace {

struct Flags {
  tdx::MeasureInputs in;
  std::string memory = "2G";
  std::string profile = tdx::kDefaultProfile;
  std::string page_add_order, ovmf_layout, kernel_header, cmdline_measured;
  bool explain = false;
};

void print_text(std::ostream& os, const tdx::Measurement& m, const tdx::MeasureInputs& in, bool explain, const Style& st) {
  const tdx::Profile& p = in.profile;
  os << "profile  " << p.name << ": page-add " << to_string(p.page_add_order) << ", OVMF layout "
     << to_string(p.ovmf_layout) << ", kernel " << to_string(p.kernel_header) << ", cmdline "
     << (p.cmdline_measured ? "measured" : "not measured") << "\n         (" << p.description << ")\n";
  os << "MRTD     " << to_hex(m.mrtd) << '\n';
  for (std::size_t i = 0; i < m.rtmr.size(); ++i)
    os << "RTMR" << i << "    " << (m.rtmr[i] ? to_hex(*m.rtmr[i]) : st.yellow("not computable")) << '\n';
  if (!explain) return;
  // The same columns as `coco tdx replay`: a register is named RTMR0-3 in both.
  os << '\n' << st.bold("REGISTER  #   TYPE                              DIGEST / DESCRIPTION") << '\n';
  std::array<int, tdx::kRtmrCount> n{};
  for (const auto& e : m.events) {
    os << std::left << std::setw(10) << "RTMR" + std::to_string(e.rtmr) << std::setw(4)
       << ++n[static_cast<std::size_t>(e.rtmr)]
       << std::setw(34) << tdx::event_type_name(e.type) << (e.digest ? to_hex(*e.digest) : st.yellow("(unknown)")) << '\n'
       << std::string(48, ' ') << st.dim(e.description) << '\n';
  }
}

}  // namespace

namespace {
std::vector<std::string> quiet_values(const tdx::Measurement& m) {
  std::vector<std::string> out = {to_hex(m.mrtd)};
  for (const auto& r : m.rtmr) out.push_back(r ? to_hex(*r) : "null");
  return out;
}
}  // namespace

void add_measure_tdx(CLI::App& measure, Context& ctx) {
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = measure.add_subcommand("tdx", "Intel TDX MRTD and RTMR0-3 for QEMU direct boot with OVMF");
  cmd->add_option("--firmware", f->in.firmware, "OVMF/TDVF image passed to QEMU -bios")->required()->check(input_file());
  cmd->add_option("--kernel", f->in.kernel, "kernel (bzImage) passed to -kernel")->check(input_file());
  cmd->add_option("--initrd", f->in.initrd, "initrd passed to -initrd")->check(input_file());
  cmd->add_option("--append", f->in.append, "kernel command line passed to -append");
  cmd->add_option("--memory", f->memory, "guest RAM as QEMU -m (2G, 2048M; whole MiB)")->capture_default_str();
  cmd->add_option("--vcpus", f->in.vcpus, "vCPUs (recorded; only the ACPI tables depend on it)")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--acpi-tables", f->in.acpi_dir,
                  "directory with QEMU's fw_cfg blobs: table-loader, rsdp, tables (or table_loader.bin, rsdp.bin, "
                  "acpi_tables.bin)")
      ->check(input_dir());
  add_choice(cmd, ctx, "--profile", f->profile, tdx::profile_names(), "the host/firmware/guest stack (default: upstream)");
  add_choice(cmd, ctx, "--page-add-order", f->page_add_order, {"single", "two-pass"}, "override the profile's MRTD page order");
  add_choice(cmd, ctx, "--ovmf-layout", f->ovmf_layout, {"legacy", "2024", "2025"}, "override the profile's OVMF event layout");
  add_choice(cmd, ctx, "--kernel-header", f->kernel_header, {"qemu-rewrite", "raw"},
             "override: measure the kernel as QEMU < 10.2 rewrites it, or raw");
  add_choice(cmd, ctx, "--cmdline-measured", f->cmdline_measured, {"yes", "no"},
             "override: guest kernel >= 6.9 measures cmdline and initrd into RTMR2");
  cmd->add_flag("--explain", f->explain, "list every event that goes into each register");
  set_examples(cmd, {
      ctx.program + " measure tdx --firmware /usr/share/ovmf/OVMF.fd",
      ctx.program + " measure tdx --firmware OVMF.fd --kernel vmlinuz --initrd initrd.img --append 'console=ttyS0' "
                    "--memory 4G --profile ubuntu-25.04 --acpi-tables acpi/ --explain",
      ctx.program + " measure tdx --firmware OVMF.fd --kernel vmlinuz --page-add-order two-pass --output json",
  });
  set_quiet_output(cmd, "MRTD, then RTMR0 to RTMR3 (\"null\" for a register coco cannot predict)");
  cmd->callback([f, &ctx] {
    tdx::MeasureInputs in = f->in;
    in.profile = tdx::find_profile(f->profile);
    if (!f->page_add_order.empty()) in.profile.page_add_order = tdx::parse_page_add_order(f->page_add_order);
    if (!f->ovmf_layout.empty()) in.profile.ovmf_layout = tdx::parse_ovmf_layout(f->ovmf_layout);
    if (!f->kernel_header.empty()) in.profile.kernel_header = tdx::parse_kernel_header(f->kernel_header);
    if (!f->cmdline_measured.empty()) in.profile.cmdline_measured = f->cmdline_measured == "yes";
    in.memory = tdx::parse_memory_size(f->memory);
    const tdx::Measurement m = tdx::measure_tdx(in);
    for (const auto& note : m.notes) ctx.warn(note);
    ctx.emit(tdx::to_json(m, in), [&](std::ostream& os) { print_text(os, m, in, f->explain, ctx.out_style()); },
             quiet_values(m));
  });
}

}  // namespace coco::cli
