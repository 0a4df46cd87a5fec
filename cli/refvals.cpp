// SPDX-License-Identifier: Apache-2.0
// coco refvals: Trustee reference values (RVPS sample message, operator ConfigMap entries) from
// coco's measurement, policy and image-hash JSON outputs; optionally signed as a Sigstore bundle.
#include <filesystem>

#include "attest/refvals.h"
#include "attest/signing.h"
#include "commands.h"
#include "io.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {

namespace {
struct RefvalsArgs {
  std::vector<std::string> snp, tdx, policy, image_hashes;
  std::string format = "trustee-rvps", encoding, trustee_version, expires, out, sign_key, pass_file;
};

// Which coco command wrote a JSON document, from the members only that command's output has;
// "" when none matches (the reader then names the member it misses).
std::string written_by(const std::string& text) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::exception&) {
    return "";
  }
  if (!j.is_object()) return "";
  if (j.contains("launch_digest")) return "measure snp";
  if (j.contains("mrtd") && j.contains("rtmr")) return "measure tdx";
  if (j.contains("pods")) return "policy generate";
  if (j.contains("images")) return "image hash";
  if (j.contains("reference_values")) return "refvals";
  if (j.contains("libraries")) return "version";
  return "";
}

// Reads the inputs of one flag; a document another command wrote is named as such.
std::vector<attest::NamedInput> read_inputs(const std::vector<std::string>& paths, const std::string& flag,
                                            const std::string& expected) {
  std::vector<attest::NamedInput> out;
  for (const auto& p : paths) {
    attest::NamedInput in{input_name(p), read_input(p)};
    const std::string got = written_by(in.text);
    if (!got.empty() && got != expected && !(expected == "image hash" && got == "policy generate"))
      fail(in.name, "this is the output of 'coco " + got + " --output json'; " + flag + " reads 'coco " + expected +
                        " --output json'");
    out.push_back(std::move(in));
  }
  return out;
}
// coco's own listing: "expiration" is null when --expires was not given.
Json refvals_document(const std::vector<attest::ReferenceValue>& values, attest::RefEncoding encoding,
                      const std::optional<attest::TrusteeVersion>& version, const std::string& expiration) {
  Json doc = attest::refvals_json(values, encoding, version, expiration);
  if (expiration.empty()) doc["expiration"] = nullptr;
  return doc;
}

}  // namespace

