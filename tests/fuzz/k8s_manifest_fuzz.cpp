// SPDX-License-Identifier: Apache-2.0
// Kubernetes YAML manifests (k8s/manifest.h): the multi-document stream, scalar typing, UTF-8
// checks, the depth and node limits, and the rendering back to YAML. Every input is also read cut
// at its "---" lines (the parallel path of long streams): it must give the same documents, with
// the same node marks (positions in the whole text), or fail as the whole stream fails.
#include <cstdlib>

#include "fuzz.h"
#include "k8s/manifest.h"
#include "util/error.h"

namespace {

// The same marks, every position inside the text (aliases share nodes: the walk is bounded by the
// node limit the reader enforces).
bool same_marks(const coco::k8s::NodeMarks* x, const coco::k8s::NodeMarks* y, std::size_t size) {
  if (!x || !y) return x == y;
  if (x->kind != y->kind || x->pos != y->pos || x->pos > size || x->scalar != y->scalar || x->items.size() != y->items.size())
    return false;
  for (std::size_t i = 0; i < x->items.size(); ++i)
    if (!same_marks(x->items[i].get(), y->items[i].get(), size)) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const std::string_view text = fuzz::text(data, size);
  k8s::LoadLimits whole;
  whole.max_nodes = 100'000;  // the fuzzer's inputs are small; keep alias bombs fast to refuse
  whole.parallel_min_bytes = SIZE_MAX;
  whole.marks = true;
  k8s::LoadLimits cut = whole;
  cut.parallel_min_bytes = 0;
  std::vector<k8s::Document> a, b;
  std::string error_a, error_b;
  try {
    a = k8s::load_documents(text, "pod.yaml", whole);
  } catch (const Error& e) {
    error_a = e.what();
  }
  try {
    b = k8s::load_documents(text, "pod.yaml", cut);
  } catch (const Error& e) {
    error_b = e.what();
  }
  if (error_a != error_b) std::abort();  // read whole and read cut disagree on failing
  if (a.size() != b.size()) std::abort();
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].line != b[i].line || a[i].value != b[i].value || !same_marks(a[i].marks.get(), b[i].marks.get(), text.size()))
      std::abort();
  fuzz::refusals_allowed([&] { (void)k8s::render_documents(a); });
  return 0;
}
