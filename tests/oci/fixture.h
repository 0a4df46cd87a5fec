// The OCI test images, built once per test run by tests/registry/make_images.sh (umoci + skopeo
// on tars generated there) into a scratch directory.
#pragma once
#include <string>

namespace coco::test {
// The directory make_images.sh wrote (layout/, layers/*.tar, hello-docker.tar, hello-oci.tar).
const std::string& oci_images();
// sha256sum's hex digest of a file: the independent oracle for blob digests and diff_ids.
std::string sha256sum(const std::string& path);
}  // namespace coco::test
