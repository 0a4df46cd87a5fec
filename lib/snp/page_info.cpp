// SPDX-License-Identifier: Apache-2.0
#include "snp/page_info.h"

#include <algorithm>

#include "util/digest.h"
#include "util/error.h"

namespace coco::snp {

PageInfo page_info(const Digest48& current, const Digest48& contents, PageType type, std::uint64_t gpa) {
  PageInfo r{};
  std::copy(current.begin(), current.end(), r.begin());
  std::copy(contents.begin(), contents.end(), r.begin() + 0x30);
  store_le<std::uint16_t>(r, 0x60, kPageInfoSize);
  r[0x62] = static_cast<std::uint8_t>(type);
  // 0x63 IMI_PAGE, 0x64..0x66 VMPL permissions and 0x67 stay zero: the launch adds no IMI pages
  // and grants no lower-VMPL permissions.
  store_le<std::uint64_t>(r, 0x68, gpa);
  return r;
}

Digest48 to_digest48(Bytes b) {
  if (b.size() != kDigestSize) throw Error(Exit::Failure, "expected a 48-byte digest, got " + std::to_string(b.size()));
  Digest48 d;
  std::copy(b.begin(), b.end(), d.begin());
  return d;
}

Digest48 sha384_page(Bytes page) { return to_digest48(digest(Algo::Sha384, page)); }

void LaunchDigest::add_page(PageType type, std::uint64_t gpa, const Digest48& contents) {
  ld_ = sha384_page(page_info(ld_, contents, type, gpa));
  ++pages_;
}

void LaunchDigest::add_normal_pages(std::uint64_t gpa, Bytes data) {
  if (data.size() % kPageSize != 0)
    throw Error(Exit::Failure, "NORMAL pages need a multiple of 4096 bytes, got " + std::to_string(data.size()));
  for (std::uint64_t off = 0; off < data.size(); off += kPageSize)
    add_page(PageType::Normal, gpa + off, sha384_page(data.subspan(off, kPageSize)));
}

void LaunchDigest::add_vmsa_page(Bytes page) { add_page(PageType::Vmsa, kVmsaGpa, sha384_page(page)); }

void LaunchDigest::add_empty_pages(PageType type, std::uint64_t gpa, std::uint64_t size) {
  for (std::uint64_t off = 0; off < size; off += kPageSize) add_page(type, gpa + off, Digest48{});
}

}  // namespace coco::snp
