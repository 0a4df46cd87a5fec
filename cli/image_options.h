// SPDX-License-Identifier: Apache-2.0
// The registry option group every command that reads images shares (image hash, image inspect,
// policy generate, policy test): one set of flags with one help text, filled into
// oci::ImageOptions, plus the flags only hashing takes.
#pragma once
#include <memory>

#include "context.h"
#include "oci/image_facts.h"

namespace coco::cli {

struct ImageFlags {
  oci::ImageOptions opts;
  std::string platform;
  std::string verity = "none";
};

// Adds --platform, --authfile, --insecure-registry, --retries, -j/--jobs, --cache-dir and
// --no-cache (the "Registry" group of --help), and when `hashing`, --verity and --max-layer-size.
void add_image_flags(CLI::App* cmd, Context& ctx, ImageFlags& flags, bool hashing);
// Resolves the flags into options once the command line is parsed.
oci::ImageOptions image_options(const ImageFlags& flags, const Context& ctx);

}  // namespace coco::cli
