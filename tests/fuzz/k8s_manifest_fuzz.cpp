// SPDX-License-Identifier: Apache-2.0
// Kubernetes YAML manifests (k8s/manifest.h): the multi-document stream, scalar typing, UTF-8
// checks, the depth and node limits, and the rendering back to YAML.
#include "fuzz.h"
#include "k8s/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    k8s::LoadLimits limits;
    limits.max_nodes = 100'000;  // the fuzzer's inputs are small; keep alias bombs fast to refuse
    const auto docs = k8s::load_documents(fuzz::text(data, size), "pod.yaml", limits);
    (void)k8s::render_documents(docs);
  });
  return 0;
}
