// SPDX-License-Identifier: Apache-2.0
// Terminal behaviour: colour (NO_COLOR, --color, TERM=dumb) and a progress line that is drawn on
// stderr only when stderr is a terminal, --quiet is off and CI is unset.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace coco {

enum class ColorMode { Auto, Always, Never };

ColorMode parse_color_mode(std::string_view name);  // throws coco::Error (Usage)
bool stderr_is_tty();
bool stdout_is_tty();
// The decision for one stream, from the mode, NO_COLOR, TERM and whether it is a TTY.
bool use_color(ColorMode mode, bool stream_is_tty);

// ANSI styling that turns into plain text when colour is off.
struct Style {
  bool enabled = false;
  std::string bold(std::string_view s) const;
  std::string red(std::string_view s) const;
  std::string green(std::string_view s) const;
  std::string yellow(std::string_view s) const;
  std::string dim(std::string_view s) const;
};

// A thread-safe progress line: "label  done/total unit". Redrawn at most 10 times a second;
// finish() clears it. Does nothing when disabled.
class Progress {
 public:
  Progress(bool enabled, std::string label, std::uint64_t total, std::string unit);
  ~Progress();
  void advance(std::uint64_t amount);
  void set_label(std::string label);
  void finish();
  bool enabled() const { return enabled_; }

 private:
  void draw_locked(bool force);
  bool enabled_;
  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  std::string unit_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::mutex mutex_;
  bool drawn_ = false;
};

// Whether progress may be drawn at all (TTY, not quiet, CI unset).
bool progress_allowed(bool quiet);

std::string human_bytes(std::uint64_t n);  // "1.5 MiB"

}  // namespace coco
