// SPDX-License-Identifier: Apache-2.0
// Byte-preserving edits of a manifest (issue 15 item 10): `policy generate` hands back the user's
// file with only the annotation lines it adds or replaces and the image scalars it pins changed;
// comments, key order, quoting, flow style, null spellings, blank lines, document separators and
// CRLF line ends of everything else stay byte for byte (GitOps diffs show the policy, nothing else).
//
// The edits are a text patch over the original bytes. yaml-cpp gives each node's start (its mark:
// byte offset, line, column; a UTF-8 BOM is not counted), and a small scanner finds where the
// node ends (quoted and block scalars, flow collections, the lines of a block mapping). A new key
// goes after the last entry of its mapping, at the mapping's indentation (block) or after its last
// entry (flow, double-quoted). The patched text is parsed again and must give the expected tree;
// a construct the patcher does not handle (an aliased mapping, an explicit `? key`, a multi-line
// plain scalar) makes it re-render that file instead, and say so in `note`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/manifest.h"

namespace coco::k8s {

struct Edit {
  std::size_t document = 0;    // index into the stream's documents
  Json::json_pointer path;     // a mapping key: its missing parent mappings are created
  std::optional<std::string> value;  // the string to set; nullopt removes the key
  // A sibling key that `value` replaces: removed when `path` exists, else renamed to path's key
  // in place (one binding annotation replaces the other).
  std::string replaces;
};

struct EditResult {
  std::string text;
  std::string note;  // non-empty when the file was re-rendered rather than patched
};

// `expected` is what the stream must parse to after the edits (load_documents of the input with
// the edits applied to the JSON values); mapping order is not compared. When every document of
// `expected` has its marks (read with LoadLimits::marks from `text`), the edits are placed where
// they say and `text` is not parsed again; either way the result is read back and checked, on
// `jobs` threads (0: util/parallel.h's default).
EditResult apply_edits(std::string_view text, const std::string& name, const std::vector<Edit>& edits,
                       const std::vector<Document>& expected, unsigned jobs = 0);

// The same trees, objects compared without regard to key order.
bool same_tree(const Json& a, const Json& b);

}  // namespace coco::k8s
