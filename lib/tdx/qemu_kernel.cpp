// SPDX-License-Identifier: Apache-2.0
#include "tdx/qemu_kernel.h"

#include <cstdlib>
#include <cstring>

#include "util/error.h"

namespace coco::tdx {
namespace {

constexpr std::uint32_t kHdrS = 0x53726448;
constexpr std::uint16_t kXlfCanBeLoadedAbove4g = 1u << 1;

// QEMU: video_mode from the text after "vga=", as strtol(…, NULL, 0) reads it.
std::uint16_t vga_mode(const std::string& cmdline, std::size_t at) {
  const std::string rest = cmdline.substr(at);
  if (rest.rfind("normal", 0) == 0) return 0xffff;
  if (rest.rfind("ext", 0) == 0) return 0xfffe;
  if (rest.rfind("ask", 0) == 0) return 0xfffd;
  return static_cast<std::uint16_t>(std::strtol(rest.c_str(), nullptr, 0));
}

}  // namespace

ByteVec qemu_patched_head(const Reader& kernel, const KernelPatchInputs& in) {
  if (kernel.size() < kSetupHeaderEnd)
    kernel.fail(0, "kernel is " + std::to_string(kernel.size()) + " bytes, shorter than a Linux setup header (" +
                       hex_number(kSetupHeaderEnd) + ")");
  const Bytes original = kernel.bytes(0, kSetupHeaderEnd);
  ByteVec h(original.begin(), original.end());
  const Reader r(h, kernel.name());
  const std::uint32_t protocol = r.le<std::uint32_t>(0x202) == kHdrS ? r.le<std::uint16_t>(0x206) : 0;
  // QEMU's strlen: the command line ends at its first NUL.
  const std::string cmdline = in.cmdline.substr(0, std::strlen(in.cmdline.c_str()));

  std::uint64_t real_addr = 0x90000, cmdline_addr = 0x9a000 - ((cmdline.size() + 16) & ~std::uint64_t{15});
  if (protocol >= 0x202 && (h[0x211] & 0x01) != 0) {
    real_addr = 0x10000;
    cmdline_addr = 0x20000;
  }
  if (protocol >= 0x202) {
    store_le<std::uint32_t>(h, 0x228, static_cast<std::uint32_t>(cmdline_addr));
  } else {
    store_le<std::uint16_t>(h, 0x20, 0xa33f);
    store_le<std::uint16_t>(h, 0x22, static_cast<std::uint16_t>(cmdline_addr - real_addr));
  }
  if (const auto vga = cmdline.find("vga="); vga != std::string::npos) store_le<std::uint16_t>(h, 0x1fa, vga_mode(cmdline, vga + 4));
  if (protocol >= 0x200) h[0x210] = 0xb0;
  if (protocol >= 0x201) {
    h[0x211] |= 0x80;
    store_le<std::uint16_t>(h, 0x224, static_cast<std::uint16_t>(cmdline_addr - real_addr - 0x200));
  }
  if (in.initrd_size) {
    std::uint64_t initrd_max = 0x37ffffff;
    if (protocol >= 0x20c && (r.le<std::uint16_t>(0x236) & kXlfCanBeLoadedAbove4g) != 0) initrd_max = 0xffffffff;
    else if (protocol >= 0x203) initrd_max = r.le<std::uint32_t>(0x22c);
    if (in.below_4g <= kQemuAcpiDataSize) fail(kernel.name(), "guest RAM below 4 GiB is too small for the initrd");
    if (initrd_max >= in.below_4g - kQemuAcpiDataSize) initrd_max = in.below_4g - kQemuAcpiDataSize - 1;
    const std::uint64_t size = *in.initrd_size;
    if (size >= initrd_max)
      fail(kernel.name(), "initrd of " + std::to_string(size) + " bytes is larger than the kernel's initrd limit " +
                              hex_number(initrd_max) + " for this memory size (QEMU refuses: initrd is too large)");
    store_le<std::uint32_t>(h, 0x218, static_cast<std::uint32_t>((initrd_max - size) & ~std::uint64_t{0xfff}));
    store_le<std::uint32_t>(h, 0x21c, static_cast<std::uint32_t>(size));
  }
  return h;
}

}  // namespace coco::tdx
