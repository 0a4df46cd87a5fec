// SPDX-License-Identifier: Apache-2.0
// coco cache dir: where the layer cache lives, and how much it holds.
#include "commands.h"
#include "evidence/fetch.h"
#include "oci/cache.h"
#include "util/term.h"

namespace coco::cli {

void add_cache_dir(CLI::App& cache, Context& ctx) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = cache.add_subcommand("dir", "Print the cache directory and its size (layers, evidence certificates and collateral)");
  cmd->add_option("--cache-dir", *dir, "cache directory (default: $XDG_CACHE_HOME/coco)");
  set_examples(cmd, {ctx.program + " cache dir", ctx.program + " cache dir --output json"});
  set_quiet_output(cmd, "the directory");
  cmd->callback([dir, &ctx] {
    const oci::LayerCache cache(dir->empty() ? oci::default_cache_dir() : *dir);
    auto u = cache.usage();
    const auto ev = evidence::fetch_cache_usage(evidence::fetch_cache_dir(cache.dir()));
    u.entries += ev.entries;
    u.bytes += ev.bytes;
    ctx.emit({{"dir", cache.dir()}, {"entries", u.entries}, {"bytes", u.bytes}},
             [&](std::ostream& os) { os << cache.dir() << '\n'; }, {cache.dir()});
  });
}

}  // namespace coco::cli
