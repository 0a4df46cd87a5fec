// SPDX-License-Identifier: Apache-2.0
// Hex and base64, the two text forms every digest and key takes on the command line, and the
// UTF-8 check that text inputs (manifests) pass before they become JSON strings.
#pragma once

#include <string>
#include <string_view>

#include "util/bytes.h"

namespace coco {

std::string to_hex(Bytes data);  // lower case
// Throws coco::Error (Failure) naming `what` when the text is not even-length hex.
ByteVec from_hex(std::string_view text, const std::string& what = "hex string");

std::string to_base64(Bytes data);  // standard alphabet, padded, no line breaks
ByteVec from_base64(std::string_view text, const std::string& what = "base64 string");
std::string to_base64url(Bytes data);  // URL-safe alphabet, unpadded

// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos when the whole text is valid.
std::size_t invalid_utf8_at(std::string_view text);

// A–Z to a–z, every other byte as it is (names and keywords, never locale-dependent).
std::string ascii_lower(std::string text);

}  // namespace coco
