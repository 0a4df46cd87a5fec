// SPDX-License-Identifier: Apache-2.0
// coco policy explain: why a pod's policy denies a request, down to the failing field.
#include "commands.h"
#include "io.h"
#include "policy/check.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {
namespace {

struct ExplainFlags {
  std::string input, policy, request, kind, rules;
  bool verbose = false;
};

}  // namespace

void add_policy_explain(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ExplainFlags>();
  CLI::App* cmd = group(app, "policy").add_subcommand("explain", "Explain why a policy denies a request");
  auto* file = cmd->add_option("-f,--filename", f->input, "annotated manifest with one pod (its policy decides)");
  auto* pol = cmd->add_option("--policy", f->policy, "a bare policy (Rego with its policy_data); - for stdin")
                  ->check(input_or_stdin());
  file->excludes(pol);
  cmd->add_option("--request", f->request, "the request(s): agent log lines or JSON (as for policy test --requests); "
                                           "- for stdin")
      ->required()
      ->check(input_or_stdin());
  cmd->add_option("--kind", f->kind, "the request name when the file holds one bare JSON object")->type_name("REQUEST");
  cmd->add_option("--rules", f->rules, "evaluate the policy_data with these Rego rules instead")->check(input_file());
  cmd->add_flag("-v,--verbose", f->verbose, "print the whole evaluation trace of each denied request");
  set_examples(cmd, {ctx.program + " policy explain -f deploy.yaml --request create.json --kind CreateContainerRequest",
                     ctx.program + " policy explain --policy policy.rego --request agent.log -v"});
  set_quiet_output(cmd, "each request's decision: allowed or denied");
  cmd->callback([f, file, pol, &ctx] {
    if (file->count() == 0 && pol->count() == 0) usage_error("policy explain: name the policy with -f or --policy");
    std::string text, name;
    if (!f->policy.empty()) {
      text = read_input(f->policy);
      name = input_name(f->policy);
    } else {
      const auto pods = policy::manifest_policies(policy::read_inputs(f->input));
      if (pods.size() != 1)
        usage_error("-f " + f->input + ": " + std::to_string(pods.size()) + " pods; explain needs a manifest with one");
      text = pods[0].policy;
      name = pods[0].where + " policy.rego";
    }
    if (!f->rules.empty()) text = policy::with_rules(text, read_text_file(f->rules), name);
    auto requests = policy::parse_requests(read_input(f->request), input_name(f->request), f->kind);
    for (auto& r : requests) r.expected = true;  // explain every denial
    policy::TestReport report;
    report.pods.push_back(policy::test_recorded(text, name, requests, true));
    if (report.failures() > 0) ctx.exit_code = 1;
    std::vector<std::string> decisions;
    for (const auto& r : report.pods[0].results) decisions.push_back(r.decision.allowed ? "allowed" : "denied");
    ctx.emit(policy::test_report_json(report), [&](std::ostream& os) {
      for (const auto& r : report.pods[0].results) {
        os << "#" << r.index + 1 << " " << r.request.kind << " (" << r.request.what << "): "
           << (r.decision.allowed ? "allowed" : "denied") << "\n";
        if (!r.decision.why) continue;
        os << "  " << r.decision.why->summary << "\n";
        for (const auto& d : r.decision.why->detail) os << "    " << d << "\n";
        if (f->verbose)
          for (const auto& t : r.decision.why->trace) os << "    | " << t << "\n";
      }
    }, decisions);
  });
}

}  // namespace coco::cli
