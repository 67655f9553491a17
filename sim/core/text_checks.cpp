#include "sim/core/text_checks.hpp"

#include <sys/stat.h>

#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/input_error.hpp"

namespace gs {
namespace {

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return lines;
}

bool is_blank_or_comment(std::string_view line) {
  const auto first = line.find_first_not_of(" \t");
  return first == std::string_view::npos || line[first] == '#';
}

// Column where the content starts after spaces and "- " sequence markers,
// and how many markers there were.
std::size_t content_start(std::string_view line, int* markers = nullptr) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return line.size();
  int dashes = 0;
  while (i + 1 < line.size() && line[i] == '-' && line[i + 1] == ' ') {
    ++dashes;
    i = line.find_first_not_of(" \t", i + 1);
    if (i == std::string_view::npos) return line.size();
  }
  if (markers) *markers = dashes;
  return i;
}

// The key of a "key: value" or "key:" line, unquoted; "" when the line holds none.
std::string key_on_line(std::string_view line, std::size_t start) {
  if (start >= line.size()) return "";
  const char first = line[start];
  if (first == '#' || first == '[' || first == '{' || first == '-' || first == '?') return "";
  if (first == '"' || first == '\'') {
    const auto close = line.find(first, start + 1);
    if (close == std::string_view::npos || close + 1 >= line.size() || line[close + 1] != ':') return "";
    return std::string(line.substr(start + 1, close - start - 1));
  }
  for (std::size_t i = start; i < line.size(); ++i) {
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t'))
      return std::string(line.substr(start, i - start));
    if (line[i] == '#' && i > start && line[i - 1] == ' ') return "";
  }
  return "";
}

[[noreturn]] void fail(const std::string& text, const std::string& origin, std::size_t line, std::size_t column,
                       const std::string& what) {
  const std::string key = key_path_at(text, static_cast<int>(line));
  throw InputError(origin + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
                   (key.empty() ? "" : key + ": ") + what);
}

// Tracks [ and { outside quoted scalars and comments, line by line.
struct FlowScanner {
  std::vector<std::pair<std::size_t, std::size_t>> open;  // (line, column) of each unclosed opener
  std::size_t deepest = 0;  // most openers at once on the last line scanned
  std::size_t deepest_column = 0;

