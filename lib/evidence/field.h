// SPDX-License-Identifier: Apache-2.0
// One printed field of a piece of evidence: its spec name, its value as text (hex in file order
// for byte arrays, 0x… for integers, as expected.tsv and trustee write them) and, for bit fields,
// the names of the bits set. `show` prints these lists; `check` looks fields up by name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/output.h"

namespace coco::evidence {

struct Field {
  std::string name;
  std::string value;
  std::vector<std::string> flags;  // decoded bit names ("SMT", "DEBUG", …), when the field has them
  std::string note;                // a decoded reading ("bootloader=3 tee=0 snp=8 microcode=115")
};

using Fields = std::vector<Field>;

// The value of the field named `name`, or nullopt.
std::optional<std::string> find_field(const Fields& fields, const std::string& name);

// {"name": value, …} plus "<name>_flags" / "<name>_decoded" members where the field has them.
Json fields_json(const Fields& fields);

// The names of the bits set in `value`, from a table of {bit, name}; unknown set bits read "bit N".
std::vector<std::string> bit_names(std::uint64_t value, const std::vector<std::pair<int, const char*>>& table);

}  // namespace coco::evidence
