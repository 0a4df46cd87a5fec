// SPDX-License-Identifier: Apache-2.0
// The OCI test images, built once per test run by tests/registry/make_images.sh (umoci + skopeo
// on tars generated there) into a scratch directory.
#pragma once
#include <map>
#include <string>

namespace coco::test {
// The directory make_images.sh wrote (layout/, layers/*.tar, hello-docker.tar, hello-oci.tar).
const std::string& oci_images();
// sha256sum's hex digest of a file: the independent oracle for blob digests and diff_ids.
std::string sha256sum(const std::string& path);

// Loopback registries (tests/registry/registry.sh) started once per test process on free ports
// and stopped when it exits. Keys as in registry.env: PLAIN, BASIC, TOKEN, REDIRECT, FAULT, …
// Empty when docker-registry, skopeo or umoci are missing (the caller then skips with a warning).
const std::map<std::string, std::string>& registries();
}  // namespace coco::test
