// coco refvals: Trustee reference values (RVPS sample message, operator ConfigMap entries) from
// coco's measurement, policy and image-hash JSON outputs; optionally signed as a Sigstore bundle.
#include <filesystem>

#include "attest/refvals.h"
#include "attest/signing.h"
#include "commands.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {

namespace {
struct RefvalsArgs {
  std::vector<std::string> snp, tdx, policy, image_hashes;
  std::string format = "trustee-rvps", encoding, trustee_version, expires, out, sign_key, pass_file;
};

std::vector<attest::NamedInput> read_inputs(const std::vector<std::string>& paths) {
  std::vector<attest::NamedInput> out;
  for (const auto& p : paths) out.push_back({p, read_text_file(p)});
  return out;
}
}  // namespace

void add_refvals(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<RefvalsArgs>();
  CLI::App* cmd = app.add_subcommand("refvals", "Trustee reference values from coco's measurement, policy and "
                                                "image-hash JSON");
  cmd->add_option("--snp", args->snp, "coco measure snp --output json files (snp_launch_measurement)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tdx", args->tdx, "coco measure tdx --output json files (mr_td, rtmr_0-3)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--policy", args->policy, "coco policy generate --output json files (snp_init_data, "
                                            "mr_config_id, container_images)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--image-hashes", args->image_hashes, "coco image hash --output json files (container_images)")
      ->check(CLI::ExistingFile);
  add_choice(cmd, ctx, "--format", args->format, {"trustee-rvps", "trustee-configmap", "json"},
             "trustee-rvps: RVPS registration message (type sample); trustee-configmap: the operator's "
             "reference-values.json array; json: coco's own listing");
  add_choice(cmd, ctx, "--encoding", args->encoding, {"hex", "base64"},
             "SNP measurement/init_data encoding (default: what --trustee-version reads, else hex)");
  cmd->add_option("--trustee-version", args->trustee_version,
                  "Trustee release the values are for (SNP values are base64 before v0.18.0, hex from it)");
  cmd->add_option("--expires", args->expires, "expiration, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (default: one year)");
  cmd->add_option("-o,--out", args->out, "write the document here instead of stdout");
  cmd->add_option("--sign-key", args->sign_key, "also sign the output (-o) into OUT.sigstore.json with this key");
  cmd->add_option("--key-pass-file", args->pass_file, "passphrase of an encrypted --sign-key (else COCO_KEY_PASSWORD)")
      ->check(CLI::ExistingFile);
  set_examples(cmd, {ctx.program + " refvals --snp snp.json --policy policy.json > rvps-message.json",
                     ctx.program + " refvals --tdx tdx-a.json --tdx tdx-b.json --format trustee-configmap "
                                   "--expires 2027-01-01",
                     ctx.program + " refvals --snp snp.json --trustee-version v0.17.0 -o rv.json --sign-key cosign.key"});
  cmd->callback([args, &ctx] {
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
    if (!args->sign_key.empty() && args->out.empty()) usage_error("--sign-key signs a file: name it with -o");
    const std::string expiration =
        args->expires.empty() ? attest::expiration_one_year_from_now() : attest::parse_expiration(args->expires);
    std::optional<attest::PrivateKey> key;  // loaded first: a bad key fails before anything is written
    if (!args->sign_key.empty()) {
      std::string warning;
      key = attest::load_signing_key(args->sign_key, args->pass_file, &warning);
      if (!warning.empty()) ctx.warn(warning);
    }
    const attest::RefvalInputs inputs{read_inputs(args->snp), read_inputs(args->tdx), read_inputs(args->policy),
                                      read_inputs(args->image_hashes)};
    const auto values = attest::collect_reference_values(inputs, encoding);
    const Json doc = args->format == "trustee-rvps"        ? attest::trustee_rvps_message(values)
                     : args->format == "trustee-configmap" ? attest::trustee_configmap(values, expiration)
                                                           : attest::refvals_json(values, encoding, version, expiration);
    if (args->out.empty()) {
      ctx.emit(doc, [&](std::ostream& os) { os << render_json(doc); });
      return;
    }
    const std::string text = render_json(doc);
    Json outputs = Json::array({args->out});
    if (key) {
      const Json settings = {{"format", args->format}, {"encoding", attest::to_string(encoding)},
                             {"trustee_version", version ? Json(version->text()) : Json(nullptr)},
                             {"expiration", expiration}};
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
             });
  });
}

}  // namespace coco::cli
