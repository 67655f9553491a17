#pragma once
// Checks on a scenario's raw text before the YAML parser sees it: things the
// parser rejects with a poor message (tabs, invalid UTF-8, unclosed quotes) or
// handles by deep recursion (nesting). Also finds the key a line belongs to,
// so parser errors can name it.
#include <string>

namespace gs {

// Input files are read whole, so they must be regular files: a FIFO or pipe
// blocks the read forever, a device such as /dev/zero never ends, and a
// directory has no size. Throws InputError naming the path and what it is;
// a path that cannot be examined is left to the caller's open to report.
void require_regular_file(const std::string& path, const std::string& what);

// Throws InputError("origin:line:col: key: what ...") for the first problem.
void check_scenario_text(const std::string& text, const std::string& origin, int max_nesting);

// Dotted key path of the mapping entry on a 0-based line (or the nearest one
// above it), judged by indentation: "model.organisers.count". "" when none.
std::string key_path_at(const std::string& text, int line);

// Where a parser error should point: for an unclosed [ or {, the line and
// column of the opener; otherwise the given position. 0-based.
void locate_unclosed_flow(const std::string& text, int& line, int& column);

}  // namespace gs
