#include "tests/testing/certificates.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens::testing {
namespace {

// Runs a shell command in `folder`. On failure, returns its output.
absl::Status Run(const std::string& folder, const std::string& command) {
  const std::string log = absl::StrCat(folder, "/openssl.log");
  const std::string line =
      absl::StrCat("cd '", folder, "' && ", command, " >>'", log, "' 2>&1");
  if (std::system(line.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("command failed: ", command,
                                            "\n", ReadFileOrEmpty(log)));
  }
  return absl::OkStatus();
}

// Makes NAME.key and NAME.pem for `subject`, signed by the CA, with the
// extensions of `extensions_file`.
absl::Status MakeSigned(const std::string& folder, const std::string& name,
                        const std::string& subject,
                        const std::string& extensions_file) {
  absl::Status status = Run(
      folder, absl::StrCat("openssl req -new -newkey ec -pkeyopt "
                           "ec_paramgen_curve:prime256v1 -nodes -keyout ",
                           name, ".key -out ", name, ".csr -subj '", subject,
                           "'"));
  if (!status.ok()) return status;
  return Run(folder,
             absl::StrCat("openssl x509 -req -in ", name,
                          ".csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                          "-days 2 -out ",
                          name, ".pem -extfile ", extensions_file));
}

}  // namespace

absl::StatusOr<CertificateFiles> MakeCertificates(const std::string& folder) {
  std::ofstream(folder + "/server.ext")
      << "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
         "extendedKeyUsage = serverAuth\n";
  std::ofstream(folder + "/client.ext") << "extendedKeyUsage = clientAuth\n";

  absl::Status status =
      Run(folder,
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
          "-nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=Test CA'");
  if (status.ok()) {
    status = MakeSigned(folder, "server", "/CN=localhost", "server.ext");
  }
  if (status.ok()) {
    status = MakeSigned(folder, "gateway", "/O=Example/CN=gateway",
                        "client.ext");
  }
  if (status.ok()) {
    status = MakeSigned(folder, "intruder", "/CN=intruder", "client.ext");
  }
  if (!status.ok()) return status;

  CertificateFiles files;
  files.ca_cert = folder + "/ca.pem";
  files.server_cert = folder + "/server.pem";
  files.server_key = folder + "/server.key";
  files.gateway_cert = folder + "/gateway.pem";
  files.gateway_key = folder + "/gateway.key";
  files.intruder_cert = folder + "/intruder.pem";
  files.intruder_key = folder + "/intruder.key";
  return files;
}

}  // namespace accesstokens::testing
