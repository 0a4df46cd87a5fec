// SPDX-License-Identifier: Apache-2.0
#include "policy/resources.h"

#include <cctype>

#include "util/error.h"

namespace coco::policy {
namespace {

using U128 = unsigned __int128;
constexpr U128 kLimit = static_cast<U128>(1) << 100;  // far above any real quantity; keeps products in range

void mul(U128& x, U128 f, const std::string& where, const std::string& text) {
  if (x != 0 && f > kLimit / x) fail(where, "quantity '" + text + "' is out of range");
  x *= f;
}

U128 pow_u(U128 base, int exp, const std::string& where, const std::string& text) {
  U128 r = 1;
  for (int i = 0; i < exp; ++i) mul(r, base, where, text);
  return r;
}

std::string str_of(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

bool same(const Quantity& a, const Quantity& b) {
  constexpr U128 kSmall = static_cast<U128>(1) << 62;  // products of two stay below 2^124
  if (a.num > kSmall || a.den > kSmall || b.num > kSmall || b.den > kSmall) return false;
  return a.num * b.den == b.num * a.den;
}

Quantity of(U128 num, U128 den = 1) { return {num, den}; }

// Ceiling of a / b for the integers kubelet divides (it uses float64; exact below 2^53).
std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

const Json* resource_of(const Json& container, const char* section, const std::string& name) {
  if (!container.contains("resources") || !container["resources"].is_object()) return nullptr;
  const Json& r = container["resources"];
  if (!r.contains(section) || !r[section].is_object() || !r[section].contains(name) || r[section][name].is_null()) return nullptr;
  return &r[section][name];
}

const Json* find_container(const Json& pod_spec, const std::string& name) {
  for (const char* list : {"containers", "initContainers"})
    if (pod_spec.contains(list) && pod_spec[list].is_array())
      for (const auto& c : pod_spec[list])
        if (c.is_object() && c.contains("name") && c["name"] == name) return &c;
  return nullptr;
}

}  // namespace

Quantity parse_quantity(const Json& value, const std::string& where) {
  if (!value.is_string() && !value.is_number()) fail(where, "expected a quantity, found " + value.dump());
  const std::string text = str_of(value);
  std::size_t i = 0;
  if (i < text.size() && text[i] == '+') ++i;
  if (i < text.size() && text[i] == '-') fail(where, "quantity '" + text + "' is negative");
  Quantity q;
  std::size_t digits = 0;
  int fraction = 0;
  bool point = false;
  for (; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || (text[i] == '.' && !point)); ++i) {
    if (text[i] == '.') {
      point = true;
      continue;
    }
    if (++digits > 24) fail(where, "quantity '" + text + "' has too many digits");
    q.num = q.num * 10 + static_cast<unsigned>(text[i] - '0');
    if (point) ++fraction;
  }
  if (digits == 0) fail(where, "quantity '" + text + "' does not start with a number");
  q.den = pow_u(10, fraction, where, text);
  const std::string suffix = text.substr(i);
  static const char* const kBinary[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  static const char* const kDecimal[] = {"k", "M", "G", "T", "P", "E"};
  if (suffix.empty()) return q;
  for (int k = 0; k < 6; ++k) {
    if (suffix == kBinary[k]) {
      mul(q.num, pow_u(2, 10 * (k + 1), where, text), where, text);
      return q;
    }
    if (suffix == kDecimal[k]) {
      mul(q.num, pow_u(10, 3 * (k + 1), where, text), where, text);
      return q;
    }
  }
  if (suffix == "m" || suffix == "u" || suffix == "n") {
    mul(q.den, pow_u(10, suffix == "m" ? 3 : suffix == "u" ? 6 : 9, where, text), where, text);
    return q;
  }
  if ((suffix[0] == 'e' || suffix[0] == 'E') && suffix.size() > 1) {
    std::size_t j = 1;
    const bool negative = suffix[j] == '-';
    if (suffix[j] == '-' || suffix[j] == '+') ++j;
    if (j == suffix.size() || suffix.size() - j > 2) fail(where, "quantity '" + text + "' has a bad exponent");
    int exp = 0;
    for (; j < suffix.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(suffix[j]))) fail(where, "quantity '" + text + "' has a bad exponent");
      exp = exp * 10 + (suffix[j] - '0');
    }
    mul(negative ? q.den : q.num, pow_u(10, exp, where, text), where, text);
    return q;
  }
  fail(where, "quantity '" + text + "' has an unknown suffix '" + suffix + "'");
}

