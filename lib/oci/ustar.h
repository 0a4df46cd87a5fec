// SPDX-License-Identifier: Apache-2.0
#pragma once
// The ustar header layout (POSIX.1-2001, "ustar Interchange Format"), shared by the streaming tar
// reader (Go archive/tar rules) and the tarfs reader (the node's tar crate rules).
#include <cstddef>

namespace coco::oci::ustar {

inline constexpr std::size_t kBlock = 512;

struct Field { std::size_t off, len; };
inline constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChksum{148, 8}, kTypeflag{156, 1}, kLinkname{157, 100}, kMagic{257, 6},
    kVersion{263, 2}, kDevmajor{329, 8}, kDevminor{337, 8}, kPrefix{345, 155};

}  // namespace coco::oci::ustar
