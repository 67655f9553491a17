#include "analysis/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <utility>

#include "sim/scenario/scenario.hpp"

namespace gs {

Column numeric_column(std::string key, std::string heading, int digits) {
  Column c;
  c.key = std::move(key);
  c.heading = std::move(heading);
  c.digits = digits;
  return c;
}

namespace {

constexpr std::size_t text_width = 120;  // print_text fits this many columns

std::string format_text(const Column& c, const Cell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  const double* v = std::get_if<double>(&cell);
  if (!v || !std::isfinite(*v)) return "-";
  char buf[64];
  const double shown = c.percent ? *v * 100 : *v;
  std::snprintf(buf, sizeof buf, c.signed_number ? "%+.*g" : "%.*g", c.digits, shown);
  std::string out = buf;
  if (c.percent) out += "%";
  return out;
}

std::string format_exact(double v) {
  if (!std::isfinite(v)) return "";
  // Shortest of 15 or 17 significant digits that reads back as the same double.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

std::size_t column_index(const Table& t, const std::string& key) {
  for (std::size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].key == key) return i;
  return t.columns.size();
}

}  // namespace

TableFormat parse_table_format(const std::string& s) {
  if (s == "table" || s == "text") return TableFormat::text;
  if (s == "csv") return TableFormat::csv;
  if (s == "json") return TableFormat::json;
  throw InputError("--format: '" + s + "' is not a format; allowed: table, csv, json");
}

void print_text(std::ostream& out, const Table& t, const std::vector<std::vector<std::string>>& groups) {
  std::vector<std::vector<std::size_t>> blocks;
  for (const auto& g : groups) {
    std::vector<std::size_t> cols;
    for (const auto& key : g)
      if (std::size_t i = column_index(t, key); i < t.columns.size()) cols.push_back(i);
    if (cols.size() > 1) blocks.push_back(cols);
  }
  if (blocks.empty()) {
    blocks.emplace_back();
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      if (t.columns[i].in_text) blocks.back().push_back(i);
  }
  bool first_block = true;
  for (const auto& cols : blocks) {
    std::vector<std::vector<std::string>> cells(t.rows.size() + 1);
    std::vector<std::size_t> width(cols.size(), 0);
    for (std::size_t j = 0; j < cols.size(); ++j) cells[0].push_back(t.columns[cols[j]].heading);
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      for (std::size_t j = 0; j < cols.size(); ++j)
        cells[r + 1].push_back(format_text(t.columns[cols[j]], t.rows[r][cols[j]]));
    for (const auto& row : cells)
      for (std::size_t j = 0; j < cols.size(); ++j) width[j] = std::max(width[j], row[j].size());
    // Fit text_width: the label at most half of it, any other column at most what is left beside the label
    // (longer cells end in "..."; CSV and JSON keep them whole); then the block is cut into pieces that fit,
    // each led by the label.
    width[0] = std::min(width[0], text_width / 2);
    for (std::size_t j = 1; j < cols.size(); ++j) width[j] = std::min(width[j], text_width - 2 - width[0]);
    for (auto& row : cells)
      for (std::size_t j = 0; j < cols.size(); ++j)
        if (row[j].size() > width[j]) row[j] = row[j].substr(0, width[j] - 3) + "...";
    std::vector<std::vector<std::size_t>> pieces{{0}};
    std::size_t used = width[0];
    for (std::size_t j = 1; j < cols.size(); ++j) {
      if (pieces.back().size() > 1 && used + 2 + width[j] > text_width) {
        pieces.push_back({0});
        used = width[0];
      }
      pieces.back().push_back(j);
      used += 2 + width[j];
    }
    for (const auto& piece : pieces) {
      if (!first_block) out << "\n";
      first_block = false;
      for (const auto& row : cells) {
        std::string line;
        for (std::size_t j : piece) {
          const bool left = j == 0 || std::holds_alternative<std::string>(t.rows.empty() ? Cell{} : t.rows[0][cols[j]]);
          const std::string pad(width[j] - row[j].size(), ' ');
          line += (j ? "  " : "") + (left ? row[j] + pad : pad + row[j]);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out << line << "\n";
      }
    }
  }
}

void print_csv(std::ostream& out, const Table& t) {
  bool first = true;
  for (const auto& c : t.columns) {
    if (!c.in_data) continue;
    out << (first ? "" : ",") << csv_field(c.key);
    first = false;
  }
  out << "\n";
  for (const auto& row : t.rows) {
    first = true;
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (!t.columns[j].in_data) continue;
      if (!first) out << ",";
      first = false;
      if (const auto* s = std::get_if<std::string>(&row[j])) out << csv_field(*s);
      if (const auto* v = std::get_if<double>(&row[j])) out << format_exact(*v);
    }
    out << "\n";
  }
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double v) { return std::isfinite(v) ? format_exact(v) : "null"; }

void print_json(std::ostream& out, const Table& t, const std::string& meta_json) {
  out << "{\"meta\": " << meta_json << ",\n \"rows\": [";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    out << (r ? ",\n  {" : "\n  {");
    bool first = true;
    for (std::size_t j = 0; j < t.columns.size(); ++j) {
      if (!t.columns[j].in_data) continue;
      out << (first ? "" : ", ") << json_string(t.columns[j].key) << ": ";
      first = false;
      const Cell& c = t.rows[r][j];
      if (const auto* s = std::get_if<std::string>(&c))
        out << json_string(*s);
      else if (const auto* v = std::get_if<double>(&c))
        out << json_number(*v);
      else
        out << "null";
    }
    out << "}";
  }
  out << "\n ]}\n";
}

}  // namespace gs
