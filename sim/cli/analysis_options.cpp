#include "sim/cli/analysis_options.hpp"

#include <cctype>

#include "sim/scenario/scenario.hpp"

namespace gs {

std::optional<std::uint32_t> parse_at_option(const std::string& at) {
  if (at == "final" || at == "end") return std::nullopt;
  bool digits = !at.empty() && at.size() < 10;
  for (char c : at) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (!digits) throw InputError("--at: '" + at + "' is not a step; allowed: final or a step number 0..steps");
  return static_cast<std::uint32_t>(std::stoul(at));
}

void print_result(std::ostream& out, TableFormat format, const std::string& title, const Table& table,
                  const std::vector<std::vector<std::string>>& text_groups, const std::string& meta_json) {
  switch (format) {
    case TableFormat::text:
      out << title << "\n\n";
      print_text(out, table, text_groups);
      break;
    case TableFormat::csv: print_csv(out, table); break;
    case TableFormat::json: print_json(out, table, meta_json); break;
  }
}

}  // namespace gs
