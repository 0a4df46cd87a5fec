// SPDX-License-Identifier: Apache-2.0
// Recorded agent requests (`coco policy test --requests FILE`), for users who copy them from a
// node's agent log, and bare policies (`--policy FILE`).
//
// Accepted request files:
//   1. Agent log lines, one request per line, as the Kata agent logs what it asks its policy:
//        ["ep":"CreateContainerRequest",{…}],
//      Text before `["ep":"` on a line (a log prefix) is ignored; blank lines are skipped; any other
//      line is an error naming file:line.
//   2. JSON: one request object with its name given separately (--kind), an object
//      {"kind": NAME, "request": {…}}, or an array of those (Kata's genpolicy testcases.json shape;
//      an "allowed" member there becomes the expected answer, "description" the label).
// Request names must be entry points the agent queries (agent.proto's requests, plus
// AllowRequestsFailingPolicy, which the agent reads at start).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/simulate.h"
#include "rego/rego.h"

namespace coco::policy {

struct RecordedRequest {
  Request request;                 // container empty, what = "line N" or the description
  std::optional<bool> expected;    // from a testcases.json "allowed"
};

// `kind` names the request of a file holding one bare JSON object; empty otherwise.
std::vector<RecordedRequest> parse_requests(std::string_view text, const std::string& name, const std::string& kind = "");

bool known_request_kind(std::string_view kind);

// Syntax a policy is parsed with: V1 when it imports rego.v1 or writes rule bodies with `if`
// (OPA 1.0 style, future.keywords imports allowed: coco's rules); V0 otherwise (genpolicy's
// rules.rego, which imports future.keywords.in/every, and the regorus replays).
rego::Syntax detect_syntax(std::string_view rego);

}  // namespace coco::policy