std::uint64_t quantity_value(const Quantity& q, const std::string& where) {
  const U128 v = q.num / q.den + (q.num % q.den != 0 ? 1 : 0);
  if (v > (static_cast<U128>(1) << 62)) fail(where, "quantity is out of range");
  return static_cast<std::uint64_t>(v);
}

std::uint64_t quantity_milli_value(const Quantity& q, const std::string& where) {
  return quantity_value(Quantity{q.num * 1000, q.den}, where);
}

std::optional<std::string> resource_field_value(const Json& ref, const Json& container, const Json& pod_spec,
                                                const std::string& where) {
  if (!ref.is_object() || !ref.contains("resource") || !ref["resource"].is_string()) fail(where, "resource: expected a string");
  const std::string resource = ref["resource"];
  const Json* c = &container;
  if (ref.contains("containerName") && ref["containerName"].is_string() && !ref["containerName"].get<std::string>().empty()) {
    c = find_container(pod_spec, ref["containerName"].get<std::string>());
    if (c == nullptr) fail(where, "containerName '" + ref["containerName"].get<std::string>() + "' is not a container of the pod");
  }
  const auto dot = resource.find('.');
  const std::string section = dot == std::string::npos ? "" : resource.substr(0, dot);
  const std::string name = dot == std::string::npos ? "" : resource.substr(dot + 1);
  const bool cpu = name == "cpu";
  if ((section != "limits" && section != "requests") ||
      (!cpu && name != "memory" && name != "ephemeral-storage" && name.rfind("hugepages-", 0) != 0))
    fail(where, "resource '" + resource + "' is not one kubelet provides (limits. or requests. of cpu, memory, "
                "ephemeral-storage, hugepages-<size>)");
  // The API server's divisors: 1m or 1 for cpu; 1, a decimal or a binary power for the others.
  const Quantity divisor = ref.contains("divisor") && !ref["divisor"].is_null() ? parse_quantity(ref["divisor"], where + ".divisor")
                                                                               : of(1);
  bool valid = same(divisor, of(1));
  if (cpu) valid = valid || same(divisor, of(1, 1000));
  for (int k = 1; k <= 6 && !cpu; ++k)
    valid = valid || same(divisor, of(pow_u(10, 3 * k, where, ""))) || same(divisor, of(pow_u(2, 10 * k, where, "")));
  if (!valid) fail(where, "divisor '" + str_of(ref["divisor"]) + "' is not allowed for " + resource);
  // A request left unset defaults to the limit (API defaulting); a limit left unset is the node's.
  const Json* v = resource_of(*c, section.c_str(), name);
  if (v == nullptr && section == "requests") v = resource_of(*c, "limits", name);
  if (v == nullptr) return std::nullopt;
  return divided_resource_value(parse_quantity(*v, where + ": resources." + section + "." + name), divisor, cpu, where);
}

std::string divided_resource_value(const Quantity& value, const Quantity& divisor, bool cpu, const std::string& where) {
  const std::uint64_t num = cpu ? quantity_milli_value(value, where) : quantity_value(value, where);
  const std::uint64_t den = cpu ? quantity_milli_value(divisor, where) : quantity_value(divisor, where);
  if (den == 0) fail(where, "resourceFieldRef: divisor 0");
  return std::to_string(ceil_div(num, den));
}

}  // namespace coco::policy
