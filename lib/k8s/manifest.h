// SPDX-License-Identifier: Apache-2.0
// Kubernetes manifests as data (policy.md §1.2, §5.3): multi-document YAML → one JSON value per
// document, and back. YAML is read with yaml-cpp; scalars get the YAML 1.2 core-schema types
// (a quoted "80" stays a string, a plain 80 is a number), so the re-rendered document means what
// the input meant. Hostile input is bounded: nesting depth, total node count (alias bombs expand
// here, not in yaml-cpp) and duplicate keys are errors naming line:column.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/output.h"

namespace coco::k8s {

// Where a node stands in the text it was read from, as yaml-cpp's marks say: what the
// byte-preserving editor (k8s/edit.h) needs, recorded while the document is read so the text is
// not parsed again to edit it. An alias is the node it names (so it stands where that one does).
struct NodeMarks {
  enum class Kind : std::uint8_t { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::size_t pos = 0;  // byte offset of the node (its anchor or tag first) in the whole text
  std::string scalar;   // a scalar's value
  std::vector<std::shared_ptr<const NodeMarks>> items;  // a sequence's items; a map's key, value, key, value, …
};

struct Document {
  Json value;     // null for an empty document
  int line = 0;   // 1-based line of the document's first node
  std::shared_ptr<const NodeMarks> marks;  // with LoadLimits::marks: the document's root
};

struct LoadLimits {
  std::size_t max_depth = 64;          // Kubernetes objects nest ~15 deep
  std::size_t max_nodes = 1'000'000;   // after alias expansion, over the whole stream (~20k workloads)
  // A stream at least this long is cut at its "---" lines and the documents are read on every
  // core (yaml-cpp reads ~10 MB/s); the result is the same as one pass, which also gives the
  // error message of a stream that does not read.
  std::size_t parallel_min_bytes = 128 << 10;
  bool marks = false;  // also record Document::marks
  unsigned jobs = 0;   // threads for a long stream (0: util/parallel.h's default)
};

// `name` is used in messages: "deploy.yaml:14:7: duplicate key 'image'".
std::vector<Document> load_documents(std::string_view text, const std::string& name,
                                     const LoadLimits& limits = {});

// Where load_documents cuts a long stream to read it on every core: the offset of each part, the
// first 0, each part whole documents. Part k is read up to the "---" that opens part k + 1 (it
// then ends with that empty document), so that whatever is open at a cut fails as it does in one
// pass. Just {0} when the stream is read in one pass (short, a directive or "...", few cores).
std::vector<std::size_t> stream_parts(std::string_view text, const LoadLimits& limits = {});

// Renders documents as a YAML stream, each opened by "---". Key order is the input's.
std::string render_documents(const std::vector<Document>& docs);

}  // namespace coco::k8s
