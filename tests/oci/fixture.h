// SPDX-License-Identifier: Apache-2.0
// The OCI test images, built once per test run by tests/registry/make_images.sh (umoci + skopeo
// on tars generated there) into a scratch directory.
#pragma once
#include <map>
#include <string>

namespace coco::test {
// The directory make_images.sh wrote (layout/, layers/*.tar, hello-docker.tar, hello-oci.tar).
const std::string& oci_images();
// "oci:<oci_images>/layout:<tag>", an image reference coco reads from the layout.
std::string oci_layout(const std::string& tag);
// The --image-source value that serves registry.example/app:1 from the layout's v1.
std::string app_image_source();
// sha256sum's hex digest of a file: the independent oracle for blob digests and diff_ids.
std::string sha256sum(const std::string& path);

// Loopback registries (tests/registry/registry.sh) started once per test process on free ports
// and stopped when it exits. Keys as in registry.env: PLAIN, BASIC, TOKEN, REDIRECT, FAULT, …
// Empty when docker-registry, skopeo, umoci or htpasswd is missing (the caller then skips with a
// warning); under CI a missing tool fails the test, and so does a start that failed everywhere.
const std::map<std::string, std::string>& registries();
}  // namespace coco::test
