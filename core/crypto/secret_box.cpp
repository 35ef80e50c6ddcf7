#include "crypto/secret_box.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "crypto/encoding.hpp"
#include "crypto/random.hpp"

namespace scratch::crypto {
namespace {

constexpr std::size_t kNonce = 12, kTag = 16;
constexpr std::string_view kPrefix = "v1:";

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != 32) throw std::invalid_argument("the master key must be 32 bytes");
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view associated_data) const {
  const std::string nonce = random_bytes(kNonce);
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(nonce);
  out.resize(kNonce + plaintext.size() + kTag);
  int len = 0, total = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonce;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst, &len, bytes(plaintext), static_cast<int>(plaintext.size())) != 1) {
    throw std::runtime_error("AES-GCM encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, dst + total + len) != 1) {
    throw std::runtime_error("AES-GCM encryption failed");
  }
  return std::string(kPrefix) + base64_encode(out);
}

std::optional<std::string> SecretBox::open(std::string_view sealed, std::string_view associated_data) const {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const auto raw = base64_decode(sealed.substr(kPrefix.size()));
  if (!raw || raw->size() < kNonce + kTag) return std::nullopt;
  const std::string_view all(*raw);
  const auto nonce = all.substr(0, kNonce);
  const auto body = all.substr(kNonce, all.size() - kNonce - kTag);
  std::string tag(all.substr(all.size() - kTag));
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(body.size(), '\0');
  int len = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), dst, &len, bytes(body), static_cast<int>(body.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1) {
    return std::nullopt;
  }
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), dst + len, &final_len) != 1) return std::nullopt;  // tag mismatch
  out.resize(static_cast<std::size_t>(len + final_len));
  return out;
}

}  // namespace scratch::crypto
