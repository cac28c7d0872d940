#pragma once
// The README's "Configuration" table, read by the tests that hold the code
// to it: each row's variable names and the backticked values of its
// "default" cell. SHOPPULSE_SOURCE_DIR is defined for every test.

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace shoppulse::testing_readme {

struct ConfigRow {
  std::vector<std::string> variables;  // `NAME`s of the first cell
  std::vector<std::string> defaults;   // `value`s of the second cell, in order
};

inline std::vector<std::string> ticked(const std::string& cell) {
  static const std::regex pattern("`([^`]+)`");
  std::vector<std::string> values;
  for (std::sregex_iterator it(cell.begin(), cell.end(), pattern), last; it != last; ++it) values.push_back((*it)[1]);
  return values;
}

inline std::vector<ConfigRow> readme_config_rows(const std::string& source_dir) {
  std::ifstream in(source_dir + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const auto start = readme.find("\n## Configuration\n");
  if (start == std::string::npos) return {};
  const auto end = readme.find("\n## ", start + 1);
  std::istringstream section(readme.substr(start, end - start));
  std::vector<ConfigRow> rows;
  for (std::string line; std::getline(section, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto first_bar = line.find('|', 1);
    const auto second_bar = line.find('|', first_bar + 1);
    rows.push_back(
        {ticked(line.substr(1, first_bar - 1)), ticked(line.substr(first_bar + 1, second_bar - first_bar - 1))});
  }
  return rows;
}

}  // namespace shoppulse::testing_readme
