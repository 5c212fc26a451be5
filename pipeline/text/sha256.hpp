// SHA-256 of a byte string, as 64 lower-case hex digits (via OpenSSL's
// libcrypto). Used for the manifest's input hash.
#pragma once

#include <string>
#include <string_view>

namespace briefing::text {

std::string sha256_hex(std::string_view bytes);

}  // namespace briefing::text
