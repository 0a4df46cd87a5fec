// SPDX-License-Identifier: Apache-2.0
#include "tdx/varstore.h"

#include "util/error.h"

namespace coco::tdx {
namespace {

constexpr firmware::Guid kAuthenticatedStore = firmware::guid("aaf32c78-947b-439a-a180-2e144ec37792");
constexpr firmware::Guid kPlainStore = firmware::guid("ddcf3616-3275-4164-98b6-fe85707ffe7d");
constexpr std::uint32_t kFvSignature = 0x4856465f;  // "_FVH"
constexpr std::uint16_t kStartId = 0x55aa;
constexpr std::uint8_t kVarAdded = 0x3f;
constexpr std::uint8_t kVarInDeletedTransition = 0x3e;

firmware::Guid guid_at(const Reader& r, std::uint64_t off) {
  const Bytes b = r.bytes(off, 16);
  firmware::Guid g{};
  std::copy(b.begin(), b.end(), g.begin());
  return g;
}

}  // namespace

std::optional<std::vector<StoredVariable>> live_variables(const Reader& cfv) {
  if (cfv.size() < 64 || cfv.le<std::uint32_t>(40) != kFvSignature) return std::nullopt;
  const std::uint64_t store = cfv.le<std::uint16_t>(48);
  if (store > cfv.size() || cfv.size() - store < 28) return std::nullopt;
  const firmware::Guid format = guid_at(cfv, store);
  if (format != kAuthenticatedStore && format != kPlainStore) return std::nullopt;
  const bool authenticated = format == kAuthenticatedStore;
  const std::uint64_t header = authenticated ? 60 : 32;
  const std::uint32_t store_size = cfv.le<std::uint32_t>(store + 16);
  const std::uint64_t end = store_size < cfv.size() - store ? store + store_size : cfv.size();

  std::vector<StoredVariable> out;
  for (std::uint64_t at = store + 28; end - at >= header && at < end;) {
    if (cfv.le<std::uint16_t>(at) != kStartId) break;  // the rest of the store is free space
    const std::uint8_t state = cfv.le<std::uint8_t>(at + 2);
    const std::uint32_t name_size = cfv.le<std::uint32_t>(at + header - 24);
    const std::uint32_t data_size = cfv.le<std::uint32_t>(at + header - 20);
    const firmware::Guid vendor = guid_at(cfv, at + header - 16);
    const std::uint64_t body = std::uint64_t{name_size} + data_size;
    if (body > end - at - header) break;  // cut short: stop like the firmware's variable walk
    if (state == kVarAdded || state == kVarInDeletedTransition) {
      StoredVariable v;
      const Bytes name = cfv.bytes(at + header, name_size);
      for (std::size_t i = 0; i + 1 < name.size(); i += 2) {
        const std::uint16_t c = static_cast<std::uint16_t>(name[i] | name[i + 1] << 8);
        if (c == 0) break;
        v.name.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
      }
      v.vendor = vendor;
      v.data_size = data_size;
      v.offset = cfv.base() + at;
      out.push_back(std::move(v));
    }
    at = (at + header + body + 3) & ~std::uint64_t{3};
  }
  return out;
}

}  // namespace coco::tdx
