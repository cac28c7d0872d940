// Replays every committed fuzz input (seeds and crash reproducers) through
// the fuzzed entry points under the dev preset's ASan/UBSan.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_entries.h"

namespace {

std::vector<std::filesystem::path> inputs(const char* target) {
  std::vector<std::filesystem::path> files;
  const auto dir = std::filesystem::path(SHOPPULSE_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(FuzzCorpus, EventPipelineSurvivesEveryCommittedInput) {
  const auto files = inputs("event_pipeline");
  ASSERT_GE(files.size(), 10U);
  for (const auto& file : files) {
    const std::string data = read(file);
    SCOPED_TRACE(file.filename().string());
    EXPECT_EQ(shoppulse::fuzz::event_pipeline(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST(FuzzCorpus, CodecsSurviveEveryCommittedInput) {
  const auto files = inputs("codecs");
  ASSERT_GE(files.size(), 5U);
  for (const auto& file : files) {
    const std::string data = read(file);
    SCOPED_TRACE(file.filename().string());
    EXPECT_EQ(shoppulse::fuzz::codecs(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST(FuzzCorpus, JsonReaderAgreesWithNlohmannOnEveryCommittedInput) {
  const auto files = inputs("json_reader");
  ASSERT_GE(files.size(), 5U);
  for (const auto& file : files) {
    const std::string data = read(file);
    SCOPED_TRACE(file.filename().string());
    EXPECT_EQ(shoppulse::fuzz::json_reader(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

TEST(FuzzCorpus, HttpResponseParsingSurvivesEveryCommittedInput) {
  const auto files = inputs("http_response");
  ASSERT_GE(files.size(), 5U);
  for (const auto& file : files) {
    const std::string data = read(file);
    SCOPED_TRACE(file.filename().string());
    EXPECT_EQ(shoppulse::fuzz::http_response(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()), 0);
  }
}

}  // namespace
