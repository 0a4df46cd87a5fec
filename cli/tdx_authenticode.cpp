// SPDX-License-Identifier: Apache-2.0
// coco tdx authenticode: the PE/COFF image hash as EDK2 measures it (and Secure Boot db lists).
#include "commands.h"
#include "io.h"
#include "pe/pe_file.h"
#include "util/encoding.h"

namespace coco::cli {

void add_tdx_authenticode(CLI::App& tdx, Context& ctx) {
  auto file = std::make_shared<std::string>();
  auto algo = std::make_shared<std::string>("sha384");
  CLI::App* cmd = tdx.add_subcommand("authenticode", "PE/COFF Authenticode image hash, exactly as EDK2/OVMF computes it");
  cmd->add_option("FILE", *file, "PE/COFF image (kernel, shim, GRUB, UKI)")->required()->check(input_file());
  add_choice(cmd, ctx, "--hash", *algo, {"sha256", "sha384"}, "digest algorithm (sha384 for TDX RTMR1, sha256 for Secure Boot)");
  set_examples(cmd, {ctx.program + " tdx authenticode /boot/vmlinuz-$(uname -r)",
                     ctx.program + " tdx authenticode --hash sha256 shimx64.efi --output json"});
  set_quiet_output(cmd, "the digest");
  cmd->callback([file, algo, &ctx] {
    const ByteVec d = pe::PeFile(*file).authenticode_hash(parse_algo(*algo));  // streamed: flat memory
    ctx.emit({{"file", *file}, {"algorithm", *algo}, {"digest", to_hex(d)}},
             [&](std::ostream& os) { os << to_hex(d) << '\n'; }, {to_hex(d)});
  });
}

}  // namespace coco::cli
