// SPDX-License-Identifier: Apache-2.0
#include "help.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <sstream>

namespace coco::cli {
namespace {

constexpr std::size_t kNameColumn = 30;

bool is_vector(const CLI::Option* o) { return o->get_expected_max() > 1; }

class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* o) const override {
    const std::string m = metavar(o);
    if (m.empty()) return "";
    return " " + m + (is_vector(o) && o->get_positional() ? "..." : "");
  }

  std::string make_option(const CLI::Option* o, bool is_positional) const override {
    const std::size_t width = help_width();
    const std::string left = "  " + make_option_name(o, is_positional) + make_option_opts(o);
    const std::string desc = option_description(o);
    std::string out = left;
    if (left.size() + 2 > kNameColumn) {
      out += "\n" + std::string(kNameColumn, ' ');
    } else {
      out += std::string(kNameColumn - left.size(), ' ');
    }
    const std::size_t room = width > kNameColumn + 20 ? width - kNameColumn : 20;
    std::string wrapped = wrap(desc, room, kNameColumn);
    return out + wrapped + "\n";
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    const std::size_t width = help_width();
    std::string left = "  " + sub->get_name();
    std::string out = left;
    if (left.size() + 2 > kNameColumn)
      out += "\n" + std::string(kNameColumn, ' ');
    else
      out += std::string(kNameColumn - left.size(), ' ');
    const std::size_t room = width > kNameColumn + 20 ? width - kNameColumn : 20;
    return out + wrap(sub->get_description(), room, kNameColumn) + "\n";
  }

  std::string make_description(const CLI::App* app) const override {
    const std::string d = app->get_description();
    return d.empty() ? "" : wrap(d, help_width()) + "\n";
  }

  std::string make_footer(const CLI::App* app) const override {
    // Example lines are commands (kept whole, to be copied); other paragraphs are wrapped.
    std::istringstream in(app->get_footer());
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.rfind("  ", 0) == 0 || line.empty())
        out += line + "\n";
      else
        out += wrap(line, help_width()) + "\n";
    }
    return out;
  }
};

}  // namespace

std::string metavar(const CLI::Option* o) {
  if (o->get_expected_max() == 0) return "";  // a flag
  if (o->get_positional()) return "";  // the positional's own name says it
  std::string t = o->get_type_name();
  // CLI11 composes "TEXT:FILE", "UINT:INT in [0 - 20]", "UINT:SIZE [b, kb(=1024b), ...]".
  if (const auto colon = t.find(':'); colon != std::string::npos) t = t.substr(colon + 1);
  if (t.rfind("{", 0) == 0) {  // a set of choices: "a|b|c" when short, else VALUE (the description lists them)
    std::string choices = t.substr(1, t.find('}') - 1);
    for (char& c : choices)
      if (c == ',') c = '|';
    return choices.size() <= 24 ? choices : "VALUE";
  }
  if (const auto space = t.find_first_of(" ["); space != std::string::npos) t = t.substr(0, space);
  if (t == "TEXT" || t.empty()) t = "VALUE";
  if (t == "INT" || t == "UINT" || t == "FLOAT" || t == "NUMBER") t = "N";
  return t;
}

std::string option_description(const CLI::Option* o) {
  std::string d = o->get_description();
  const bool says_default = d.find("default") != std::string::npos;
  if (!says_default && !o->get_default_str().empty()) d += " (default: " + o->get_default_str() + ")";
  if (!o->get_positional() && is_vector(o) && d.find("repeatable") == std::string::npos &&
      d.find("repeat ") == std::string::npos)
    d += " (repeatable)";
  if (o->get_required()) d += " Required.";
  return d;
}

std::string wrap(const std::string& text, std::size_t width, std::size_t indent) {
  std::string out, line;
  std::istringstream words(text);
  std::string w;
  bool first_line = true;
  auto flush = [&] {
    if (!first_line) out += "\n" + std::string(indent, ' ');
    out += line;
    line.clear();
    first_line = false;
  };
  while (words >> w) {
    if (!line.empty() && line.size() + 1 + w.size() > width) flush();
    line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty() || first_line) flush();
  return out;
}

std::size_t help_width() {
  if (isatty(STDOUT_FILENO) == 1) {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40) return ws.ws_col;
  }
  return 80;
}

void use_help_formatter(CLI::App& app) { app.formatter(std::make_shared<HelpFormatter>()); }

}  // namespace coco::cli
