#pragma once
// A small table of results printed as aligned text, CSV or JSON: the output
// of `compare` and `summarize`. Cells hold text or numbers; a NaN number is
// shown as "-" in text, empty in CSV and null in JSON.
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

namespace gs {

enum class TableFormat { text, csv, json };
TableFormat parse_table_format(const std::string& s);  // "table" | "csv" | "json"; InputError otherwise

struct Column {
  std::string key;  // CSV header and JSON key
  std::string heading;  // text header
  int digits = 4;  // significant digits in text
  bool percent = false;  // text shows 100 x value with a % sign
  bool signed_number = false;  // text shows a leading + on positive numbers
  bool in_text = true;  // shown by print_text
  bool in_data = true;  // written by print_csv and print_json
};

// A column of numbers shown with `digits` significant digits.
Column numeric_column(std::string key, std::string heading, int digits = 4);

using Cell = std::variant<std::monostate, std::string, double>;

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has one cell per column
};

// Text: the columns in `groups` (each a list of column keys, the first
// repeated as a label) as separate aligned blocks, so wide tables stay readable.
// Every line fits 120 columns: a block too wide is cut into several, each led
// by the label, and a cell too long for a line is cut short with "...".
void print_text(std::ostream& out, const Table& t, const std::vector<std::vector<std::string>>& groups = {});
void print_csv(std::ostream& out, const Table& t);
// JSON: {"meta": <meta_json>, "rows": [{key: value, ...}, ...]}; meta_json is already JSON.
void print_json(std::ostream& out, const Table& t, const std::string& meta_json = "{}");

std::string json_string(const std::string& s);  // quoted and escaped
std::string json_number(double v);  // null for NaN/inf

}  // namespace gs
