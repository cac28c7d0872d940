// CA bundle selection order, and proof that HTTPS verification is enforced:
// a server with a self-signed certificate is refused unless that certificate
// is the configured bundle.

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "shoppulse/aws/ca_bundle.h"
#include "shoppulse/aws/http_client.h"
#include "shoppulse/fakes/fake_aws.h"
#include "shoppulse/fakes/test_tls.h"

namespace shoppulse::aws {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "shoppulse-aws-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name, const std::string& content = "pem") const {
    const fs::path path = path_ / name;
    std::ofstream(path) << content;
    return path.string();
  }
  std::string missing(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

TEST(AwsCaBundle, PrecedenceConstructorThenAwsCaBundleThenSslCertFileThenSystem) {
  TempDir dir;
  const std::string ctor = dir.file("ctor.pem");
  const std::string aws = dir.file("aws.pem");
  const std::string ssl = dir.file("ssl.pem");
  const std::string system = dir.file("system.pem");
  const std::string absent = dir.missing("al2023.crt");
  const std::array<std::string_view, 2> candidates{absent, system};
  const auto env = env::MapSource({{"AWS_CA_BUNDLE", aws}, {"SSL_CERT_FILE", ssl}});

  auto chosen = select_ca_bundle(ctor, env, candidates);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->path, ctor);
  EXPECT_EQ(chosen->source, "constructor");

  chosen = select_ca_bundle(std::nullopt, env, candidates);
  EXPECT_EQ(chosen->path, aws);
  EXPECT_EQ(chosen->source, "AWS_CA_BUNDLE");

  chosen = select_ca_bundle(std::nullopt, env::MapSource({{"SSL_CERT_FILE", ssl}}), candidates);
  EXPECT_EQ(chosen->path, ssl);

  chosen = select_ca_bundle(std::nullopt, env::MapSource({}), candidates);
  EXPECT_EQ(chosen->path, system);
  EXPECT_EQ(chosen->source, "system");
}

TEST(AwsCaBundle, AmazonLinuxBundleWinsOverDebianWhenBothExist) {
  TempDir dir;
  const std::string amazon = dir.file("ca-bundle.crt");
  const std::string debian = dir.file("ca-certificates.crt");
  const std::array<std::string_view, 2> candidates{amazon, debian};
  EXPECT_EQ(select_ca_bundle(std::nullopt, env::MapSource({}), candidates)->path, amazon);
  // The real list is in that order too.
  EXPECT_EQ(kSystemCaBundles[0], "/etc/pki/tls/certs/ca-bundle.crt");
  EXPECT_EQ(kSystemCaBundles[1], "/etc/ssl/certs/ca-certificates.crt");
}

TEST(AwsCaBundle, NothingFoundFallsBackToOpenSslDefault) {
  TempDir dir;
  const std::string absent = dir.missing("none.crt");
  const std::array<std::string_view, 1> candidates{absent};
  auto chosen = select_ca_bundle(std::nullopt, env::MapSource({}), candidates);
  ASSERT_TRUE(chosen.ok());
  EXPECT_TRUE(chosen->path.empty());
  EXPECT_EQ(chosen->source, "openssl_default");
}

TEST(AwsCaBundle, ConfiguredButMissingIsAnErrorNamingTheSetting) {
  TempDir dir;
  auto result = select_ca_bundle(std::nullopt, env::MapSource({{"AWS_CA_BUNDLE", dir.missing("gone.pem")}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_config");
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(result.error().message.find("AWS_CA_BUNDLE"), std::string::npos);
  EXPECT_FALSE(select_ca_bundle(dir.missing("ctor.pem"), env::MapSource({})).ok());
}

class AwsHttpsVerification : public testing::Test {
 protected:
  void SetUp() override {
    auto identity = fakes::make_self_signed_identity();
    ASSERT_TRUE(identity.ok()) << identity.error().message;
    cert_path_ = dir_.file("fake-ca.pem", identity->cert_pem);
    fakes::FakeAwsOptions options;
    options.tls_cert_pem = identity->cert_pem;
    options.tls_key_pem = identity->key_pem;
    fake_ = std::make_unique<fakes::FakeAws>(options);
    ASSERT_TRUE(fake_->start().ok());
  }

  Result<HttpResponse> get_health(const std::string& ca_bundle) {
    HttpClientOptions options;
    options.ca_bundle = ca_bundle;
    auto client = HttpClient::create(options);
    if (!client) return fail(client.error());
    return (*client)->perform(HttpRequest{"GET", fake_->endpoint_url() + "/__fake/health", {}, ""});
  }

  TempDir dir_;
  std::string cert_path_;
  std::unique_ptr<fakes::FakeAws> fake_;
};

TEST_F(AwsHttpsVerification, TrustsTheServerOnlyThroughTheConfiguredBundle) {
  ASSERT_EQ(fake_->endpoint_url().rfind("https://", 0), 0u);
  auto trusted = get_health(cert_path_);
  ASSERT_TRUE(trusted.ok()) << trusted.error().message;
  EXPECT_EQ(trusted->status, 200);

  // Any other trust store (here: an unrelated self-signed CA) must refuse it.
  auto other = fakes::make_self_signed_identity();
  ASSERT_TRUE(other.ok());
  auto refused = get_health(dir_.file("other-ca.pem", other->cert_pem));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kErrTlsFailed);
  EXPECT_EQ(refused.error().kind, ErrorKind::kUnavailable);
}

// The bundle is indexed by subject and a certificate parsed only when a chain
// needs it: the issuer must be found wherever it stands in a large bundle,
// past blocks that are not certificates, by IP address and by host name.
TEST_F(AwsHttpsVerification, FindsTheIssuerAmongManyRootsPastOtherBlocks) {
  auto system = select_ca_bundle(std::nullopt, env::MapSource({}));
  ASSERT_TRUE(system.ok());
  std::ifstream system_file(system->path);
  std::stringstream bundle;
  bundle << system_file.rdbuf();
  bundle << "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n";
  bundle << "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
  std::ifstream fake_cert(cert_path_);
  bundle << fake_cert.rdbuf();
  const std::string path = dir_.file("system-plus-fake.pem", bundle.str());
  auto by_address = get_health(path);
  ASSERT_TRUE(by_address.ok()) << by_address.error().message;
  EXPECT_EQ(by_address->status, 200);

  const std::string by_name_url = "https://localhost:" + std::to_string(fake_->port()) + "/__fake/health";
  HttpClientOptions options;
  options.ca_bundle = path;
  auto client = HttpClient::create(options);
  ASSERT_TRUE(client.ok());
  auto by_name = (*client)->perform(HttpRequest{"GET", by_name_url, {}, ""});
  ASSERT_TRUE(by_name.ok()) << by_name.error().message;
  EXPECT_EQ(by_name->status, 200);
}

TEST_F(AwsHttpsVerification, ABundleWithoutCertificatesIsATlsError) {
  auto refused = get_health(dir_.file("empty.pem", "no certificates here\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kErrTlsFailed);
  EXPECT_EQ(refused.error().message.find("empty.pem"), std::string::npos) << "no path in messages";
}

TEST_F(AwsHttpsVerification, SystemBundleDoesNotTrustASelfSignedServer) {
  auto system = select_ca_bundle(std::nullopt, env::MapSource({}));
  ASSERT_TRUE(system.ok());
  auto refused = get_health(system->path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, kErrTlsFailed);
}

}  // namespace
}  // namespace shoppulse::aws
