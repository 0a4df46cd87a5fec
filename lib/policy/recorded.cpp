// SPDX-License-Identifier: Apache-2.0
#include "policy/recorded.h"

#include <algorithm>
#include <iterator>

#include "util/error.h"

namespace coco::policy {
namespace {

// The agent's policy entry points: agent.proto's request messages (Kata 7c6ba40c) and the
// settings the agent reads from the policy itself.
constexpr std::string_view kKinds[] = {
    "AddARPNeighborsRequest", "AddSwapPathRequest", "AddSwapRequest", "AllowRequestsFailingPolicy",
    "CloseStdinRequest", "CopyFileRequest", "CreateContainerRequest", "CreateSandboxRequest",
    "DestroySandboxRequest", "ExecProcessRequest", "GetDiagnosticDataRequest", "GetIPTablesRequest",
    "GetMetricsRequest", "GetOOMEventRequest", "GuestDetailsRequest", "ListInterfacesRequest", "ListRoutesRequest",
    "MemAgentCompactConfig", "MemAgentCompactSetRequest", "MemAgentMemcgConfig", "MemAgentMemcgSetRequest",
    "MemHotplugByProbeRequest", "OnlineCPUMemRequest", "PauseContainerRequest", "ReadStreamRequest",
    "RemoveContainerRequest", "RemoveStaleVirtiofsShareMountsRequest", "ReseedRandomDevRequest",
    "ResizeVolumeRequest", "ResumeContainerRequest", "SetGuestDateTimeRequest", "SetIPTablesRequest",
    "SetPolicyRequest", "SignalProcessRequest", "StartContainerRequest", "StartTracingRequest",
    "StatsContainerRequest", "StopTracingRequest", "TtyWinResizeRequest", "UpdateContainerRequest",
    "UpdateEphemeralMountsRequest", "UpdateInterfaceRequest", "UpdateRoutesRequest", "VolumeStatsRequest",
    "WaitProcessRequest", "WriteStreamRequest"};

void check_kind(const std::string& kind, const std::string& where) {
  if (!known_request_kind(kind))
    fail(where, "unknown request name '" + kind + "' (expected an agent request such as CreateContainerRequest)");
}

RecordedRequest from_case(const Json& c, const std::string& where) {
  if (!c.is_object() || !c.contains("kind") || !c["kind"].is_string() || !c.contains("request"))
    fail(where, "expected an object with \"kind\" and \"request\"");
  const std::string kind = c["kind"];
  check_kind(kind, where);
  if (!c["request"].is_object()) fail(where, "\"request\" must be an object");
  RecordedRequest r;
  r.request = {kind, c["request"], "", c.contains("description") && c["description"].is_string() ? c["description"].get<std::string>() : where, true};
  if (c.contains("allowed")) {
    if (!c["allowed"].is_boolean()) fail(where, "\"allowed\" must be true or false");
    r.expected = c["allowed"].get<bool>();
  }
  return r;
}

}  // namespace

bool known_request_kind(std::string_view kind) {
  return std::find(std::begin(kKinds), std::end(kKinds), kind) != std::end(kKinds);
}

std::vector<RecordedRequest> parse_requests(std::string_view text, const std::string& name, const std::string& kind) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) fail(name, "no requests in the file");
  std::vector<RecordedRequest> out;
  constexpr std::string_view kTag = "[\"ep\":\"";
  if (text.find(kTag) == std::string_view::npos) {  // plain JSON
    const Json j = parse_json(text, name);
    if (!kind.empty()) {
      check_kind(kind, name);
      if (!j.is_object()) fail(name, "--kind " + kind + ": expected one JSON object (the request)");
      out.push_back({{kind, j, "", name, true}, std::nullopt});
    } else if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) out.push_back(from_case(j[i], name + ": [" + std::to_string(i) + "]"));
    } else if (j.is_object() && j.contains("kind")) {
      out.push_back(from_case(j, name));
    } else {
      fail(name, "a bare request object needs its name (--kind NAME), or write {\"kind\": NAME, \"request\": {…}}");
    }
    if (out.empty()) fail(name, "no requests in the file");
    return out;
  }
  if (!kind.empty()) fail(name, "--kind is for a file holding one JSON request; agent log lines name their own");
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = name + ":" + std::to_string(line_no);
    const std::size_t at = line.find(kTag);
    if (at == std::string_view::npos) fail(where, "expected an agent log line [\"ep\":\"<Request>\",{…}]");
    line.remove_prefix(at + kTag.size());
    const std::size_t q = line.find('"');
    if (q == std::string_view::npos || q + 1 >= line.size() || line[q + 1] != ',')
      fail(where, "expected \"ep\":\"<Request>\", followed by the request object");
    const std::string ep(line.substr(0, q));
    check_kind(ep, where);
    std::string_view body = line.substr(q + 2);
    if (!body.empty() && body.back() == ',') body.remove_suffix(1);
    if (body.empty() || body.back() != ']') fail(where, ep + ": the line is cut short (no closing ']')");
    body.remove_suffix(1);
    const Json j = parse_json(body, where + " (" + ep + ")");
    if (!j.is_object()) fail(where, ep + ": the request must be a JSON object");
    out.push_back({{ep, j, "", "line " + std::to_string(line_no), true}, std::nullopt});
  }
  return out;
}

rego::Syntax detect_syntax(std::string_view rego) {
  // OPA 1.0 accepts future.keywords imports, so a module whose rules use `if` parses as v1;
  // genpolicy's rules import future.keywords.in/every but write v0 bodies.
  if (rego.find("import rego.v1") != std::string_view::npos) return rego::Syntax::V1;
  return rego.find(" if {") != std::string_view::npos || rego.find(" if\n") != std::string_view::npos ? rego::Syntax::V1
                                                                                                    : rego::Syntax::V0;
}

}  // namespace coco::policy
