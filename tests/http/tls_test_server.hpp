#pragma once

// Test-only TLS: a throwaway self-signed certificate made with OpenSSL's C API, and a
// one-connection HTTPS server that answers with the SNI name it was sent.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace s3storm::http::testing {

// A self-signed certificate for "localhost" and 127.0.0.1, written as PEM into a temp dir.
class SelfSignedCert {
 public:
  SelfSignedCert() {
    key_.reset(EVP_EC_gen("P-256"));
    if (!key_) throw std::runtime_error("EC key generation failed");
    cert_.reset(X509_new());
    X509_set_version(cert_.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert_.get()), 3600);
    X509_set_pubkey(cert_.get(), key_.get());
    X509_NAME* name = X509_get_subject_name(cert_.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert_.get(), name);
    add_extension(NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    add_extension(NID_basic_constraints, "critical,CA:TRUE");
    if (!X509_sign(cert_.get(), key_.get(), EVP_sha256())) throw std::runtime_error("sign failed");

    char pattern[] = "/tmp/s3storm-tls-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    cert_path_ = dir_ / "cert.pem";
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(cert_path_.c_str(), "w"), &std::fclose);
    PEM_write_X509(file.get(), cert_.get());
  }
  ~SelfSignedCert() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::string cert_path() const { return cert_path_.string(); }
  X509* cert() const { return cert_.get(); }
  EVP_PKEY* key() const { return key_.get(); }

 private:
  void add_extension(int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert_.get(), cert_.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert_.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }

  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key_{nullptr, &EVP_PKEY_free};
  std::unique_ptr<X509, void (*)(X509*)> cert_{nullptr, &X509_free};
  std::filesystem::path dir_;
  std::filesystem::path cert_path_;
};

// Serves exactly one TLS connection (keep-alive) on 127.0.0.1; each response body is the SNI name.
class OneConnectionTlsServer {
 public:
  explicit OneConnectionTlsServer(const SelfSignedCert& cert)
      : context_(boost::asio::ssl::context::tls_server),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    SSL_CTX_use_certificate(context_.native_handle(), cert.cert());
    SSL_CTX_use_PrivateKey(context_.native_handle(), cert.key());
    thread_ = std::thread([this] { serve(); });
  }
  ~OneConnectionTlsServer() {
    if (!accepted_) {  // unblock accept() if the client never came
      boost::system::error_code ignored;
      boost::asio::ip::tcp::socket poke(io_);
      poke.connect(acceptor_.local_endpoint(), ignored);
      thread_.join();
      return;
    }
    thread_.join();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  bool handshake_ok() const { return handshake_ok_; }

 private:
  void serve() {
    namespace bhttp = boost::beast::http;
    boost::beast::ssl_stream<boost::asio::ip::tcp::socket> stream(acceptor_.accept(), context_);
    accepted_ = true;
    boost::system::error_code ec;
    stream.handshake(boost::asio::ssl::stream_base::server, ec);
    if (ec) return;
    handshake_ok_ = true;
    const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    boost::beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> request;
      bhttp::read(stream, buffer, request, ec);
      if (ec) return;
      bhttp::response<bhttp::string_body> response(bhttp::status::ok, 11);
      response.body() = sni ? sni : "(no sni)";
      response.prepare_payload();
      bhttp::write(stream, response, ec);
      if (ec) return;
    }
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> accepted_{false};
  std::atomic<bool> handshake_ok_{false};
};

}  // namespace s3storm::http::testing