void add_refvals(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<RefvalsArgs>();
  CLI::App* cmd = app.add_subcommand("refvals", "Trustee reference values from coco's measurement, policy and "
                                                "image-hash JSON");
  cmd->add_option("--snp", args->snp, "coco measure snp --output json files (snp_launch_measurement); - for stdin")
      ->check(input_or_stdin());
  cmd->add_option("--tdx", args->tdx, "coco measure tdx --output json files (mr_td, rtmr_0-3); - for stdin")
      ->check(input_or_stdin());
  cmd->add_option("--policy", args->policy, "coco policy generate --output json files (snp_init_data, "
                                            "mr_config_id, container_images); - for stdin")
      ->check(input_or_stdin());
  cmd->add_option("--image-hashes", args->image_hashes, "coco image hash --output json files (container_images); - for stdin")
      ->check(input_or_stdin());
  add_choice(cmd, ctx, "--format", args->format, {"trustee-rvps", "trustee-configmap", "json"},
             "trustee-rvps: RVPS registration message (type sample); trustee-configmap: the operator's "
             "reference-values.json array; json: coco's own listing");
  add_choice(cmd, ctx, "--encoding", args->encoding, {"hex", "base64"},
             "SNP measurement/init_data encoding (default: what --trustee-version reads, else hex)");
  cmd->add_option("--trustee-version", args->trustee_version,
                  "Trustee release the values are for (SNP values are base64 before v0.18.0, hex from it)");
  cmd->add_option("--expires", args->expires, "expiration, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); needed by trustee-configmap, else none");
  cmd->add_option("-o,--out", args->out, "write the document here (- or none: stdout)");
  cmd->add_option("--sign-key", args->sign_key, "also sign the output (-o) into OUT.sigstore.json with this key");
  cmd->add_option("--key-pass-file", args->pass_file, "passphrase of an encrypted --sign-key (else COCO_KEY_PASSWORD)")
      ->check(input_file());
  set_examples(cmd, {ctx.program + " refvals --snp snp.json --policy policy.json > rvps-message.json",
                     ctx.program + " refvals --tdx tdx-a.json --tdx tdx-b.json --format trustee-configmap "
                                   "--expires 2027-01-01",
                     ctx.program + " measure snp --ovmf OVMF.fd --output json | " + ctx.program + " refvals --snp -",
                     ctx.program + " refvals --snp snp.json --trustee-version v0.17.0 -o rv.json --sign-key cosign.key"});
  set_quiet_output(cmd, "the document (without -o), else the files written");
  cmd->callback([args, &ctx] {
    if (args->out == "-") args->out.clear();
    std::optional<attest::TrusteeVersion> version;
    if (!args->trustee_version.empty()) version = attest::parse_trustee_version(args->trustee_version);
    attest::RefEncoding encoding = version ? attest::snp_encoding_for(*version) : attest::RefEncoding::Hex;
    if (!args->encoding.empty()) {
      const attest::RefEncoding asked = attest::parse_ref_encoding(args->encoding);
      if (version && asked != encoding)
        usage_error("--encoding " + args->encoding + " contradicts --trustee-version " + version->text() +
                    ", whose SNP verifier reads " + attest::to_string(encoding));
      encoding = asked;
    }
    if (!version && args->encoding.empty() && (!args->snp.empty() || !args->policy.empty()))
      ctx.warn("SNP values encoded as hex (Trustee v0.18.0 and later); name the release with --trustee-version "
               "or the encoding with --encoding");
    if (!args->sign_key.empty() && args->out.empty()) usage_error("--sign-key signs a file: name it with -o");
    // No time-dependent default: the same inputs give the same document on any day.
    if (args->expires.empty() && args->format == "trustee-configmap")
      usage_error("--format trustee-configmap: each entry needs an expiration; give --expires YYYY-MM-DD");
    const std::string expiration = args->expires.empty() ? "" : attest::parse_expiration(args->expires);
    std::optional<attest::PrivateKey> key;  // loaded first: a bad key fails before anything is written
    if (!args->sign_key.empty()) {
      std::string warning;
      key = attest::load_signing_key(args->sign_key, args->pass_file, &warning);
      if (!warning.empty()) ctx.warn(warning);
    }
    const attest::RefvalInputs inputs{read_inputs(args->snp, "--snp", "measure snp"),
                                      read_inputs(args->tdx, "--tdx", "measure tdx"),
                                      read_inputs(args->policy, "--policy", "policy generate"),
                                      read_inputs(args->image_hashes, "--image-hashes", "image hash")};
    const auto values = attest::collect_reference_values(inputs, encoding);
    const Json doc = args->format == "trustee-rvps"        ? attest::trustee_rvps_message(values)
                     : args->format == "trustee-configmap" ? attest::trustee_configmap(values, expiration)
                                                           : refvals_document(values, encoding, version, expiration);
    if (args->out.empty()) {
      const std::string text = render_json(doc);
      ctx.emit(doc, [&](std::ostream& os) { os << text; }, {text.substr(0, text.size() - 1)});
      return;
    }
    const std::string text = render_json(doc);
    Json outputs = Json::array({args->out});
    if (key) {
      const Json settings = {{"format", args->format}, {"encoding", attest::to_string(encoding)},
                             {"trustee_version", version ? Json(version->text()) : Json(nullptr)},
                             {"expiration", expiration.empty() ? Json(nullptr) : Json(expiration)}};
      const attest::Statement st = attest::refvals_statement(std::filesystem::path(args->out).filename().string(),
                                                             text, inputs, settings);
      const std::string bundle = attest::sign_statement(st, {*key}, attest::SignFormat::Bundle);
      write_files_atomic({{args->out, text}, {args->out + ".sigstore.json", bundle}});  // both or neither
      outputs.push_back(args->out + ".sigstore.json");
    } else {
      write_file_atomic(args->out, text);
    }
    Json names = Json::array();
    for (const auto& v : values) names.push_back(v.name);
    ctx.emit({{"format", args->format}, {"encoding", attest::to_string(encoding)}, {"outputs", outputs}, {"names", names}},
             [&](std::ostream& os) {
               for (const auto& o : outputs) os << "wrote " << o.get<std::string>() << '\n';
             }, outputs.get<std::vector<std::string>>());
  });
}

}  // namespace coco::cli