  // Returns false when a quoted scalar starting on this line is not closed on it.
  bool scan(std::string_view line, std::size_t number, std::size_t* unclosed_quote) {
    char previous = ' ';  // last non-space character, to tell a quote that opens a scalar from an apostrophe
    deepest = open.size();
    deepest_column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return true;
      const bool opens_scalar = previous == ' ' || previous == ':' || previous == '-' || previous == '[' ||
                                previous == '{' || previous == ',' || previous == '?';
      if ((c == '"' || c == '\'') && opens_scalar) {
        std::size_t j = i + 1;
        for (; j < line.size(); ++j) {
          if (c == '"' && line[j] == '\\') {
            ++j;
          } else if (line[j] == c) {
            if (c == '\'' && j + 1 < line.size() && line[j + 1] == '\'') {
              ++j;
            } else {
              break;
            }
          }
        }
        if (j >= line.size()) {
          *unclosed_quote = i;
          return false;
        }
        i = j;
        previous = c;
        continue;
      }
      if (c == '[' || c == '{') {
        open.emplace_back(number, i);
        if (open.size() > deepest) {
          deepest = open.size();
          deepest_column = i;
        }
      }
      if ((c == ']' || c == '}') && !open.empty()) open.pop_back();
      if (c != ' ' && c != '\t') previous = c;
    }
    return true;
  }
};

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned min = 0;
  if ((b & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  unsigned code = b & (0x7Fu >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    code = (code << 6) | (c & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

void require_regular_file(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return;
  const char* kind = S_ISDIR(st.st_mode)    ? "a directory"
                     : S_ISFIFO(st.st_mode) ? "a FIFO or pipe"
                     : S_ISCHR(st.st_mode)  ? "a character device"
                     : S_ISBLK(st.st_mode)  ? "a block device"
                     : S_ISSOCK(st.st_mode) ? "a socket"
                                            : "not a regular file";
  throw InputError(path + ": is " + kind + ", not a regular file; expected " + what);
}

std::string key_path_at(const std::string& text, int line) {
  const auto lines = split_lines(text);
  if (line < 0 || lines.empty()) return "";
  std::size_t at = std::min(static_cast<std::size_t>(line), lines.size() - 1);
  std::vector<std::string> path;
  std::size_t indent = std::string_view::npos;  // of the last key found; parents sit further left
  for (std::size_t i = at + 1; i-- > 0;) {
    const std::string_view l = lines[i];
    if (l == "---" || l == "...") break;
    if (is_blank_or_comment(l)) continue;
    const std::size_t start = content_start(l);
    if (indent != std::string_view::npos && start >= indent) continue;
    const std::string key = key_on_line(l, start);
    // A parent opens a nested mapping: nothing after its colon but a comment.
    if (!key.empty() && indent != std::string_view::npos) {
      const auto after = l.find_first_not_of(" \t", l.find(':', start + key.size()) + 1);
      if (after != std::string_view::npos && l[after] != '#') continue;
    }
    if (key.empty()) {
      if (indent == std::string_view::npos && i != at) break;  // the line is not under a key we can name
      continue;
    }
    path.insert(path.begin(), key);
    indent = start;
    if (start == 0) break;
  }
  std::string out;
  for (const auto& k : path) out += (out.empty() ? "" : ".") + k;
  return out;
}

void check_scenario_text(const std::string& text, const std::string& origin, int max_nesting) {
  std::size_t line = 0, column = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_length(text, i);
    if (n == 0)
      fail(text, origin, line, column,
           "not valid UTF-8 text (byte " + std::to_string(static_cast<unsigned char>(text[i])) +
               "); a scenario is a UTF-8 YAML file");
    if (text[i] == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
    i += n;
  }

  const auto lines = split_lines(text);
  std::vector<std::size_t> indents;  // open block levels, by column
  FlowScanner flow;
  bool content = false;  // seen anything but comments and directives
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view l = lines[i];
    if (is_blank_or_comment(l)) continue;
    const bool document_start = l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    if (document_start && content)
      fail(text, origin, i, 0, "a second YAML document starts here; a scenario file holds one");
    if (l[0] == '%' || document_start) {
      if (document_start && l.size() > 3) content = true;  // "--- value" on the marker line
      continue;
    }
    content = true;
    const auto lead = l.find_first_not_of(" \t");
    if (l.substr(0, lead).find('\t') != std::string_view::npos)
      fail(text, origin, i, l.find('\t'), "a tab is used for indentation; YAML allows only spaces there");
    int markers = 0;
    const std::size_t start = content_start(l, &markers);
    const bool inside_flow = !flow.open.empty();  // a continued [...] or {...}: indentation means nothing
    std::size_t quote = 0;
    if (!flow.scan(l, i, &quote))
      fail(text, origin, i, quote, "the quoted value is not closed on this line (missing closing quote?)");
    if (!inside_flow) {
      while (!indents.empty() && indents.back() > lead) indents.pop_back();
      if (indents.empty() || indents.back() < lead) indents.push_back(lead);
    }
    const std::size_t block = inside_flow ? indents.size() : indents.size() + static_cast<std::size_t>(markers);
    if (block + flow.deepest > static_cast<std::size_t>(max_nesting))
      fail(text, origin, i, flow.deepest > 0 ? flow.deepest_column : start,
           "nested more than " + std::to_string(max_nesting) + " levels deep");
  }
}

void locate_unclosed_flow(const std::string& text, int& line, int& column) {
  const auto lines = split_lines(text);
  FlowScanner flow;
  std::size_t quote = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) flow.scan(lines[i], i, &quote);
  if (flow.open.empty()) return;
  line = static_cast<int>(flow.open.back().first);
  column = static_cast<int>(flow.open.back().second);
}

}  // namespace gs
