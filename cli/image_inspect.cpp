// SPDX-License-Identifier: Apache-2.0
// coco image inspect: manifest and index digests, config and layer list of one image, without
// downloading layers.
#include "commands.h"
#include "oci/manifest.h"
#include "util/error.h"
#include "image_options.h"
#include "util/term.h"

namespace coco::cli {

void add_image_inspect(CLI::App& image, Context& ctx) {
  auto flags = std::make_shared<ImageFlags>();
  auto ref = std::make_shared<std::string>();
  CLI::App* cmd = image.add_subcommand("inspect", "Show an image's digests, config and layers (no layer download)");
  cmd->add_option("image", *ref, "REF, docker://REF, oci:DIR[:TAG], docker-archive:FILE[:REF] or oci-archive:FILE[:TAG]")
      ->required();
  add_image_flags(cmd, ctx, *flags, false);
  set_examples(cmd, {ctx.program + " image inspect oci:./layout:v1",
                     ctx.program + " image inspect docker.io/library/busybox:1.36 --output json"});
  set_quiet_output(cmd, "the pinned reference (REF@sha256:…; the manifest digest for a local image)");
  cmd->callback([flags, ref, &ctx] {
    oci::ImageOptions o = image_options(*flags, ctx);
    o.hash_layers = false;
    const oci::ImageFacts f = oci::image_facts(*ref, o);
    oci::require_platform(o, f);
    const Json j = oci::to_json(f);
    const Style s = ctx.out_style();
    ctx.emit(j, [&](std::ostream& os) {
      os << s.bold(f.reference) << "  (" << f.source << ", " << f.platform << ")\n";
      if (!f.pinned.empty()) os << "pinned       " << f.pinned << '\n';
      if (f.index_digest) os << "index        " << *f.index_digest << '\n';
      if (!f.manifest_digest.empty()) os << "manifest     " << f.manifest_digest << "  " << f.manifest_media_type << '\n';
      os << "config       " << f.config_digest << '\n';
      const auto list = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& x : v) out += (out.empty() ? "" : " ") + x;
        return out;
      };
      if (!f.config.user.empty()) os << "user         " << f.config.user << '\n';
      if (!f.config.working_dir.empty()) os << "working_dir  " << f.config.working_dir << '\n';
      if (!f.config.entrypoint.empty()) os << "entrypoint   " << list(f.config.entrypoint) << '\n';
      if (!f.config.cmd.empty()) os << "cmd          " << list(f.config.cmd) << '\n';
      for (const auto& e : f.config.env) os << "env          " << e << '\n';
      if (!f.config.volumes.empty()) os << "volumes      " << list(f.config.volumes) << '\n';
      if (!f.config.exposed_ports.empty()) os << "ports        " << list(f.config.exposed_ports) << '\n';
      for (std::size_t l = 0; l < f.layers.size(); ++l)
        os << "layer " << l << "      " << f.layers[l].digest << "  " << human_bytes(f.layers[l].size) << "  "
           << f.layers[l].media_type << '\n';
    }, {f.pinned.empty() ? f.manifest_digest : f.pinned});
  });
}

}  // namespace coco::cli
