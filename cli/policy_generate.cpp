// SPDX-License-Identifier: Apache-2.0
// coco policy generate: Kubernetes manifests → the same manifests with a pod policy per pod,
// bound through initdata (or the legacy agent-policy annotation), and the digests SNP HOSTDATA /
// TDX MRCONFIGID will report.
#include <algorithm>
#include <iostream>
#include <optional>

#include <cstdlib>

#include "attest/signing.h"
#include "commands.h"
#include "image_options.h"
#include "io.h"
#include "k8s/kubeconfig.h"
#include "policy/check.h"
#include "policy/generate.h"
#include "policy/image_source.h"
#include "policy/settings.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {
namespace {

struct GenerateFlags {
  std::string out, profile = "upstream", settings, rules, annotation, algorithm = "sha256",
                          service_env = "namespace", sign_key, key_pass_file, bundle, namespace_;
  bool in_place = false, any_namespace = false, no_check = false, force = false;
  std::vector<std::string> inputs, allow_exec, image_sources, extras, runtime_classes;
  ImageFlags image;
};

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

void add_policy_generate(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<GenerateFlags>();
  CLI::App* cmd = group(app, "policy").add_subcommand("generate", "Generate pod policies for Kubernetes manifests");
  cmd->add_option("-f,--filename", f->inputs, "manifest file, directory of manifests, or - for stdin (repeatable)")
      ->required();
  auto* out = cmd->add_option("-o,--out", f->out, "write the annotated manifests to this file (- or none: stdout)");
  cmd->add_flag("--in-place", f->in_place, "rewrite the input file(s)")->excludes(out);
  add_choice(cmd, ctx, "--profile", f->profile, {"upstream", "aks"}, "settings profile (default: upstream)");
  cmd->add_option("--settings", f->settings, "JSON settings over the profile (see coco policy settings)")->check(input_file());
  cmd->add_option("--rules", f->rules, "Rego rules to use instead of coco's (e.g. a Kata release's rules.rego)")->check(input_file());
  add_choice(cmd, ctx, "--annotation", f->annotation, {"initdata", "agent-policy"},
             "initdata (upstream default) or agent-policy (aks default)");
  add_choice(cmd, ctx, "--initdata-algorithm", f->algorithm, {"sha256", "sha384", "sha512"}, "initdata digest (default: sha256)");
  cmd->add_option("--initdata-extra", f->extras, "add NAME=FILE (aa.toml, cdh.toml) to the initdata")->type_name("NAME=FILE");
  add_choice(cmd, ctx, "--service-env", f->service_env, {"strict", "namespace", "any"},
             "service-link env vars: strict (services in the input), namespace (default), any");
  auto* ns = cmd->add_option("-n,--namespace", f->namespace_, "namespace of objects that name none (default: the current "
                                                               "kubeconfig context's, else default)");
  cmd->add_flag("--any-namespace", f->any_namespace, "let the host choose the namespace of objects that name none "
                                                     "(the report warns)")
      ->excludes(ns);
  cmd->add_option("--allow-exec", f->allow_exec, "a command line every container may exec (repeatable)")->type_name("CMD");
  cmd->add_option("--image-source", f->image_sources, "read an image from a layout or archive: REF=SOURCE (repeatable)")
      ->type_name("REF=SOURCE");
  add_image_flags(cmd, ctx, f->image, false);
  cmd->add_option("--sign-key", f->sign_key, "sign each pod's initdata (or policy) digest and pinned images into a "
                                             "Sigstore bundle (OUT.sigstore.json, or --bundle)");
  cmd->add_option("--key-pass-file", f->key_pass_file, "passphrase of an encrypted --sign-key (else COCO_KEY_PASSWORD)")
      ->check(input_file());
  cmd->add_option("--bundle", f->bundle, "where --sign-key writes the bundle");
  cmd->add_option("--runtime-class", f->runtime_classes, "only pods with one of these runtimeClassNames get a policy; "
                                                        "the others are left unchanged (repeatable, or comma-separated)")
      ->type_name("NAME")
      ->delimiter(',');
  cmd->add_flag("--force", f->force, "merge over a conflicting initdata annotation (another algorithm or version, an "
                                     "entry that --initdata-extra replaces): the new values win");
  cmd->add_flag("--no-check", f->no_check, "do not run each policy against its pod's simulated requests before writing");
  set_examples(cmd, {ctx.program + " policy generate -f testdata/manifests/03-deployment.yaml "
                                   "--image-source registry.example/nginx:1.25=oci:./nginx-layout:1.25 -o deploy.yaml",
                     ctx.program + " policy generate -f app/ --in-place --service-env strict",
                     ctx.program + " policy generate -f pod.yaml --profile aks -o pod.yaml.out --output json"});
  set_quiet_output(cmd, "each pod's initdata (or policy) digest in hex; the manifests still go to stdout "
                        "when neither -o FILE nor --in-place is given");
  cmd->callback([f, &ctx] {
    if (f->out == "-") f->out.clear();
    const bool from_stdin = std::find(f->inputs.begin(), f->inputs.end(), "-") != f->inputs.end();
    if (f->in_place && from_stdin) usage_error("--in-place: cannot rewrite standard input");
    const bool manifests_to_stdout = f->out.empty() && !f->in_place;
    if (manifests_to_stdout && ctx.format() == Format::Json)
      usage_error("--output json prints the digests report on stdout; write the manifests with -o FILE or --in-place");
    std::optional<attest::PrivateKey> key;  // loaded first: a bad key fails before anything is written
    if (!f->sign_key.empty()) {
      if (f->bundle.empty() && (manifests_to_stdout || from_stdin || (f->in_place && f->inputs.size() > 1)))
        usage_error("--sign-key: name the bundle with --bundle (or write the manifests with -o)");
      std::string warning;
      key = attest::load_signing_key(f->sign_key, f->key_pass_file, &warning);
      if (!warning.empty()) ctx.warn(warning);
    }
    const policy::Profile profile = policy::parse_profile(f->profile);
    policy::GenerateOptions o;
    o.settings = f->settings.empty() ? policy::default_settings(profile)
                                     : policy::load_settings(profile, read_text_file(f->settings), f->settings);
    o.rules = f->rules.empty() ? policy::embedded_rules() : read_text_file(f->rules);
    const std::string annotation = f->annotation.empty() ? (profile == policy::Profile::Aks ? "agent-policy" : "initdata") : f->annotation;
    o.annotation = annotation == "agent-policy" ? policy::AnnotationKind::AgentPolicy : policy::AnnotationKind::Initdata;
    o.algorithm = parse_algo(f->algorithm);
    o.service_env = policy::parse_service_env(f->service_env);
    o.any_namespace = f->any_namespace;
    o.runtime_classes = f->runtime_classes;
    o.force = f->force;
    o.keep_policies = !f->no_check;  // what the self-check reads
    if (!f->namespace_.empty()) {
      o.default_namespace = f->namespace_;
    } else if (!f->any_namespace) {
      const char* kubeconfig = std::getenv("KUBECONFIG");
      const char* home = std::getenv("HOME");
      o.default_namespace = k8s::kubectl_namespace(kubeconfig ? kubeconfig : "", home ? home : "");
    }
    if (f->any_namespace) ctx.warn("--any-namespace: pods whose manifest names no namespace may run in any namespace");
    for (const auto& cmdline : f->allow_exec) {
      auto argv = split_words(cmdline);
      if (argv.empty()) usage_error("--allow-exec: empty command");
      o.allow_exec.push_back(std::move(argv));
    }
    for (const auto& e : f->extras) {
      const auto eq = e.find('=');
      if (eq == std::string::npos || eq == 0) usage_error("--initdata-extra: expected NAME=FILE, got '" + e + "'");
      o.initdata_extra[e.substr(0, eq)] = read_text_file(e.substr(eq + 1));
    }
    std::map<std::string, std::string> sources;
    for (const auto& s : f->image_sources) sources.insert(policy::parse_image_source(s));
    oci::ImageOptions io = image_options(f->image, ctx);
    if (policy::binds_tarfs_layers(o.settings)) io.verity = oci::VerityFlavour::TarfsAks;  // only hash what the policy binds
    o.jobs = io.jobs;

    std::vector<policy::Input> inputs;
    for (const auto& path : f->inputs)
      for (auto& in : policy::read_inputs(path)) inputs.push_back(std::move(in));
    o.offline_image = [sources](const std::string& image) { return policy::image_source_for(sources, image).has_value(); };
    const auto resolve = policy::memoize(policy::make_resolver(std::move(sources), io));
    const auto g = policy::generate(inputs, o, resolve);
    if (!ctx.quiet)
      for (const auto& n : g.notes) std::cerr << "coco: note: " << n << '\n';
    for (const auto& p : g.pods)  // issue 15 item 13: what each pod shares with the host (-q silences these)
      for (const auto& w : p.warnings) ctx.warn(p.kind + " " + p.name + ": " + w);
    if (f->no_check) ctx.warn("--no-check: the policies were not run against their pods' requests");
    else policy::self_check(inputs, g, o, resolve);  // throws, nothing written, when a pod would be denied
    if (key) {
      std::vector<attest::PodBinding> pods;
      for (const auto& p : g.pods)
        pods.push_back({p.kind, p.name, p.namespace_, p.annotation == policy::AnnotationKind::Initdata, p.binding.algo,
                        to_hex(p.binding.digest), p.images});
      const Json used = {{"profile", f->profile}, {"annotation", annotation}, {"initdata_algorithm", f->algorithm},
                         {"service_env", f->service_env}, {"settings", o.settings}};
      const std::string path = !f->bundle.empty() ? f->bundle : (f->in_place ? f->inputs.front() : f->out) + ".sigstore.json";
      write_file_atomic(path, attest::sign_statement(attest::policy_statement(pods, used), {*key}, attest::SignFormat::Bundle));
    }
    if (f->in_place) {
      for (std::size_t i = 0; i < inputs.size(); ++i) write_file_atomic(inputs[i].name, g.outputs[i]);
    } else if (g.outputs.size() == 1 && !manifests_to_stdout) {
      write_file_atomic(f->out, g.outputs.front());  // the common case: no 8 MB join
    } else {
      std::string all;  // several files: one stream, a "---" between documents of two files
      for (const auto& s : g.outputs) {
        if (!all.empty() && all.back() != '\n') all += '\n';
        if (!all.empty() && !s.starts_with("---")) all += "---\n";
        all += s;
      }
      if (manifests_to_stdout) {
        std::cout << all;
        std::cout.flush();
        if (!ctx.quiet) std::cerr << policy::report_text(g.pods);
        return;
      }
      write_file_atomic(f->out, all);
    }
    std::vector<std::string> digests;
    for (const auto& p : g.pods) digests.push_back(to_hex(p.binding.digest));
    ctx.emit(policy::report_json(g.pods), [&](std::ostream& os) { os << policy::report_text(g.pods); }, digests);
  });
}

}  // namespace coco::cli
