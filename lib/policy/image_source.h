// SPDX-License-Identifier: Apache-2.0
// The generator's images come from lib/oci (image_facts): a registry, or, for offline and
// air-gapped runs, an OCI layout or archive named with --image-source REF=SOURCE. A manifest that
// coco already pinned (repo@sha256:…) still finds its source by repository, and must resolve to
// that same digest.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "oci/image_facts.h"
#include "policy/image.h"

namespace coco::policy {

// `sources`: image as written in manifests → image_facts source ("oci:./layout:1").
// The source of `image`: its own entry, or for a pinned reference (repo@sha256:…) the entry of
// its repository; none when a registry serves it (or the reference is malformed).
std::optional<std::string> image_source_for(const std::map<std::string, std::string>& sources, const std::string& image);
ImageResolver make_resolver(std::map<std::string, std::string> sources, oci::ImageOptions opts);

// "REF=SOURCE" as given on the command line (the first '=' splits).
std::pair<std::string, std::string> parse_image_source(const std::string& arg);

ImageInfo to_image_info(const oci::ImageFacts& f, const std::string& reference, const std::string& where);

}  // namespace coco::policy
