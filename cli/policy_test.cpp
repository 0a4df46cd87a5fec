// SPDX-License-Identifier: Apache-2.0
// coco policy test: run pod policies offline against the requests a node will send for their pods
// (simulated from the manifest and its images) or against requests recorded from a node.
#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "io.h"
#include "image_options.h"
#include "k8s/kubeconfig.h"
#include "policy/check.h"
#include "policy/image_source.h"
#include "policy/settings.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {
namespace {

struct TestFlags {
  std::string input, policy, requests, kind, rules, settings, profile = "upstream", shim = "go", namespace_;
  bool negative = false, explain = false, verbose = false, apparmor = false;
  std::vector<std::string> image_sources;
  ImageFlags image;
};

}  // namespace

void add_policy_test(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<TestFlags>();
  CLI::App* cmd = group(app, "policy").add_subcommand(
      "test", "Run pod policies against the requests a node sends for their pods (simulated or recorded)");
  auto* file = cmd->add_option("-f,--filename", f->input, "annotated manifest file, directory, or - for stdin");
  auto* pol = cmd->add_option("--policy", f->policy, "a bare policy (Rego with its policy_data), instead of the annotations; "
                                                   "- for stdin")
                  ->check(input_or_stdin());
  cmd->add_option("--requests", f->requests,
                  "recorded requests: agent log lines [\"ep\":\"<Request>\",{...}] or JSON (see --kind); - for stdin")
      ->check(input_or_stdin());
  cmd->add_option("--kind", f->kind, "the request name of a --requests file holding one bare JSON object")
      ->type_name("REQUEST");
  cmd->add_option("--rules", f->rules, "evaluate the policies' policy_data with these Rego rules instead of their own")
      ->check(input_file());
  add_choice(cmd, ctx, "--profile", f->profile, {"upstream", "aks"}, "settings profile the node follows (default: upstream)");
  cmd->add_option("--settings", f->settings, "JSON settings over the profile (the cluster's pause image, OCI version...)")
      ->check(input_file());
  add_choice(cmd, ctx, "--shim", f->shim, {"go", "rs"}, "the Kata shim: go (kata-qemu-snp/-tdx, default) or rs (runtime-rs)");
  cmd->add_option("-n,--namespace", f->namespace_, "namespace of pods that name none, as given to policy generate "
                                                   "(default: the current kubeconfig context's, else default)");
  cmd->add_flag("--apparmor", f->apparmor, "the node runs AppArmor (Ubuntu): containerd sets cri-containerd.apparmor.d");
  cmd->add_flag("--negative", f->negative, "also send near misses a compromised host would try; each must be denied");
  cmd->add_flag("--explain", f->explain, "explain each failing request: the field, its value and the policy's side");
  cmd->add_flag("-v,--verbose", f->verbose, "list every request, and with --explain the whole evaluation trace");
  cmd->add_option("--image-source", f->image_sources, "read an image from a layout or archive: REF=SOURCE (repeatable)")
      ->type_name("REF=SOURCE");
  add_image_flags(cmd, ctx, f->image, false);
  set_examples(cmd, {ctx.program + " policy test -f deploy.yaml --image-source registry.example/nginx:1.25=oci:./nginx:1.25",
                     ctx.program + " policy test -f deploy.yaml --negative --explain",
                     ctx.program + " policy test --policy policy.rego --requests agent.log --output json"});
  set_quiet_output(cmd, "the number of requests that did not get the expected decision");
  cmd->callback([f, file, pol, &ctx] {
    if (file->count() == 0 && pol->count() == 0) usage_error("policy test: name the pods with -f or a policy with --policy");
    if (!f->kind.empty() && f->requests.empty()) usage_error("--kind: only with --requests");
    policy::TestReport report;
    if (!f->requests.empty()) {
      if (f->negative) usage_error("--negative: near misses are simulated; not with --requests");
      const auto requests = policy::parse_requests(read_input(f->requests), input_name(f->requests), f->kind);
      std::string text, name;
      if (!f->policy.empty()) {
        text = read_input(f->policy);
        name = input_name(f->policy);
      } else {
        const auto pods = policy::manifest_policies(policy::read_inputs(f->input));
        if (pods.size() != 1)
          usage_error("--requests: " + f->input + " has " + std::to_string(pods.size()) +
                      " pods; recorded requests are for one (pass a manifest with one pod, or --policy)");
        name = pods[0].where + " policy.rego";
        text = pods[0].policy;
      }
      if (!f->rules.empty()) text = policy::with_rules(text, read_text_file(f->rules), name);
      report.pods.push_back(policy::test_recorded(text, name, requests, f->explain));
    } else {
      if (file->count() == 0) usage_error("--policy without --requests: name the pods to simulate with -f");
      const policy::Profile profile = policy::parse_profile(f->profile);
      const Json settings = f->settings.empty() ? policy::default_settings(profile)
                                                : policy::load_settings(profile, read_text_file(f->settings), f->settings);
      std::map<std::string, std::string> sources;
      for (const auto& s : f->image_sources) sources.insert(policy::parse_image_source(s));
      oci::ImageOptions io = image_options(f->image, ctx);
      if (policy::binds_tarfs_layers(settings)) io.verity = oci::VerityFlavour::TarfsAks;
      const auto resolve = policy::memoize(policy::make_resolver(std::move(sources), io));
      policy::TestOptions o;
      o.jobs = io.jobs;
      o.simulate.node = policy::node_options(settings, policy::parse_shim(f->shim), resolve);
      o.simulate.node.apparmor = f->apparmor;
      if (!f->namespace_.empty()) {
        o.simulate.node.default_namespace = f->namespace_;
      } else {
        const char* kubeconfig = std::getenv("KUBECONFIG");
        const char* home = std::getenv("HOME");
        o.simulate.node.default_namespace = k8s::kubectl_namespace(kubeconfig ? kubeconfig : "", home ? home : "");
      }
      o.simulate.negative = f->negative;
      o.explain = f->explain;
      if (!f->rules.empty()) o.rules = read_text_file(f->rules);
      if (!f->policy.empty()) o.policy = read_input(f->policy);
      report = policy::test_manifests(policy::read_inputs(f->input), o, resolve);
    }
    if (report.failures() > 0) ctx.exit_code = 1;
    ctx.emit(policy::test_report_json(report), [&](std::ostream& os) { os << policy::test_report_text(report, f->verbose); },
             {std::to_string(report.failures())});
  });
}

}  // namespace coco::cli
