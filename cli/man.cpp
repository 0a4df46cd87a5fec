// SPDX-License-Identifier: Apache-2.0
// `coco __man --dir DIR` writes coco(1) and one page per top-level command from the same CLI11
// tree that --help and completion read, so the pages cannot drift from the binary (a test
// compares them with man/). Regenerate with `cmake --build build --target man`.
#include <functional>
#include <sstream>

#include "commands.h"
#include "help.h"
#include "util/file.h"

namespace coco::cli {
namespace {

// roff: escape backslashes and minus signs, and keep a leading '.' or '\'' from being a request.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \n") - b + 1);
}

void write_options(std::ostream& os, const CLI::App* cmd) {
  for (const CLI::Option* o : cmd->get_options()) {
    if (o->get_group().empty() || o->get_name() == "--help" || o->get_name() == "--help-all") continue;
    std::string names;
    if (o->get_positional()) {
      names = "\\fI" + roff(o->get_name(true, false)) + "\\fR";
    } else {
      for (const auto& s : o->get_snames()) names += (names.empty() ? "" : ", ") + std::string("\\fB\\-") + s + "\\fR";
      for (const auto& l : o->get_lnames()) names += (names.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(l) + "\\fR";
      if (const std::string m = metavar(o); !m.empty()) names += " \\fI" + roff(m) + "\\fR";
    }
    os << ".TP\n" << names << "\n" << roff(option_description(o)) << "\n";
  }
}

std::string footer_examples(const CLI::App* cmd) {
  std::string f = cmd->get_footer();
  const std::string marker = "Examples:\n";
  const auto at = f.find(marker);
  return at == std::string::npos ? "" : f.substr(at + marker.size());
}

void write_examples(std::ostream& os, const CLI::App* cmd) {
  std::istringstream lines(footer_examples(cmd));
  std::string line;
  bool any = false;
  while (std::getline(lines, line)) {
    if (trim(line).empty()) break;  // the examples end at the first blank line
    if (!any) os << ".PP\nExamples:\n.RS\n.nf\n";
    any = true;
    os << roff(trim(line)) << "\n";
  }
  if (any) os << ".fi\n.RE\n";
}

std::string full_name(const CLI::App* cmd) {
  std::string name;
  for (const CLI::App* a = cmd; a != nullptr; a = a->get_parent())
    name = a->get_parent() == nullptr ? "coco" + name : " " + a->get_name() + name;
  return name;
}

std::vector<const CLI::App*> visible_subcommands(const CLI::App* cmd) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* s : cmd->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    if (s->get_name() != "help") out.push_back(s);  // coco(1) is the help
  return out;
}

void write_command(std::ostream& os, const CLI::App* cmd) {
  os << ".SS \"" << roff(full_name(cmd)) << "\"\n" << roff(cmd->get_description()) << "\n";
  if (!cmd->get_options().empty()) write_options(os, cmd);
  write_examples(os, cmd);
  for (const CLI::App* s : visible_subcommands(cmd)) write_command(os, s);
}

const char* kHeader = ".TH \"{TITLE}\" 1 \"\" \"coco " COCO_VERSION "\" \"User Commands\"\n";

const char* kCommonSections = R"(.SH EXIT STATUS
.TP
.B 0
Success.
.TP
.B 1
Failure: bad input, a mismatch, or a verification that failed.
.TP
.B 2
Usage error: an unknown command or flag, a missing or invalid argument.
.TP
.B 3
Transient failure (network, registry 5xx or 429): retrying may succeed.
.SH ENVIRONMENT
.TP
.B NO_COLOR
When set and not empty, no colour is used (unless \fB\-\-color always\fR).
.TP
.B CI
When set, no progress bars are drawn.
.TP
.B TERM
\fBdumb\fR turns colour off.
)";

std::string header(const std::string& title) {
  std::string h = kHeader;
  h.replace(h.find("{TITLE}"), 7, title);
  return h;
}

std::string main_page(const CLI::App& app) {
  std::ostringstream os;
  os << header("COCO") << ".SH NAME\ncoco \\- " << roff(app.get_description().substr(app.get_description().find(": ") + 2))
     << "\n.SH SYNOPSIS\n.B coco\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
     << ".br\n.B kubectl coco\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
     << ".SH DESCRIPTION\ncoco pre-computes what a Confidential Containers deployment will measure and "
        "enforce: TEE launch measurements, OCI image layer hashes and Kata agent pod policies.\n"
        "Installed as \\fBkubectl\\-coco\\fR it is also a kubectl plugin.\n.SH COMMANDS\n";
  for (const CLI::App* s : visible_subcommands(&app))
    os << ".TP\n.B " << roff(s->get_name()) << "\n" << roff(s->get_description()) << " See \\fBcoco\\-"
       << roff(s->get_name()) << "\\fR(1).\n";
  os << ".SH OPTIONS\nThese options are accepted by every command, before or after it.\n";
  write_options(os, &app);
  os << kCommonSections << ".SH EXAMPLES\n";
  write_examples(os, &app);
  os << ".SH SEE ALSO\n";
  bool first = true;
  for (const CLI::App* s : visible_subcommands(&app)) {
    os << (first ? "" : ",\n") << "\\fBcoco\\-" << roff(s->get_name()) << "\\fR(1)";
    first = false;
  }
  os << "\n";
  return os.str();
}

std::string command_page(const CLI::App* cmd) {
  std::ostringstream os;
  std::string title = "COCO-" + cmd->get_name();
  for (char& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  os << header(title) << ".SH NAME\ncoco\\-" << roff(cmd->get_name()) << " \\- " << roff(cmd->get_description())
     << "\n.SH SYNOPSIS\n.B coco " << roff(cmd->get_name()) << "\n"
     << (visible_subcommands(cmd).empty() ? "" : "\\fICOMMAND\\fR ") << "[\\fIOPTIONS\\fR]\n"
     << ".SH DESCRIPTION\n";
  write_command(os, cmd);
  os << ".PP\nThe options of \\fBcoco\\fR(1) (\\fB\\-\\-output\\fR, \\fB\\-\\-quiet\\fR, \\fB\\-\\-color\\fR) "
        "apply too.\n"
     << kCommonSections << ".SH SEE ALSO\n\\fBcoco\\fR(1)\n";
  return os.str();
}

}  // namespace

void add_hidden_man(CLI::App& app, Context&) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("__man", "Write the man pages");
  cmd->group("");  // hidden
  cmd->add_option("--dir", *dir, "Directory to write coco.1 and coco-*.1 into")->required();
  cmd->callback([&app, dir] {
    write_file_atomic(*dir + "/coco.1", main_page(app));
    for (const CLI::App* s : visible_subcommands(&app))
      write_file_atomic(*dir + "/coco-" + s->get_name() + ".1", command_page(s));
  });
}

}  // namespace coco::cli
