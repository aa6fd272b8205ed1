// Test certificates made with the openssl command line: a CA, a server
// certificate for 127.0.0.1 and localhost, and client certificates.
#ifndef ACCESSTOKENS_TESTS_TESTING_CERTIFICATES_H_
#define ACCESSTOKENS_TESTS_TESTING_CERTIFICATES_H_

#include <string>

#include "absl/status/statusor.h"

namespace accesstokens::testing {

// Paths of PEM files in one folder.
struct CertificateFiles {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
  // Subject "CN=gateway,O=Example", signed by the CA.
  std::string gateway_cert;
  std::string gateway_key;
  // Subject "CN=intruder", signed by the CA.
  std::string intruder_cert;
  std::string intruder_key;
};

// Creates the certificates in `folder`, valid for two days. Fails with the
// command's output if openssl fails.
absl::StatusOr<CertificateFiles> MakeCertificates(const std::string& folder);

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_CERTIFICATES_H_
