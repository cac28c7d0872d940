#include "text_diff.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace shoppulse::replay {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct Edit {
  char op;  // ' ', '-', '+'
  std::string line;
};

// LCS table: goldens are pretty JSON of at most a few thousand lines, so the
// quadratic table is fine; beyond that fall back to a plain listing.
std::vector<Edit> edits(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<Edit> out;
  if (a.size() * b.size() > 25'000'000) {
    for (const auto& l : a) out.push_back({'-', l});
    for (const auto& l : b) out.push_back({'+', l});
    return out;
  }
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n && j < m) {
    if (a[i] == b[j]) {
      out.push_back({' ', a[i]});
      ++i;
      ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push_back({'-', a[i++]});
    } else {
      out.push_back({'+', b[j++]});
    }
  }
  while (i < n) out.push_back({'-', a[i++]});
  while (j < m) out.push_back({'+', b[j++]});
  return out;
}

}  // namespace

std::string unified_diff(const std::string& expected, const std::string& actual, int context) {
  const auto all = edits(split_lines(expected), split_lines(actual));
  const auto ctx = static_cast<std::size_t>(std::max(0, context));
  std::vector<bool> keep(all.size(), false);
  bool changed = false;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (all[k].op == ' ') continue;
    changed = true;
    const std::size_t from = k >= ctx ? k - ctx : 0;
    const std::size_t to = std::min(all.size(), k + ctx + 1);
    for (std::size_t x = from; x < to; ++x) keep[x] = true;
  }
  if (!changed) return {};
  std::ostringstream out;
  out << "--- expected\n+++ actual\n";
  bool in_hunk = false;
  for (std::size_t k = 0; k < all.size(); ++k) {
    if (!keep[k]) {
      in_hunk = false;
      continue;
    }
    if (!in_hunk) out << "@@\n";
    in_hunk = true;
    out << all[k].op << all[k].line << '\n';
  }
  return out.str();
}

}  // namespace shoppulse::replay
