// SPDX-License-Identifier: Apache-2.0
#include "snp/kernel_hashes.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "firmware/guid.h"
#include "util/digest.h"

namespace coco::snp {
namespace {

constexpr auto kTableGuid = firmware::guid("9438d606-4f22-4cc9-b479-a793d411fd21");
constexpr auto kCmdlineGuid = firmware::guid("97d02dd8-bd20-4c94-aa78-e7714d36ab2a");
constexpr auto kInitrdGuid = firmware::guid("44baf731-3a2f-4bd7-9af1-41e29169781d");
constexpr auto kKernelGuid = firmware::guid("4de79437-abd2-427f-b835-d5b172d2045b");
constexpr std::uint16_t kEntrySize = 16 + 2 + 32;

Sha256 to_sha256(const ByteVec& v) {
  Sha256 s{};
  std::copy(v.begin(), v.end(), s.begin());
  return s;
}

}  // namespace

Sha256 cmdline_hash(const std::string& cmdline) {
  Hasher h(Algo::Sha256);
  h.update(cmdline);
  const std::uint8_t nul = 0;
  h.update(Bytes(&nul, 1));  // QEMU hashes the string with its terminating NUL
  return to_sha256(h.finish());
}

DirectBoot hash_direct_boot(const std::string& kernel, const std::optional<std::string>& initrd,
                            const std::string& cmdline) {
  DirectBoot d{kernel, initrd, cmdline, {}};
  // The two big files are independent: hash the initrd on a second thread while this one does the
  // kernel, so the run takes as long as the larger file, not the sum.
  std::exception_ptr initrd_error;
  std::thread t([&] {
    try {
      d.hashes.initrd = to_sha256(initrd ? digest_file(Algo::Sha256, *initrd) : digest(Algo::Sha256, Bytes{}));
    } catch (...) {
      initrd_error = std::current_exception();
    }
  });
  std::exception_ptr kernel_error;
  try {
    d.hashes.kernel = to_sha256(digest_file(Algo::Sha256, kernel));
  } catch (...) {
    kernel_error = std::current_exception();
  }
  t.join();
  if (kernel_error) std::rethrow_exception(kernel_error);
  if (initrd_error) std::rethrow_exception(initrd_error);
  d.hashes.cmdline = cmdline_hash(cmdline);
  return d;
}

HashTable hash_table(const KernelHashes& h) {
  HashTable t{};
  std::size_t at = 0;
  auto put = [&](Bytes b) {
    std::copy(b.begin(), b.end(), t.begin() + static_cast<std::ptrdiff_t>(at));
    at += b.size();
  };
  auto put_u16 = [&](std::uint16_t v) {
    store_le<std::uint16_t>(t, at, v);
    at += 2;
  };
  put(kTableGuid);
  put_u16(kHashTableLength);
  for (const auto& [guid, hash] : {std::pair{kCmdlineGuid, &h.cmdline}, std::pair{kInitrdGuid, &h.initrd},
                                   std::pair{kKernelGuid, &h.kernel}}) {
    put(guid);
    put_u16(kEntrySize);
    put(*hash);
  }
  return t;  // bytes 168..175 stay zero
}

}  // namespace coco::snp
