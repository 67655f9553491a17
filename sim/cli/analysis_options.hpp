#pragma once
// Options and printing shared by the analysis commands (compare, summarize).
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/table.hpp"

namespace gs {

// "final" -> nullopt; a step number -> that step; anything else is an InputError.
std::optional<std::uint32_t> parse_at_option(const std::string& at);

void print_result(std::ostream& out, TableFormat format, const std::string& title, const Table& table,
                  const std::vector<std::vector<std::string>>& text_groups, const std::string& meta_json);

}  // namespace gs
