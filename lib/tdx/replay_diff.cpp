// SPDX-License-Identifier: Apache-2.0
#include "tdx/replay_diff.h"

#include "util/encoding.h"
#include "util/error.h"

namespace coco::tdx {
namespace {

std::optional<ByteVec> digest_field(const Json& j, const std::string& where, const std::string& field) {
  if (j.is_null()) return std::nullopt;
  if (!j.is_string()) fail(where, field + ": expected a hex string or null");
  ByteVec d = from_hex(j.get<std::string>(), where + ": " + field);
  if (d.size() != kSha384Size) fail(where, field + ": expected 48 bytes (SHA-384), found " + std::to_string(d.size()));
  return d;
}

}  // namespace

Expectation parse_expectation(const Json& j, const std::string& where) {
  Expectation e;
  if (!j.is_object() || !j.contains("rtmr") || !j.contains("events"))
    fail(where, "not the JSON of 'coco measure tdx --output json' (needs \"rtmr\" and \"events\")");
  const Json& rtmr = j["rtmr"];
  if (!rtmr.is_array() || rtmr.size() != kRtmrCount) fail(where, "rtmr: expected an array of 4");
  for (std::size_t i = 0; i < kRtmrCount; ++i) e.rtmr[i] = digest_field(rtmr[i], where, "rtmr[" + std::to_string(i) + "]");
  if (!j["events"].is_array()) fail(where, "events: expected an array");
  std::size_t i = 0;
  for (const Json& ev : j["events"]) {
    const std::string at = "events[" + std::to_string(i++) + "]";
    if (!ev.is_object() || !ev.contains("register") || !ev["register"].is_number_integer())
      fail(where, at + ".register: expected 0..3");
    const int reg = ev["register"].get<int>();
    if (reg < 0 || reg >= static_cast<int>(kRtmrCount)) fail(where, at + ".register: expected 0..3, found " + std::to_string(reg));
    Event x;
    x.rtmr = reg;
    x.description = ev.contains("description") && ev["description"].is_string() ? ev["description"].get<std::string>() : "";
    if (ev.contains("type") && ev["type"].is_string()) x.description = ev["type"].get<std::string>() + " " + x.description;
    x.digest = digest_field(ev.contains("digest") ? ev["digest"] : Json(nullptr), where, at + ".digest");
    e.events.push_back(std::move(x));
  }
  return e;
}

std::vector<RegisterDiff> diff_log(const EventLog& log, const Expectation& expected) {
  const auto replayed = replay(log);
  std::vector<RegisterDiff> out;
  for (std::size_t r = 0; r < kRtmrCount; ++r) {
    RegisterDiff d;
    d.rtmr = static_cast<int>(r);
    d.replayed = replayed[r];
    d.expected = expected.rtmr[r];
    std::vector<const LogEvent*> got;
    for (const auto& e : log.events)
      if (e.replayed() && *e.rtmr() == d.rtmr) got.push_back(&e);
    std::vector<const Event*> want;
    for (const auto& e : expected.events)
      if (e.rtmr == d.rtmr) want.push_back(&e);
    d.log_events = got.size();
    d.expected_events = want.size();
    for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
      const LogEvent* g = i < got.size() ? got[i] : nullptr;
      const Event* w = i < want.size() ? want[i] : nullptr;
      if (g && w && !w->digest) {  // an input coco was not given (ACPI): the log's value is taken
        ++d.unchecked;
        continue;
      }
      if (g && w && *g->sha384 == *w->digest) continue;
      d.diverges_at = i;
      if (g) d.log_description = event_type_name(g->type) + " " + g->description, d.log_digest = g->sha384;
      if (w) d.expected_description = w->description, d.expected_digest = w->digest;
      break;
    }
    // A register whose expectation had to be null can still be checked event by event.
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace coco::tdx
