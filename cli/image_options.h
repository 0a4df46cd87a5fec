// The flags `coco image inspect` and `coco image hash` share, filled into oci::ImageOptions.
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

// Adds --platform, --insecure-registry, --authfile, --retries (and, when `hashing`, --verity,
// --jobs, --cache-dir, --no-cache, --max-layer-size) bound to `flags`.
void add_image_flags(CLI::App* cmd, Context& ctx, ImageFlags& flags, bool hashing);
// Resolves the flags into options once the command line is parsed.
oci::ImageOptions image_options(const ImageFlags& flags, const Context& ctx);

}  // namespace coco::cli
