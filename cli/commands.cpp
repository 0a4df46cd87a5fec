#include "commands.h"

namespace coco::cli {

void add_commands(CLI::App& app, Context& ctx) {
  add_version(app, ctx);
  add_completion(app, ctx);
  add_hidden_man(app, ctx);
}

}  // namespace coco::cli
