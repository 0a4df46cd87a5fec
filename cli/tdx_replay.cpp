// SPDX-License-Identifier: Apache-2.0
// coco tdx replay: replay a CCEL event log into RTMR0-3, list its events and, with --expected,
// show per register the first event where the log and coco's expectation diverge.
#include <iomanip>

#include "commands.h"
#include "io.h"
#include "tdx/ccel.h"
#include "tdx/replay_diff.h"
#include "util/encoding.h"
#include "util/file.h"

namespace coco::cli {
namespace {

Json hex_or_null(const std::optional<ByteVec>& d) { return d ? Json(to_hex(*d)) : Json(nullptr); }

Json diff_json(const tdx::RegisterDiff& d) {
  Json j = {{"register", d.rtmr},
            {"match", d.match()},
            {"replayed", to_hex(d.replayed)},
            {"expected", hex_or_null(d.expected)},
            {"log_events", d.log_events},
            {"expected_events", d.expected_events},
            {"unchecked_events", d.unchecked},
            {"first_divergence", nullptr}};
  if (d.diverges_at)
    j["first_divergence"] = {{"index", *d.diverges_at},
                             {"log", {{"description", d.log_description}, {"digest", hex_or_null(d.log_digest)}}},
                             {"expected", {{"description", d.expected_description}, {"digest", hex_or_null(d.expected_digest)}}}};
  return j;
}

void print_text(std::ostream& os, const tdx::EventLog& log, const std::array<ByteVec, tdx::kRtmrCount>& r,
                const std::vector<tdx::RegisterDiff>* diffs, const Style& st) {
  for (std::size_t i = 0; i < r.size(); ++i) os << "RTMR" << i << "  " << to_hex(r[i]) << '\n';
  // The same register names as `coco measure tdx --explain`: RTMR0-3 (CCEL MR index 1-4), MRTD (0).
  os << '\n' << st.bold("OFFSET    REGISTER  TYPE                              DIGEST / DESCRIPTION") << '\n';
  for (const auto& e : log.events) {
    const std::string reg = e.replayed() ? "RTMR" + std::to_string(*e.rtmr())
                            : e.mr_index == 0 ? std::string("MRTD")
                                              : "MR" + std::to_string(e.mr_index);
    os << std::left << std::setw(10) << hex_number(e.offset) << std::setw(10) << reg << std::setw(34)
       << tdx::event_type_name(e.type) << (e.sha384 ? to_hex(*e.sha384) : std::string("-")) << '\n'
       << std::string(54, ' ') << st.dim(e.description + (e.replayed() ? "" : " (not replayed)")) << '\n';
  }
  if (diffs == nullptr) return;
  os << '\n';
  for (const auto& d : *diffs) {
    os << "RTMR" << d.rtmr << "  " << (d.match() ? st.green("match") : st.red("MISMATCH")) << "  (" << d.log_events
       << " logged, " << d.expected_events << " expected events";
    if (d.unchecked > 0) os << ", " << d.unchecked << " taken from the log unchecked";
    os << ")\n";
    if (d.diverges_at) {
      os << "  first divergence at event " << *d.diverges_at + 1 << ":\n"
         << "    log:      " << (d.log_description.empty() && !d.log_digest ? "(no more events)" : d.log_description) << '\n'
         << "              " << (d.log_digest ? to_hex(*d.log_digest) : "") << '\n'
         << "    expected: " << (d.expected_description.empty() && !d.expected_digest ? "(no more events)" : d.expected_description) << '\n'
         << "              " << (d.expected_digest ? to_hex(*d.expected_digest) : "") << '\n';
    } else if (!d.match()) {
      os << "  events agree but the expected value " << to_hex(*d.expected) << " differs\n";
    }
  }
}

}  // namespace

void add_tdx_replay(CLI::App& tdx, Context& ctx) {
  auto ccel = std::make_shared<std::string>();
  auto expected = std::make_shared<std::string>();
  CLI::App* cmd = tdx.add_subcommand("replay", "Replay a TDX CCEL event log into RTMR0-3 and diff it against an expectation");
  cmd->add_option("--ccel", *ccel, "event log (/sys/firmware/acpi/tables/data/CCEL in the guest)")->required()->check(input_file());
  cmd->add_option("--expected", *expected, "JSON of 'coco measure tdx --output json' to compare with")->check(input_file());
  set_examples(cmd, {ctx.program + " tdx replay --ccel /sys/firmware/acpi/tables/data/CCEL",
                     ctx.program + " measure tdx --firmware OVMF.fd --kernel vmlinuz --output json > expected.json",
                     ctx.program + " tdx replay --ccel ccel.bin --expected expected.json"});
  set_quiet_output(cmd, "RTMR0 to RTMR3 as replayed");
  cmd->callback([ccel, expected, &ctx] {
    const ByteVec bytes = read_binary_file(*ccel, 16 << 20);
    const tdx::EventLog log = tdx::parse_ccel(Reader(bytes, *ccel));
    const auto r = tdx::replay(log);
    Json events = Json::array();
    for (const auto& e : log.events)
      events.push_back({{"offset", e.offset},
                        {"mr_index", e.mr_index},
                        {"register", e.replayed() ? Json(*e.rtmr()) : Json(nullptr)},
                        {"type", tdx::event_type_name(e.type)},
                        {"description", e.description},
                        {"digest", hex_or_null(e.sha384)}});
    Json rtmr = Json::array();
    for (const auto& v : r) rtmr.push_back(to_hex(v));
    Json out = {{"ccel", *ccel}, {"rtmr", rtmr}, {"events", events}};
    std::vector<tdx::RegisterDiff> diffs;
    if (!expected->empty()) {
      const auto want = tdx::parse_expectation(parse_json(read_text_file(*expected), *expected), *expected);
      diffs = tdx::diff_log(log, want);
      Json dj = Json::array();
      for (const auto& d : diffs) {
        dj.push_back(diff_json(d));
        if (!d.match()) ctx.exit_code = 1;
      }
      out["diff"] = dj;
    }
    ctx.emit(out, [&](std::ostream& os) { print_text(os, log, r, expected->empty() ? nullptr : &diffs, ctx.out_style()); },
             {to_hex(r[0]), to_hex(r[1]), to_hex(r[2]), to_hex(r[3])});
  });
}

}  // namespace coco::cli
