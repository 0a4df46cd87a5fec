// SPDX-License-Identifier: Apache-2.0
// coco image hash: per-layer blob digest, diff_id and dm-verity roots of one or more images.
#include <iostream>

#include "commands.h"
#include "oci/manifest.h"
#include "util/error.h"
#include "image_options.h"
#include "util/term.h"

namespace coco::cli {
namespace {

std::vector<std::string> quiet_values(const std::vector<oci::ImageFacts>& facts) {
  std::vector<std::string> out;
  for (const auto& f : facts)
    for (const auto& l : f.layers) out.push_back(l.verity_root ? *l.verity_root : l.diff_id);
  return out;
}

}  // namespace

void add_image_hash(CLI::App& image, Context& ctx) {
  auto flags = std::make_shared<ImageFlags>();
  auto refs = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = image.add_subcommand(
      "hash", "Per-layer digests, diff_ids and dm-verity roots of images (registry, oci:, docker-archive:, oci-archive:)");
  cmd->add_option("images", *refs, "image references: REF, docker://REF, oci:DIR[:TAG], docker-archive:FILE[:REF], oci-archive:FILE[:TAG]")
      ->required();
  add_image_flags(cmd, ctx, *flags, true);
  set_examples(cmd, {ctx.program + " image hash oci:./layout:v1 --verity tar",
                     ctx.program + " image hash docker.io/library/busybox:1.36 --platform linux/arm64 --output json",
                     ctx.program + " image hash localhost:5000/app:1.0 --insecure-registry localhost:5000"});
  set_quiet_output(cmd, "each layer's dm-verity root (with --verity), else its diff_id");
  cmd->callback([flags, refs, &ctx] {
    const oci::ImageOptions opts = image_options(*flags, ctx);
    const auto facts = oci::image_facts(*refs, opts);
    Json images = Json::array();
    for (const auto& f : facts) oci::require_platform(opts, f);
    for (const auto& f : facts) {
      images.push_back(oci::to_json(f));
      for (const auto& w : f.warnings) ctx.warn(f.reference + ": " + w);
      for (const auto& m : f.mismatches) {
        std::cerr << "coco: " << f.reference << ": " << m << '\n';
        ctx.exit_code = 1;
      }
    }
    const Style s = ctx.out_style();
    ctx.emit({{"images", images}}, [&](std::ostream& os) {
      for (const auto& f : facts) {
        os << s.bold(f.reference) << "  (" << f.source << ", " << f.platform << ")\n";
        if (!f.pinned.empty()) os << "  pinned    " << f.pinned << '\n';
        if (f.index_digest) os << "  index     " << *f.index_digest << '\n';
        if (!f.manifest_digest.empty()) os << "  manifest  " << f.manifest_digest << '\n';
        os << "  config    " << f.config_digest << '\n';
        for (std::size_t l = 0; l < f.layers.size(); ++l) {
          const auto& h = f.layers[l];
          os << "  layer " << l << "   " << h.digest << "  " << human_bytes(h.size) << " → "
             << human_bytes(h.uncompressed_size) << '\n';
          os << "    diff_id      " << h.diff_id
             << (h.diff_id == f.config_diff_ids[l] ? "" : s.red("  ≠ config " + f.config_diff_ids[l])) << '\n';
          if (h.verity_root) os << "    verity_root  " << *h.verity_root << '\n';
        }
      }
    }, quiet_values(facts));
  });
}

}  // namespace coco::cli
