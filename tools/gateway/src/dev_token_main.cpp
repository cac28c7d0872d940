// dev_token: local dev keys and Cognito-like ID tokens for local_gateway.
//
//   dev_token keygen --out FILE
//       writes a new RSA-2048 private key (PEM, mode 0600)
//   dev_token issue --key FILE [--alg RS256|HS256] --sub SUB [--tenant UUID]
//                   [--role admin|analyst|viewer] [--email E] [--issuer ISS]
//                   [--audience AUD] [--ttl 12h|30m|3600|-1h] [--claim k=v]...
//       prints a signed token (RS256: FILE is the private key; HS256: FILE
//       holds the shared secret). A negative --ttl gives an expired token.
//   dev_token seeded --key FILE [--issuer ISS] [--audience AUD] [--ttl 12h]
//       prints `export ACME_ADMIN_TOKEN=...` lines (RS256), one per seeded
//       user (gateway::kSeededUsers): what ./run.sh writes to tokens.env.

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "shoppulse/core/log.h"
#include "shoppulse/gateway/dev_tokens.h"
#include "shoppulse/gateway/jwt_keys.h"

namespace {

using namespace shoppulse;

// As long as a working day, like the tokens ./run.sh prints.
constexpr std::int64_t kDefaultTtlSeconds = std::int64_t{12} * 3600;

int usage() {
  std::cerr << "usage: dev_token keygen --out FILE\n"
               "       dev_token issue --key FILE [--alg RS256|HS256] --sub SUB [--tenant UUID] [--role R]\n"
               "                       [--email E] [--issuer ISS] [--audience AUD] [--ttl 12h] [--claim k=v]...\n"
               "       dev_token seeded --key FILE [--issuer ISS] [--audience AUD] [--ttl 12h]\n";
  return 2;
}

// "12h", "30m", "45s", "2d", "3600", "-1h"
bool parse_ttl(const std::string& text, std::int64_t& out) {
  if (text.empty()) return false;
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  const std::string unit = text.substr(used);
  long long scale = 1;
  if (unit == "m") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  } else if (unit == "d") {
    scale = 86400;
  } else if (!unit.empty() && unit != "s") {
    return false;
  }
  out = value * scale;
  return true;
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

int keygen(const std::vector<std::string>& args) {
  if (args.size() != 2 || args[0] != "--out") return usage();
  auto pem = gateway::generate_rsa_private_key_pem();
  if (!pem) {
    std::cerr << "dev_token: " << pem.error().message << "\n";
    return 1;
  }
  const mode_t old_mask = ::umask(077);
  std::ofstream out(args[1], std::ios::binary | std::ios::trunc);
  out << *pem;
  out.close();
  ::umask(old_mask);
  if (!out) {
    std::cerr << "dev_token: cannot write " << args[1] << "\n";
    return 1;
  }
  return 0;
}

// Reads the signing key into `spec` (and, for RS256, the kid local_gateway
// derives from the same key, so a regenerated key cleanly invalidates old
// tokens). Prints why not and returns false on failure.
bool load_key(const std::string& key_file, gateway::TokenSpec& spec) {
  if (!read_file(key_file, spec.key)) {
    std::cerr << "dev_token: cannot read " << key_file << "\n";
    return false;
  }
  if (spec.alg == "HS256") {
    while (!spec.key.empty() && (spec.key.back() == '\n' || spec.key.back() == '\r')) spec.key.pop_back();
    return true;
  }
  auto public_pem = gateway::public_key_pem(spec.key);
  if (!public_pem) {
    std::cerr << "dev_token: " << key_file << ": " << public_pem.error().message << "\n";
    return false;
  }
  spec.kid = gateway::key_id_for(*public_pem);
  return true;
}

// Signs `spec` as of now; prints the token, or why not.
bool print_token(gateway::TokenSpec& spec, std::int64_t ttl) {
  spec.issued_at = now_epoch_ms() / 1000;
  spec.ttl_seconds = ttl;
  auto token = gateway::issue_token(spec);
  if (!token) {
    std::cerr << "dev_token: " << token.error().message << "\n";
    return false;
  }
  std::cout << *token << "\n";
  return true;
}

// The flags of `issue`; `seeded` accepts the ones that are not about one user.
struct IssueFlags {
  std::string key_file;
  std::string alg = "RS256";
  std::string sub;
  std::string tenant;
  std::string role;
  std::string email;
  std::string issuer = gateway::kDevIssuer;
  std::string audience = gateway::kDevAudience;
  std::int64_t ttl = kDefaultTtlSeconds;
  std::vector<std::pair<std::string, std::string>> extra;

  [[nodiscard]] bool names_a_user() const {
    return alg != "RS256" || !sub.empty() || !tenant.empty() || !role.empty() || !email.empty() || !extra.empty();
  }
};

bool parse_flags(const std::vector<std::string>& args, IssueFlags& flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return false;
    const std::string& flag = args[i];
    const std::string& value = args[++i];
    if (flag == "--key") {
      flags.key_file = value;
    } else if (flag == "--alg") {
      flags.alg = value;
    } else if (flag == "--sub") {
      flags.sub = value;
    } else if (flag == "--tenant") {
      flags.tenant = value;
    } else if (flag == "--role") {
      flags.role = value;
    } else if (flag == "--email") {
      flags.email = value;
    } else if (flag == "--issuer") {
      flags.issuer = value;
    } else if (flag == "--audience") {
      flags.audience = value;
    } else if (flag == "--ttl") {
      if (!parse_ttl(value, flags.ttl)) return false;
    } else if (flag == "--claim") {
      const auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) return false;
      flags.extra.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else {
      return false;
    }
  }
  return !flags.key_file.empty();
}

int issue(const std::vector<std::string>& args) {
  IssueFlags flags;
  if (!parse_flags(args, flags) || flags.sub.empty()) return usage();
  gateway::TokenSpec spec;
  spec.alg = flags.alg;
  if (!load_key(flags.key_file, spec)) return 1;
  spec.claims =
      gateway::cognito_id_claims(flags.sub, flags.tenant, flags.role, flags.email, flags.issuer, flags.audience);
  if (flags.tenant.empty()) spec.claims.erase("custom:tenant_id");
  if (flags.role.empty()) spec.claims.erase("custom:role");
  if (flags.email.empty()) spec.claims.erase("email");
  for (const auto& [name, value] : flags.extra) spec.claims[name] = value;
  return print_token(spec, flags.ttl) ? 0 : 1;
}

int seeded(const std::vector<std::string>& args) {
  IssueFlags flags;
  if (!parse_flags(args, flags) || flags.names_a_user()) return usage();
  gateway::TokenSpec spec;
  if (!load_key(flags.key_file, spec)) return 1;
  for (const gateway::SeededUser& user : gateway::kSeededUsers) {
    spec.claims =
        gateway::cognito_id_claims(user.sub, user.tenant_id, user.role, user.email, flags.issuer, flags.audience);
    std::cout << "export " << user.variable << "_TOKEN=";
    if (!print_token(spec, flags.ttl)) return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "keygen") return keygen(args);
  if (command == "issue") return issue(args);
  if (command == "seeded") return seeded(args);
  return usage();
}
