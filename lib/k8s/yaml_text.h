// SPDX-License-Identifier: Apache-2.0
// Where YAML constructs end in the source text (the half of byte-preserving edits that yaml-cpp
// does not give: its marks say where a node starts, not where it ends). A scanner over the bytes
// of one stream, without recursion: flow collections are matched with a depth counter, quoted
// scalars by their escapes ('' in single quotes, \x in double quotes), block scalars and block
// mappings by indentation (YAML 1.2 §8.1, §8.2). A construct it cannot place throws
// TextUnsupported, and the caller re-renders the file rather than guess.
#pragma once

#include <string>
#include <string_view>

namespace coco::k8s {

struct TextUnsupported {
  std::string why;
};
[[noreturn]] void text_unsupported(const std::string& why);

class YamlText {
 public:
  explicit YamlText(std::string_view text);

  std::string_view text() const { return t_; }
  std::size_t size() const { return t_.size(); }
  char at(std::size_t p) const { return p < t_.size() ? t_[p] : '\0'; }
  std::size_t bom() const { return bom_; }       // 3 after a UTF-8 BOM (yaml-cpp marks skip it)
  const std::string& newline() const { return nl_; }  // "\r\n" when the file's first line ends so

  std::size_t line_start(std::size_t p) const;
  std::size_t line_end(std::size_t p) const;      // the '\r' or '\n' ending p's line, or size()
  std::size_t next_line(std::size_t p) const;     // after the line break, or size()
  std::size_t column(std::size_t p) const;        // bytes from the line start (BOM not counted)

  std::size_t skip_blanks(std::size_t p) const;                // spaces and tabs on one line
  std::size_t skip_space_and_comments(std::size_t p) const;    // across lines
  std::size_t skip_properties(std::size_t p) const;            // &anchor and !tag, then space
  bool comment_at(std::size_t p) const;                        // '#' after a blank or at line start

  // End (one past) of the scalar that starts at p: quoted, block (| >, content indented at least
  // min_indent), an alias (*name), or a plain scalar on one line.
  std::size_t scalar_end(std::size_t p, bool flow, std::size_t min_indent) const;
  std::size_t quoted_end(std::size_t p) const;

  struct Flow {
    std::size_t open = 0, close = 0;
    std::size_t last = 0;  // one past the last content byte inside (open + 1 when empty)
  };
  Flow flow_extent(std::size_t open) const;

  // Where a line-based insertion after the block mapping whose first key is at `first_key` goes:
  // the start of the line after its last line indented at least as far as that key.
  std::size_t block_mapping_end(std::size_t first_key) const;

  // One of ~ null Null NULL at p, followed by a blank, a comment, a line end or a flow indicator:
  // its length, else 0.
  std::size_t null_token(std::size_t p) const;

 private:
  std::string_view t_;
  std::size_t bom_ = 0;
  std::string nl_ = "\n";
};

// A string as a YAML scalar: plain when it is unambiguously a string in YAML 1.1 and 1.2 (and,
// with flow, has no flow indicator), else double-quoted with JSON escapes (a subset of YAML's).
std::string yaml_plain_or_quoted(const std::string& s, bool flow);
std::string yaml_double_quoted(const std::string& s);
std::string yaml_single_quoted(const std::string& s);  // falls back to double quotes for control bytes

}  // namespace coco::k8s
