// SPDX-License-Identifier: Apache-2.0
#include "util/term.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "util/error.h"

namespace coco {
namespace {

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

std::string wrap(bool on, const char* code, std::string_view s) {
  if (!on) return std::string(s);
  return std::string("\x1b[") + code + "m" + std::string(s) + "\x1b[0m";
}

}  // namespace

ColorMode parse_color_mode(std::string_view name) {
  if (name == "auto") return ColorMode::Auto;
  if (name == "always") return ColorMode::Always;
  if (name == "never") return ColorMode::Never;
  throw Error(Exit::Usage, "--color: unknown mode '" + std::string(name) + "' (auto, always, never)");
}

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }
bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

bool use_color(ColorMode mode, bool stream_is_tty) {
  if (mode == ColorMode::Always) return true;
  if (mode == ColorMode::Never) return false;
  if (env_set("NO_COLOR")) return false;
  if (const char* term = std::getenv("TERM"); term != nullptr && std::string_view(term) == "dumb") return false;
  return stream_is_tty;
}

std::string Style::bold(std::string_view s) const { return wrap(enabled, "1", s); }
std::string Style::red(std::string_view s) const { return wrap(enabled, "31", s); }
std::string Style::green(std::string_view s) const { return wrap(enabled, "32", s); }
std::string Style::yellow(std::string_view s) const { return wrap(enabled, "33", s); }
std::string Style::dim(std::string_view s) const { return wrap(enabled, "2", s); }

bool progress_allowed(bool quiet) { return !quiet && !env_set("CI") && stderr_is_tty(); }

std::string human_bytes(std::uint64_t n) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

Progress::Progress(bool enabled, std::string label, std::uint64_t total, std::string unit)
    : enabled_(enabled), label_(std::move(label)), total_(total), unit_(std::move(unit)) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::uint64_t amount) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  done_ += amount;
  draw_locked(false);
}

void Progress::set_label(std::string label) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  label_ = std::move(label);
  draw_locked(true);
}

void Progress::finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  if (drawn_) std::cerr << "\r\x1b[2K" << std::flush;
  drawn_ = false;
  enabled_ = false;
}

void Progress::draw_locked(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  std::string amount = unit_ == "bytes" ? human_bytes(done_) : std::to_string(done_);
  if (total_ > 0) amount += " / " + (unit_ == "bytes" ? human_bytes(total_) : std::to_string(total_) + " " + unit_);
  std::cerr << "\r\x1b[2K" << label_ << "  " << amount << std::flush;
}

}  // namespace coco
