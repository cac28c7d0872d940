#pragma once
// RAII owners for the OpenSSL and libjwt handles the gateway uses.

#include <cstdlib>
#include <memory>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace shoppulse::gateway::detail {

struct BioFree {
  void operator()(BIO* p) const noexcept { BIO_free_all(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const noexcept { BN_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const noexcept { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};
struct JwtFree {
  void operator()(jwt_t* p) const noexcept { jwt_free(p); }
};
// Strings libjwt allocates with malloc (jwt_encode_str, jwt_get_grants_json).
struct MallocFree {
  void operator()(char* p) const noexcept { std::free(p); }
};

using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;
using MallocString = std::unique_ptr<char, MallocFree>;

}  // namespace shoppulse::gateway::detail
